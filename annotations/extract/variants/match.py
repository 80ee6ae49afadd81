"""Token matching: block every distinct token, prefilter with cpdist, score survivors with the
transliteration-aware weighted edit distance."""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter

import numpy as np
from rapidfuzz import fuzz, process

from annotations.extract.blocking import READINGS, phonetic_key, prefilter_forms_many, skeleton_keys
from annotations.extract.distance import TOKEN_MATCH, match_similarities
from annotations.extract.normalize import loose_symbols_many, skeletons, symbols_many
from annotations.extract.places import city_or_country, place_of
from annotations.extract.romanize import alternates
from annotations.extract.variants.tuning import BLOCK_CAP, PLACE_SIM, PREFILTER_CUTOFF, SHORT_PLACE, SHORT_PLACE_SIM


def match_tokens(
    tokens: list[str], n_core: int, syms: list[str], looses: list[str], plural_s: bool, workers: int
) -> list[dict[int, float]]:
    """For every token, the tokens it matches (similarity >= TOKEN_MATCH), itself included.

    tokens[:n_core] are the core tokens, with their skeletons and loose skeletons in syms
    and looses; the rest are joined tokens (two adjacent tokens written together).
    Core tokens are blocked and compared with each other; joined tokens only need to meet a
    core token with the same loose skeleton."""
    T = len(tokens)
    match: list[dict[int, float]] = [{i: 1.0} for i in range(T)]
    if T < 2:
        return match
    sk = _Skeletons(tokens, n_core, syms, looses)
    sk.same_skeleton(match)
    joined = [(tid, c) for tid in range(n_core, T) for c in sk.by_loose.get(looses[tid], ())]
    for (tid, c), sim in zip(joined, token_matches(tokens, joined, plural_s)):
        if sim >= TOKEN_MATCH:
            match[tid][c] = sim
            match[c][tid] = sim
    codes = _candidates(sk)
    if codes is not None:
        _score(sk, codes, match, plural_s, workers)
    _gh_against_h(tokens, n_core, match)
    return match


def token_matches(tokens: list[str], pairs: list[tuple[int, int]], plural_s: bool) -> list[float]:
    """token_similarity(tokens[a], tokens[b], plural_s) for every pair (a, b) where it reaches
    TOKEN_MATCH, else 0.0: the edit distances of all the pairs' skeletons in one batch
    (distance.match_similarities) instead of one Python table each."""
    out = [0.0] * len(pairs)
    sid: dict[str, int] = {}
    todo: list[tuple[int, int, int]] = []  # (pair, skeleton, skeleton)
    for k, (a, b) in enumerate(pairs):
        x, y = tokens[a], tokens[b]
        if x == y:
            out[k] = 1.0
            continue
        if len(x) == 1 or len(y) == 1:
            continue
        kx, ky = skeletons(x), skeletons(y)
        if not set(kx).isdisjoint(ky):
            out[k] = 0.97  # one skeleton (see token_similarity)
            continue
        for sx in kx:
            for sy in ky:
                todo.append((k, sid.setdefault(sx, len(sid)), sid.setdefault(sy, len(sid))))
    if todo:
        arr = np.array(todo, dtype=np.int64)
        sims = match_similarities(list(sid), arr[:, 1], arr[:, 2], plural_s)
        for k, sim in zip(arr[:, 0].tolist(), sims.tolist()):
            if sim > out[k]:
                out[k] = sim
    return out


def _gh_against_h(tokens: list[str], n_core: int, match: list[dict[int, float]]) -> None:
    """gh and h are two letters (Baghaei / Bahaei), though the skeletons read gh as g and h
    against g is cheap (Ukrainian Oleh, Russian Oleg): a pair of tokens that differ only by
    gh for h does not match."""
    for a in range(n_core):
        ta = tokens[a]
        if "gh" not in ta:
            continue
        plain = ta.replace("gh", "h")
        for b in [b for b in match[a] if b != a and b < n_core]:
            if tokens[b] == plain:
                del match[a][b]
                match[b].pop(a, None)


# regnal and generational numbers (Mohammed V, Mohammed VI; Henry VIII): only the same one matches
_NUMERALS = frozenset("i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split())


def is_numeral(pair: str) -> bool:
    """True if two tokens written together (a + b) are two regnal numbers: V against VI is no
    initial (see TokenIndex.sim)."""
    return any(pair[:k] in _NUMERALS and pair[k:] in _NUMERALS for k in range(1, len(pair)))


def drop_different_numbers_and_places(tokens: list[str], n_core: int, match: list[dict[int, float]]) -> None:
    """Remove the token matches (both ways) between two different regnal numbers (Mohammed V /
    Mohammed VI) and between the names of two different cities or countries (places.py: Anshan
    / Anshun, Ramla / Ramallah, Jubail / Jbeil (Byblos): names places.py gives to two cities or
    countries, not a region: Dahuk the governorate, Duhok its city),
    which spelling alone may find close. (Djalalabad, GeoNames' French name of Kyrgyzstan's
    Jalal-Abad, thus stays apart from Afghanistan's Jalalabad.)"""
    for a in range(n_core):
        ta = tokens[a]
        numeral = ta in _NUMERALS
        place = city_or_country(ta)
        if not numeral and place < 0:
            continue
        for b in [b for b in match[a] if b != a and b < n_core]:
            tb = tokens[b]
            if (numeral and tb in _NUMERALS) or (place >= 0 and city_or_country(tb) not in (-1, place)):
                del match[a][b]
                match[b].pop(a, None)


def drop_short_unknown_places(tokens: list[str], n_core: int, match: list[dict[int, float]], people: set[int]) -> None:
    """Remove the token matches (both ways) between the name of a city or country the place
    table knows and a short token it does not know that differs in its consonants (Homs /
    Khoms): a consonant more or less is as often another place, and the table would list a
    spelling of a city it knows; vowels and glides (Saada / Saadah, Orel / Oryol), a consonant
    of the same class (Kulja / Ghulja), a longer name (Tikrit / Takrit) or a token of a
    person's name (`people`) keep their match."""
    for a in range(n_core):
        ta = tokens[a]
        if a in people or city_or_country(ta) < 0:
            continue
        for b in [b for b in match[a] if b != a and b < n_core and b not in people]:
            tb = tokens[b]
            if (
                min(len(ta), len(tb)) <= SHORT_PLACE
                and match[a][b] < SHORT_PLACE_SIM
                and place_of(tb) < 0
                and _other_consonants(ta, tb)
            ):
                del match[a][b]
                match[b].pop(a, None)


def _other_consonants(a: str, b: str) -> bool:
    """True if no reading of one token (itself or romanize.alternates: Kiew read the German way)
    has the loose skeleton (consonant classes, vowels and glides folded) of a reading of the
    other."""
    ra, rb = (a, *alternates(a)), (b, *alternates(b))
    loose = loose_symbols_many(symbols_many([*ra, *rb]))
    return set(loose[: len(ra)]).isdisjoint(loose[len(ra) :])


def place_matches(tokens: list[str], n_core: int, match: list[dict[int, float]]) -> list[tuple[int, int, float]]:
    """Core tokens that are two names of one city (places.py: Moskau / Moscow, Beograd /
    Belgrade) and match less than PLACE_SIM otherwise: (a, b, their similarity otherwise)."""
    by_place: dict[int, list[int]] = defaultdict(list)
    for tid in range(n_core):
        p = place_of(tokens[tid])
        if p >= 0:
            by_place[p].append(tid)
    out = []
    for ids in by_place.values():
        for a in ids:
            for b in ids:
                if a != b and (s := match[a].get(b, 0.0)) < PLACE_SIM:
                    out.append((a, b, s))
    return out


class _Skeletons:
    """The weighted edit distance depends only on the skeletons: the distinct skeletons of
    the core tokens, each token's own and those of its other readings (romanize.alternates),
    compared once each; the tokens that have each; and their prefilter readings."""

    def __init__(self, tokens: list[str], n_core: int, syms: list[str], looses: list[str]) -> None:
        self.tokens = tokens
        sid_of: dict[str, int] = {}
        self.usyms: list[str] = []
        self.members: list[list[int]] = []
        self.by_loose: dict[str, list[int]] = defaultdict(list)
        self.phonetic: dict[str, list[int]] = defaultdict(list)  # metaphone key -> skeleton ids

        def add(sy: str, tid: int) -> int:
            sid = sid_of.get(sy)
            if sid is None:
                sid = sid_of[sy] = len(self.usyms)
                self.usyms.append(sy)
                self.members.append([tid])
            elif self.members[sid][-1] != tid:
                self.members[sid].append(tid)
            return sid

        alts = [(tid, alt) for tid in range(n_core) for alt in alternates(tokens[tid])]
        alt_syms = symbols_many([alt for _, alt in alts])
        for tid in range(n_core):
            sid = add(syms[tid], tid)
            self.by_loose[looses[tid]].append(tid)
            key = phonetic_key(tokens[tid])
            if key:
                self.phonetic[key].append(sid)
        for (tid, _), sy in zip(alts, alt_syms):
            add(sy, tid)
        # slot 0: the loose skeleton; then one per blocking.READINGS (slot 0 again where the
        # skeleton has no such reading)
        self.slots: list[list[str]] = [[] for _ in range(len(READINGS) + 1)]
        self.keys: list[set[str]] = []
        for sy, forms in zip(self.usyms, prefilter_forms_many(self.usyms)):
            self.keys.append(skeleton_keys(sy, forms))
            lo = forms[0]
            for k, form in enumerate(forms):
                self.slots[k].append(lo if form == lo else form)
        # own[k][sid]: the skeleton has a reading of its own in slot k + 1
        self.own = [
            np.array([f is not lo for f, lo in zip(slot, self.slots[0])], dtype=bool) for slot in self.slots[1:]
        ]

    def same_skeleton(self, match: list[dict[int, float]]) -> None:
        """Tokens with one skeleton (their own or another reading's) match at 0.97 (one-letter
        tokens never)."""
        tokens = self.tokens
        for ids in self.members:
            if len(ids) > 1:
                for a in ids:
                    d = match[a]
                    for b in ids:
                        if b != a and d.get(b, 0.0) < 0.97:
                            d[b] = 0.97 if len(tokens[a]) > 1 and len(tokens[b]) > 1 else 0.0


def _candidates(sk: _Skeletons) -> np.ndarray | None:
    """Skeleton pairs that share a block, as codes left * S + right (None: no pair)."""
    S, ulo = len(sk.usyms), sk.slots[0]
    blocks: dict[str, list[int]] = defaultdict(list)
    for sid, keys in enumerate(sk.keys):
        for k in keys:
            blocks[k].append(sid)
    for key, sids in sk.phonetic.items():
        blocks[key] = sorted(set(sids))
    by_size: dict[int, list[list[int]]] = defaultdict(list)  # blocks to pair up, by size
    for ids in blocks.values():
        if len(ids) < 2:
            continue
        if len(ids) <= BLOCK_CAP:
            by_size[len(ids)].append(ids)
            continue
        # oversized block: split by first loose letter; what stays oversized is too common
        sub: dict[str, list[int]] = defaultdict(list)
        for sid in ids:
            sub[ulo[sid][:1]].append(sid)
        for sids in sub.values():
            if 2 <= len(sids) <= BLOCK_CAP:
                by_size[len(sids)].append(sids)
    chunks: list[np.ndarray] = []
    for size, groups in by_size.items():  # every pair in every block of one size at once
        arr = np.array(groups, dtype=np.int64)  # (blocks, size)
        iu, ju = np.triu_indices(size, 1)
        a, b = arr[:, iu].ravel(), arr[:, ju].ravel()
        chunks.append(np.minimum(a, b) * S + np.maximum(a, b))
    return _sorted_unique(np.concatenate(chunks)) if chunks else None


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """np.unique(codes) through one sort: numpy 2's np.unique hashes first and is about 20
    times slower on the linker's ~200k pair codes."""
    codes.sort()
    keep = np.empty(len(codes), dtype=bool)
    keep[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def _prefilter(sk: _Skeletons, L: np.ndarray, R: np.ndarray, workers: int) -> np.ndarray:
    """Indices of the pairs (L[k], R[k]) whose loose readings are close enough (fuzz.ratio of
    some reading slot at least PREFILTER_CUTOFF) to be scored."""
    ok = np.zeros(len(L), dtype=bool)
    for k, slot in enumerate(sk.slots):
        if k == 0:
            todo = np.arange(len(L))
        else:
            # only pairs still out, where one side has a reading of its own in this slot
            own = sk.own[k - 1]
            todo = np.nonzero(~ok & (own[L] | own[R]))[0]
            if not len(todo):
                continue
        score = process.cpdist(
            _pick(slot, L[todo]),
            _pick(slot, R[todo]),
            scorer=fuzz.ratio,
            score_cutoff=PREFILTER_CUTOFF,
            dtype=np.uint8,
            workers=workers,
        )
        ok[todo[np.nonzero(score)[0]]] = True
    return np.nonzero(ok)[0]


def _pick(strings: list[str], idx: np.ndarray) -> list[str]:
    """[strings[i] for i in idx], through itemgetter (one C call)."""
    if len(idx) < 2:
        return [strings[i] for i in idx.tolist()]
    return list(itemgetter(*idx.tolist())(strings))


def _score(sk: _Skeletons, codes: np.ndarray, match: list[dict[int, float]], plural_s: bool, workers: int) -> None:
    """Prefilter candidate skeleton pairs, score the survivors, and record the matches on
    every token that has those skeletons (the best reading wins)."""
    S, tokens, members = len(sk.usyms), sk.tokens, sk.members
    left = codes // S
    right = codes % S
    step = 1_000_000
    for s in range(0, len(left), step):
        L, R = left[s : s + step], right[s : s + step]
        ok = _prefilter(sk, L, R, workers)
        L, R = L[ok], R[ok]
        sims = match_similarities(sk.usyms, L, R, plural_s, sk.keys)
        hit = np.nonzero(sims)[0]
        for i, j, sim in zip(L[hit].tolist(), R[hit].tolist(), sims[hit].tolist()):
            for a in members[i]:
                if len(tokens[a]) == 1:
                    continue
                da = match[a]
                for b in members[j]:
                    if b != a and len(tokens[b]) > 1 and da.get(b, 0.0) < sim:
                        da[b] = sim
                        match[b][a] = sim
