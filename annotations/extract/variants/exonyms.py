"""Edges between two forms that are names of one place (../places.py: Rostov-on-Don / Rostow am
Don, Deutschland / Germany), whatever their spelling."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from annotations.extract.places import own_name, place_name, place_of
from annotations.extract.variants.analysis import Node
from annotations.extract.variants.tuning import CROSS_LABEL_PENALTY, PLACE_SCORE

__all__ = ["place_edges"]


def place_edges(
    nodes: list[Node], accepted: dict[tuple[int, int], tuple[float, list[str]]], cannot: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], tuple[float, list[str]]]:
    """Edges {(a, b): (score, reasons)} between forms naming one place, unless either is taken
    for a person (Ivanova is a city too, Rashid is Rosetta) and is not the place's own main name
    (a small model tags Nagqu, Turpan, Tabriz PERSON), the pair is accepted already or a rule
    keeps it apart."""
    by_place: dict[int, list[int]] = defaultdict(list)
    for n in nodes:
        if n.phantom or n.acronym or (k := place_of(n.key)) < 0:  # (most forms name no place)
            continue
        if not n.person or own_name(n.key):
            by_place[k].append(n.idx)
    out: dict[tuple[int, int], tuple[float, list[str]]] = {}
    apart = set(cannot)
    for place, ids in by_place.items():
        for i, f in enumerate(ids):
            for g in ids[i + 1 :]:
                e = (f, g) if f < g else (g, f)
                if e in accepted or e in apart:
                    continue
                x, y = nodes[e[0]], nodes[e[1]]
                score = PLACE_SCORE
                reasons = [f"names of one place: {place_name(place)}"]
                if x.group != y.group:
                    score -= CROSS_LABEL_PENALTY
                    reasons.append("compared across labels")
                out[e] = (score, reasons)
    return out
