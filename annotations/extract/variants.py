"""Variant-spelling linker: proposes that two surface forms name the same entity.

Pure Python (rapidfuzz + numpy); no Textual, no database. The CLI (`newsmark link suggest`)
and the Entities screen call :func:`suggest` with the corpus's entity mentions and the
annotators' judgements, and show the returned pairs and clusters.

How it works
------------
1. Mentions are grouped by normalised form (:func:`normalize`) within a label group
   (PERSON; GPE/LOC/FAC; ORG; NORP; any other label on its own). A group's *core tokens*
   leave out name particles (al-, bin, van ...), leading titles (Mr, Gen., President) and,
   for organisations, company designators (Group, Inc).
2. Tokens, not whole forms, are blocked and compared: every distinct token goes in the blocks
   of its consonant key (and, for long keys, the keys with one letter deleted); oversized
   blocks are split or skipped (IDF-style). Candidate token pairs are pre-scored in bulk with
   ``rapidfuzz.process.cpdist`` (fuzz.ratio over merged skeletons) and the survivors get a
   transliteration-aware weighted edit distance (``normalize.token_similarity``).
3. Two forms are compared only if every core token of one has a matching token in the other
   (found through an inverted index of token matches, so no all-pairs step). They are
   aligned token by token, one-to-one (adjacent tokens may be joined: Abdul Hamid ~
   Abdelhamid). A token left over on both sides (Muammar / Saif al-Islam) or an extra given
   name on one side (Ahmad Massoud / Ahmad Shah Massoud) means different entities and
   becomes a cannot-link constraint.
4. Short forms (a lone surname, given names only, an acronym) link to a full form only when
   context makes it unambiguous: the only candidate full name in the documents where the short
   form occurs, or, where one document names several (father and son), the most salient one at
   each mention (mentions so far in the document). If documents disagree, nothing is linked.
5. Clusters are connected components of accepted edges and "same" judgements, built in score
   order and never merged across a "different" judgement or a cannot-link constraint
   (nomenklatura's resolver semantics). Judged pairs are never proposed again.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

import numpy as np
from rapidfuzz import fuzz, process

from .normalize import (
    NAME_SUFFIXES,
    ORG_DESIGNATORS,
    PARTICLES,
    TITLES,
    TOKEN_MATCH,
    describe_token_pair,
    loose,
    loose_symbols,
    loose_symbols_many,
    match_similarities,
    normalize,
    normalize_many,
    symbols_many,
    token_similarity,
)

__all__ = [
    "Mention",
    "Judgement",
    "Pair",
    "Cluster",
    "Suggestions",
    "normalize",
    "suggest",
    "canonical_groups",
    "label_group",
    "LINKER_VERSION",
]

LINKER_VERSION = "variants-2"

# Labels whose "entities" are values, not names: never linked.
SKIP_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
_GROUP_OF = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "PERSON": "PERSON", "PER": "PERSON"}
PERSON = "PERSON"

BLOCK_CAP = 1500          # a token block larger than this is split by first letter, then skipped
PREFILTER_CUTOFF = 78     # fuzz.ratio of loose skeletons below which a token pair is dropped
CLUSTER_CONSTRAINT_CAP = 12   # clusters kept pairwise apart per short form (the 12 first)
JOIN_MATCH = 0.93         # two tokens written as one must match closely (Abdul Hamid ~ Abdelhamid)


_MENTION_FIELDS = attrgetter("form", "label", "doc_id", "start")


def label_group(label: str | None) -> str:
    """The comparison group of an entity label: GPE, LOC and FAC compare with each other."""
    lab = (label or "").upper()
    return _GROUP_OF.get(lab, lab)


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity surface form."""

    form: str
    label: str
    doc_id: int
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Judgement:
    """An annotator's verdict on a pair of forms: "same", "different" or "unsure"."""

    a: str
    b: str
    label: str
    verdict: str


@dataclass
class Pair:
    a: str
    b: str
    label: str
    score: float
    reasons: list[str]

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "label": self.label, "score": self.score,
                "reasons": list(self.reasons)}


@dataclass
class Cluster:
    label: str
    forms: list[str]

    def to_json(self) -> dict:
        return {"label": self.label, "forms": list(self.forms)}


@dataclass
class Suggestions:
    pairs: list[Pair]
    clusters: list[Cluster]
    # every original spelling behind each reported form (most frequent first); not in to_json
    spellings: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # rejected candidate pairs with their reasons, only filled with suggest(..., debug=True)
    rejected: list[Pair] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"pairs": [p.to_json() for p in self.pairs],
                "clusters": [c.to_json() for c in self.clusters]}


# --------------------------------------------------------------------------- resolver


class _Resolver:
    """Union-find whose components carry cannot-link constraints to other components."""

    __slots__ = ("parent", "size", "forbid")

    def __init__(self, n: int = 0) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.forbid: dict[int, set[int]] = {}

    def add(self) -> int:
        self.parent.append(len(self.parent))
        self.size.append(1)
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def forbid_pair(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.forbid.setdefault(ra, set()).add(rb)
        self.forbid.setdefault(rb, set()).add(ra)
        return True

    def forbidden(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        return ra != rb and rb in self.forbid.get(ra, ())

    def forbid_all(self, pairs: Iterable[tuple[int, int]]) -> None:
        """forbid_pair for many pairs (the resulting constraints do not depend on the order)."""
        parent, forbid, find = self.parent, self.forbid, self.find
        for a, b in pairs:
            ra = a if parent[a] == a else find(a)
            rb = b if parent[b] == b else find(b)
            if ra != rb:
                fa = forbid.get(ra)
                if fa is None:
                    forbid[ra] = {rb}
                else:
                    fa.add(rb)
                fb = forbid.get(rb)
                if fb is None:
                    forbid[rb] = {ra}
                else:
                    fb.add(ra)

    def roots(self) -> list[int]:
        """The root of every element."""
        parent = self.parent
        out = parent[:]
        for i, r in enumerate(out):
            if r != i:
                while parent[r] != r:
                    r = parent[r]
                out[i] = r
        return out

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        fa = self.forbid.get(ra)
        if fa and rb in fa:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        fb = self.forbid.pop(rb, None)
        if fb:
            fa = self.forbid.setdefault(ra, set())
            for x in fb:
                fx = self.forbid[x]
                fx.discard(rb)
                fx.add(ra)
                fa.add(x)
        return True


def _latest(judgements: Iterable[Judgement], key) -> dict:
    """Latest verdict per unordered pair (a later judgement on the same pair wins)."""
    out: dict = {}
    for j in judgements:
        verdict = (j.verdict or "").strip().lower()
        if verdict not in ("same", "different", "unsure"):
            continue
        k = key(j)
        if k is None:
            continue
        a, b = k[-2], k[-1]
        if a == b:
            continue
        pair = k[:-2] + ((a, b) if a <= b else (b, a))
        out.pop(pair, None)  # keep insertion order chronological
        out[pair] = verdict
    return out


def canonical_groups(judgements: Iterable[Judgement]) -> list[set[str]]:
    """Groups of forms joined by "same" judgements (connected components), where a "different"
    judgement between two groups forbids merging them: a "same" edge that would join them is
    ignored. The latest judgement on a pair wins. Forms are compared exactly as written;
    labels are not used. Every form named in a "same" judgement is in exactly one group."""
    latest = _latest(judgements, lambda j: (j.a.strip(), j.b.strip()))
    ids: dict[str, int] = {}
    uf = _Resolver()

    def node(form: str) -> int:
        i = ids.get(form)
        if i is None:
            i = ids[form] = uf.add()
        return i

    for (a, b), verdict in latest.items():
        if verdict == "different":
            uf.forbid_pair(node(a), node(b))
    same_nodes: set[int] = set()
    for (a, b), verdict in latest.items():
        if verdict == "same":
            ia, ib = node(a), node(b)
            same_nodes.update((ia, ib))
            uf.union(ia, ib)
    forms = {i: f for f, i in ids.items()}
    groups: dict[int, set[str]] = defaultdict(set)
    for i in same_nodes:
        groups[uf.find(i)].add(forms[i])
    return sorted(groups.values(), key=lambda g: (-len(g), sorted(g)))


# --------------------------------------------------------------------------- nodes


class _Node:
    """One normalised form within a label group."""

    __slots__ = ("idx", "key", "group", "spellings", "labels", "occ", "count", "tokens", "core",
                 "cpos", "dropped", "joins", "acronym", "initials", "phantom", "rep", "marks")

    def __init__(self, idx: int, key: str, group: str) -> None:
        self.idx = idx
        self.key = key
        self.group = group
        self.spellings: dict[str, int] = {}
        self.labels: dict[str, int] = {}
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
    if node.group == PERSON:
        while hi - lo > 1 and toks[lo] in TITLES:
            dropped.append(f"title '{toks[lo]}'")
            lo += 1
    core_idx = [i for i in range(lo, hi) if toks[i] not in PARTICLES]
    if node.group not in (PERSON, "PLACE", "NORP"):
        kept = [i for i in core_idx if toks[i] not in ORG_DESIGNATORS]
        if kept:
            dropped.extend(f"designator '{toks[i]}'" for i in core_idx if toks[i] in ORG_DESIGNATORS)
            core_idx = kept
    if not core_idx:
        core_idx = list(range(lo, hi))
    elif len(core_idx) < hi - lo:
        dropped.extend(f"particle '{toks[i]}'" for i in range(lo, hi)
                       if toks[i] in PARTICLES and i not in core_idx)
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
    if node.group != PERSON:
        letters = [c for c in node.rep if c.isalpha()]
        if (2 <= len(letters) <= 6 and all(c.isupper() for c in letters)
                and (len(node.core) == 1 or all(len(t) == 1 for t in node.tokens))):
            node.acronym = "".join(node.tokens)
        elif len(node.tokens) >= 2:
            inits = {"".join(t[0] for t in node.tokens),
                     "".join(t[0] for t in node.core),
                     "".join(t[0] for t in node.tokens if t not in PARTICLES)}
            node.initials = frozenset(i for i in inits if len(i) >= 2)


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


# --------------------------------------------------------------------------- token matching


def _block_keys(lo: str) -> Iterable[str]:
    """normalize.block_keys_symbols from the loose skeleton (order does not matter here)."""
    key = lo.replace("a", "")
    if len(key) <= 1:
        return ("~" + lo,)
    keys = {key}
    if len(key) >= 3 and key[-1] == "s":
        keys.add(key[:-1])
    if len(key) >= 5:
        keys.update([key[:i] + key[i + 1:] for i in range(len(key))])
    return keys


def _match_tokens(tokens: list[str], n_core: int, syms: list[str], looses: list[str],
                  plural_s: bool, workers: int) -> list[dict[int, float]]:
    """For every token, the tokens it matches (similarity >= TOKEN_MATCH), itself included.

    tokens[:n_core] are the core tokens, with their skeletons and loose skeletons in syms
    and looses; the rest are joined tokens (two adjacent tokens written together).
    Core tokens are blocked and compared with each other; joined tokens only need to meet a
    core token with the same loose skeleton."""
    T = len(tokens)
    match: list[dict[int, float]] = [{i: 1.0} for i in range(T)]
    if T < 2:
        return match
    # the weighted edit distance depends only on the skeletons: compare skeletons, then
    # expand to the tokens that share them
    sid_of: dict[str, int] = {}
    usyms: list[str] = []
    ulo: list[str] = []
    members: list[list[int]] = []
    by_loose: dict[str, list[int]] = defaultdict(list)
    for tid in range(n_core):
        sy = syms[tid]
        sid = sid_of.get(sy)
        if sid is None:
            sid = sid_of[sy] = len(usyms)
            usyms.append(sy)
            ulo.append(looses[tid])
            members.append([tid])
        else:
            members[sid].append(tid)
        by_loose[looses[tid]].append(tid)
    for ids in members:
        if len(ids) > 1:
            for a in ids:
                d = match[a]
                for b in ids:
                    if b != a:
                        d[b] = 0.97 if len(tokens[a]) > 1 and len(tokens[b]) > 1 else 0.0
    for tid in range(n_core, T):
        t = tokens[tid]
        for c in by_loose.get(looses[tid], ()):
            sim = token_similarity(t, tokens[c], plural_s)
            if sim >= TOKEN_MATCH:
                match[tid][c] = sim
                match[c][tid] = sim
    S = len(usyms)
    # Ukrainian h is Russian g (Oleh / Oleg, Hrytsenko / Gritsenko, Luhansk / Lugansk), but
    # the loose skeleton drops h (Fatimah / Fatima): tokens with an h also block, and are
    # prefiltered, as if it were a g
    ualt = [loose_symbols(sy.replace("h", "g")) if "h" in sy else lo for sy, lo in zip(usyms, ulo)]
    blocks: dict[str, list[int]] = defaultdict(list)
    for sid, lo in enumerate(ulo):
        keys = _block_keys(lo)
        if ualt[sid] is not lo:
            keys = {*keys, *_block_keys(ualt[sid])}
        for k in keys:
            blocks[k].append(sid)
    small: list[int] = []
    chunks: list[np.ndarray] = []

    def emit(ids: list[int]) -> None:
        if len(ids) <= 12:
            for x in range(len(ids) - 1):
                base = ids[x] * S
                small.extend([base + y for y in ids[x + 1:]])
            return
        arr = np.asarray(ids, dtype=np.int64)
        iu, ju = np.triu_indices(len(arr), 1)
        chunks.append(arr[iu] * S + arr[ju])

    for ids in blocks.values():
        if len(ids) < 2:
            continue
        if len(ids) <= BLOCK_CAP:
            emit(ids)
            continue
        # oversized block: split by first loose letter; what stays oversized is too common
        sub: dict[str, list[int]] = defaultdict(list)
        for sid in ids:
            sub[ulo[sid][:1]].append(sid)
        for sids in sub.values():
            if 2 <= len(sids) <= BLOCK_CAP:
                emit(sids)
    if small:
        chunks.append(np.asarray(small, dtype=np.int64))
    if not chunks:
        return match
    codes = np.unique(np.concatenate(chunks))
    left = codes // S
    right = codes % S
    step = 1_000_000
    for s in range(0, len(left), step):
        L, R = left[s:s + step], right[s:s + step]
        Ll, Rl = L.tolist(), R.tolist()
        score = process.cpdist([ulo[i] for i in Ll], [ulo[j] for j in Rl],
                               scorer=fuzz.ratio, score_cutoff=PREFILTER_CUTOFF,
                               dtype=np.uint8, workers=workers)
        if ualt != ulo:
            score = np.maximum(score, process.cpdist(
                [ualt[i] for i in Ll], [ualt[j] for j in Rl], scorer=fuzz.ratio,
                score_cutoff=PREFILTER_CUTOFF, dtype=np.uint8, workers=workers))
        ok = np.nonzero(score)[0]
        L, R = L[ok], R[ok]
        sims = match_similarities(usyms, L, R, plural_s)
        hit = np.nonzero(sims)[0]
        for i, j, sim in zip(L[hit].tolist(), R[hit].tolist(), sims[hit].tolist()):
            for a in members[i]:
                if len(tokens[a]) == 1:
                    continue
                da = match[a]
                for b in members[j]:
                    if len(tokens[b]) > 1:
                        da[b] = sim
                        match[b][a] = sim
    return match


# --------------------------------------------------------------------------- comparing forms


class _Group:
    """Everything computed for one label group."""

    def __init__(self, name: str, nodes: list[_Node], workers: int, debug: bool = False) -> None:
        self.name = name
        self.debug = debug
        self.desc: dict[tuple[str, str, float], str] = {}  # describe_token_pair, memoised
        self.nodes = nodes
        self.person = name == PERSON
        self.plural_s = not self.person
        tid: dict[str, int] = {}
        tokens: list[str] = []
        live = [n for n in nodes if not n.phantom and not n.acronym]
        self.core_ids: list[tuple[int, ...]] = [()] * len(nodes)
        self.join_ids: list[tuple[int, ...]] = [()] * len(nodes)
        core_ids = self.core_ids
        # forms with a one-letter core token (an initial, matched separately)
        self.initial: list[bool] = [False] * len(nodes)
        for n in live:
            if n.core and min(map(len, n.core)) == 1:
                self.initial[n.idx] = True
        for n in live:
            ids = []
            for t in n.core:
                i = tid.get(t)
                if i is None:
                    i = tid[t] = len(tokens)
                    tokens.append(t)
                ids.append(i)
            core_ids[n.idx] = tuple(ids)
        n_core = len(tokens)
        # skeletons of every core token at once (regex passes over all of them)
        syms = symbols_many(tokens)
        looses = loose_symbols_many(syms)
        core_loose = set(looses)
        # a joined token is kept only if some core token has the same loose skeleton
        loose_of = dict(zip(tokens, looses))
        pending: list[tuple[_Node, str, tuple[int, ...]]] = []
        for n in live:
            n.joins = []
            toks = n.tokens
            if len(toks) < 2:
                continue
            if n.core is toks:  # no particles etc.: only adjacent tokens written together
                cands = [(toks[k], toks[k + 1], (k, k + 1)) for k in range(len(toks) - 1)]
            else:
                cands = _join_candidates(n)
            for left, right, cover in cands:
                a = loose_of.get(left)
                if a is None:
                    a = loose_of[left] = loose(left)
                b = loose_of.get(right)
                if b is None:
                    b = loose_of[right] = loose(right)
                guess = a + b[1:] if a and b and a[-1] == b[0] else a + b
                if guess in core_loose:
                    pending.append((n, left + right, cover))
        if pending:
            jsyms = symbols_many([j for _, j, _ in pending])
            for (n, joined, cover), lo in zip(pending, loose_symbols_many(jsyms)):
                if lo in core_loose:
                    n.joins.append((joined, cover))
                    loose_of.setdefault(joined, lo)
        for n in live:
            if n.joins:
                ids = []
                for j, _ in n.joins:
                    i = tid.get(j)
                    if i is None:
                        i = tid[j] = len(tokens)
                        tokens.append(j)
                        looses.append(loose_of[j])
                    ids.append(i)
                self.join_ids[n.idx] = tuple(ids)
        self.tid = tid
        self.tokens = tokens
        self.syms = syms  # skeletons of the core tokens
        self.n_core = n_core
        self.match = _match_tokens(tokens, n_core, syms, looses, self.plural_s, workers)
        # inverted indexes over live nodes
        self.post_single: dict[int, list[int]] = defaultdict(list)
        self.post_any: dict[int, list[int]] = defaultdict(list)
        self.post_last: dict[int, list[int]] = defaultdict(list)
        self.post_join: dict[int, list[int]] = defaultdict(list)
        for n in live:
            ids = self.core_ids[n.idx]
            if len(ids) == 1:
                self.post_single[ids[0]].append(n.idx)
            else:
                for t in set(ids):
                    self.post_any[t].append(n.idx)
                self.post_last[ids[-1]].append(n.idx)
            for t in set(self.join_ids[n.idx]):
                self.post_join[t].append(n.idx)

    def sim(self, a: str, b: str) -> float:
        ia, ib = self.tid.get(a), self.tid.get(b)
        if ia is None or ib is None:
            return 1.0 if a == b else 0.0
        if ia == ib:
            return 1.0
        s = self.match[ia].get(ib, 0.0)
        if s == 0.0 and self.person and (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
            return 0.9  # an initial: G. Bush ~ George Bush
        return s

    # candidate generation -------------------------------------------------------------

    def surname_candidates(self, f: int, toks: list[tuple[int, float]]) -> dict[int, float]:
        out: dict[int, float] = {}
        for t2, s in toks:
            for g in self.post_last.get(t2, ()):
                if out.get(g, 0.0) < s:
                    out[g] = s
        return out

    def _closure(self, t: int, postings: dict[int, list[int]]) -> set[int]:
        out: set[int] = set()
        for t2 in self.match[t]:
            p = postings.get(t2)
            if p:
                out.update(p)
        return out

    def candidates(self):
        """Candidate comparisons, typed so that the common cases skip full alignment:

        * singles: {(f, g): similarity} for two one-token forms;
        * shorts: {short: [(token id, similarity)]} for a one-token PERSON form whose token
          matches the surname (last core token) of longer forms (expanded later through
          ``post_last``, so a common surname does not materialise every pair);
        * pairs: {(f, g)} where every core token of one form matches a token of the other.
        """
        singles: dict[tuple[int, int], float] = {}
        shorts: dict[int, list[tuple[int, float]]] = {}
        pairs: set[tuple[int, int]] = set()
        cache: dict[int, set[int]] = {}
        match = self.match
        post_single, post_last, post_join = self.post_single, self.post_last, self.post_join
        for n in self.nodes:
            if n.phantom or n.acronym:
                continue
            ids = self.core_ids[n.idx]
            f = n.idx
            if len(ids) == 1:
                for t2, s in match[ids[0]].items():
                    for g in post_single.get(t2, ()):
                        if g > f and singles.get((f, g), 0.0) < s:
                            singles[(f, g)] = s
                    if self.person and t2 in post_last:
                        shorts.setdefault(f, []).append((t2, s))
                    for g in post_join.get(t2, ()):
                        pairs.add((f, g) if f < g else (g, f))
                continue
            sets = []
            for t in set(ids):
                if self.person and len(self.tokens[t]) == 1 and len(ids) > 1:
                    continue  # an initial matches any name with that letter: checked later
                c = cache.get(t)
                if c is None:
                    c = self._closure(t, self.post_any) | self._closure(t, post_join)
                    cache[t] = c
                sets.append(c)
            if not sets:
                continue
            if len(sets) == 1:
                cand = set(sets[0])
            else:
                sets.sort(key=len)
                cand = sets[0] & sets[1]
                for c in sets[2:]:
                    if not cand:
                        break
                    cand &= c
            # a split form meets a joined one through the joined token
            for t in self.join_ids[f]:
                cand |= self._closure(t, post_single)
            cand.discard(f)
            pairs.update([(f, g) if f < g else (g, f) for g in cand])
        return singles, shorts, pairs

    # alignment --------------------------------------------------------------------------

    def compare(self, fa: _Node, fb: _Node):
        """Align two forms. Returns one of
        ("accept", score, reasons) / ("reject", reason, cannot_link) /
        ("short", short_idx, long_idx, kind, sim).
        Reject reasons are only spelled out with debug (nobody reads them otherwise)."""
        A, B = fa.core, fb.core
        ia, ib = self.core_ids[fa.idx], self.core_ids[fb.idx]
        match = self.match
        n, m = len(A), len(B)
        if n == m:
            # the common case first: tokens aligned in place
            items = []
            for k in range(n):
                s = match[ia[k]].get(ib[k], 0.0)
                if s < TOKEN_MATCH:
                    break
                items.append((k, k, s))
            else:
                return self._accept(fa, fb, items, [])
        sim = self.sim
        person = self.person
        edges = []
        if person and (self.initial[fa.idx] or self.initial[fb.idx]):
            for i in range(n):
                row = match[ia[i]]
                for j in range(m):
                    s = row.get(ib[j], 0.0)
                    if s == 0.0 and (len(A[i]) == 1 or len(B[j]) == 1):
                        s = sim(A[i], B[j])  # an initial
                    if s >= TOKEN_MATCH:
                        edges.append((-s, abs(i - j), i, j))
        else:
            for i in range(n):
                row = match[ia[i]]
                for j in range(m):
                    s = row.get(ib[j])
                    if s is not None and s >= TOKEN_MATCH:
                        edges.append((-s, abs(i - j), i, j))
        edges.sort()
        ma: dict[int, tuple[int, float]] = {}
        mb: dict[int, tuple[int, float]] = {}
        for negs, _, i, j in edges:
            if i not in ma and j not in mb:
                ma[i] = (j, -negs)
                mb[j] = (i, -negs)
        # joined tokens: (A indices, B indices, A string, B string, similarity)
        joined: list[tuple[tuple[int, ...], tuple[int, ...], str, str, float]] = []
        if len(ma) < n and len(mb) < m:
            for jstr, cover in fa.joins:
                if any(c in ma for c in cover):
                    continue
                for k, bt in enumerate(B):
                    if k not in mb and (s := sim(jstr, bt)) >= JOIN_MATCH:
                        for c in cover:
                            ma[c] = (k, s)
                        mb[k] = (cover[0], s)
                        joined.append((cover, (k,), jstr, bt, s))
                        break
            for jstr, cover in fb.joins:
                if any(c in mb for c in cover):
                    continue
                for k, at in enumerate(A):
                    if k not in ma and (s := sim(at, jstr)) >= JOIN_MATCH:
                        for c in cover:
                            mb[c] = (k, s)
                        ma[k] = (cover[0], s)
                        joined.append(((k,), cover, at, jstr, s))
                        break
        if len(ma) == n and len(mb) == m:
            if person and n > 2 and not joined:
                seq = [ma[i][0] for i in sorted(ma)]
                if any(x > y for x, y in zip(seq, seq[1:])) and not _is_rotation(seq):
                    return ("reject", "rejected: given names in a different order", True)
            return self._accept(fa, fb, [(i, *ma[i]) for i in sorted(ma)], joined)
        debug = self.debug
        ua = [i for i in range(n) if i not in ma]
        ub = [j for j in range(m) if j not in mb]
        if ua and ub:
            word = "given name" if person else "token"
            return ("reject", f"rejected: different {word}s "
                    f"{' '.join(A[i] for i in ua)!r} vs {' '.join(B[j] for j in ub)!r}"
                    if debug else "", True)
        # one side is fully matched inside the other
        if ub:
            short, long_, m_short, m_long, extra = fa, fb, ma, mb, ub
        else:
            short, long_, m_short, m_long, extra = fb, fa, mb, ma, ua
        lcore = long_.core
        if not person:
            return ("reject", f"rejected: extra token {' '.join(lcore[i] for i in extra)!r}"
                    if debug else "", True)
        generation = [lcore[i] for i in extra if lcore[i] in NAME_SUFFIXES]
        if generation:  # Donald Trump / Donald Trump Jr
            return ("reject", f"rejected: generational suffix {generation[0]!r}", True)
        n_long = len(lcore)
        in_long = sorted(m_long)
        k = len(in_long)
        seq = [m_short[i][0] for i in sorted(m_short)]
        order_ok = all(x <= y for x, y in zip(seq, seq[1:]))
        if order_ok and not joined:
            if k == 1 and in_long[0] == n_long - 1:
                return ("short", short.idx, long_.idx, "surname only",
                        min(s for _, s in m_short.values()))
            if k >= 2 and in_long[-1] == k - 1:  # in_long == [0, 1, ..., k - 1]
                return ("short", short.idx, long_.idx, "given names only",
                        min(s for _, s in m_short.values()))
        if any(i < in_long[-1] for i in extra):  # Ahmad (Shah) Massoud, (Habib) Ahmad Miim
            return ("reject", f"rejected: extra given name {' '.join(lcore[i] for i in extra)!r}"
                    if debug else "", True)
        if len(short.core) == 1:
            return ("reject", "rejected: given name only", False)
        return ("reject", f"rejected: extra name {' '.join(lcore[i] for i in extra)!r}"
                if debug else "", True)

    def _accept(self, fa: _Node, fb: _Node, items: list[tuple[int, int, float]], joined: list):
        """Score an alignment: items are (index in fa.core, index in fb.core, similarity)
        in fa order."""
        A, B = fa.core, fb.core
        num = den = 0.0
        reasons: list[str] = []
        in_join = {c for cov_a, _, _, _, _ in joined for c in cov_a} if joined else ()
        same_tokens = not joined
        disorder = False
        last_j = -1
        desc = self.desc
        for i, j, s in items:
            if j < last_j:
                disorder = True
            last_j = j
            if i in in_join:
                continue
            a, b = A[i], B[j]
            w = len(a) if len(a) > len(b) else len(b)
            num += w * s
            den += w
            if s < 1.0:
                same_tokens = False
                key = (a, b, s)
                r = desc.get(key)
                if r is None:
                    t = self.tid.get(a, self.n_core)
                    r = desc[key] = describe_token_pair(
                        a, b, s, self.syms[t] if t < self.n_core else None)
                reasons.append(r)
        for cov_a, cov_b, sa, sb, s in joined:
            w = max(len(sa), len(sb))
            num += w * s
            den += w
            ta = " ".join(A[c] for c in cov_a) if len(cov_a) > 1 else A[cov_a[0]]
            tb = " ".join(B[c] for c in cov_b) if len(cov_b) > 1 else B[cov_b[0]]
            if len(cov_a) == 1 and len(cov_b) == 1:  # a particle joined on (al Qaeda ~ Alqaeda)
                ta, tb = sa, sb
            reasons.append(f"joined tokens: {ta}~{tb} ({s:.2f})")
        score = 100.0 * num / den if den else 0.0
        if disorder:
            score -= 5.0
            reasons.append("token order differs (surname first?)")
        if same_tokens:
            if fa.key.replace(" ", "") == fb.key.replace(" ", ""):
                reasons.insert(0, "same after removing spaces and hyphens")
            elif fa.dropped or fb.dropped:
                drops = sorted(set(fa.dropped) ^ set(fb.dropped))
                reasons.insert(0, "same after dropping " + ", ".join(drops) if drops
                               else "same tokens")
            else:
                reasons.insert(0, "same tokens")
        else:
            na, nb = len(A), len(B)
            reasons.append(f"{na}/{na} tokens aligned one-to-one" if na == nb
                           else f"all tokens aligned ({na} vs {nb} with joins)")
        if fa.marks or fb.marks:
            reasons.append("same after normalising diacritics" if same_tokens
                           else "diacritics normalised")
        return ("accept", round(min(score, 100.0), 1), reasons)


def _is_rotation(seq: list[int]) -> bool:
    """True if seq is 0..n-1 shifted cyclically (Massoud Ahmad ~ Ahmad Massoud)."""
    n = len(seq)
    k = seq.index(0) if 0 in seq else -1
    return k >= 0 and all(seq[(k + i) % n] == i for i in range(n))


def _strip_marks(s: str) -> str:
    import unicodedata

    d = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in d if not unicodedata.combining(ch))


# --------------------------------------------------------------------------- short forms


def _resolve_short(S: _Node, cands: dict[int, tuple[float, str]], nodes: list[_Node], find,
                   s_occ: list[int] | None = None,
                   ) -> tuple[int, float, str, str] | tuple[None, list[int], str]:
    """Decide whether a short form (surname, given names, acronym) names one full form.

    `cands` maps each candidate full form to (token similarity, kind). `s_occ` are the short
    form's occurrences; by default its own, but the caller adds every mention of the same
    normalised form whatever its label (small NER models often label a bare surname ORG or
    GPE right next to the PERSON full name).
    Returns (long_idx, score, kind, reason) or (None, candidate_roots, reason)."""
    s_docs = _docs(S.occ if s_occ is None else s_occ)
    by_root: dict[int, list[int]] = defaultdict(list)
    for L in cands:
        by_root[find(L)].append(L)
    roots = sorted(by_root)
    kinds = {k for _, k in cands.values()}
    kind = kinds.pop() if len(kinds) == 1 else \
        "acronym" if all(k.startswith("acronym") for k in kinds) else "short form"
    # positions of each candidate's full mentions in the documents of the short form
    by_doc: dict[int, dict[int, list[int]]] = defaultdict(dict)
    in_s_docs = s_docs.keys()
    for r, Ls in by_root.items():
        for L in Ls:
            occ = nodes[L].occ
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
        events = sorted([(p, 0, r) for r, ps in present.items() for p in ps]
                        + [(p, 1, -1) for p in s_docs[d]])
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
    if len(unique_docs) >= 2:
        return (None, roots, f"{kind}; different full names in different documents")
    if len(unique_docs) == 1:
        root = next(iter(unique_docs))
        if salient and salient.most_common(1)[0][0] != root:
            return (None, roots, f"{kind}; context disagrees between documents")
        n = unique_docs[root]
        reason = f"{kind}; unique full name in context ({_plural(n, 'document')})"
        base = 90.0
        if salient:
            reason += (", and the most salient where several are named "
                       f"({_plural(sum(salient.values()), 'mention')})")
    elif salient:
        root, top = salient.most_common(1)[0]
        if top < 2 or top < 0.75 * sum(salient.values()):
            return (None, roots, f"{kind}; ambiguous in context")
        reason = f"{kind}; most salient full name in context ({_plural(top, 'mention')})"
        base = 87.0
    else:
        if len(roots) != 1:
            return (None, roots, f"{kind}; {len(roots)} candidate full names in the corpus")
        root = roots[0]
        reason = f"{kind}; unique full name in corpus"
        base = 86.0

    def shared(L: int) -> int:
        occ = nodes[L].occ
        return len({occ[k] for k in range(0, len(occ), 2) if occ[k] in s_docs})

    target = max(by_root[root], key=lambda L: (shared(L), nodes[L].count, cands[L][0], -L))
    sim, kind_t = cands[target]
    if kind_t != kind:
        reason = kind_t + reason[len(kind):]
    score = base - 20.0 * (1.0 - sim)
    if sim < 1.0:
        reason += f"; {S.core[-1] if S.core else S.key}~{nodes[target].core[-1]} ({sim:.2f})"
    return (target, round(score, 1), kind, reason)


# --------------------------------------------------------------------------- suggest


def suggest(mentions: Iterable[Mention], judgements: Iterable[Judgement] = (), *,
            threshold: float = 85, limit: int | None = None, workers: int = -1,
            debug: bool = False) -> Suggestions:
    """Propose variant-spelling pairs and clusters for the given entity mentions.

    Only forms with compatible labels are compared (GPE, LOC and FAC together; every other
    label with itself; DATE, CARDINAL and other value labels never). Pairs are reported with
    the most frequent original spelling of each normalised form, scored 0-100 with
    human-readable reasons, best first (at most `limit`). Judged pairs are never proposed
    again; "same" judgements join clusters and "different" ones keep clusters apart.
    `workers` is passed to rapidfuzz. With `debug`, rejected candidates and their reasons are
    returned in ``Suggestions.rejected``.
    """
    # Hundreds of thousands of small containers and no reference cycles: the cyclic garbage
    # collector would rescan the growing heap again and again (about 20% of the run time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _suggest(mentions, judgements, threshold=threshold, limit=limit,
                        workers=workers, debug=debug)
    finally:
        if gc_was_enabled:
            gc.enable()


def _suggest(mentions: Iterable[Mention], judgements: Iterable[Judgement], *, threshold: float,
             limit: int | None, workers: int, debug: bool) -> Suggestions:
    # 1. one node per normalised form within a label group. Mentions are first gathered per
    #    (form, label), so that the per-mention loop stays small and the forms are normalised
    #    in one batch.
    by_pair: dict[tuple[str, str], list[int]] = {}  # -> [doc_id, start, doc_id, start, ...]
    for form, label, doc, start in map(_MENTION_FIELDS, mentions):
        k = (form, label)
        occ = by_pair.get(k)
        if occ is None:
            by_pair[k] = [doc, -1 if start is None else start]
        else:
            occ.append(doc)
            occ.append(-1 if start is None else start)
    group_of: dict[str | None, str] = {}
    for label in {label for _, label in by_pair}:
        lab = label or ""
        group_of[label] = "" if lab.upper() in SKIP_LABELS else label_group(lab)
    forms = list({form: None for form, label in by_pair if group_of[label]})
    keys = dict(zip(forms, normalize_many(forms)))
    groups: dict[str, dict[str, _Node]] = defaultdict(dict)
    for (form, label), occ in by_pair.items():
        g = group_of[label]
        if not g:
            continue
        key = keys[form]
        if not (key.islower() if key.isascii() else any(c.isalpha() for c in key)):
            continue  # no letter at all
        nodes = groups[g]
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = _Node(len(nodes), key, g)
            node.occ = occ
        else:
            node.occ += occ  # the order of occurrences does not matter
        c = len(occ) >> 1
        sp = node.spellings
        sp[form] = sp.get(form, 0) + c
        lab = (label or "").upper()
        node.labels[lab] = node.labels.get(lab, 0) + c
        node.count += c
    del by_pair, keys

    # 2. judgements, latest per pair, keyed by (group, key, key); unknown forms become
    #    phantom nodes that only carry judgements
    judgements = list(judgements)
    judged = _latest(judgements, lambda j: _judgement_key(j, groups))
    written: dict[tuple[str, str], str] = {}
    for j in judgements:
        for form in (j.a, j.b):
            written.setdefault((label_group(j.label), normalize(form)), form)
    for (g, ka, kb) in judged:
        nodes = groups[g]
        for k in (ka, kb):
            if k not in nodes:
                node = nodes[k] = _Node(len(nodes), k, g)
                node.phantom = True
                node.rep = written.get((g, k), k)

    out_pairs: list[Pair] = []
    out_clusters: list[Cluster] = []
    rejected: list[Pair] = []
    spellings: dict[tuple[str, str], list[str]] = {}

    def reject(x: _Node, y: _Node, score: float, reasons: list[str]) -> None:
        if debug:
            rejected.append(_pair(x, y, score, reasons))

    for gname in sorted(groups):
        node_map = groups[gname]
        nodes = list(node_map.values())
        for n in nodes:
            if n.phantom:
                _analyse(n)
                continue
            _finish_node(n)
            if len(n.spellings) > 1:
                spellings[(gname, n.rep)] = sorted(n.spellings, key=lambda f: (-n.spellings[f], f))
        G = _Group(gname, nodes, workers, debug)

        # 3. compare candidates
        accepted: dict[tuple[int, int], tuple[float, list[str]]] = {}
        cannot: list[tuple[int, int]] = []
        short_cands: dict[int, dict[int, tuple[float, str]]] = defaultdict(dict)
        below = f"rejected: score below threshold {threshold}"
        singles, shorts, cpairs = G.candidates()
        for (f, g), sim in sorted(singles.items()):
            _, score, reasons = G._accept(*_ordered(nodes[f], nodes[g]), [(0, 0, sim)], [])
            if score >= threshold:
                accepted[(f, g)] = (score, reasons)
            else:
                reject(nodes[f], nodes[g], score, [below] + reasons)
        del singles
        compare = G.compare
        for f, g in sorted(cpairs):
            x, y = nodes[f], nodes[g]
            if (y.count, x.rep) > (x.count, y.rep):  # _ordered
                x, y = y, x
            res = compare(x, y)
            tag = res[0]
            if tag == "accept":
                _, score, reasons = res
                if score >= threshold:
                    accepted[(f, g)] = (score, reasons)
                elif debug:
                    reject(nodes[f], nodes[g], score, [below] + reasons)
            elif tag == "reject":
                _, reason, cannot_link = res
                if cannot_link:
                    cannot.append((f, g))
                if debug:
                    reject(nodes[f], nodes[g], 0.0, [reason])
            else:
                _, s_idx, l_idx, kind, sim = res
                if short_cands[s_idx].get(l_idx, (0.0,))[0] < sim:
                    short_cands[s_idx][l_idx] = (sim, kind)
        del cpairs
        if gname != PERSON:  # acronyms: NRF ~ National Resistance Front
            by_initials: dict[str, list[int]] = defaultdict(list)
            for n in nodes:
                if not n.phantom and not n.acronym:
                    for ini in n.initials:
                        by_initials[ini].append(n.idx)
            same_acronym: dict[str, int] = {}
            for n in nodes:
                if n.acronym and not n.phantom:
                    for L in by_initials.get(n.acronym, ()):
                        short_cands[n.idx][L] = (1.0, f"acronym of {nodes[L].key!r}")
                    first = same_acronym.setdefault(n.acronym, n.idx)
                    if first != n.idx:  # NRF / N.R.F.
                        x, y = _ordered(nodes[first], n)
                        accepted[(min(first, n.idx), max(first, n.idx))] = (
                            100.0, [f"same acronym: {x.rep} = {y.rep}"])

        # 4. judgements of this group
        same_j: list[tuple[int, int]] = []
        diff_j: list[tuple[int, int]] = []
        judged_pairs: set[tuple[int, int]] = set()
        for (jg, ka, kb), verdict in judged.items():
            if jg != gname:
                continue
            a, b = node_map[ka].idx, node_map[kb].idx
            judged_pairs.add((a, b) if a < b else (b, a))
            if verdict == "same":
                same_j.append((a, b))
            elif verdict == "different":
                diff_j.append((a, b))
        human = _Resolver(len(nodes))
        for a, b in diff_j:
            human.forbid_pair(a, b)
        for a, b in same_j:
            human.union(a, b)

        def resolver(extra: Iterable[tuple[int, int]] = ()) -> _Resolver:
            uf = _Resolver(len(nodes))
            for a, b in diff_j:
                uf.forbid_pair(a, b)
            for a, b in same_j:  # people win over the machine's cannot-links
                uf.union(a, b)
            uf.forbid_all(cannot)
            uf.forbid_all(extra)
            return uf

        # 5. short forms against preliminary clusters of the full forms
        edges = sorted(accepted.items(), key=_edge_order)
        uf0 = resolver()
        union = uf0.union
        for (a, b), _ in edges:
            union(a, b)
        root0 = uf0.roots()
        extra_cannot: set[tuple[int, int]] = set()
        for s_idx in sorted(set(short_cands) | set(shorts)):
            S = nodes[s_idx]
            cands = short_cands.get(s_idx, {})
            if s_idx in shorts:
                for L, sim in G.surname_candidates(s_idx, shorts[s_idx]).items():
                    if cands.get(L, (0.0,))[0] < sim:
                        cands[L] = (sim, "surname only")
            if not cands:
                continue
            occ = S.occ
            for g2, other in groups.items():  # the same words under other labels
                if g2 != gname and (o := other.get(S.key)) is not None and o.occ:
                    occ = occ + o.occ
            res = _resolve_short(S, cands, nodes, root0.__getitem__, occ)
            # different full forms that share this short form stay apart
            reps: dict[int, int] = {}
            for L in sorted(cands):
                reps.setdefault(root0[L], L)
            if len(reps) > 1:
                rl = list(reps.values())[:CLUSTER_CONSTRAINT_CAP]
                extra_cannot.update([(rl[i], rl[k]) for i in range(len(rl))
                                     for k in range(i + 1, len(rl))])
            if res[0] is None:
                if debug:
                    for L in sorted(cands)[:20]:
                        reject(S, nodes[L], 0.0, [f"rejected: {res[2]}"])
                continue
            target, score, _, reason = res
            e = (s_idx, target) if s_idx < target else (target, s_idx)
            if score >= threshold:
                if e not in accepted or accepted[e][0] < score:
                    accepted[e] = (score, [reason])
            else:
                reject(S, nodes[target], score, [below, reason])
        del short_cands, shorts, G, uf0

        # 6. final clusters: judgements, constraints, then edges best first
        uf = resolver(extra_cannot)
        edges = sorted(accepted.items(), key=_edge_order)
        union = uf.union
        for (a, b), _ in edges:
            union(a, b)

        # 7. pairs: accepted, not judged, not already settled by judgements
        if judged_pairs:
            edges = [e for e in edges if not (e[0] in judged_pairs or human.find(e[0][0])
                                              == human.find(e[0][1]) or human.forbidden(*e[0]))]
        out_pairs.extend([_pair(nodes[a], nodes[b], score, reasons)
                          for (a, b), (score, reasons) in edges])
        comp: dict[int, list[_Node]] = {}
        roots = uf.roots()
        for n in nodes:
            if not n.phantom:
                r = roots[n.idx]
                c = comp.get(r)
                if c is None:
                    comp[r] = [n]
                else:
                    c.append(n)
        for members in comp.values():
            if len(members) < 2:
                continue
            members.sort(key=_member_order)
            labels: dict[str, int] = {}
            for n in members:
                for lab, c in n.labels.items():
                    labels[lab] = labels.get(lab, 0) + c
            out_clusters.append(Cluster(_top_label(labels, gname), [n.rep for n in members]))
        for n in nodes:  # keep only what other groups may still read (occ, key)
            n.joins = []
            n.tokens = ()

    out_pairs.sort(key=lambda p: (-p.score, p.label, p.a, p.b))
    if limit is not None:
        out_pairs = out_pairs[:max(0, limit)]
    out_clusters.sort(key=lambda c: (-len(c.forms), c.label, c.forms))
    rejected.sort(key=lambda p: (p.label, p.a, p.b))
    return Suggestions(pairs=out_pairs, clusters=out_clusters, spellings=spellings,
                       rejected=rejected)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _edge_order(kv: tuple[tuple[int, int], tuple[float, list[str]]]):
    """Accepted edges best first, then by node indices."""
    return (-kv[1][0], kv[0])


def _member_order(n: _Node):
    return (-n.count, n.rep)


def _top_label(labels: dict[str, int], fallback: str) -> str:
    if not labels:
        return fallback
    return min(labels.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _ordered(x: _Node, y: _Node) -> tuple[_Node, _Node]:
    """The order a pair is reported in: the more frequent form first."""
    return (y, x) if (y.count, x.rep) > (x.count, y.rep) else (x, y)


def _pair(x: _Node, y: _Node, score: float, reasons: list[str]) -> Pair:
    if (y.count, x.rep) > (x.count, y.rep):  # _ordered
        x, y = y, x
    xl, yl = x.labels, y.labels
    if len(xl) == 1 and xl.keys() == yl.keys():
        label = next(iter(xl))
    else:
        merged = dict(xl)
        for lab, c in yl.items():
            merged[lab] = merged.get(lab, 0) + c
        label = _top_label(merged, x.group)
    return Pair(x.rep, y.rep, label, float(score), list(reasons))


def _judgement_key(j: Judgement, groups: dict[str, dict[str, _Node]]):
    ka, kb = normalize(j.a), normalize(j.b)
    if not ka or not kb:
        return None
    if j.label:
        return (label_group(j.label), ka, kb)
    # no label: the group where both forms occur (first such, deterministic)
    for g in sorted(groups):
        if ka in groups[g] and kb in groups[g]:
            return (g, ka, kb)
    return None
