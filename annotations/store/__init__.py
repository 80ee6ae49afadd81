"""The SQLite store: documents, gold annotations, predictions and the event log.

`Store` (database.py) holds the connection and its transactions; the queries live in small
modules beside it: connection (opening a file safely, the words for environment faults),
schema (migrations), history (actions, the event log, undo/redo), documents, gold (spans and
rejections), predictions, entities and stats. Writes go through `Store.action`.
"""

from __future__ import annotations

from annotations.store.connection import storage_error
from annotations.store.database import Store
from annotations.store.documents import STATUSES, content_hash, fts_query
from annotations.store.history import UNDO_WINDOW, UNDOABLE, Action, copy_group, now, set_note

__all__ = [
    "STATUSES",
    "UNDOABLE",
    "UNDO_WINDOW",
    "Action",
    "Store",
    "content_hash",
    "copy_group",
    "fts_query",
    "now",
    "set_note",
    "storage_error",
]
