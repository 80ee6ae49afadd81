"""Distance between name tokens: a weighted edit distance over transliteration skeletons.

``token_cost`` is a weighted edit distance over symbol skeletons (normalize.symbols) whose
costs encode what transliteration does and does not change: vowel-class swaps, a final h,
doubled letters and sibling consonants (k/g/kh, g/j) are cheap; a different consonant, an h
dropped inside a name (Mahdy / Mady), b/p and f/p (Behruz / Pirouz), or a syllable added at
the end (Niger / Nigeria, Russia / Russian, Daniel / Daniela) are expensive.
``token_similarity`` turns it into [0, 1]; ``match_similarities`` is the same for many pairs
at once with numpy (identical values; tests/test_normalize_batch.py checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from annotations.extract.blocking import share_block
from annotations.extract.normalize import VOWEL_CLASSES, skeletons

__all__ = ["TOKEN_MATCH", "match_similarities", "symbol_similarity", "token_cost", "token_similarity"]


# --------------------------------------------------------------------------- token cost

_CONS_SUB: dict[frozenset[str], float] = {}
for _a, _b, _c in [
    ("k", "g", 0.4),
    ("k", "X", 0.3),
    ("X", "h", 0.3),
    ("g", "X", 0.4),
    ("s", "S", 0.4),
    ("s", "z", 0.8),
    ("z", "Z", 0.3),
    ("j", "Z", 0.4),
    ("S", "C", 0.5),
    ("C", "j", 0.6),
    # b/p and f/p make other Persian names (Behruz / Pirouz, Farid / Parid): dearer than v/f
    ("t", "d", 0.6),
    ("f", "p", 1.0),
    ("v", "f", 0.6),
    ("b", "p", 1.0),
    ("v", "b", 0.6),
    ("h", "g", 0.3),
    ("j", "y", 0.4),
    ("S", "Z", 0.5),
    ("s", "C", 0.6),
    ("k", "C", 0.6),
    ("g", "j", 0.3),  # Egyptian g for j: Nagi / Naji, Gamal / Jamal
]:
    _CONS_SUB[frozenset((_a, _b))] = _c
_VOW_SUB: dict[frozenset[str], float] = {}
for _a in "AIUYW":
    _VOW_SUB[frozenset(("E", _a))] = 0.1
_VOW_SUB[frozenset(("I", "Y"))] = 0.2
_VOW_SUB[frozenset(("U", "W"))] = 0.3
_VOW_SUB[frozenset(("A", "W"))] = 0.4
_VOW_SUB[frozenset(("A", "Y"))] = 0.5
# a against i makes another Arabic name (Hamid / Hamad, Rashid / Rashad), as no transliteration does
_VOW_SUB[frozenset(("A", "I"))] = 0.8
_FINAL_VOWELS = frozenset("AIUYW")
# ...whose differences at the end of a name make another name (Maria / Mario), except i / ei
# (Serhiy / Sergei, Andriy / Andrei: transliterations of one ending)
_FINAL_CLASS = {"A": 1, "I": 2, "Y": 2, "U": 3, "W": 4}
_SEMI_SUB = {frozenset(("y", "I")): 0.3, frozenset(("v", "U")): 0.3}


def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    av, bv = a in VOWEL_CLASSES, b in VOWEL_CLASSES
    key = frozenset((a, b))
    if av and bv:
        return _VOW_SUB.get(key, 0.6)
    if av or bv:
        return _SEMI_SUB.get(key, 9.0)
    return _CONS_SUB.get(key, 1.5)


def _indel(c: str, edge: str, plural_s: bool) -> float:
    """Cost of inserting or deleting symbol c; edge is "", "start" or "end"."""
    if c in VOWEL_CLASSES:
        if c == "E":
            return 0.4
        if edge == "end":
            return 1.3  # Ivanov / Ivanova, Paul / Paula, Niger / Nigeria
        return 1.0 if edge else 0.6
    if c == "h":
        # a final h comes and goes (Fatimah / Fatima); one dropped inside a name, or at its
        # start, makes another (Mahdy / Mady, Rahman / Raman, Hadeeb / Adeeb)
        return 0.3 if edge == "end" else 1.0
    if c == "y":
        return 0.6 if not edge else 1.0
    if edge == "end" and c == "s" and plural_s:
        return 0.4
    return 1.5 if edge else 0.9


class _SubRow(dict):
    """Substitution costs from one symbol: row[b] -> cost (filled lazily)."""

    __slots__ = ("a",)

    def __init__(self, a: str) -> None:
        super().__init__()
        self.a = a

    def __missing__(self, b: str) -> float:
        v = 0.0 if b == self.a else _sub(self.a, b)
        self[b] = v
        return v


class _Table(dict):
    """Lazily filled cost tables for one plural-s setting."""

    def __init__(self, plural_s: bool) -> None:
        super().__init__()
        self.plural_s = plural_s
        self.mid: dict[str, float] = {}
        self.start: dict[str, float] = {}
        self.end: dict[str, float] = {}

    def __missing__(self, a: str) -> _SubRow:
        row = self[a] = _SubRow(a)
        self.mid[a] = _indel(a, "", self.plural_s)
        self.start[a] = _indel(a, "start", self.plural_s)
        self.end[a] = _indel(a, "end", self.plural_s)
        return row


_TABLES = {False: _Table(False), True: _Table(True)}


def token_cost(a: str, b: str, plural_s: bool = False, limit: float = float("inf")) -> float:
    """Weighted edit distance between the symbol skeletons a and b.

    Stops early (returning a value above `limit`) once every path costs more than `limit`."""
    tab = _TABLES[plural_s]
    for c in a:
        tab[c]
    for c in b:
        tab[c]
    mid, start_, end_ = tab.mid, tab.start, tab.end
    n, m = len(a), len(b)
    prev = [0.0] * (m + 1)
    ins0 = start_ if n else end_
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + ins0[b[j - 1]]
    ins_mid = [mid[c] for c in b]
    ins_end = [end_[c] for c in b]
    last_b = b[-1] if m else ""
    last_vowel_b = last_b in _FINAL_VOWELS
    rng = range(1, m + 1)
    for i in range(1, n + 1):
        ai = a[i - 1]
        row = tab[ai]
        del_mid = mid[ai]
        del_end = end_[ai]
        c0 = prev[0] + start_[ai]
        cur = [c0] * (m + 1)
        ins = ins_end if i == n else ins_mid
        final_a = i == n and ai in _FINAL_VOWELS and last_vowel_b and _FINAL_CLASS[ai] != _FINAL_CLASS[last_b]
        row_min = c0
        left = c0
        for j in rng:
            best = prev[j - 1] + row[b[j - 1]]
            v = left + ins[j - 1]
            if v < best:
                best = v
            v = prev[j] + (del_end if j == m else del_mid)
            if v < best:
                best = v
            if j == m and final_a:
                # Maria / Mario, Zelensky / Zelenska: a different final vowel is another name
                v = prev[j - 1] + 1.5
                alt = min(left + ins[j - 1], prev[j] + del_end)
                best = v if v < alt else alt
            cur[j] = left = best
            if best < row_min:
                row_min = best
        if row_min > limit:
            return row_min
        prev = cur
    return prev[m]


TOKEN_MATCH = 0.85  # two tokens are "the same name" from this similarity up


def token_similarity(x: str, y: str, plural_s: bool = False) -> float:
    """Similarity in [0, 1] of two normalised tokens: 1.0 identical, 0.97 the same skeleton
    (a transliteration or doubling variant, also under another reading: romanize.alternates),
    otherwise 1 - weighted edit cost / length, capped
    at 0.96; 0.0 for short tokens (4 symbols or fewer) that differ by more than a vowel shade."""
    if x == y:
        return 1.0
    if len(x) == 1 or len(y) == 1:
        return 0.0
    kx, ky = skeletons(x), skeletons(y)
    best = 0.0
    for sx in kx:
        for sy in ky:
            if sx == sy:
                return 0.97
            s = symbol_similarity(sx, sy, plural_s)
            if s > best:
                best = s
    return best


def symbol_similarity(sx: str, sy: str, plural_s: bool = False) -> float:
    """Similarity of two different skeletons (see token_similarity)."""
    L = max(len(sx), len(sy))
    limit = (1.0 - TOKEN_MATCH) * L + 1e-9
    cost = token_cost(sx, sy, plural_s, limit) if sx <= sy else token_cost(sy, sx, plural_s, limit)
    if (L <= 3 and cost > 0.2) or (L == 4 and cost > 0.3) or (L == 5 and cost > 0.6):
        return 0.0  # short names: only vowel shades (Imad / Emad), not Sine / Sane, Nile / Nyala
    if L <= 5 and _one_vowel(sx) and _one_vowel(sy) and _one_vowel(sx) != _one_vowel(sy):
        return 0.0  # one syllable: its vowel is the name (Peng / Ping, Yang / Ying, Jan / Jon)
    sim = max(0.0, min(0.96, 1.0 - cost / L))
    if sim >= TOKEN_MATCH and not share_block(sx, sy):
        return 0.0  # another consonant in a short name: another name (Belaid / Belkaid)
    return sim


def _one_vowel(sym: str) -> str:
    """The vowel symbol of a one-syllable skeleton, else "" (none, or several)."""
    vowels = [c for c in sym if c in VOWEL_CLASSES]
    return vowels[0] if len(vowels) == 1 else ""


class _CostArrays:
    """token_cost's tables as numpy arrays over a set of skeletons, which are encoded as rows
    of symbol codes (code 0 pads; its costs are never read into a result)."""

    def __init__(self, tab: _Table, syms: list[str]) -> None:
        chars = ["\0"] + sorted(set("".join(syms)) - {"\0"})
        for c in chars[1:]:
            tab[c]
        code = np.zeros(max(ord(c) for c in chars) + 1, dtype=np.intp)
        code[[ord(c) for c in chars]] = np.arange(len(chars))
        self.sub = np.array([[0.0] * len(chars)] + [[0.0] + [tab[x][y] for y in chars[1:]] for x in chars[1:]])
        self.mid = np.array([0.0] + [tab.mid[c] for c in chars[1:]])
        self.start = np.array([0.0] + [tab.start[c] for c in chars[1:]])
        self.end = np.array([0.0] + [tab.end[c] for c in chars[1:]])
        self.final = np.array([c in _FINAL_VOWELS for c in chars])
        self.final_class = np.array([_FINAL_CLASS.get(c, 0) for c in chars])
        self.lens = np.fromiter(map(len, syms), dtype=np.intp, count=len(syms))
        width = int(self.lens.max())
        buf = "".join(s.ljust(width, "\0") for s in syms).encode("utf-32-le")
        self.codes = code[np.frombuffer(buf, dtype=np.uint32).reshape(len(syms), width)]
        self.last = self.codes[np.arange(len(syms)), self.lens - 1]


def _batch_costs(arr: _CostArrays, a_ids: np.ndarray, b_ids: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """token_cost(syms[a], syms[b], limit=limit) for many pairs at once: the same recurrence
    as token_cost, run over all pairs in lock step, row by row (the same float operations in
    the same order, so the values are identical). A pair leaves the lock step once its last
    row is done or, like token_cost's early stop, once every path costs more than its limit
    (its result is then inf: all that is known is that it exceeds the limit)."""
    P = len(a_ids)
    n_arr, m_arr = arr.lens[a_ids], arr.lens[b_ids]
    N, M = int(n_arr.max()), int(m_arr.max())
    # (position, pair) layout: one position of every pair is one contiguous vector
    ai = np.ascontiguousarray(arr.codes[a_ids, :N].T)
    bi = np.ascontiguousarray(arr.codes[b_ids, :M].T)
    # Maria / Mario: a different final vowel costs 1.5
    la, lb = arr.last[a_ids], arr.last[b_ids]
    final = (arr.final_class[la] != arr.final_class[lb]) & arr.final[la] & arr.final[lb]
    last_col = np.arange(M)[:, None] == (m_arr - 1)[None, :]  # (M, P)
    # (M + 1, P): the letters of b after each column (negative past the end of b), and the
    # cheapest insertion or deletion: a path from a cell needs one per letter of length
    # difference left, so a pair is over its limit once every cell is, counting those
    b_left = m_arr[None, :] - np.arange(M + 1)[:, None]
    min_indel = min(arr.mid[1:].min(), arr.start[1:].min(), arr.end[1:].min())
    ins_mid, ins_end = arr.mid[bi], arr.end[bi]
    prev = np.zeros((M + 1, P))
    start_b = arr.start[bi]
    for j in range(1, M + 1):
        prev[j] = prev[j - 1] + start_b[j - 1]
    out = np.full(P, np.inf)
    live = np.arange(P)  # the pairs still in the lock step, by position in the input
    for i in range(1, N + 1):
        a_row = ai[i - 1]
        sub = arr.sub[a_row[None, :], bi]  # (M, P)
        last_row = n_arr == i
        f = np.nonzero(last_row & final)[0]
        if len(f):
            sub[m_arr[f] - 1, f] = 1.5
        dele = np.where(last_col, arr.end[a_row][None, :], arr.mid[a_row][None, :])
        ins = np.where(last_row, ins_end, ins_mid)
        base = np.minimum(prev[:-1] + sub, prev[1:] + dele)
        cur = np.empty((M + 1, len(live)))
        cur[0] = left = prev[0] + arr.start[a_row]
        for j in range(1, M + 1):
            left = cur[j] = np.minimum(base[j - 1], left + ins[j - 1])
        done = np.nonzero(last_row)[0]
        if len(done):
            out[live[done]] = cur[m_arr[done], done]
        prev = cur
        if i == N:
            break
        bound = np.where(b_left >= 0, cur + min_indel * np.abs(b_left - (n_arr - i)), np.inf)
        keep = ~last_row & (bound.min(axis=0) <= limit)
        if not keep.any():
            break
        if not keep.all():
            ai, bi, ins_mid, ins_end, prev = ai[:, keep], bi[:, keep], ins_mid[:, keep], ins_end[:, keep], prev[:, keep]
            last_col, b_left = last_col[:, keep], b_left[:, keep]
            n_arr, m_arr, final, limit, live = n_arr[keep], m_arr[keep], final[keep], limit[keep], live[keep]
    return out


def match_similarities(
    syms: list[str],
    left: np.ndarray,
    right: np.ndarray,
    plural_s: bool = False,
    keys: Sequence[AbstractSet[str]] | None = None,
) -> np.ndarray:
    """symbol_similarity(syms[left[k]], syms[right[k]]) for every k where it reaches
    TOKEN_MATCH, else 0.0. The skeletons must be distinct; `keys`, if the caller has them, are
    their block keys (blocking.skeleton_keys of each).

    For the many candidate pairs of the linker's token matching: numpy passes over all pairs
    instead of one Python edit-distance table per pair."""
    out = np.zeros(len(left))
    if not len(left):
        return out
    arr = _CostArrays(_TABLES[plural_s], syms)
    rank = np.empty(len(syms), dtype=np.intp)
    rank[sorted(range(len(syms)), key=syms.__getitem__)] = np.arange(len(syms))
    left, right = np.asarray(left, dtype=np.intp), np.asarray(right, dtype=np.intp)
    swap = rank[left] > rank[right]  # token_cost(a, b) with a <= b, as symbol_similarity
    a_ids, b_ids = np.where(swap, right, left), np.where(swap, left, right)
    L = np.maximum(arr.lens[a_ids], arr.lens[b_ids])
    cost = np.empty(len(left))
    limit = (1.0 - TOKEN_MATCH) * L + 1e-9  # as symbol_similarity's
    # bucket by length so that short pairs are not padded to the longest ones (finer buckets
    # pay off only for many pairs: every bucket costs a few hundred numpy calls)
    cuts = (0, 5, 6, 7, 8, 10, 1 << 30) if len(left) > 5000 else (0, 6, 8, 1 << 30)
    for lo, hi in zip(cuts, cuts[1:]):
        idx = np.nonzero((L >= lo) & (L < hi))[0]
        if len(idx):
            cost[idx] = _batch_costs(arr, a_ids[idx], b_ids[idx], limit[idx])
    Lf = L.astype(np.float64)
    sim = np.maximum(0.0, np.minimum(0.96, 1.0 - cost / Lf))
    sim[((L <= 3) & (cost > 0.2)) | ((L == 4) & (cost > 0.3)) | ((L == 5) & (cost > 0.6))] = 0.0
    # (only skeletons of 5 symbols or fewer are read: the rule is for short names)
    vowel = np.array([ord(_one_vowel(x) or "\0") if len(x) <= 5 else 0 for x in syms])
    va, vb = vowel[a_ids], vowel[b_ids]
    sim[(L <= 5) & (va != 0) & (vb != 0) & (va != vb)] = 0.0  # see symbol_similarity
    ok = sim >= TOKEN_MATCH
    hits = np.nonzero(ok)[0]
    for k, a, b in zip(hits.tolist(), a_ids[hits].tolist(), b_ids[hits].tolist()):  # see symbol_similarity
        if keys[a].isdisjoint(keys[b]) if keys is not None else not share_block(syms[a], syms[b]):
            ok[k] = False
    out[ok] = sim[ok]
    return out
