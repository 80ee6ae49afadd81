"""Row-level writes inside one `store.action`, shared by the reading commands.

Why undo restores references: SQLite's ``ON DELETE SET NULL`` and ``ON DELETE CASCADE``
change other rows (a claim's ``speaker_span_id``, an entity's aliases) without the event log
seeing it, so undo brought a deleted span back and left the claim's speaker link empty. The
store's delete (``Action.delete``) now changes every such row through the log first, so undo
replays all of it in reverse; `delete_row` is that delete, named for the readers here.
"""

from __future__ import annotations

from typing import Any

from annotations.store import Action, documents
from annotations.store.documents import touch
from annotations.store.gold import insert_span

__all__ = ["delete_row", "insert_span", "set_status", "touch"]


def delete_row(act: Action, table: str, row_id: int) -> dict[str, Any]:
    """Delete a row; the store logs what its foreign keys change (see the module docstring)."""
    return act.delete(table, row_id)


def set_status(act: Action, doc_id: int, annotator: str, status: str) -> bool:
    """Give the document this status for the annotator; False when it had it already."""
    return documents.set_status_in(act, doc_id, annotator, status)
