"""Marking many documents at once (`newsmark mark`): a status for one annotator and/or the
held-out flag, over a selection, as one undoable action.

    mark(store, doc_ids, annotator, *, status=None, held_out=None) -> MarkResult
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.errors import UserInputError
from annotations.store.documents import STATUSES, set_status_in
from annotations.store.held_out import set_held_out

if TYPE_CHECKING:
    from annotations.store.database import Store


@dataclass
class MarkResult:
    selected: int
    status_changed: int = 0
    held_out_changed: int = 0


def mark(
    store: Store,
    doc_ids: Sequence[int],
    annotator: str,
    *,
    status: str | None = None,
    held_out: bool | None = None,
) -> MarkResult:
    """Set `status` (for `annotator`) and/or the held-out flag on every document of `doc_ids`,
    in one action (one undo restores every one)."""
    if status is None and held_out is None:
        raise UserInputError("mark: nothing to do: pass --status STATUS, --held-out or --not-held-out")
    if status is not None and status not in STATUSES:
        raise UserInputError(f"--status: expected one of {', '.join(STATUSES)}, got {status!r}")
    result = MarkResult(len(doc_ids))
    what = " and ".join(
        x for x in (f"{status}" if status else "", {True: "held out", False: "not held out", None: ""}[held_out]) if x
    )
    with store.action(annotator, f"mark {what}", note=f"{len(doc_ids)} documents") as act:
        if status is not None:
            for doc_id in doc_ids:
                result.status_changed += set_status_in(act, doc_id, annotator, status)
        if held_out is not None:
            result.held_out_changed = set_held_out(act, doc_ids, held_out, annotator)
    return result
