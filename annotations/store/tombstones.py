"""Tombstones: what was deleted, by meaning, so that a merge carries a deletion like an edit.

Merge matches rows by what they mean, never by ids (annotations/team/merge.py); a row that is
gone leaves nothing to match, so without a trace a span one copy deleted came back from the
other. A tombstone is that trace: the row's natural key and when it went. Keys hold no ids,
so they read the same in every copy:

* spans: document content hash, annotator, start, end, label;
* claims: document hash, annotator, start, end;
* rejections: document hash, kind, start, end, label, annotator;
* judgements: the two forms, label, verdict, annotator, time;
* entities: external id, else name and label; aliases: their entity's key and the form.

The event log's writers (history.insert / update / delete and undo's replay) keep the table
true for every write, whatever its path: a row deleted, or whose key changes (a relabel, a moved
edge, a renamed entity), buries its old key with the time; a row inserted (an annotation made
again, an undo) lifts the tombstone of its key. A renamed or merged-away entity's tombstone
names its successor, so a merge maps the other copy's old entity to the one that replaced it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Protocol

KEYED = ("spans", "claims", "rejections", "judgements", "entities", "aliases")
"""Tables whose deletions are remembered."""


class Executes(Protocol):
    """A connection, or an Action (reads and writes inside its transaction)."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> sqlite3.Cursor: ...


def entity_key(row: dict[str, Any]) -> list[Any]:
    """What identifies a canonical entity across copies: its external id, else name and label."""
    if row.get("external_id"):
        return ["id", row["external_id"]]
    return ["name", row["name"], row["label"]]


def _doc_hash(conn: Executes, doc_id: Any) -> str | None:
    found = conn.execute("SELECT hash FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return found[0] if found else None


def key(conn: Executes, table: str, row: dict[str, Any] | None) -> str | None:
    """A row's natural key as JSON text, or None when the table keeps no tombstones (or the
    row's document or entity is gone)."""
    if row is None or table not in KEYED:
        return None
    parts: list[Any]
    if table in ("spans", "claims", "rejections"):
        doc = _doc_hash(conn, row["doc_id"])
        if doc is None:
            return None
        if table == "spans":
            parts = [doc, row["annotator"], row["start"], row["end"], row["label"]]
        elif table == "claims":
            parts = [doc, row["annotator"], row["start"], row["end"]]
        else:
            parts = [doc, row["kind"], row["start"], row["end"], row["label"], row["annotator"]]
    elif table == "judgements":
        parts = [row["a"], row["b"], row["label"], row["verdict"], row["annotator"], row["created_at"]]
    elif table == "entities":
        parts = entity_key(row)
    else:
        cur = conn.execute("SELECT * FROM entities WHERE id = ?", (row["entity_id"],))
        found = cur.fetchone()
        if found is None:
            return None
        parts = [entity_key(dict(zip([c[0] for c in cur.description], found))), row["form"]]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def bury(conn: Executes, table: str, row_key: str, at: str, successor: str | None = None) -> None:
    """Remember that the row with this key went at `at` (a later time than one already kept wins)."""
    conn.execute(
        "INSERT INTO tombstones (tbl, key, deleted_at, successor) VALUES (?,?,?,?) "
        "ON CONFLICT (tbl, key) DO UPDATE SET deleted_at = excluded.deleted_at, successor = excluded.successor "
        "WHERE excluded.deleted_at >= tombstones.deleted_at",
        (table, row_key, at, successor),
    )


def lift(conn: Executes, table: str, row_key: str) -> None:
    """The row with this key exists again: forget its tombstone."""
    conn.execute("DELETE FROM tombstones WHERE tbl = ? AND key = ?", (table, row_key))


def follow(
    conn: Executes,
    table: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: Callable[[], str],
) -> None:
    """Keep the tombstones true across one logged write of a row from `before` to `after`
    (None: absent). Called by the event log's writers, inside their transaction; `at` gives
    the time of a deletion (asked only when there is one)."""
    if table not in KEYED:
        return
    old, new = key(conn, table, before), key(conn, table, after)
    if old == new:
        return
    if old is not None:
        bury(conn, table, old, at(), successor=new if table == "entities" else None)
    if new is not None:
        lift(conn, table, new)


def point(conn: Executes, table: str, gone: dict[str, Any], successor: dict[str, Any], at: str) -> None:
    """Bury `gone` naming the row that replaced it (an entity merged into another)."""
    gone_key, next_key = key(conn, table, gone), key(conn, table, successor)
    if gone_key is not None:
        bury(conn, table, gone_key, at, successor=next_key)


def buried(conn: Executes) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Every tombstone: (table, key) -> (deleted at, successor key); empty on a database from
    before tombstones (schema 3)."""
    try:
        rows = conn.execute("SELECT tbl, key, deleted_at, successor FROM tombstones").fetchall()
    except sqlite3.OperationalError:
        return {}
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def rows_with_key(conn: Executes, table: str, row_key: str) -> list[dict[str, Any]]:
    """The live rows of `table` whose natural key is `row_key` (see `key`), in id order."""
    parts = json.loads(row_key)
    sql, params = _lookup(table, parts)
    if not sql:
        return []
    cur = conn.execute(sql, params)
    cols = [c[0] for c in cur.description or ()]
    found = [dict(zip(cols, r)) for r in cur.fetchall()]
    return [r for r in found if key(conn, table, r) == row_key]  # the key's own spelling decides


def _lookup(table: str, parts: list[Any]) -> tuple[str, list[Any]]:
    """A query narrowing `table` to the rows a key could name (checked exactly afterwards)."""
    in_doc = (
        'SELECT t.* FROM [{}] t JOIN documents d ON d.id = t.doc_id WHERE d.hash = ? AND t.start = ? AND t."end" = ?'
    )
    if table in ("spans", "claims") and len(parts) >= 4:
        return in_doc.format(table) + " AND t.annotator = ? ORDER BY t.id", [parts[0], parts[2], parts[3], parts[1]]
    if table == "rejections" and len(parts) == 6:
        return in_doc.format(table) + " ORDER BY t.id", [parts[0], parts[2], parts[3]]
    if table == "judgements" and len(parts) == 6:
        return "SELECT * FROM judgements WHERE a = ? AND b = ? ORDER BY id", [parts[0], parts[1]]
    if table == "entities" and parts and parts[0] == "id":
        return "SELECT * FROM entities WHERE external_id = ? ORDER BY id", [parts[1]]
    if table == "entities" and len(parts) == 3:
        return "SELECT * FROM entities WHERE name = ? AND label = ? ORDER BY id", [parts[1], parts[2]]
    if table == "aliases" and len(parts) == 2:
        return "SELECT * FROM aliases WHERE form = ? ORDER BY id", [parts[1]]
    return "", []
