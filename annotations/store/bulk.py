"""Bulk writes for import: rows written in a BULK action's transaction without an event each.

An import adds thousands of rows; its action group (``kind=BULK``) is their one history entry,
not an undoable event per row, so these statements bypass ``Action.insert``'s logging. Only a
BULK action may use them (import, annotations/corpus/ingest.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotations.store.history import Action

_INSERT_DOCUMENT = (
    "INSERT OR IGNORE INTO documents (hash, title, text, source, url, date, outlet, author, meta, imported_at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?)"
)

DocumentRow = tuple[Any, ...]
"""(hash, title, text, source, url, date, outlet, author, meta JSON, imported_at)."""


def add_documents(act: Action, rows: Sequence[DocumentRow]) -> int:
    """Insert documents; a known content hash is skipped. Returns how many were added."""
    return act.store.conn.executemany(_INSERT_DOCUMENT, rows).rowcount


def add_document(act: Action, row: DocumentRow) -> int | None:
    """Insert one document; its id, or None when its content hash is already there."""
    cur = act.store.conn.execute(_INSERT_DOCUMENT, row)
    return None if cur.rowcount == 0 else int(cur.lastrowid or 0)


def add_spans(act: Action, rows: Sequence[tuple[Any, ...]]) -> None:
    """(doc_id, start, end, label, text, annotator, origin, entity_id, created_at, proposed_by) each."""
    act.store.conn.executemany(
        'INSERT INTO spans (doc_id, start, "end", label, text, annotator, origin, entity_id, created_at, '
        "proposed_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def add_claim(act: Action, row: tuple[Any, ...]) -> None:
    """(doc_id, start, end, type, speaker, cue, stance, checkworthy, note, group_id, annotator,
    origin, created_at, proposed_by, role)."""
    act.store.conn.execute(
        'INSERT INTO claims (doc_id, start, "end", type, speaker, cue, stance, checkworthy, note, '
        "group_id, annotator, origin, created_at, proposed_by, role) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        row,
    )


def set_status(act: Action, doc_id: int, annotator: str, status: str, stamp: str) -> None:
    """The annotator's status of a document, replacing one already there."""
    act.store.conn.execute(
        "INSERT INTO doc_status (doc_id, annotator, status, updated_at) VALUES (?,?,?,?) "
        "ON CONFLICT(doc_id, annotator) DO UPDATE SET status = excluded.status",
        (doc_id, annotator, status, stamp),
    )


def add_entity(act: Action, name: str, label: str, external_id: str | None, created_by: str, created_at: str) -> int:
    """A new canonical entity; returns its id."""
    cur = act.store.conn.execute(
        "INSERT INTO entities (name, label, external_id, created_by, created_at) VALUES (?,?,?,?,?)",
        (name, label, external_id, created_by, created_at),
    )
    return int(cur.lastrowid or 0)


def add_alias(act: Action, entity_id: int, form: str) -> None:
    """An alias of an entity (once: a known one is kept)."""
    act.store.conn.execute("INSERT OR IGNORE INTO aliases (entity_id, form) VALUES (?,?)", (entity_id, form))


def add_claim_group(act: Action, name: str, created_by: str, created_at: str) -> int:
    """A new claim group; returns its id."""
    cur = act.store.conn.execute(
        "INSERT INTO claim_groups (name, created_by, created_at) VALUES (?,?,?)", (name, created_by, created_at)
    )
    return int(cur.lastrowid or 0)
