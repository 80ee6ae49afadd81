"""The one rule for which suggestions are still open, as pure functions.

A suggestion (a stored prediction) is open for an annotator until they decide it:

* an entity suggestion is closed by any of their gold spans overlapping it (entities do not
  nest, so the gold span supersedes it, whether it is the accepted suggestion itself, an
  edited version of it, or a different reading of the same words), or by a rejection of
  the same characters whose label is the suggestion's or empty (a rejection of "ORG at
  10-17" does not hide a later model's "PERSON at 10-17": that is a new question);
* a claim suggestion is closed by a claim of theirs on exactly its characters, or by a
  claim rejection of exactly its characters.

The Reader, `d`, the linker and the exports should all ask this module; nothing here reads
the store, so the rule is tested on plain lists.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import Any

from annotations.suggestions.ranges import Coverage
from annotations.vocab import RejectionKind

__all__ = [
    "is_open",
    "is_rejected",
    "open_claim_suggestions",
    "open_suggestions",
    "overlapping",
    "rejection_key",
]

Row = Mapping[str, Any]


def rejection_key(rejection: Row, kind: str = RejectionKind.ENTITY) -> tuple[int, int, str | None] | None:
    """What a rejection row closes, (start, end, label), when it is of `kind`; else None."""
    if (rejection.get("kind") or RejectionKind.ENTITY) != kind:
        return None
    return rejection["start"], rejection["end"], rejection.get("label")


def _rejected_keys(rejections: Iterable[Row], kind: str) -> set[tuple[int, int, str | None]]:
    return {
        (r["start"], r["end"], r.get("label")) for r in rejections if (r.get("kind") or RejectionKind.ENTITY) == kind
    }


def is_open(pred: Row, overlaps: Callable[[int, int], bool], rejected: Container[tuple[int, int, str | None]]) -> bool:
    """The rule for one entity suggestion, for a caller that keeps the gold coverage (`overlaps`)
    and the rejection keys up to date itself (the reading session, after each write)."""
    return not overlaps(pred["start"], pred["end"]) and not is_rejected(pred, rejected)


def is_rejected(pred: Row, rejected: Container[tuple[int, int, str | None]]) -> bool:
    """Whether a rejection key set (start, end, label) covers this prediction."""
    start, end = pred["start"], pred["end"]
    return (start, end, pred.get("label")) in rejected or (start, end, None) in rejected


def open_suggestions(predictions: Iterable[Row], gold: Iterable[Row], rejections: Iterable[Row]) -> list[Row]:
    """The entity predictions still open, in their given order (see the module docstring).

    `gold` and `rejections` are one annotator's rows for one document (or, for a corpus-wide
    caller, rows already grouped per document and annotator)."""
    overlaps = Coverage((g["start"], g["end"]) for g in gold).overlaps
    rejected = _rejected_keys(rejections, RejectionKind.ENTITY)
    out = []
    for p in predictions:  # thousands in a long article, after every key: kept tight
        start, end = p["start"], p["end"]
        if overlaps(start, end) or (
            rejected and ((start, end, p.get("label")) in rejected or (start, end, None) in rejected)
        ):
            continue
        out.append(p)
    return out


def open_claim_suggestions(predictions: Iterable[Row], claims: Iterable[Row], rejections: Iterable[Row]) -> list[Row]:
    """The claim predictions not yet tagged or rejected (exact characters)."""
    tagged = {(c["start"], c["end"]) for c in claims}
    rejected = {(s, e) for s, e, _ in _rejected_keys(rejections, RejectionKind.CLAIM)}
    return [p for p in predictions if (p["start"], p["end"]) not in tagged and (p["start"], p["end"]) not in rejected]


def overlapping(rows: Sequence[Row], start: int, end: int) -> list[Row]:
    """The rows whose [start, end) meets [start, end) (gold spans a new span would replace)."""
    return [r for r in rows if r["start"] < end and start < r["end"]]
