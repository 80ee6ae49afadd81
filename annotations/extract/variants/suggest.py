"""suggest(): the linker end to end, as phases over a small state object.

_gather        mentions -> one node per normalised form in each comparison pool
_judgements    judgements -> latest verdict per node pair (phantom nodes for unknown forms)
per pool:
  _prepare       finish the nodes, build the token index (compare.TokenIndex)
  _compare       candidate pairs aligned and scored; cannot-links collected
  _places        two names of one place (Rostov-on-Don / Rostow am Don: exonyms.py)
  _acronyms      NRF ~ National Resistance Front
  _human         judgement edges: the resolver people's answers make
  _shorts        lone surnames, given names, acronyms resolved by context
  _cluster       final clusters; pairs people have not settled yet
  _same_forms    one normalised form written and labelled two ways (KABUL ORG / Kabul GPE)
_finish        sort, limit
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from annotations.extract.normalize import normalize, normalize_many
from annotations.extract.variants.analysis import Node, analyse, finish_node, settle_kind, top_label
from annotations.extract.variants.compare import TokenIndex
from annotations.extract.variants.exonyms import place_edges
from annotations.extract.variants.labels import NAME_POOL, label_group, pool
from annotations.extract.variants.model import Cluster, Judgement, Mention, Pair, Suggestions
from annotations.extract.variants.resolver import Resolver, latest_verdicts
from annotations.extract.variants.short import resolve_short
from annotations.extract.variants.tuning import CLUSTER_CONSTRAINT_CAP, SAME_FORM_SCORE
from annotations.extract.variants.verdict import Verdict

_MENTION_FIELDS = attrgetter("form", "label", "doc_id", "start", "gold")
_Edge = tuple[int, int]


def suggest(
    mentions: Iterable[Mention],
    judgements: Iterable[Judgement] = (),
    *,
    threshold: float = 85,
    limit: int | None = None,
    workers: int = -1,
    debug: bool = False,
) -> Suggestions:
    """Propose variant-spelling pairs and clusters for the given entity mentions.

    Name-like labels (PERSON, ORG, NORP, GPE, LOC, FAC) are compared with each other (a
    disagreement between label groups costs score and is given as a reason); any other label
    with itself; DATE, CARDINAL and other value labels never. Gold mentions' labels outrank the
    model's. Pairs are reported with the most frequent original spelling of each normalised
    form (and every spelling in `forms`), scored 0-100 with human-readable reasons, best first
    (at most `limit`). Judged pairs, and pairs earlier judgements imply, are never proposed
    again; "same" judgements join clusters and "different" ones keep clusters apart.
    `workers` is passed to rapidfuzz. With `debug`, rejected candidates and their reasons are
    returned in ``Suggestions.rejected``.
    """
    # Hundreds of thousands of small containers and no reference cycles: the cyclic garbage
    # collector would rescan the growing heap again and again (about 20% of the run time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        run = _Run(threshold, workers, debug, {})
        run.pools = _gather(mentions, run.form_groups)
        _judgements(run, list(judgements))
        for name in sorted(run.pools):
            p = _prepare(run, name)
            _compare(run, p)
            _places(p)
            _acronyms(p)
            _human(run, p)
            _shorts(run, p)
            _cluster(run, p)
            _same_forms(run, p)
            for n in p.nodes:  # keep only what other pools may still read (occ, key)
                n.joins = []
                n.tokens = ()
        return _finish(run, limit)
    finally:
        if gc_was_enabled:
            gc.enable()


@dataclass
class _Run:
    """What one suggest() call carries from phase to phase."""

    threshold: float
    workers: int
    debug: bool
    pools: dict[str, dict[str, Node]]
    judged: dict[tuple[str, str, str], str] = field(default_factory=dict)
    same_form_judged: set[tuple[str, str]] = field(default_factory=set)  # (pool, key)
    pairs: list[Pair] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    rejected: list[Pair] = field(default_factory=list)
    spellings: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # labels each spelling of the name pool carries: {form: {label: mentions}}
    form_groups: dict[str, dict[str, int]] = field(default_factory=dict)

    def reject(self, x: Node, y: Node, score: float, reasons: list[str]) -> None:
        if self.debug:
            self.rejected.append(_pair(x, y, score, reasons))

    @property
    def below(self) -> str:
        return f"rejected: score below threshold {self.threshold}"


@dataclass
class _Pool:
    """One comparison pool in progress."""

    name: str
    node_map: dict[str, Node]
    nodes: list[Node]
    index: TokenIndex
    accepted: dict[_Edge, tuple[float, list[str]]] = field(default_factory=dict)
    cannot: list[_Edge] = field(default_factory=list)
    short_cands: dict[int, dict[int, tuple[float, str]]] = field(default_factory=lambda: defaultdict(dict))
    shorts: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    same_j: list[_Edge] = field(default_factory=list)
    diff_j: list[_Edge] = field(default_factory=list)
    judged_pairs: set[_Edge] = field(default_factory=set)
    extra_cannot: set[_Edge] = field(default_factory=set)
    human: Resolver = field(default_factory=Resolver)

    def resolver(self, extra: Iterable[_Edge] = ()) -> Resolver:
        """Judgements first (people win over the machine's cannot-links), then constraints."""
        uf = Resolver(len(self.nodes))
        for a, b in self.diff_j:
            uf.forbid_pair(a, b)
        for a, b in self.same_j:
            uf.union(a, b)
        uf.forbid_all(self.cannot)
        uf.forbid_all(extra)
        return uf


# --------------------------------------------------------------------------- phases


def _gather(mentions: Iterable[Mention], form_groups: dict[str, dict[str, int]]) -> dict[str, dict[str, Node]]:
    """One node per normalised form within a comparison pool. Mentions are first gathered per
    (form, label, gold), so the per-mention loop stays small and forms normalise in one batch.
    `form_groups` receives the labels of every spelling in the name pool."""
    by_form: dict[tuple[str, str, bool], list[int]] = {}  # -> [doc_id, start, doc_id, start, ...]
    for form, label, doc, start, gold in map(_MENTION_FIELDS, mentions):
        k = (form, label, gold)
        occ = by_form.get(k)
        if occ is None:
            by_form[k] = [doc, -1 if start is None else start]
        else:
            occ.append(doc)
            occ.append(-1 if start is None else start)
    pool_of = {label: pool(label) for label in {label for _, label, _ in by_form}}
    forms = list({form: None for form, label, _ in by_form if pool_of[label]})
    keys = dict(zip(forms, normalize_many(forms)))
    pools: dict[str, dict[str, Node]] = defaultdict(dict)
    for (form, label, gold), occ in by_form.items():
        g = pool_of[label]
        key = keys.get(form, "") if g else ""
        if not key or not (key.islower() if key.isascii() else any(c.isalpha() for c in key)):
            continue  # a value label, or no letter at all
        nodes = pools[g]
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = Node(len(nodes), key, g)
            node.occ = occ
        else:
            node.occ += occ  # the order of occurrences does not matter
        c = len(occ) >> 1
        node.spellings[form] = node.spellings.get(form, 0) + c
        lab = (label or "").upper()
        node.labels[lab] = node.labels.get(lab, 0) + c
        if g == NAME_POOL:
            counts = form_groups.setdefault(form, {})
            counts[lab] = counts.get(lab, 0) + c
        if gold:
            node.gold[lab] = node.gold.get(lab, 0) + c
        node.count += c
    keep: set[str] = set()
    for g, nodes in pools.items():
        for node in nodes.values():
            settle_kind(node, g)
            if len(node.slots) > 1 and len(node.spellings) > 1:
                keep.update(node.spellings)
    for form in [f for f in form_groups if f not in keep]:  # only _same_forms reads them
        del form_groups[form]
    return pools


def _judgements(run: _Run, judgements: list[Judgement]) -> None:
    """Latest verdict per pair, keyed by (pool, key, key); unknown forms become phantom nodes
    that only carry judgements. A judgement on two spellings of one normalised form settles
    that form's own cross-label question."""
    pools = run.pools
    run.judged = latest_verdicts(judgements, lambda j: _judgement_key(j, pools))
    written: dict[tuple[str, str], tuple[str, str]] = {}
    for j in judgements:
        keys = [normalize(form) for form in (j.a, j.b)]
        for form, key in zip((j.a, j.b), keys):
            written.setdefault((pool(j.label) or label_group(j.label), key), (form, j.label))
        if keys[0] and keys[0] == keys[1] and j.a.strip() != j.b.strip():
            for g in [pool(j.label)] if j.label else list(pools):
                run.same_form_judged.add((g, keys[0]))
    for g, ka, kb in run.judged:
        nodes = pools[g]
        for k in (ka, kb):
            if k not in nodes:
                form, label = written.get((g, k), (k, ""))
                node = nodes[k] = Node(len(nodes), k, label_group(label) if g == NAME_POOL else g)
                node.phantom = True
                node.rep = form


def _prepare(run: _Run, name: str) -> _Pool:
    """Finish every node of a pool (representative spelling, tokens) and index its tokens."""
    node_map = run.pools[name]
    nodes = list(node_map.values())
    for n in nodes:
        if n.phantom:
            analyse(n)
            continue
        finish_node(n)
        if len(n.spellings) > 1:
            run.spellings[(n.group, n.rep)] = _spellings(n)
    return _Pool(name, node_map, nodes, TokenIndex(name, nodes, run.workers, run.debug))


def _compare(run: _Run, p: _Pool) -> None:
    """Score every candidate pair: accepted edges, cannot-links and short-form candidates."""
    nodes, index, threshold = p.nodes, p.index, run.threshold
    singles, p.shorts, cpairs = index.candidates()
    for (f, g), sim in sorted(singles.items()):
        x, y = _ordered(nodes[f], nodes[g])
        if x.chinese and y.chinese:
            sim = index.chinese_sim(index.core_ids[x.idx][0], index.core_ids[y.idx][0], x, y)
        elif x.person or y.person:
            sim = index.tsim(index.core_ids[x.idx][0], index.core_ids[y.idx][0], True)
        if not sim:
            continue
        res = index.accept(x, y, [(0, 0, sim)], [])
        if res.score >= threshold:
            p.accepted[(f, g)] = (res.score, res.reasons)
        else:
            run.reject(nodes[f], nodes[g], res.score, [run.below] + res.reasons)
    for f, g, reason in index.near:
        run.reject(nodes[f], nodes[g], 0.0, [reason])
    for f, g in sorted(cpairs):
        x, y = _ordered(nodes[f], nodes[g])
        res = index.compare(x, y)
        if res.verdict is Verdict.ACCEPT:
            if res.score >= threshold:
                p.accepted[(f, g)] = (res.score, res.reasons)
            else:
                run.reject(nodes[f], nodes[g], res.score, [run.below] + res.reasons)
        elif res.verdict is Verdict.REJECT:
            if res.cannot_link:
                p.cannot.append((f, g))
            run.reject(nodes[f], nodes[g], 0.0, res.reasons)
        elif p.short_cands[res.short].get(res.long, (0.0,))[0] < res.sim:
            p.short_cands[res.short][res.long] = (res.sim, res.kind)


def _places(p: _Pool) -> None:
    """Two forms that are names of one place are linked (exonyms.py)."""
    p.accepted.update(place_edges(p.nodes, p.accepted, p.cannot))


def _acronyms(p: _Pool) -> None:
    """NRF ~ National Resistance Front (a short form), NRF ~ N.R.F. (the same acronym)."""
    nodes = p.nodes
    by_initials: dict[str, list[int]] = defaultdict(list)
    for n in nodes:
        if not n.phantom and not n.acronym:
            for ini in n.initials:
                by_initials[ini].append(n.idx)
    same_acronym: dict[str, int] = {}
    for n in nodes:
        if n.acronym and not n.phantom:
            for full in by_initials.get(n.acronym, ()):
                p.short_cands[n.idx][full] = (1.0, f"acronym of {nodes[full].key!r}")
            first = same_acronym.setdefault(n.acronym, n.idx)
            if first != n.idx:
                x, y = _ordered(nodes[first], n)
                p.accepted[(min(first, n.idx), max(first, n.idx))] = (100.0, [f"same acronym: {x.rep} = {y.rep}"])


def _human(run: _Run, p: _Pool) -> None:
    """The judgements of this pool as edges, and the resolver they alone make."""
    for (jg, ka, kb), verdict in run.judged.items():
        if jg != p.name:
            continue
        a, b = p.node_map[ka].idx, p.node_map[kb].idx
        p.judged_pairs.add((a, b) if a < b else (b, a))
        if verdict == "same":
            p.same_j.append((a, b))
        elif verdict == "different":
            p.diff_j.append((a, b))
    p.human = Resolver(len(p.nodes))
    for a, b in p.diff_j:
        p.human.forbid_pair(a, b)
    for a, b in p.same_j:
        p.human.union(a, b)


def _shorts(run: _Run, p: _Pool) -> None:
    """Short forms against preliminary clusters of the full forms."""
    nodes, index = p.nodes, p.index
    uf0 = p.resolver()
    for _, a, b in _edges_best_first(p.accepted):
        uf0.union(a, b)
    root0 = uf0.roots()
    for s_idx in sorted(set(p.short_cands) | set(p.shorts)):
        short = nodes[s_idx]
        cands = p.short_cands.get(s_idx, {})
        if s_idx in p.shorts:
            for full, sim in index.surname_candidates(s_idx, p.shorts[s_idx]).items():
                if cands.get(full, (0.0,))[0] < sim:
                    cands[full] = (sim, "surname only")
        if not cands:
            continue
        occ = short.occ
        for g2, other in run.pools.items():  # the same words under other pools' labels
            if g2 != p.name and (o := other.get(short.key)) is not None and o.occ:
                occ = occ + o.occ
        res = resolve_short(short, cands, nodes, root0.__getitem__, occ)
        _keep_full_forms_apart(
            p, {f: c for f, c in cands.items() if f not in p.short_cands and f not in p.shorts}, root0
        )
        if res.target is None:
            for full in sorted(cands)[:20] if run.debug else ():
                run.reject(short, nodes[full], 0.0, [f"rejected: {res.reason}"])
            continue
        target, score, reason = res.target, res.score, res.reason
        e = (s_idx, target) if s_idx < target else (target, s_idx)
        if score >= run.threshold:
            if e not in p.accepted or p.accepted[e][0] < score:
                p.accepted[e] = (score, [reason])
        else:
            run.reject(short, nodes[target], score, [run.below, reason])


def _keep_full_forms_apart(p: _Pool, cands: dict[int, tuple[float, str]], root: list[int]) -> None:
    """Different full forms that share one short form stay apart (father and son). A candidate
    that is itself a short form (Donald Tsang, of Donald Tsang Yam-kuen) is no full form: its
    own resolution decides where it goes."""
    reps: dict[int, int] = {}
    for full in sorted(cands):
        reps.setdefault(root[full], full)
    if len(reps) > 1:
        rl = list(reps.values())[:CLUSTER_CONSTRAINT_CAP]
        p.extra_cannot.update([(rl[i], rl[k]) for i in range(len(rl)) for k in range(i + 1, len(rl))])


def _cluster(run: _Run, p: _Pool) -> None:
    """Final clusters (judgements, constraints, then edges best first) and the pairs that
    people have neither judged nor settled through other judgements."""
    nodes = p.nodes
    uf = p.resolver(p.extra_cannot)
    edges = [((a, b), p.accepted[(a, b)]) for _, a, b in _edges_best_first(p.accepted)]
    for (a, b), _ in edges:
        uf.union(a, b)
    human = p.human
    if p.judged_pairs:
        edges = [
            e
            for e in edges
            if not (e[0] in p.judged_pairs or human.find(e[0][0]) == human.find(e[0][1]) or human.forbidden(*e[0]))
        ]
    run.pairs.extend([_pair(nodes[a], nodes[b], score, reasons) for (a, b), (score, reasons) in edges])
    comp: dict[int, list[Node]] = defaultdict(list)
    roots = uf.roots()
    for n in nodes:
        if not n.phantom:
            comp[roots[n.idx]].append(n)
    for members in comp.values():
        if len(members) < 2 and len(members[0].spellings) < 2:
            continue
        members.sort(key=_member_order)
        forms = [f for n in members for f in _spellings(n)]
        run.clusters.append(Cluster(_label_of(members), forms))


def _same_forms(run: _Run, p: _Pool) -> None:
    """A form written two ways and labelled as two kinds of thing (KABUL as ORG, Kabul as GPE)
    is one node; its spellings are asked about as a pair unless people settled it already."""
    for n in p.nodes:
        if n.phantom or len(n.slots) < 2 or len(n.spellings) < 2:
            continue
        if (p.name, n.key) in run.same_form_judged:
            continue
        by_group: dict[str, dict[str, int]] = defaultdict(dict)
        form_label: dict[str, str] = {}
        for form, c in n.spellings.items():
            labels = run.form_groups.get(form) or {n.group: 1}
            form_label[form] = top_label(labels, n.group)
            by_group[label_group(form_label[form])][form] = c
        if len(by_group) < 2:
            continue
        (_, fa), (_, fb) = sorted(by_group.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:2]
        a = max(fa, key=lambda f: (fa[f], f))
        b = max(fb, key=lambda f: (fb[f], f))
        run.pairs.append(
            Pair(
                a,
                b,
                _label_of([n]),
                SAME_FORM_SCORE,
                [
                    "same after normalising case and punctuation",
                    f"labelled {form_label[a]} and {form_label[b]}: compared across labels",
                ],
                _spellings(n),
            )
        )


def _finish(run: _Run, limit: int | None) -> Suggestions:
    pairs = sorted(run.pairs, key=lambda p: (-p.score, p.label, p.a, p.b))
    if limit is not None:
        pairs = pairs[: max(0, limit)]
    run.clusters.sort(key=lambda c: (-len(c.forms), c.label, c.forms))
    run.rejected.sort(key=lambda p: (p.label, p.a, p.b))
    return Suggestions(pairs=pairs, clusters=run.clusters, spellings=run.spellings, rejected=run.rejected)


# --------------------------------------------------------------------------- helpers


def _spellings(n: Node) -> list[str]:
    """Every spelling of a node as it occurs: the representative, then the most frequent."""
    if len(n.spellings) == 1:  # most nodes: nothing to sort
        return list(n.spellings)
    return sorted(n.spellings, key=lambda f: (f != n.rep, -n.spellings[f], f)) or [n.rep]


def _edges_best_first(accepted: dict[_Edge, tuple[float, list[str]]]) -> list[tuple[float, int, int]]:
    """Accepted edges best first, then by node indices, as (-score, a, b): plain tuples sort
    without a key function."""
    order = [(-score, a, b) for (a, b), (score, _) in accepted.items()]
    order.sort()
    return order


def _member_order(n: Node):
    return (-n.count, n.rep)


def _label_of(nodes: list[Node]) -> str:
    """The label a group of nodes carries: the gold labels' majority, else the model's."""
    gold: dict[str, int] = {}
    model: dict[str, int] = {}
    for n in nodes:
        for lab, c in n.gold.items():
            gold[lab] = gold.get(lab, 0) + c
        for lab, c in n.labels.items():
            model[lab] = model.get(lab, 0) + c
    return top_label(gold or model, nodes[0].group)


def _ordered(x: Node, y: Node) -> tuple[Node, Node]:
    """The order a pair is reported in: the more frequent form first."""
    return (y, x) if (y.count, x.rep) > (x.count, y.rep) else (x, y)


def _pair(x: Node, y: Node, score: float, reasons: list[str]) -> Pair:
    x, y = _ordered(x, y)
    if not x.gold and not y.gold and len(x.labels) == 1 and x.labels.keys() == y.labels.keys():
        label = next(iter(x.labels))  # most pairs: one model label on both sides (as _label_of says)
    else:
        label = _label_of([x, y])
    return Pair(x.rep, y.rep, label, float(score), list(reasons), _spellings(x) + _spellings(y))


def _judgement_key(j: Judgement, pools: dict[str, dict[str, Node]]):
    ka, kb = normalize(j.a), normalize(j.b)
    if not ka or not kb:
        return None
    if j.label:
        return (pool(j.label) or label_group(j.label), ka, kb)
    # no label: the pool where both forms occur (first such, deterministic)
    for g in sorted(pools):
        if ka in pools[g] and kb in pools[g]:
            return (g, ka, kb)
    return None
