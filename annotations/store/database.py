"""The Store: one SQLite connection, its transactions, and thin public methods over the
query modules beside it (documents, gold, predictions, stats, history).

One file, WAL mode, so several annotators (several SSH sessions) can share it. Every user
action is one IMMEDIATE transaction that writes its rows and its events together; undo and
redo replay the append-only event log, so they work across restarts. Every sqlite3 error the
environment causes (a lock held too long, a full disk, a read-only file, an I/O error, a
damaged file) leaves as a StoreError subclass with one true line, so every screen's error
handling and the CLI's one-line path report it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotations.errors import StoreError, StoreIOFailure
from annotations.store import connection, documents, gold, history, predictions, schema, stats
from annotations.store.history import Action
from annotations.vocab import ActionKind, Origin, RejectionKind


class Store:
    """A newsmark database. Safe to share between threads (calls are serialised)."""

    def __init__(self, path: str | Path, *, readonly: bool = False, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        connection.check_file(self.path)
        if readonly and not self.path.exists():
            raise StoreError(f"{self.path}: no such database")
        if not readonly and self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: directory {self.path.parent} does not exist")
        self._lock = threading.RLock()
        conn, self.readonly = connection.connect(self.path, busy_timeout, readonly=readonly)
        self.db = Database(conn)
        self.conn = conn
        if not (self.readonly or readonly):
            with self.translate_errors(writing=True):
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current < schema.SCHEMA_VERSION:
                    schema.migrate(self.db, current)
        self._held = connection.hold(self.path)  # never read by Python while open (connection._held)

    def close(self) -> None:
        with self._lock:
            self.conn.close()
            connection.release(self._held)
            self._held = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    # -- transactions and reads -----------------------------------------------------------

    @contextmanager
    def translate_errors(self, *, writing: bool, lost: str | None = None) -> Iterator[None]:
        """Turn an environment's sqlite3 error into its StoreError (others pass unchanged).

        `transaction`, `query`, `scalar` and `reading` already do; this is for code that must
        hold the connection across several transactions (import's batches)."""
        try:
            yield
        except sqlite3.Error as exc:
            err = connection.storage_error(exc, self.path, writing=writing, timeout=self.busy_timeout, lost=lost)
            if err is None:
                raise
            raise err from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all of it is committed, or none of it.

        A failure (a lock held past the busy timeout, a full disk, a read-only file) rolls
        back and raises a StoreError subclass naming it; the database is as it was."""
        with self._lock, self.translate_errors(writing=True):
            self.conn.execute("BEGIN IMMEDIATE")
            self._check_wal()
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _check_wal(self) -> None:
        """Refuse to write once the -wal file was deleted under this session: SQLite would
        go on writing into the unlinked file."""
        if self.readonly or Path(f"{self.path}-wal").exists():
            return
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return
        self._rollback()
        raise StoreIOFailure(
            f"{self.path}: its -wal file was deleted while newsmark was running; "
            "nothing more was saved (restart newsmark: changes since the last "
            "checkpoint may be lost)"
        )

    def _rollback(self) -> None:
        """Roll back what is still open. SQLite has already rolled back after some errors
        (a full disk): then there is nothing to do, and the first error is the one to report."""
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, held for a run of reads no other thread may interleave with."""
        with self._lock, self.translate_errors(writing=False):
            yield self.conn

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._lock, self.translate_errors(writing=False):
            cur = self.conn.execute(sql, params)
            cols = [c[0] for c in cur.description or ()]
            return [dict(zip(cols, row)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock, self.translate_errors(writing=False):
            row = self.conn.execute(sql, params).fetchone()
            return row[0] if row else None

    # -- the public unit of work and history ----------------------------------------------

    @contextmanager
    def action(
        self,
        annotator: str,
        name: str,
        *,
        doc_id: int | None = None,
        kind: str = ActionKind.DO,
        note: str | None = None,
    ) -> Iterator[Action]:
        """One user action: one IMMEDIATE transaction and one undoable group of logged events.

        Every change made through the yielded `Action` is logged (before, after) so `undo`
        restores it exactly; nothing is committed unless the block finishes.
        """
        with self.transaction():
            yield Action(self, history.group(self, annotator, name, kind=kind, doc_id=doc_id, note=note))

    @contextmanager
    def continue_action(self, act: Action) -> Iterator[Action]:
        """Another transaction of an action already committed once: its writes join the same
        logged group, so one undo still reverts all of it. For long writes that commit in
        batches (entities import), so other writers wait for a batch, not for the whole."""
        with self.transaction():
            yield Action(self, act.group)

    def undo(self, annotator: str) -> dict[str, Any] | None:
        """Revert the annotator's latest action; returns its name and document, or None."""
        return history.replay(self, annotator, ActionKind.UNDO)

    def redo(self, annotator: str) -> dict[str, Any] | None:
        """Re-apply the annotator's latest undone action; returns its name and document, or None."""
        return history.replay(self, annotator, ActionKind.REDO)

    def history(self, annotator: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        return history.history(self, annotator, limit)

    # -- documents, status, position ------------------------------------------------------

    def document(self, doc_id: int) -> dict[str, Any] | None:
        return documents.document(self, doc_id)

    def pending_index(self) -> int:
        return documents.pending_index(self)

    def index_pending(self, *, batch: int = 1000, should_stop: Callable[[], bool] | None = None) -> int:
        return documents.index_pending(self, batch=batch, should_stop=should_stop)

    def count_documents(self) -> int:
        return int(self.scalar("SELECT count(*) FROM documents"))

    def document_ids(
        self,
        *,
        status: str | None = None,
        annotator: str | None = None,
        query: str | None = None,
        limit: int | None = None,
    ) -> list[int]:
        return documents.document_ids(self, status=status, annotator=annotator, query=query, limit=limit)

    def document_rows(self, ids: Sequence[int], annotator: str) -> list[dict[str, Any]]:
        return documents.document_rows(self, ids, annotator)

    def status(self, doc_id: int, annotator: str) -> str:
        return documents.status(self, doc_id, annotator)

    def set_status(self, doc_id: int, annotator: str, status: str) -> None:
        documents.set_status(self, doc_id, annotator, status)

    def position(self, doc_id: int, annotator: str) -> tuple[int, int] | None:
        return documents.position(self, doc_id, annotator)

    def save_position(self, doc_id: int, annotator: str, cursor: int, top: int) -> None:
        documents.save_position(self, doc_id, annotator, cursor, top)

    def last_read(self, annotator: str) -> int | None:
        return documents.last_read(self, annotator)

    # -- gold spans and rejections --------------------------------------------------------

    def spans(self, doc_id: int, annotator: str) -> list[dict[str, Any]]:
        return gold.spans(self, doc_id, annotator)

    def span_at(self, doc_id: int, annotator: str, start: int, end: int) -> dict[str, Any] | None:
        return gold.span_at(self, doc_id, annotator, start, end)

    def add_span(
        self,
        doc_id: int,
        start: int,
        end: int,
        label: str,
        annotator: str,
        *,
        origin: str = Origin.MANUAL,
        entity_id: int | None = None,
    ) -> int:
        return gold.add_span(self, doc_id, start, end, label, annotator, origin=origin, entity_id=entity_id)

    def relabel_span(self, span_id: int, label: str, annotator: str) -> None:
        gold.relabel_span(self, span_id, label, annotator)

    def delete_span(self, span_id: int, annotator: str, *, reject: bool = False) -> None:
        gold.delete_span(self, span_id, annotator, reject=reject)

    def reject_prediction(
        self, doc_id: int, start: int, end: int, label: str | None, annotator: str, *, kind: str = RejectionKind.ENTITY
    ) -> int:
        return gold.reject_prediction(self, doc_id, start, end, label, annotator, kind=kind)

    def rejections(self, doc_id: int, annotator: str) -> list[dict[str, Any]]:
        return gold.rejections(self, doc_id, annotator)

    # -- predictions and counts -----------------------------------------------------------

    def docs_lacking_predictions(self, extractor: str, version: str) -> list[int]:
        return predictions.docs_lacking_predictions(self, extractor, version)

    def save_predictions(
        self, extractor: str, version: str, results: Iterable[tuple[int, list[dict[str, Any]]]]
    ) -> int:
        return predictions.save_predictions(self, extractor, version, results)

    def predictions(self, doc_id: int, extractor: str | None = None) -> list[dict[str, Any]]:
        return predictions.predictions(self, doc_id, extractor)

    def stats(self) -> dict[str, Any]:
        return stats.stats(self)

    def progress(self, annotator: str) -> dict[str, int]:
        return stats.progress(self, annotator)
