"""Row-level writes inside one `store.action`, shared by the reading commands.

Why undo restores references: SQLite's ``ON DELETE SET NULL`` and ``ON DELETE CASCADE``
change other rows (a claim's ``speaker_span_id``, an entity's aliases) without the event log
seeing it, so undo brought a deleted span back and left the claim's speaker link empty. The
store's delete (``Action.delete``) now changes every such row through the log first, so undo
replays all of it in reverse; `delete_row` is that delete, named for the readers here.
"""

from __future__ import annotations

from typing import Any

from ..errors import StoreError
from ..store import Action, now
from ..vocab import Origin, Status

__all__ = ["delete_row", "insert_span", "set_status", "touch"]


def delete_row(act: Action, table: str, row_id: int) -> dict[str, Any]:
    """Delete a row; the store logs what its foreign keys change (see the module docstring)."""
    return act.delete(table, row_id)


def set_status(act: Action, doc_id: int, annotator: str, status: str) -> bool:
    """Give the document this status for the annotator; False when it had it already."""
    row = act.execute(
        "SELECT id, status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
    ).fetchone()
    if row and row[1] == status:
        return False
    if row:
        act.update("doc_status", row[0], {"status": status, "updated_at": now()})
    else:
        act.insert("doc_status", {"doc_id": doc_id, "annotator": annotator, "status": status, "updated_at": now()})
    return True


def touch(act: Action, doc_id: int, annotator: str) -> None:
    """The first annotation moves a document from todo to in progress (same action)."""
    row = act.execute(
        "SELECT status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
    ).fetchone()
    if row is None or row[0] == Status.TODO:
        set_status(act, doc_id, annotator, Status.IN_PROGRESS)


def insert_span(
    act: Action,
    doc_id: int,
    start: int,
    end: int,
    label: str,
    annotator: str,
    *,
    origin: str = Origin.MANUAL,
    entity_id: int | None = None,
) -> int:
    """A gold span on the document's own characters; returns its id."""
    row = act.execute(
        "SELECT substr(text, ?, ?), length(text) FROM documents WHERE id = ?", (start + 1, end - start, doc_id)
    ).fetchone()
    if row is None:
        raise StoreError(f"document {doc_id} does not exist")
    if not (0 <= start < end <= row[1]):
        raise StoreError(f"span {start}-{end} is outside the text ({row[1]} chars)")
    return act.insert(
        "spans",
        {
            "doc_id": doc_id,
            "start": start,
            "end": end,
            "label": label,
            "text": row[0],
            "annotator": annotator,
            "origin": str(origin),
            "entity_id": entity_id,
            "created_at": now(),
        },
    )
