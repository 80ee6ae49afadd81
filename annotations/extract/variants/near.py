"""Near pairs for --debug: forms that match on every token but one, never compared because that
token scored under the gate, with the score or the rule that refused it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from annotations.extract.distance import TOKEN_MATCH, token_similarity
from annotations.extract.variants.analysis import Node

__all__ = ["near_pairs"]


def near_pairs(
    n: Node,
    sets: list[set[int]],
    cand: set[int],
    nodes: Sequence[Node],
    core_ids: Sequence[tuple[int, ...]],
    tokens: Sequence[str],
    match: Sequence[dict[int, float]],
) -> list[tuple[int, int, str]]:
    """Forms of as many tokens as n that match all of its tokens but one (`sets`: per token of
    n, the forms it matches; `cand`: those already compared): (n, form, why)."""
    hits: dict[int, int] = defaultdict(int)
    for c in sets:
        for g in c:
            hits[g] += 1
    ids = core_ids[n.idx]
    out = []
    for g, k in hits.items():
        if g <= n.idx or g in cand or k != len(sets) - 1:
            continue
        other = nodes[g]
        if len(other.core) != len(n.core) or other.phantom or other.acronym:
            continue
        gids = core_ids[g]
        left = [a for a in ids if not any(b in match[a] for b in gids)]
        right = [b for b in gids if not any(b in match[a] for a in ids)]
        if len(left) == 1 and len(right) == 1:
            x, y = tokens[left[0]], tokens[right[0]]
            sim = token_similarity(x, y)
            why = "0.00: refused by the rules for short names and consonants" if sim == 0.0 else f"{sim:.2f}"
            out.append((n.idx, g, f"rejected: token {x}~{y} under the gate {TOKEN_MATCH} ({why})"))
    return out
