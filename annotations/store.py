"""The SQLite store: documents, gold annotations, predictions and the event log.

One file, WAL mode, so several annotators (several SSH sessions) can share it. Every user
action is one IMMEDIATE transaction that writes its rows and its events together; undo and
redo replay the append-only event log, so they work across restarts.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .errors import StoreError
from .schema import APPLICATION_ID, SCHEMA_VERSION, migrate

STATUSES = ("todo", "in progress", "done", "skipped", "reviewed")
# Tables whose rows user actions change; undo/redo may write only these.
UNDOABLE = ("spans", "claims", "entities", "aliases", "judgements", "doc_status", "rejections", "claim_groups")


# How far back undo reaches, in actions: bounds the log scan that derives the undo stack.
UNDO_WINDOW = 10_000


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    """Dedupe key: the text with line endings and outer whitespace normalised."""
    norm = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _check_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not a newsmark database or is too new."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a newsmark database ({exc})") from None
    if app_id != APPLICATION_ID and (tables or version):
        raise StoreError(f"{path}: not a newsmark database (it holds other SQLite tables); choose another --db")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: database schema version {version} is newer than this newsmark "
            f"understands ({SCHEMA_VERSION}); upgrade newsmark"
        )


class Store:
    """A newsmark database. Safe to share between threads (calls are serialised)."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        _check_file(self.path)
        if readonly and not self.path.exists():
            raise StoreError(f"{self.path}: no such database")
        if not readonly and self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: directory {self.path.parent} does not exist")
        self._lock = threading.RLock()
        conn = sqlite3.connect(
            str(self.path), isolation_level=None, check_same_thread=False, timeout=30
        )
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        self.db = Database(conn)
        self.conn = conn
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current < SCHEMA_VERSION:
                migrate(self.db, current)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all of it is committed, or none of it."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, held for a run of reads no other thread may interleave with."""
        with self._lock:
            yield self.conn

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cur = self.conn.execute(sql, params)
            cols = [c[0] for c in cur.description or ()]
            return [dict(zip(cols, row)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
            return row[0] if row else None

    # -- the public unit of work ---------------------------------------------------------

    @contextmanager
    def action(self, annotator: str, name: str, *, doc_id: int | None = None,
               kind: str = "do", note: str | None = None) -> Iterator["Action"]:
        """One user action: one IMMEDIATE transaction and one undoable group of logged events.

        Every change made through the yielded `Action` is logged (before, after) so `undo`
        restores it exactly; nothing is committed unless the block finishes.
        """
        with self.transaction():
            yield Action(self, self._group(annotator, name, kind=kind, doc_id=doc_id, note=note))

    # -- the event log --------------------------------------------------------------------

    def _row(self, table: str, row_id: int) -> dict[str, Any] | None:
        cur = self.conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", (row_id,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cur.description], row))

    def _group(self, annotator: str, name: str, *, kind: str = "do", reverts: int | None = None,
               doc_id: int | None = None, note: str | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO action_groups (annotator, at, name, kind, reverts, doc_id, note) VALUES (?,?,?,?,?,?,?)",
            (annotator, now(), name, kind, reverts, doc_id, note),
        )
        return int(cur.lastrowid)

    def _log(self, group: int, table: str, row_id: int, before: dict | None, after: dict | None) -> None:
        self.conn.execute(
            "INSERT INTO events (group_id, tbl, row_id, before, after) VALUES (?,?,?,?,?)",
            (group, table, row_id, _dump(before), _dump(after)),
        )

    def _insert(self, group: int, table: str, values: dict[str, Any]) -> int:
        cols = ", ".join(f'"{c}"' for c in values)
        marks = ", ".join("?" for _ in values)
        cur = self.conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", list(values.values()))
        row_id = int(cur.lastrowid)
        self._log(group, table, row_id, None, self._row(table, row_id))
        return row_id

    def _update(self, group: int, table: str, row_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        before = self._row(table, row_id)
        if before is None:
            raise StoreError(f"{table} {row_id} does not exist (deleted by someone else?)")
        sets = ", ".join(f'"{c}" = ?' for c in changes)
        self.conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*changes.values(), row_id])
        after = self._row(table, row_id)
        self._log(group, table, row_id, before, after)
        return after or {}

    def _delete(self, group: int, table: str, row_id: int) -> dict[str, Any]:
        before = self._row(table, row_id)
        if before is None:
            raise StoreError(f"{table} {row_id} does not exist (deleted by someone else?)")
        # What ON DELETE SET NULL / CASCADE would change unseen (a claim's speaker_span_id, an
        # entity's aliases) is changed first through the log, so undo restores it too.
        for child, column, rule in _references(self.conn, table):
            for (child_id,) in self.conn.execute(f"SELECT id FROM [{child}] WHERE [{column}] = ?",
                                                 (row_id,)).fetchall():
                if rule == "CASCADE":
                    self._delete(group, child, child_id)
                else:
                    self._update(group, child, child_id, {column: None})
        self.conn.execute(f"DELETE FROM [{table}] WHERE id = ?", (row_id,))
        self._log(group, table, row_id, before, None)
        return before

    def _apply(self, table: str, row_id: int, expect: dict | None, target: dict | None) -> None:
        """Move a row from state `expect` to `target` (None = absent), refusing if it drifted."""
        if table not in UNDOABLE:
            raise StoreError(f"cannot undo changes to {table}")
        current = self._row(table, row_id)
        if current != expect:
            raise StoreError("cannot undo: that annotation was changed since (by another annotator?)")
        if target is None:
            self.conn.execute(f"DELETE FROM [{table}] WHERE id = ?", (row_id,))
        elif expect is None:
            cols = ", ".join(f'"{c}"' for c in target)
            marks = ", ".join("?" for _ in target)
            self.conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", list(target.values()))
        else:
            sets = ", ".join(f'"{c}" = ?' for c in target if c != "id")
            self.conn.execute(
                f"UPDATE [{table}] SET {sets} WHERE id = ?",
                [v for c, v in target.items() if c != "id"] + [row_id],
            )

    def _stacks(self, annotator: str) -> tuple[list[int], list[int]]:
        """Undo and redo stacks of action-group ids, derived from the log alone."""
        undo: list[int] = []
        redo: list[int] = []
        rows = self.conn.execute(
            "SELECT id, kind, reverts FROM action_groups WHERE annotator = ? ORDER BY id DESC LIMIT ?",
            (annotator, UNDO_WINDOW),
        ).fetchall()
        for gid, kind, reverts in reversed(rows):
            if kind == "do":
                undo.append(gid)
                redo.clear()
            elif kind == "undo":
                if reverts in undo:
                    undo.remove(reverts)
                redo.append(reverts)
            elif kind == "redo":
                if reverts in redo:
                    redo.remove(reverts)
                undo.append(gid)
        return undo, redo

    def _replay(self, annotator: str, kind: str) -> dict[str, Any] | None:
        with self.transaction():
            undo, redo = self._stacks(annotator)
            stack = undo if kind == "undo" else redo
            if not stack:
                return None
            target = stack[-1]
            info = self.conn.execute(
                "SELECT name, doc_id FROM action_groups WHERE id = ?", (target,)
            ).fetchone()
            events = self.conn.execute(
                "SELECT tbl, row_id, before, after FROM events WHERE group_id = ? ORDER BY id", (target,)
            ).fetchall()
            group = self._group(annotator, info[0], kind=kind, reverts=target, doc_id=info[1])
            if kind == "undo":
                # Undo the events in reverse order: each goes from `after` back to `before`.
                for tbl, row_id, before, after in reversed(events):
                    self._apply(tbl, row_id, _load(after), _load(before))
                    self._log(group, tbl, row_id, _load(after), _load(before))
            else:
                # The group being redone is itself an undo-able group: for a "do" its events
                # go forward; for a redo of an undone redo, likewise.
                for tbl, row_id, before, after in events:
                    self._apply(tbl, row_id, _load(before), _load(after))
                    self._log(group, tbl, row_id, _load(before), _load(after))
            return {"name": info[0], "doc_id": info[1], "start": _where(events)}

    def undo(self, annotator: str) -> dict[str, Any] | None:
        """Revert the annotator's latest action; returns its name and document, or None."""
        return self._replay(annotator, "undo")

    def redo(self, annotator: str) -> dict[str, Any] | None:
        """Re-apply the annotator's latest undone action; returns its name and document, or None."""
        return self._replay(annotator, "redo")

    def history(self, annotator: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        where = "WHERE annotator = ?" if annotator else ""
        params: tuple[Any, ...] = (annotator,) if annotator else ()
        return self.query(
            f"SELECT * FROM action_groups {where} ORDER BY id DESC LIMIT {int(limit)}", params
        )

    # -- documents ------------------------------------------------------------------------

    def document(self, doc_id: int) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            return None
        row = rows[0]
        row["meta"] = json.loads(row["meta"] or "{}")
        return row

    # -- the search index -----------------------------------------------------------------

    def pending_index(self) -> int:
        """How many documents the search index does not cover yet."""
        return int(self.scalar(
            "SELECT count(*) FROM documents WHERE id > (SELECT indexed_to FROM search_index)"))

    def index_pending(self, *, batch: int = 1000, should_stop: Callable[[], bool] | None = None) -> int:
        """Bring the search index up to date, a batch per transaction; returns how many
        documents were indexed.

        Import leaves indexing to this, so that it stays fast; each batch is short, so other
        writers wait at most a moment, and several processes may run it at once (each batch
        starts from the mark committed by the last one). `should_stop` is asked between batches.
        """
        done = 0
        while not (should_stop and should_stop()):
            with self.transaction() as conn:
                mark = conn.execute("SELECT indexed_to FROM search_index").fetchone()[0]
                last = conn.execute(
                    "SELECT max(id) FROM (SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?)",
                    (mark, batch),
                ).fetchone()[0]
                if last is None:
                    return done
                count = conn.execute(
                    "INSERT INTO documents_fts (rowid, title, text) "
                    "SELECT id, title, text FROM documents WHERE id > ? AND id <= ?", (mark, last),
                ).rowcount
                conn.execute("UPDATE search_index SET indexed_to = ?", (last,))
            done += count
        return done

    def count_documents(self) -> int:
        return int(self.scalar("SELECT count(*) FROM documents"))

    def document_ids(self, *, status: str | None = None, annotator: str | None = None,
                     query: str | None = None, limit: int | None = None) -> list[int]:
        """Ids of matching documents in Library (import) order: cheap even at 100,000;
        `limit` gives a first page at once on a large corpus."""
        where, params = [], []
        if query:
            try:
                self.index_pending()
            except sqlite3.OperationalError as exc:
                raise StoreError(f"search: {exc}") from None
            where.append("id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            params.append(fts_query(query))
        if status:
            if status == "todo":
                where.append(
                    "id NOT IN (SELECT doc_id FROM doc_status WHERE annotator = ? AND status != 'todo')"
                )
                params.append(annotator)
            else:
                where.append("id IN (SELECT doc_id FROM doc_status WHERE annotator = ? AND status = ?)")
                params += [annotator, status]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            try:
                rows = self.conn.execute(
                    f"SELECT id FROM documents {clause} ORDER BY id"
                    + (f" LIMIT {int(limit)}" if limit else ""), params
                ).fetchall()
            except sqlite3.OperationalError as exc:
                raise StoreError(f"search: {exc}") from None
        return [r[0] for r in rows]

    def document_rows(self, ids: Sequence[int], annotator: str) -> list[dict[str, Any]]:
        """Library rows (no text) for the given ids, in the given order."""
        if not ids:
            return []
        marks = ",".join("?" for _ in ids)
        rows = self.query(
            f"""SELECT d.id, d.title, d.outlet, d.date, d.author, substr(d.text, 1, 200) AS lead,
                   coalesce(s.status, 'todo') AS status,
                   (SELECT count(*) FROM spans sp WHERE sp.doc_id = d.id AND sp.annotator = ?) AS spans
                FROM documents d
                LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ?
                WHERE d.id IN ({marks})""",
            (annotator, annotator, *ids),
        )
        by_id = {r["id"]: r for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    # -- status and position --------------------------------------------------------------

    def status(self, doc_id: int, annotator: str) -> str:
        return self.scalar(
            "SELECT status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ) or "todo"

    def set_status(self, doc_id: int, annotator: str, status: str) -> None:
        if status not in STATUSES:
            raise StoreError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        with self.transaction():
            self._set_status(doc_id, annotator, status, name=f"mark {status}")

    def _set_status(self, doc_id: int, annotator: str, status: str, *, name: str,
                     group: int | None = None) -> None:
        row = self.conn.execute(
            "SELECT id, status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
        if row and row[1] == status:
            return
        group = group or self._group(annotator, name, doc_id=doc_id)
        if row:
            self._update(group, "doc_status", row[0], {"status": status, "updated_at": now()})
        else:
            self._insert(group, "doc_status", {"doc_id": doc_id, "annotator": annotator,
                                               "status": status, "updated_at": now()})

    def position(self, doc_id: int, annotator: str) -> tuple[int, int] | None:
        with self._lock:
            row = self.conn.execute(
                "SELECT cursor, top FROM positions WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def save_position(self, doc_id: int, annotator: str, cursor: int, top: int) -> None:
        """Reading position is not an annotation: stored, not logged."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO positions (doc_id, annotator, cursor, top, read_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(doc_id, annotator) DO UPDATE SET cursor = excluded.cursor, top = excluded.top, "
                "read_at = excluded.read_at",
                (doc_id, annotator, cursor, top, datetime.now(timezone.utc).isoformat()),  # to the µs: an order
            )

    def last_read(self, annotator: str) -> int | None:
        """The document this annotator read last (where the Library reopens)."""
        return self.scalar("SELECT doc_id FROM positions WHERE annotator = ? AND read_at IS NOT NULL "
                           "ORDER BY read_at DESC LIMIT 1", (annotator,))

    # -- gold spans -----------------------------------------------------------------------

    def spans(self, doc_id: int, annotator: str) -> list[dict[str, Any]]:
        return self.query(
            'SELECT * FROM spans WHERE doc_id = ? AND annotator = ? ORDER BY start, "end"',
            (doc_id, annotator),
        )

    def add_span(self, doc_id: int, start: int, end: int, label: str, annotator: str, *,
                 origin: str = "manual", entity_id: int | None = None) -> int:
        """Store a gold span; the document moves from todo to in progress."""
        with self.transaction():
            text = self.scalar("SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
                               (start + 1, end - start, doc_id))
            if text is None:
                raise StoreError(f"document {doc_id} does not exist")
            length = self.scalar("SELECT length(text) FROM documents WHERE id = ?", (doc_id,))
            if not (0 <= start < end <= length):
                raise StoreError(f"span {start}-{end} is outside the text ({length} chars)")
            group = self._group(annotator, f"label {label}", doc_id=doc_id)
            span_id = self._insert(group, "spans", {
                "doc_id": doc_id, "start": start, "end": end, "label": label, "text": text,
                "annotator": annotator, "origin": origin, "entity_id": entity_id, "created_at": now(),
            })
            self._touch(doc_id, annotator, group)
            return span_id

    def relabel_span(self, span_id: int, label: str, annotator: str) -> None:
        with self.transaction():
            doc_id = self.scalar("SELECT doc_id FROM spans WHERE id = ?", (span_id,))
            group = self._group(annotator, f"relabel {label}", doc_id=doc_id)
            self._update(group, "spans", span_id, {"label": label})

    def delete_span(self, span_id: int, annotator: str, *, reject: bool = False) -> None:
        """Delete a gold span; with `reject`, an entity prediction on the same characters is
        rejected in the same action (else deleting an accepted suggestion offers it again)."""
        with self.transaction():
            span = self._row("spans", span_id)
            if span is None:
                raise StoreError(f"span {span_id} does not exist (deleted by someone else?)")
            group = self._group(annotator, "delete span", doc_id=span["doc_id"])
            self._delete(group, "spans", span_id)
            if not reject:
                return
            labels = {r[0] for r in self.conn.execute(
                'SELECT label FROM predictions WHERE doc_id = ? AND extractor = ? AND start = ? AND "end" = ?',
                (span["doc_id"], "entities", span["start"], span["end"]))}
            for label in sorted(labels, key=str):
                self._insert(group, "rejections", {
                    "doc_id": span["doc_id"], "kind": "ent", "start": span["start"], "end": span["end"],
                    "label": label, "annotator": annotator, "created_at": now(),
                })

    def reject_prediction(self, doc_id: int, start: int, end: int, label: str | None,
                          annotator: str, *, kind: str = "ent") -> int:
        """Remember that this annotator rejected a prediction so it is not offered again."""
        with self.transaction():
            group = self._group(annotator, "reject prediction", doc_id=doc_id)
            rid = self._insert(group, "rejections", {
                "doc_id": doc_id, "kind": kind, "start": start, "end": end, "label": label,
                "annotator": annotator, "created_at": now(),
            })
            self._touch(doc_id, annotator, group)
            return rid

    def rejections(self, doc_id: int, annotator: str) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM rejections WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))

    def _touch(self, doc_id: int, annotator: str, group: int) -> None:
        """The first annotation moves a document from todo to in progress (same action)."""
        if self.status(doc_id, annotator) == "todo":
            self._set_status(doc_id, annotator, "in progress", name="start", group=group)

    # -- predictions ----------------------------------------------------------------------

    def docs_lacking_predictions(self, extractor: str, version: str) -> list[int]:
        rows = self.conn.execute(
            "SELECT id FROM documents WHERE id NOT IN "
            "(SELECT doc_id FROM prediction_runs WHERE extractor = ? AND version = ?) ORDER BY id",
            (extractor, version),
        ).fetchall()
        return [r[0] for r in rows]

    def save_predictions(self, extractor: str, version: str,
                         results: Iterable[tuple[int, list[dict[str, Any]]]]) -> int:
        """Store one batch of predictions and mark those documents done for this version."""
        count = 0
        stamp = now()
        with self.transaction() as conn:
            for doc_id, items in results:
                conn.execute("DELETE FROM predictions WHERE doc_id = ? AND extractor = ? AND version = ?",
                             (doc_id, extractor, version))
                conn.executemany(
                    'INSERT INTO predictions (doc_id, extractor, version, start, "end", label, data) '
                    "VALUES (?,?,?,?,?,?,?)",
                    [(doc_id, extractor, version, it["start"], it["end"], it.get("label"),
                      json.dumps({k: v for k, v in it.items() if k not in ("start", "end", "label")},
                                 ensure_ascii=False)) for it in items],
                )
                conn.execute(
                    "INSERT OR REPLACE INTO prediction_runs (doc_id, extractor, version, created_at) VALUES (?,?,?,?)",
                    (doc_id, extractor, version, stamp),
                )
                count += len(items)
        return count

    def predictions(self, doc_id: int, extractor: str | None = None) -> list[dict[str, Any]]:
        """Latest-run predictions for a document (every extractor unless one is named)."""
        only = "AND p.extractor = ?" if extractor else ""
        rows = self.query(
            f"""SELECT p.* FROM predictions p
               WHERE p.doc_id = ? {only} AND p.version = (
                   SELECT r.version FROM prediction_runs r WHERE r.doc_id = p.doc_id
                   AND r.extractor = p.extractor ORDER BY r.rowid DESC LIMIT 1)
               ORDER BY p.start, p.[end]""",
            (doc_id, extractor) if extractor else (doc_id,),
        )
        out = []
        for row in rows:
            row.update(json.loads(row.pop("data") or "{}"))
            out.append(row)
        return out

    # -- stats ----------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Corpus and annotation counts, with progress per annotator (the stats --json shape)."""
        q = self.scalar
        annotators: dict[str, dict[str, int]] = {}
        for row in self.query("SELECT annotator, status, count(*) AS n FROM doc_status GROUP BY annotator, status"):
            annotators.setdefault(row["annotator"], {s: 0 for s in STATUSES})[row["status"]] = row["n"]
        for table in ("spans", "claims"):
            for row in self.query(f"SELECT annotator, count(*) AS n FROM {table} GROUP BY annotator"):
                entry = annotators.setdefault(row["annotator"], {s: 0 for s in STATUSES})
                entry[table] = row["n"]
        total = q("SELECT count(*) FROM documents")
        for entry in annotators.values():
            entry.setdefault("spans", 0)
            entry.setdefault("claims", 0)
            entry["todo"] = total - sum(entry[s] for s in STATUSES if s != "todo")
        return {
            "documents": total,
            "done": q("SELECT count(DISTINCT doc_id) FROM doc_status WHERE status = 'done'"),
            "spans": q("SELECT count(*) FROM spans"),
            "claims": q("SELECT count(*) FROM claims"),
            "entities": q("SELECT count(*) FROM entities"),
            "judgements": q("SELECT count(*) FROM judgements"),
            "predictions": q("SELECT count(*) FROM predictions"),
            "outlets": q("SELECT count(DISTINCT outlet) FROM documents WHERE outlet IS NOT NULL"),
            "annotators": annotators,
        }

    # -- added for the TUI -----------------------------------------------------------------

    def progress(self, annotator: str) -> dict[str, int]:
        """Documents per status for one annotator, plus the total (the Library header)."""
        counts = {s: 0 for s in STATUSES}
        with self._lock:
            for status, n in self.conn.execute(
                "SELECT status, count(*) FROM doc_status WHERE annotator = ? GROUP BY status", (annotator,)
            ):
                counts[status] = n
            total = self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        counts["todo"] = total - sum(counts[s] for s in STATUSES if s != "todo")
        counts["total"] = total
        return counts

    def span_at(self, doc_id: int, annotator: str, start: int, end: int) -> dict[str, Any] | None:
        """This annotator's gold span with exactly these offsets, if any (to relabel, not duplicate)."""
        rows = self.query(
            'SELECT * FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND "end" = ? '
            "ORDER BY id LIMIT 1",
            (doc_id, annotator, start, end),
        )
        return rows[0] if rows else None

_FTS_TOKEN = re.compile(r"[^\W_]+")


def fts_query(text: str) -> str:
    """Turn what a person types into a safe FTS5 query: every word a quoted prefix term, all
    required. Words are split where the index's tokenizer splits them (al-Qaida -> al, qaida),
    since the index keeps no positions to match phrases with."""
    words = _FTS_TOKEN.findall(unicodedata.normalize("NFC", text))
    return " ".join(f'"{w}"*' for w in words) or '""'


def _where(events: Sequence[tuple[str, int, str | None, str | None]]) -> int | None:
    """Where in the text an action happened: the start of the first span, claim or rejection
    it changed (so undo can show it), else None."""
    for tbl, _, before, after in events:
        if tbl in ("spans", "claims", "rejections"):
            row = _load(after) or _load(before) or {}
            if isinstance(row.get("start"), int):
                return row["start"]
    return None


_REFERENCES: dict[str, list[tuple[str, str, str]]] = {}


def _references(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """(child table, column, rule) of each undoable table's ON DELETE SET NULL / CASCADE key to `table`."""
    found = _REFERENCES.get(table)
    if found is None:
        found = _REFERENCES[table] = [
            (child, row[3], row[6]) for child in UNDOABLE
            for row in conn.execute(f"PRAGMA foreign_key_list([{child}])").fetchall()
            if row[2] == table and row[6] in ("SET NULL", "CASCADE")]
    return found


def _dump(row: dict[str, Any] | None) -> str | None:
    return None if row is None else json.dumps(row, ensure_ascii=False, sort_keys=True)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


class Action:
    """The writes of one user action (see `Store.action`); each is logged for undo."""

    def __init__(self, store: Store, group: int) -> None:
        self.store = store
        self.group = group

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert a row; returns its id."""
        return self.store._insert(self.group, table, values)

    def update(self, table: str, row_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Change some columns of a row; returns the row after."""
        return self.store._update(self.group, table, row_id, changes)

    def delete(self, table: str, row_id: int) -> dict[str, Any]:
        """Delete a row; returns the row before."""
        return self.store._delete(self.group, table, row_id)

    def row(self, table: str, row_id: int) -> dict[str, Any] | None:
        """A row as this transaction sees it."""
        return self.store._row(table, row_id)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """A read inside the action's transaction (writes must go through insert/update/delete)."""
        return self.store.conn.execute(sql, params)
