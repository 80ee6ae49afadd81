"""Keystrokes: when each key was pressed, by whom, in which document, for which action.

Telemetry for time per annotator (`stats --time`, the Team screen), not annotation: the app
buffers keys and writes them in batches, outside the undo log (undoing an accept does not
un-press its key). Writes are plain inserts in one transaction per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from annotations.store.database import Store


class Keystroke(NamedTuple):
    annotator: str
    doc_id: int | None
    at: float  # seconds since the epoch
    action: str | None  # the action id the key ran (reader.accept), None for a key bound to nothing


def record_keys(store: Store, keys: Iterable[Keystroke]) -> int:
    """Append keystrokes in one transaction; returns how many."""
    rows = [tuple(k) for k in keys]
    if rows:
        with store.transaction() as conn:
            conn.executemany("INSERT INTO keystrokes (annotator, doc_id, at, action) VALUES (?,?,?,?)", rows)
    return len(rows)


def keystrokes(store: Store, annotators: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every keystroke (of `annotators` when given), oldest first."""
    where, params = "", list(annotators or [])
    if annotators:
        where = f" WHERE annotator IN ({','.join('?' * len(params))})"
    return store.query(f"SELECT annotator, doc_id, at, action FROM keystrokes{where} ORDER BY at, id", params)
