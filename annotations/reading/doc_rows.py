"""One annotator's rows of one document (gold spans, rejections), read again after every key
for the cost of what changed since the last read, not of how many there are.

Every write a user makes is logged by the store (an action group, one event per row it
changes; undo and redo too: annotations/store/history.py), so after a key the rows to read
again are the events' since the last read. The rest are kept, the same dicts. A whole read
(the rows `Store.spans` / `Store.rejections` return, as they order them) is done instead when
the log cannot say: the first read, another document or annotator, another connection having
committed (SQLite's `PRAGMA data_version`), a bulk group since (bulk imports write rows
without events), or more changed rows than a whole read costs (`WHOLE_BEYOND`).

At 1,400 gold spans in a 20,000-word article the whole read was ~4 ms of SQLite per key (and
more than that again in dicts); the events' read is a few indexed look-ups.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence
from typing import Any

from annotations.reading.values import Row
from annotations.store import Store
from annotations.vocab import ActionKind

__all__ = ["WHOLE_BEYOND", "DocRows"]

WHOLE_BEYOND = 256
"""Changed rows beyond which one whole read is cheaper than reading them by id."""


class DocRows:
    """The rows of `table` for one (document, annotator), ordered by `order` columns (the last
    one the id), kept across reads."""

    def __init__(self, table: str, order: Sequence[str]) -> None:
        self.table, self.order = table, tuple(order)
        self.whole_reads = 0  # how many reads were whole (the tests see which path ran)
        self._who: tuple[Any, ...] | None = None
        self._seen: tuple[int, int, int] = (-1, 0, 0)  # data_version, last event id, last action group id
        self._rows: dict[int, Row] = {}
        self._sorted: list[tuple[Any, ...]] = []  # the order columns of each row, sorted

    def read(self, store: Store, doc_id: int, annotator: str) -> list[Row]:
        with store.reading() as conn:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            event = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
            group = conn.execute("SELECT max(id) FROM action_groups").fetchone()[0] or 0
            was_version, was_event, was_group = self._seen
            changed: list[int] | None = None
            if self._who == (doc_id, annotator) and version == was_version and event >= was_event:
                bulk = conn.execute(
                    "SELECT 1 FROM action_groups WHERE id > ? AND kind = ? LIMIT 1", (was_group, ActionKind.BULK)
                ).fetchone()
                if bulk is None:
                    changed = [
                        r[0]
                        for r in conn.execute(
                            "SELECT DISTINCT row_id FROM events WHERE id > ? AND tbl = ?", (was_event, self.table)
                        )
                    ]
            if changed is not None and len(changed) <= WHOLE_BEYOND:
                self._take(conn, changed, doc_id, annotator)
            else:
                self._whole(conn, doc_id, annotator)
            self._who, self._seen = (doc_id, annotator), (version, event, group)
        rows = self._rows
        return [rows[key[-1]] for key in self._sorted]

    def _whole(self, conn: Any, doc_id: int, annotator: str) -> None:
        self.whole_reads += 1
        order = ", ".join(f'"{c}"' for c in self.order)
        cursor = conn.execute(
            f"SELECT * FROM {self.table} WHERE doc_id = ? AND annotator = ? ORDER BY {order}", (doc_id, annotator)
        )
        columns = [c[0] for c in cursor.description]
        self._rows = {}
        self._sorted = []
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            self._rows[row["id"]] = row
            self._sorted.append(tuple(row[c] for c in self.order))

    def _take(self, conn: Any, ids: list[int], doc_id: int, annotator: str) -> None:
        """Read the rows with these ids again: each is now in this document's rows, or not."""
        if not ids:
            return
        cursor = conn.execute(f"SELECT * FROM {self.table} WHERE id IN ({','.join('?' * len(ids))})", ids)
        columns = [c[0] for c in cursor.description]
        found = {row["id"]: row for row in (dict(zip(columns, v, strict=True)) for v in cursor.fetchall())}
        for row_id in ids:
            old = self._rows.pop(row_id, None)
            if old is not None:
                key = tuple(old[c] for c in self.order)
                i = bisect_left(self._sorted, key)
                if i < len(self._sorted) and self._sorted[i] == key:
                    del self._sorted[i]
            row = found.get(row_id)
            if row is not None and row["doc_id"] == doc_id and row["annotator"] == annotator:
                keep = old if old == row else row  # an unchanged row stays the same dict
                self._rows[row_id] = keep
                insort(self._sorted, tuple(keep[c] for c in self.order))
