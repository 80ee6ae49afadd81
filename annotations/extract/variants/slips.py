"""One-letter slips in a given name beside an identical surname (Ahmad / Ahad Masoud).

A letter dropped or added inside a token is too big an edit for the transliteration-aware
distance on a short name (Mady / Mahdy are two people), so it is admitted only where the
rest of the name vouches for it: the same number of tokens, an identical surname, every other
token matching, the slip inside (not at either end of) a given name of at least
``tuning.SLIP_MIN_LEN`` letters, and the letter not an h (dropped h's make other names).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from annotations.extract.variants.analysis import Node
from annotations.extract.variants.arabic import pattern_conflict
from annotations.extract.variants.tuning import SLIP_MAX_TOKENS, SLIP_MIN_LEN


def one_letter_slip(a: str, b: str) -> bool:
    """True if one token is the other with one inner letter (not h) added."""
    if len(a) == len(b) or abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(long_) < SLIP_MIN_LEN or short[0] != long_[0] or short[-1] != long_[-1]:
        return False
    for i in range(1, len(long_) - 1):
        if long_[:i] + long_[i + 1 :] == short:
            return long_[i] != "h" and not pattern_conflict(a, b)  # Amer / Ameer: another name
    return False


def slip_pairs(
    nodes: Sequence[Node], core_ids: Sequence[tuple[int, ...]], tokens: Sequence[str]
) -> set[tuple[int, int]]:
    """Candidate pairs of people's names that differ by a one-letter slip in one given name
    and share every other token exactly (the token blocks never put them together). Names are
    blocked by (the other tokens, the slipped position, its first and last letter): blocks stay
    small and cost one small key per name and position, not one per letter."""
    blocks: dict[tuple[tuple[int, ...], int, str], list[tuple[int, str]]] = defaultdict(list)
    for n in nodes:
        ids = core_ids[n.idx]
        if n.phantom or n.acronym or not n.person or not 2 <= len(ids) <= SLIP_MAX_TOKENS:
            continue
        for pos in range(len(ids) - 1):
            t = tokens[ids[pos]]
            if len(t) >= SLIP_MIN_LEN - 1:
                blocks[(ids[:pos] + ids[pos + 1 :], pos, t[0] + t[-1])].append((n.idx, t))
    out: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        by_len: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for f, t in members:
            by_len[len(t)].append((f, t))
        for length, shorter in by_len.items():
            for g, u in by_len.get(length + 1, ()):
                out.update((f, g) if f < g else (g, f) for f, t in shorter if one_letter_slip(t, u))
    return out


def variant_slip_pairs(
    nodes: Sequence[Node],
    core_ids: Sequence[tuple[int, ...]],
    tokens: Sequence[str],
    match: Sequence[dict[int, float]],
    post_last: dict[int, list[int]],
) -> set[tuple[int, int]]:
    """People's names of 2-3 tokens whose surnames are variants (not identical: slip_pairs has
    those) and whose given names may differ by a one-letter slip: the candidates for the event
    rule (a slip beside a variant surname is linked only when the documents share the event).
    The names of each surname are indexed by what a slip keeps (token count, position, first
    and last letter, length): only names one letter longer or shorter there are compared, not
    every pair of names behind two variant surnames."""
    out: set[tuple[int, int]] = set()
    indexes: dict[int, dict[tuple[int, int, int, str, str], list[int]]] = {}
    for n in nodes:
        ids = core_ids[n.idx]
        if n.phantom or not n.person or n.chinese or not 2 <= len(ids) <= SLIP_MAX_TOKENS:
            continue
        queries = None  # what this name looks up in each surname's index, built once
        for s2 in match[ids[-1]]:
            if s2 == ids[-1]:
                continue
            index = indexes.get(s2)
            if index is None:
                names = post_last.get(s2, ())
                # a common surname: its slips are not worth it
                index = indexes[s2] = _slip_index(names, core_ids, tokens) if len(names) <= 200 else {}
            if not index:
                continue
            if queries is None:
                queries = _slip_queries(ids, tokens)
            for key, pos, t in queries:
                for g in index.get(key, ()):
                    if g > n.idx and one_letter_slip(t, tokens[core_ids[g][pos]]):
                        out.add((n.idx, g))
    return out


def _slip_queries(ids: tuple[int, ...], tokens: Sequence[str]) -> list[tuple[tuple[int, int, int, str, str], int, str]]:
    """The _slip_index keys a name's slips would have (one letter more or fewer in a given
    name), with the position and the token."""
    out = []
    for pos, x in enumerate(ids[:-1]):
        t = tokens[x]
        if t:
            out.append(((len(ids), pos, len(t) - 1, t[0], t[-1]), pos, t))
            out.append(((len(ids), pos, len(t) + 1, t[0], t[-1]), pos, t))
    return out


def _slip_index(
    names: Sequence[int], core_ids: Sequence[tuple[int, ...]], tokens: Sequence[str]
) -> dict[tuple[int, int, int, str, str], list[int]]:
    """The names of one surname by (token count, position, length, first and last letter) of
    each of their given-name tokens."""
    index: dict[tuple[int, int, int, str, str], list[int]] = defaultdict(list)
    for g in names:
        gids = core_ids[g]
        for pos, y in enumerate(gids[:-1]):
            u = tokens[y]
            if u:
                index[(len(gids), pos, len(u), u[0], u[-1])].append(g)
    return index
