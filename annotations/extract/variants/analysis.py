"""One node per normalised form: its spellings, labels, occurrences, core tokens and joins."""

from __future__ import annotations

from annotations.extract.normalize import ORG_DESIGNATORS, PARTICLES, TITLES
from annotations.extract.variants.labels import NAME_POOL, PERSON, label_group


class _Node:
    """One normalised form within a comparison pool (see labels.pool).

    `group` is the label group the node is taken to be (the gold labels' majority, else the
    model's); `person` whether people's rules apply (titles, initials, surnames)."""

    __slots__ = (
        "acronym",
        "core",
        "count",
        "cpos",
        "dropped",
        "gold",
        "group",
        "idx",
        "initials",
        "joins",
        "key",
        "labels",
        "marks",
        "occ",
        "person",
        "phantom",
        "rep",
        "slots",
        "spellings",
        "tokens",
    )

    def __init__(self, idx: int, key: str, group: str) -> None:
        self.idx = idx
        self.key = key
        self.group = group
        self.person = group == PERSON
        self.spellings: dict[str, int] = {}
        self.labels: dict[str, int] = {}
        self.gold: dict[str, int] = {}  # labels of the gold mentions only
        self.slots: dict[str, int] = {}  # label group -> mentions (the pool's groups it spans)
        self.occ: list[int] = []  # doc_id, start, doc_id, start, ... (start -1 if unknown)
        self.count = 0
        self.phantom = False
        self.marks = False
        self.rep = ""
        self.acronym: str | None = None
        self.initials: frozenset[str] = frozenset()
        self.tokens: tuple[str, ...] = ()
        self.core: tuple[str, ...] = ()
        self.cpos: tuple[int, ...] = ()  # index in tokens of each core token
        self.dropped: list[str] = []
        # (joined string, indices into core it covers); filled by _Group
        self.joins: list[tuple[str, tuple[int, ...]]] = []


_SPECIAL_TOKENS = TITLES | PARTICLES | ORG_DESIGNATORS


def _analyse(node: _Node) -> None:
    toks = node.key.split()
    node.tokens = tuple(toks)
    if _SPECIAL_TOKENS.isdisjoint(toks):  # the common case: every token is a core token
        node.core = node.tokens
        node.cpos = tuple(range(len(toks)))
        node.dropped = []
        return
    dropped: list[str] = []
    lo, hi = 0, len(toks)
    if node.person:
        while hi - lo > 1 and toks[lo] in TITLES:
            dropped.append(f"title '{toks[lo]}'")
            lo += 1
    core_idx = [i for i in range(lo, hi) if toks[i] not in PARTICLES]
    if not node.person and node.group != "PLACE":
        kept = [i for i in core_idx if toks[i] not in ORG_DESIGNATORS]
        if kept:
            dropped.extend(f"designator '{toks[i]}'" for i in core_idx if toks[i] in ORG_DESIGNATORS)
            core_idx = kept
    if not core_idx:
        core_idx = list(range(lo, hi))
    elif len(core_idx) < hi - lo:
        dropped.extend(f"particle '{toks[i]}'" for i in range(lo, hi) if toks[i] in PARTICLES and i not in core_idx)
    node.cpos = tuple(core_idx)
    node.core = tuple(toks[i] for i in core_idx)
    node.dropped = dropped


def _join_candidates(node: _Node):
    """Adjacent core tokens written together (Abdul Hamid ~ Abdelhamid) and a particle joined
    to the next core token (al Qaeda ~ Alqaeda): (left, right, covered core indices)."""
    cpos, toks = node.cpos, node.tokens
    if len(toks) < 2:
        return
    for ci in range(len(cpos) - 1):
        if cpos[ci + 1] == cpos[ci] + 1:
            yield toks[cpos[ci]], toks[cpos[ci + 1]], (ci, ci + 1)
    for ci, p in enumerate(cpos):
        if p > 0 and toks[p - 1] in PARTICLES and (ci == 0 or cpos[ci - 1] != p - 1):
            yield toks[p - 1], toks[p], (ci,)


def _finish_node(node: _Node) -> None:
    sp = node.spellings
    if len(sp) == 1:
        node.rep = next(iter(sp))
    else:
        # representative: prefer spellings without a possessive, then the most frequent,
        # then not all capitals, then alphabetical (deterministic)
        def rank(item: tuple[str, int]):
            s, c = item
            poss = s.rstrip().endswith(("'s", "’s", "'S", "’S", "ʼs"))
            return (poss, -c, s.isupper() and len(s) > 6, s)

        node.rep = min(sp.items(), key=rank)[0]
    node.marks = not node.rep.isascii() and _strip_marks(node.rep) != node.rep
    _analyse(node)
    if not node.person:
        letters = [c for c in node.rep if c.isalpha()]
        if (
            2 <= len(letters) <= 6
            and all(c.isupper() for c in letters)
            and all(s.isupper() for s in sp)  # KABUL beside Kabul is no acronym
            and (len(node.core) == 1 or all(len(t) == 1 for t in node.tokens))
        ):
            node.acronym = "".join(node.tokens)
        elif len(node.tokens) >= 2:
            inits = {
                "".join(t[0] for t in node.tokens),
                "".join(t[0] for t in node.core),
                "".join(t[0] for t in node.tokens if t not in PARTICLES),
            }
            node.initials = frozenset(i for i in inits if len(i) >= 2)


def top_label(labels: dict[str, int], fallback: str) -> str:
    """The most frequent label (ties alphabetical), or `fallback` with none."""
    if not labels:
        return fallback
    # a tie goes to PERSON: models tag unfamiliar names ORG or GPE far more than the reverse
    return min(labels.items(), key=lambda kv: (-kv[1], kv[0] != PERSON, kv[0]))[0]


def settle_kind(node: _Node, pool: str) -> None:
    """Decide what a node is taken to be: the gold labels outrank the model's, the majority
    wins. In the name pool a node is a person if any label it is given (gold ones when there
    are some) is a person's: a bare surname is often tagged ORG beside its PERSON full name."""
    if pool != NAME_POOL:
        node.group, node.person = pool, False
        return
    labels = node.gold or node.labels
    node.group = label_group(top_label(labels, PERSON))
    node.person = any(label_group(lab) == PERSON for lab in labels)
    slots: dict[str, int] = {}
    for lab, c in node.labels.items():
        g = label_group(lab)
        slots[g] = slots.get(g, 0) + c
    node.slots = slots


def _docs(occ: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for k in range(0, len(occ), 2):
        d = occ[k]
        p = out.get(d)
        if p is None:
            out[d] = [occ[k + 1]]
        else:
            p.append(occ[k + 1])
    return out


def _strip_marks(s: str) -> str:
    import unicodedata

    d = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in d if not unicodedata.combining(ch))
