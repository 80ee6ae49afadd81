"""Tokens written together on one side and apart on the other (Abdul Hamid ~ Abdelhamid,
al Qaeda ~ Alqaeda, Lao Tzu ~ Laozi): the joined tokens a node also offers for matching."""

from __future__ import annotations

from collections.abc import Iterable

from annotations.extract.chinese import chinese_token
from annotations.extract.normalize import loose, loose_symbols_many, symbols_many
from annotations.extract.variants.analysis import Node, join_candidates
from annotations.extract.variants.tuning import SYLLABLE_LEN

__all__ = ["add_joins"]


def add_joins(
    live: list[Node], tid: dict[str, int], tokens: list[str], looses: list[str]
) -> dict[int, tuple[int, ...]]:
    """Adjacent tokens written together (Abdul Hamid ~ Abdelhamid) become tokens of their
    own, kept only when some core token has the same loose skeleton (`tokens` and `looses`
    hold the core tokens and grow by the joined ones)."""
    core_loose = set(looses)
    # a joined token is kept only if some core token has the same loose skeleton
    loose_of = dict(zip(tokens, looses))
    pending: list[tuple[Node, str, tuple[int, ...]]] = []
    for n in live:
        n.joins = []
        toks = n.tokens
        if len(toks) < 2:
            continue
        cands: Iterable[tuple[str, str, tuple[int, ...]]]
        if n.core is toks:  # no particles etc.: only adjacent tokens written together
            cands = [(toks[k], toks[k + 1], (k, k + 1)) for k in range(len(toks) - 1)]
            if len(toks) == 3 and max(map(len, toks)) <= SYLLABLE_LEN:
                # three syllables written apart (Wen Wei Po ~ Wenweipo, Ang Mo Kio ~ Angmokio)
                cands.append((toks[0] + toks[1], toks[2], (0, 1, 2)))
        else:
            cands = join_candidates(n)
        for left, right, cover in cands:
            a = loose_of.get(left)
            if a is None:
                a = loose_of[left] = loose(left)
            b = loose_of.get(right)
            if b is None:
                b = loose_of[right] = loose(right)
            guess = a + b[1:] if a and b and a[-1] == b[0] else a + b
            if guess in core_loose or (n.chinese and chinese_token(left + right, n.cantonese, n.hokkien)):
                # (syllables of a Chinese name written apart: Lao Tzu ~ Laozi)
                pending.append((n, left + right, cover))
    if pending:
        jsyms = symbols_many([j for _, j, _ in pending])
        for (n, joined, cover), lo in zip(pending, loose_symbols_many(jsyms)):
            if lo in core_loose or n.chinese:
                n.joins.append((joined, cover))
                loose_of.setdefault(joined, lo)
    join_ids: dict[int, tuple[int, ...]] = {}
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
            join_ids[n.idx] = tuple(ids)
    return join_ids
