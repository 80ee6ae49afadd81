"""Token matching: block every distinct token, prefilter with cpdist, score survivors with the
transliteration-aware weighted edit distance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process

from annotations.extract.distance import TOKEN_MATCH, match_similarities, token_similarity
from annotations.extract.normalize import loose_symbols
from annotations.extract.variants.tuning import BLOCK_CAP, PREFILTER_CUTOFF


def _block_keys(lo: str) -> Iterable[str]:
    """normalize.block_keys_symbols from the loose skeleton (order does not matter here)."""
    key = lo.replace("a", "")
    if len(key) <= 1:
        return ("~" + lo,)
    keys = {key}
    if len(key) >= 3 and key[-1] == "s":
        keys.add(key[:-1])
    if len(key) >= 5:
        keys.update([key[:i] + key[i + 1 :] for i in range(len(key))])
    return keys


def _match_tokens(
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
    for tid in range(n_core, T):
        t = tokens[tid]
        for c in sk.by_loose.get(looses[tid], ()):
            sim = token_similarity(t, tokens[c], plural_s)
            if sim >= TOKEN_MATCH:
                match[tid][c] = sim
                match[c][tid] = sim
    codes = _candidates(sk)
    if codes is not None:
        _score(sk, codes, match, plural_s, workers)
    return match


class _Skeletons:
    """The weighted edit distance depends only on the skeletons: the distinct skeletons of
    the core tokens (compared once each), the tokens that share each, and their loose forms."""

    def __init__(self, tokens: list[str], n_core: int, syms: list[str], looses: list[str]) -> None:
        self.tokens = tokens
        sid_of: dict[str, int] = {}
        self.usyms: list[str] = []
        self.ulo: list[str] = []
        self.members: list[list[int]] = []
        self.by_loose: dict[str, list[int]] = defaultdict(list)
        for tid in range(n_core):
            sy = syms[tid]
            sid = sid_of.get(sy)
            if sid is None:
                sid = sid_of[sy] = len(self.usyms)
                self.usyms.append(sy)
                self.ulo.append(looses[tid])
                self.members.append([tid])
            else:
                self.members[sid].append(tid)
            self.by_loose[looses[tid]].append(tid)
        # Ukrainian h is Russian g (Oleh / Oleg, Hrytsenko / Gritsenko, Luhansk / Lugansk), but
        # the loose skeleton drops h (Fatimah / Fatima): tokens with an h also block, and are
        # prefiltered, as if it were a g; so does a j (Egyptian g for j: Nagi / Naji, Gamal / Jamal)
        self.ualt = [
            loose_symbols(sy.replace("h", "g").replace("j", "g")) if "h" in sy or "j" in sy else lo
            for sy, lo in zip(self.usyms, self.ulo)
        ]

    def same_skeleton(self, match: list[dict[int, float]]) -> None:
        """Tokens with one skeleton match at 0.97 (one-letter tokens never)."""
        tokens = self.tokens
        for ids in self.members:
            if len(ids) > 1:
                for a in ids:
                    d = match[a]
                    for b in ids:
                        if b != a:
                            d[b] = 0.97 if len(tokens[a]) > 1 and len(tokens[b]) > 1 else 0.0


def _candidates(sk: _Skeletons) -> np.ndarray | None:
    """Skeleton pairs that share a block, as codes left * S + right (None: no pair)."""
    S, ulo, ualt = len(sk.usyms), sk.ulo, sk.ualt
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
                small.extend([base + y for y in ids[x + 1 :]])
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
    return np.unique(np.concatenate(chunks)) if chunks else None


def _score(sk: _Skeletons, codes: np.ndarray, match: list[dict[int, float]], plural_s: bool, workers: int) -> None:
    """Prefilter candidate skeleton pairs with cpdist, score the survivors, and record the
    matches on every token that has those skeletons."""
    S, ulo, ualt, tokens, members = len(sk.usyms), sk.ulo, sk.ualt, sk.tokens, sk.members
    left = codes // S
    right = codes % S
    step = 1_000_000
    for s in range(0, len(left), step):
        L, R = left[s : s + step], right[s : s + step]
        Ll, Rl = L.tolist(), R.tolist()
        score = process.cpdist(
            [ulo[i] for i in Ll],
            [ulo[j] for j in Rl],
            scorer=fuzz.ratio,
            score_cutoff=PREFILTER_CUTOFF,
            dtype=np.uint8,
            workers=workers,
        )
        if ualt != ulo:
            score = np.maximum(
                score,
                process.cpdist(
                    [ualt[i] for i in Ll],
                    [ualt[j] for j in Rl],
                    scorer=fuzz.ratio,
                    score_cutoff=PREFILTER_CUTOFF,
                    dtype=np.uint8,
                    workers=workers,
                ),
            )
        ok = np.nonzero(score)[0]
        L, R = L[ok], R[ok]
        sims = match_similarities(sk.usyms, L, R, plural_s)
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
