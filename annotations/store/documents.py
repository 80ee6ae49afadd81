"""Documents: reading them, the Library's lists, the search index, each annotator's status
and reading position."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from annotations.errors import QueryInterrupted, StoreError, StoreReadOnly
from annotations.store import history
from annotations.store.connection import storage_error
from annotations.store.history import Action, StoreHandle
from annotations.vocab import REVIEW_ANNOTATOR, Status

STATUSES = tuple(s.value for s in Status)
_FTS_TOKEN = re.compile(r"[^\W_]+")


def content_hash(text: str) -> str:
    """Dedupe key: the text with line endings and outer whitespace normalised."""
    norm = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def fts_query(text: str) -> str:
    """Turn what a person types into a safe FTS5 query: every word a quoted prefix term, all
    required. Words are split where the index's tokenizer splits them (al-Qaida -> al, qaida),
    since the index keeps no positions to match phrases with."""
    words = _FTS_TOKEN.findall(unicodedata.normalize("NFC", text))
    return " ".join(f'"{w}"*' for w in words) or '""'


def document(store: StoreHandle, doc_id: int) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM documents WHERE id = ?", (doc_id,))
    if not rows:
        return None
    found = rows[0]
    found["meta"] = json.loads(found["meta"] or "{}")
    return found


def pending_index(store: StoreHandle) -> int:
    """How many documents the search index does not cover yet."""
    return int(store.scalar("SELECT count(*) FROM documents WHERE id > (SELECT indexed_to FROM search_index)"))


def index_pending(store: StoreHandle, *, batch: int = 1000, should_stop: Callable[[], bool] | None = None) -> int:
    """Bring the search index up to date, a batch per transaction; returns how many
    documents were indexed.

    Import leaves indexing to this, so that it stays fast; each batch is short, so other
    writers wait at most a moment, and several processes may run it at once (each batch
    starts from the mark committed by the last one). `should_stop` is asked between batches.
    """
    done = 0
    while not (should_stop and should_stop()):
        with store.transaction() as conn:
            mark = conn.execute("SELECT indexed_to FROM search_index").fetchone()[0]
            last = conn.execute(
                "SELECT max(id) FROM (SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?)",
                (mark, batch),
            ).fetchone()[0]
            if last is None:
                return done
            count = conn.execute(
                "INSERT INTO documents_fts (rowid, title, text) "
                "SELECT id, title, text FROM documents WHERE id > ? AND id <= ?",
                (mark, last),
            ).rowcount
            conn.execute("UPDATE search_index SET indexed_to = ?", (last,))
        done += count
    return done


def _index_for_search(store: StoreHandle) -> None:
    """Index what is pending before a search; a read-only database is searched as it is when
    its index is complete, else says why it cannot be."""
    try:
        index_pending(store)
    except StoreReadOnly:
        pending = pending_index(store)
        if pending:
            raise StoreReadOnly(
                f"{store.path}: search must first index {pending} new document(s), and the database is read-only"
            ) from None
    except sqlite3.OperationalError as exc:
        raise search_error(exc) from None


def search_error(exc: sqlite3.OperationalError) -> StoreError:
    """A search that could not run: interrupted by a newer request (retried by the caller,
    never shown), or a query SQLite refused."""
    if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT:
        return QueryInterrupted("search: interrupted by a newer request")
    return StoreError(f"search: {exc}")


def document_ids(
    store: StoreHandle,
    *,
    status: str | None = None,
    annotator: str | None = None,
    query: str | None = None,
    limit: int | None = None,
) -> list[int]:
    """Ids of matching documents in Library (import) order: cheap even at 100,000;
    `limit` gives a first page at once on a large corpus."""
    where: list[str] = []
    params: list[Any] = []
    if query:
        _index_for_search(store)
        where.append("id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
        params.append(fts_query(query))
    if status:
        if status == Status.TODO:
            where.append("id NOT IN (SELECT doc_id FROM doc_status WHERE annotator = ? AND status != 'todo')")
            params.append(annotator)
        else:
            # reviewed is the review layer's status, whoever asks
            who = REVIEW_ANNOTATOR if status == Status.REVIEWED else annotator
            where.append("id IN (SELECT doc_id FROM doc_status WHERE annotator = ? AND status = ?)")
            params += [who, status]
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    with store.reading() as conn:
        try:
            rows = conn.execute(
                f"SELECT id FROM documents {clause} ORDER BY id" + (f" LIMIT {int(limit)}" if limit else ""), params
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if storage_error(exc, store.path, writing=False, timeout=0) is not None:
                raise  # the environment's: `reading` words it
            raise search_error(exc) from None
    return [r[0] for r in rows]


def document_rows(store: StoreHandle, ids: Sequence[int], annotator: str) -> list[dict[str, Any]]:
    """Library rows (no text) for the given ids, in the given order."""
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    rows = store.query(
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


def status(store: StoreHandle, doc_id: int, annotator: str) -> str:
    return (
        store.scalar("SELECT status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))
        or Status.TODO.value
    )


def set_status(store: StoreHandle, doc_id: int, annotator: str, value: str) -> None:
    """One undoable action; none at all when the document has that status already."""
    if value not in STATUSES:
        raise StoreError(f"status must be one of {', '.join(STATUSES)}, got {value!r}")
    if status(store, doc_id, annotator) == value:
        return
    with store.action(annotator, f"mark {value}", doc_id=doc_id) as act:
        set_status_in(act, doc_id, annotator, value)


def set_status_in(act: Action, doc_id: int, annotator: str, value: str) -> bool:
    """Set a status inside the caller's action; False when the document had it already."""
    found = act.execute(
        "SELECT id, status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
    ).fetchone()
    if found and found[1] == value:
        return False
    if found:
        act.update("doc_status", found[0], {"status": value, "updated_at": history.now()})
    else:
        act.insert(
            "doc_status", {"doc_id": doc_id, "annotator": annotator, "status": value, "updated_at": history.now()}
        )
    return True


def touch(act: Action, doc_id: int, annotator: str) -> None:
    """The first annotation moves a document from todo to in progress, in the same action.

    The one home of this rule: a gold span, an accepted suggestion, a rejection, a claim and a
    link made in the Reader all call it, so a document never stays "todo" with work on it."""
    if status_in(act, doc_id, annotator) == Status.TODO:
        set_status_in(act, doc_id, annotator, Status.IN_PROGRESS.value)


def status_in(act: Action, doc_id: int, annotator: str) -> str:
    """The annotator's status of a document as the caller's action sees it."""
    found = act.execute(
        "SELECT status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
    ).fetchone()
    return found[0] if found else Status.TODO.value


def position(store: StoreHandle, doc_id: int, annotator: str) -> tuple[int, int] | None:
    with store.reading() as conn:
        found = conn.execute(
            "SELECT cursor, top FROM positions WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
    return (found[0], found[1]) if found else None


def save_position(store: StoreHandle, doc_id: int, annotator: str, cursor: int, top: int) -> None:
    """Reading position is not an annotation: stored, not logged."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO positions (doc_id, annotator, cursor, top, read_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT(doc_id, annotator) DO UPDATE SET cursor = excluded.cursor, top = excluded.top, "
            "read_at = excluded.read_at",
            (doc_id, annotator, cursor, top, datetime.now(UTC).isoformat()),  # to the µs: an order
        )


def last_read(store: StoreHandle, annotator: str) -> int | None:
    """The document this annotator read last (where the Library reopens)."""
    return store.scalar(
        "SELECT doc_id FROM positions WHERE annotator = ? AND read_at IS NOT NULL ORDER BY read_at DESC LIMIT 1",
        (annotator,),
    )


def read_texts(store: StoreHandle, ids: list[int], step: int = 64) -> Iterator[tuple[int, str]]:
    """(id, text) for these documents, in this order, read `step` at a time."""
    for i in range(0, len(ids), step):
        chunk = ids[i : i + step]
        marks = ",".join("?" for _ in chunk)
        rows = {r["id"]: r["text"] for r in store.query(f"SELECT id, text FROM documents WHERE id IN ({marks})", chunk)}
        for doc_id in chunk:
            if doc_id in rows:
                yield doc_id, rows[doc_id]
