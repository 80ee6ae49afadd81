"""The other database of a merge: opened read-only, creating nothing beside it, and checked
whole before anything is written.

Another server's file is outside input like an imported corpus, so it is held to the same
rules, each breach one line naming the file, the table and the row, and nothing merged:

* a newsmark database (application id) of this schema version or older, not this store's file;
* its tables have no column this newsmark does not know (an older copy may lack some);
* every document has text; its content hash is computed again from that text, never taken
  from the file (a tampered hash would otherwise bring the same article in twice);
* every span and claim lies inside its document's text, and a span's text is those characters;
* labels look like labels (letters, digits, _ and -), and a span's label is one of the config's
  (unless `new_labels`, as for import); entity names are non-empty text.

A file in a read-only directory still merges: with no -wal beside it nobody has it open, so it
is read `immutable` (SQLite then writes no -shm); otherwise `mode=ro` reads through the -wal.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.errors import UserInputError
from annotations.reading.layout import sanitize
from annotations.store import Store, content_hash
from annotations.store.connection import uri
from annotations.store.schema import APPLICATION_ID, SCHEMA_VERSION

LABEL_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,40}")
"""What any label read from another database must look like (no controls, no markup)."""

READ = (
    "documents",
    "entities",
    "aliases",
    "claim_groups",
    "spans",
    "claims",
    "judgements",
    "rejections",
    "assignments",
    "doc_status",
    "held_out",
    "action_groups",
    "events",
    "tombstones",
)
"""The tables a merge reads."""


def clean(value: Any) -> str:
    """One line of terminal-safe text for a message (values from the file are data)."""
    return " ".join(sanitize(str(value)).split())[:80]


def _connect(p: Path) -> sqlite3.Connection:
    """Read-only, creating no file beside it when nobody has it open."""
    if Path(f"{p}-wal").exists():
        target = uri(p.resolve(), mode="ro")  # committed changes may sit in the -wal
    else:
        target = uri(p.resolve(), immutable="1")
    return sqlite3.connect(target, uri=True)


def open_source(path: str | Path, store: Store) -> sqlite3.Connection:
    """The other database, read-only; refused (UserInputError) unless it is a newsmark database
    of this schema version or older, and not this store's own file."""
    p = Path(path)
    name = clean(p)
    if not p.is_file():
        raise UserInputError(f"{name}: no such database file")
    if store.path.exists() and os.path.samefile(p, store.path):
        raise UserInputError(f"{name}: is the database being merged into")
    try:
        conn = _connect(p)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise UserInputError(f"{name}: cannot be read as a newsmark database ({clean(exc)}); nothing merged") from None
    if app_id != APPLICATION_ID or version < 1:
        conn.close()
        raise UserInputError(f"{name}: not a newsmark database; nothing merged")
    if version > SCHEMA_VERSION:
        conn.close()
        raise UserInputError(
            f"{name}: schema version {version} is newer than this newsmark understands "
            f"({SCHEMA_VERSION}); upgrade newsmark; nothing merged"
        )
    conn.row_factory = sqlite3.Row
    return conn


@dataclass
class Source:
    """The other database, checked: its rows by table, its documents' recomputed hashes."""

    path: Path
    name: str
    conn: sqlite3.Connection
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hashes: dict[int, str] = field(default_factory=dict)
    """their document id -> content hash of its text (computed here)."""

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables.get(table, [])

    def events(self, group_id: int) -> list[tuple[str, int, str | None, str | None]]:
        """(table, row id, before, after) of one of its action groups, in order."""
        if "events" not in self.tables:
            return []
        return [
            tuple(e)
            for e in self.conn.execute(
                "SELECT tbl, row_id, before, after FROM events WHERE group_id = ? ORDER BY id", (group_id,)
            )
        ]

    def event_counts(self) -> dict[int, int]:
        if "events" not in self.tables:
            return {}
        return {r[0]: r[1] for r in self.conn.execute("SELECT group_id, count(*) FROM events GROUP BY group_id")}

    def close(self) -> None:
        self.conn.close()


def read_source(path: str | Path, store: Store, *, labels: Collection[str] | None = None) -> Source:
    """Open the other database and check all of it (see the module docstring); the caller
    closes it. `labels`: the config's, which every span label must be one of (None: any)."""
    conn = open_source(path, store)
    source = Source(Path(path), clean(Path(path).name), conn)
    try:
        ours = {t: _columns(store.conn, t) for t in READ}
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "documents" not in present:
            raise _refuse(source, "has no documents table")
        for table in READ:
            if table in present:
                rows = _read(source, table, ours[table], load=table != "events")  # events: streamed
                source.tables[table] = rows
        _check(source, labels)
    except UserInputError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise UserInputError(f"{source.name}: cannot be read ({clean(exc)}); nothing merged") from None
    return source


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]


def _refuse(source: Source, reason: str) -> UserInputError:
    return UserInputError(f"{source.name}: {reason}; nothing merged")


def _read(source: Source, table: str, known: list[str], *, load: bool = True) -> list[dict[str, Any]]:
    theirs = _columns(source.conn, table)
    extra = [c for c in theirs if c not in known]
    if extra:
        raise _refuse(source, f"table {table} has a column {clean(extra[0])!r} this newsmark does not know")
    if not load:
        return []
    cols = ", ".join(f'"{c}"' for c in theirs)
    order = " ORDER BY rowid" if table != "tombstones" else ""
    return [dict(r) for r in source.conn.execute(f"SELECT {cols} FROM [{table}]{order}")]


def _check(source: Source, labels: Collection[str] | None) -> None:
    texts: dict[int, str] = {}
    for doc in source.rows("documents"):
        if not isinstance(doc.get("text"), str):
            raise _refuse(source, f"document {clean(doc.get('id'))} has no text")
        texts[doc["id"]] = doc["text"]
        source.hashes[doc["id"]] = content_hash(doc["text"])
    for span in source.rows("spans"):
        where = f"span {clean(span.get('id'))}"
        text = _inside(source, where, span, texts)
        if span.get("text") != text[span["start"] : span["end"]]:
            raise _refuse(source, f"{where}: its text is not its document's characters {span['start']}-{span['end']}")
        _label(source, where, span.get("label"), labels)
    for claim in source.rows("claims"):
        _inside(source, f"claim {clean(claim.get('id'))}", claim, texts)
    for entity in source.rows("entities"):
        where = f"entity {clean(entity.get('id'))}"
        if not isinstance(entity.get("name"), str) or not entity["name"].strip():
            raise _refuse(source, f"{where}: its name is empty")
        _label(source, where, entity.get("label"), None)
    for alias in source.rows("aliases"):
        if not isinstance(alias.get("form"), str):
            raise _refuse(source, f"alias {clean(alias.get('id'))}: its form is not text")
    for table in ("rejections", "judgements"):
        for row in source.rows(table):
            if row.get("label") is not None:
                _label(source, f"{table[:-1]} {clean(row.get('id'))}", row["label"], None)


def _inside(source: Source, where: str, row: dict[str, Any], texts: dict[int, str]) -> str:
    """The row's document text, refusing offsets outside it."""
    text = texts.get(row.get("doc_id"))  # type: ignore[arg-type]
    if text is None:
        raise _refuse(source, f"{where}: names document {clean(row.get('doc_id'))}, which is not there")
    start, end = row.get("start"), row.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise _refuse(
            source, f"{where}: {clean(start)}-{clean(end)} is outside its document's text ({len(text)} characters)"
        )
    return text


def _label(source: Source, where: str, label: Any, known: Collection[str] | None) -> None:
    if not isinstance(label, str) or not LABEL_SHAPE.fullmatch(label):
        raise _refuse(source, f"{where}: label {clean(repr(label))} is not a label (letters, digits, _ and -)")
    if known is not None and label not in known:
        raise _refuse(
            source,
            f"{where}: label {label!r} is not in the config ({', '.join(sorted(known))}); "
            "add it to config.yaml, or merge with --new-labels to keep it",
        )
