"""The SQLite store: documents, gold annotations, predictions and the event log.

`Store` (database.py) holds the connection and its transactions; the queries live in small
modules beside it: connection (opening a file safely, the words for environment faults),
schema (migrations), history (actions, the event log, undo/redo), documents, gold (spans and
rejections), predictions, entities and stats. Writes go through `Store.action`.

One way to call each thing: the per-document basics every screen uses (documents, status,
spans, rejections, predictions, counts, undo) are `Store` methods, and the query modules behind
them (documents, gold, predictions, stats, history) are the store's own; the feature modules
(entities, models, held_out, marking, learning, activity, tombstones, bulk) are functions that
take the store as their first argument, with no method beside them. A test holds this.
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
