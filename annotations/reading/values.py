"""The plain values a reading session hands out: `Mark` (a range to draw), `Snapshot` (one
document's annotations as the store holds them) and `Feedback` (what a command did), with
`plural` for its messages. No store and no Textual here: the article view and the Reader
screen take these without needing the session's verbs (`session` re-exports them).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["Feedback", "Mark", "Row", "Snapshot", "plural"]

Row = dict[str, Any]


class Mark(NamedTuple):
    """A highlighted range of the text (character offsets, end exclusive): kind is gold, pred,
    claim or claimpred; ref is free for the caller, here (kind, row id). A tuple, so the
    article view diffs thousands of them cheaply (it draws these directly as its SpanMark)."""

    start: int
    end: int
    label: str
    kind: str = "gold"
    ref: Hashable | None = None
    known: bool = False  # a suggestion whose text and label the team accepted before and never rejected


@dataclass(frozen=True)
class Feedback:
    """What a command did: the status line, where the cursor goes (None: it stays), whether
    the store changed (re-read and repaint), and whether it is a refusal or error."""

    message: str
    cursor: int | None = None
    changed: bool = False
    error: bool = False
    failed: bool = False  # a write the store refused (lock, full disk...): worth more than the status line


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass
class Snapshot:
    """One document's annotations as the store holds them for one annotator."""

    gold: dict[int, Row] = field(default_factory=dict)
    preds: dict[int, Row] = field(default_factory=dict)  # open entity suggestions
    claims: dict[int, Row] = field(default_factory=dict)
    claim_preds: list[Row] = field(default_factory=list)  # open claim suggestions
    entity_names: dict[int, str] = field(default_factory=dict)
    pred_starts: list[int] = field(default_factory=list)
    claim_pred_starts: list[int] = field(default_factory=list)
    known: set[int] = field(default_factory=set)  # ids of the open suggestions that are known
    unknown_starts: list[int] = field(default_factory=list)  # where `}` stops (config reader.skip_known)
    marks: list[Mark] | None = None  # built once per refresh, on demand
