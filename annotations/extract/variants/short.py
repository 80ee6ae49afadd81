"""Short forms (a lone surname, given names only, an acronym) resolved against full forms by context."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from annotations.extract.variants.analysis import Node, docs_of


@dataclass(frozen=True)
class ShortDecision:
    """What context says a short form names: `target` (a full form's node index) with a score,
    or None with the candidate clusters' roots; `reason` either way."""

    target: int | None
    score: float
    kind: str
    reason: str
    roots: list[int] = field(default_factory=list)


def resolve_short(
    short: Node,
    cands: dict[int, tuple[float, str]],
    nodes: list[Node],
    find,
    s_occ: list[int] | None = None,
) -> ShortDecision:
    """Decide whether a short form (surname, given names, acronym) names one full form.

    `cands` maps each candidate full form to (token similarity, kind). `s_occ` are the short
    form's occurrences; by default its own, but the caller adds every mention of the same
    normalised form whatever its label (small NER models often label a bare surname ORG or
    GPE right next to the PERSON full name).
    The decision names the full form (`target`) or, when context does not settle it, none."""
    s_docs = docs_of(short.occ if s_occ is None else s_occ)
    by_root: dict[int, list[int]] = defaultdict(list)
    for full in cands:
        by_root[find(full)].append(full)
    roots = sorted(by_root)
    kinds = {k for _, k in cands.values()}
    kind = (
        kinds.pop() if len(kinds) == 1 else "acronym" if all(k.startswith("acronym") for k in kinds) else "short form"
    )
    unique_docs, salient = _evidence(s_docs, by_root, nodes)
    if len(unique_docs) >= 2:
        return ShortDecision(None, 0.0, kind, f"{kind}; different full names in different documents", roots)
    if len(unique_docs) == 1:
        root = next(iter(unique_docs))
        if salient and salient.most_common(1)[0][0] != root:
            return ShortDecision(None, 0.0, kind, f"{kind}; context disagrees between documents", roots)
        n = unique_docs[root]
        reason = f"{kind}; unique full name in context ({_plural(n, 'document')})"
        base = 90.0
        if salient:
            reason += f", and the most salient where several are named ({_plural(sum(salient.values()), 'mention')})"
    elif salient:
        root, top = salient.most_common(1)[0]
        if top < 2 or top < 0.75 * sum(salient.values()):
            return ShortDecision(None, 0.0, kind, f"{kind}; ambiguous in context", roots)
        reason = f"{kind}; most salient full name in context ({_plural(top, 'mention')})"
        base = 87.0
    else:
        if len(roots) != 1:
            return ShortDecision(None, 0.0, kind, f"{kind}; {len(roots)} candidate full names in the corpus", roots)
        root = roots[0]
        reason = f"{kind}; unique full name in corpus"
        base = 86.0

    def shared(full: int) -> int:
        occ = nodes[full].occ
        return len({occ[k] for k in range(0, len(occ), 2) if occ[k] in s_docs})

    target = max(by_root[root], key=lambda full: (shared(full), nodes[full].count, cands[full][0], -full))
    sim, kind_t = cands[target]
    if kind_t != kind:
        reason = kind_t + reason[len(kind) :]
    score = base - 20.0 * (1.0 - sim)
    if sim < 1.0:
        reason += f"; {short.core[-1] if short.core else short.key}~{nodes[target].core[-1]} ({sim:.2f})"
    return ShortDecision(target, round(score, 1), kind, reason)


def _evidence(
    s_docs: dict[int, list[int]], by_root: dict[int, list[int]], nodes: list[Node]
) -> tuple[Counter[int], Counter[int]]:
    """What the short form's documents say: per candidate root, the documents where it is the
    only full name, and the short mentions it is the most salient full name at."""
    # positions of each candidate's full mentions in the documents of the short form
    by_doc: dict[int, dict[int, list[int]]] = defaultdict(dict)
    in_s_docs = s_docs.keys()
    for r, fulls in by_root.items():
        for full in fulls:
            occ = nodes[full].occ
            if in_s_docs.isdisjoint(occ[0::2]):  # mostly: nothing in the short form's documents
                continue
            for k in range(0, len(occ), 2):
                if occ[k] in s_docs:
                    by_doc[occ[k]].setdefault(r, []).append(occ[k + 1])
    unique_docs: Counter[int] = Counter()
    salient: Counter[int] = Counter()
    for d in sorted(by_doc):
        present = by_doc[d]
        if len(present) == 1:
            unique_docs[next(iter(present))] += 1
            continue
        # several candidates in one document: each short mention goes to the most salient
        # candidate so far (full mentions plus short mentions already resolved), ties to the
        # one introduced first
        events = sorted([(p, 0, r) for r, ps in present.items() for p in ps] + [(p, 1, -1) for p in s_docs[d]])
        count: Counter[int] = Counter()
        first: dict[int, int] = {}
        for pos, is_short, r in events:
            if not is_short:
                count[r] += 1
                first.setdefault(r, pos)
            elif count:
                # a short mention before any full name (a headline: "Qaddafi's son") is
                # cataphoric and ambiguous: no evidence
                top = max(count, key=lambda x: (count[x], -first[x]))
                count[top] += 1
                salient[top] += 1
    return unique_docs, salient


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
