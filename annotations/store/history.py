"""Actions and history: every change a user makes is logged (before, after) in its action
group, and undo/redo replay the append-only log, so they work across restarts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from annotations.errors import StoreError
from annotations.store import tombstones
from annotations.vocab import ActionKind


class StoreHandle(Protocol):
    """What the query modules under the StoreHandle (history, documents, gold, predictions, stats) use
    of it. The StoreHandle (database.py) imports those modules for its methods; they name this
    protocol rather than the class, so no import runs back up to it."""

    path: Path
    conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def reading(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]: ...

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def action(
        self,
        annotator: str,
        name: str,
        *,
        doc_id: int | None = None,
        kind: str = ActionKind.DO,
        note: str | None = None,
    ) -> AbstractContextManager[Action]: ...


# Tables whose rows user actions change; undo/redo may write only these.
UNDOABLE = (
    "spans",
    "claims",
    "entities",
    "aliases",
    "judgements",
    "doc_status",
    "rejections",
    "claim_groups",
    "held_out",
)

# How far back undo reaches, in actions: bounds the log scan that derives the undo stack.
UNDO_WINDOW = 10_000


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def row(store: StoreHandle, table: str, row_id: int) -> dict[str, Any] | None:
    cur = store.conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", (row_id,))
    found = cur.fetchone()
    if found is None:
        return None
    return dict(zip([c[0] for c in cur.description], found))


def group(
    store: StoreHandle,
    annotator: str,
    name: str,
    *,
    kind: str = ActionKind.DO,
    reverts: int | None = None,
    doc_id: int | None = None,
    note: str | None = None,
) -> int:
    """Open an action group (inside the caller's transaction); returns its id."""
    cur = store.conn.execute(
        "INSERT INTO action_groups (annotator, at, name, kind, reverts, doc_id, note) VALUES (?,?,?,?,?,?,?)",
        (annotator, now(), name, str(kind), reverts, doc_id, note),
    )
    return int(cur.lastrowid or 0)


def log(store: StoreHandle, group_id: int, table: str, row_id: int, before: dict | None, after: dict | None) -> None:
    store.conn.execute(
        "INSERT INTO events (group_id, tbl, row_id, before, after) VALUES (?,?,?,?,?)",
        (group_id, table, row_id, _dump(before), _dump(after)),
    )


def insert(store: StoreHandle, group_id: int, table: str, values: dict[str, Any]) -> int:
    cols = ", ".join(f'"{c}"' for c in values)
    marks = ", ".join("?" for _ in values)
    cur = store.conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", list(values.values()))
    row_id = int(cur.lastrowid or 0)
    after = row(store, table, row_id)
    log(store, group_id, table, row_id, None, after)
    tombstones.follow(store.conn, table, None, after, now)
    return row_id


def update(store: StoreHandle, group_id: int, table: str, row_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    before = row(store, table, row_id)
    if before is None:
        raise StoreError(f"{table} {row_id} does not exist (deleted by someone else?)")
    sets = ", ".join(f'"{c}" = ?' for c in changes)
    store.conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*changes.values(), row_id])
    after = row(store, table, row_id)
    log(store, group_id, table, row_id, before, after)
    tombstones.follow(store.conn, table, before, after, now)
    return after or {}


def delete(
    store: StoreHandle, group_id: int, table: str, row_id: int, *, at: str | None = None, successor: dict | None = None
) -> dict[str, Any]:
    """Delete a row and log it; its tombstone says it went at `at` (default: now; a merge
    passes the time the other copy deleted it) and names `successor`, the row that replaced it."""
    before = row(store, table, row_id)
    if before is None:
        raise StoreError(f"{table} {row_id} does not exist (deleted by someone else?)")
    # What ON DELETE SET NULL / CASCADE would change unseen (a claim's speaker_span_id, an
    # entity's aliases) is changed first through the log, so undo restores it too.
    for child, column, rule in _references(store.conn, table):
        for (child_id,) in store.conn.execute(f"SELECT id FROM [{child}] WHERE [{column}] = ?", (row_id,)).fetchall():
            if rule == "CASCADE":
                delete(store, group_id, child, child_id)
            else:
                update(store, group_id, child, child_id, {column: None})
    store.conn.execute(f"DELETE FROM [{table}] WHERE id = ?", (row_id,))
    log(store, group_id, table, row_id, before, None)
    if successor is None:
        tombstones.follow(store.conn, table, before, None, lambda: at or now())
    else:
        tombstones.point(store.conn, table, before, successor, at or now())
    return before


_REFERENCES: dict[str, list[tuple[str, str, str]]] = {}


def _references(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """(child table, column, rule) of each undoable table's ON DELETE SET NULL / CASCADE key to `table`."""
    found = _REFERENCES.get(table)
    if found is None:
        found = _REFERENCES[table] = [
            (child, fk[3], fk[6])
            for child in UNDOABLE
            for fk in conn.execute(f"PRAGMA foreign_key_list([{child}])").fetchall()
            if fk[2] == table and fk[6] in ("SET NULL", "CASCADE")
        ]
    return found


def _unchanged(current: dict[str, Any] | None, expect: dict[str, Any] | None) -> bool:
    """The row is as the event left it. A column added by a later migration (claims.role) is
    missing from older events: there it must still be NULL, as the migration left it."""
    if current is None or expect is None:
        return current is expect
    return (
        all(expect[c] == v if c in expect else v is None for c, v in current.items())
        and expect.keys() <= current.keys()
    )


def _apply(store: StoreHandle, table: str, row_id: int, expect: dict | None, target: dict | None) -> None:
    """Move a row from state `expect` to `target` (None = absent), refusing if it drifted."""
    if table not in UNDOABLE:
        raise StoreError(f"cannot undo changes to {table}")
    if not _unchanged(row(store, table, row_id), expect):
        raise StoreError("cannot undo: that annotation was changed since (by another annotator?)")
    conn = store.conn
    if target is None:
        conn.execute(f"DELETE FROM [{table}] WHERE id = ?", (row_id,))
    elif expect is None:
        cols = ", ".join(f'"{c}"' for c in target)
        marks = ", ".join("?" for _ in target)
        conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", list(target.values()))
    else:
        sets = ", ".join(f'"{c}" = ?' for c in target if c != "id")
        conn.execute(
            f"UPDATE [{table}] SET {sets} WHERE id = ?", [v for c, v in target.items() if c != "id"] + [row_id]
        )
    tombstones.follow(conn, table, expect, target, now)


def stacks(store: StoreHandle, annotator: str) -> tuple[list[int], list[int]]:
    """Undo and redo stacks of action-group ids, derived from the log alone."""
    undo: list[int] = []
    redo: list[int] = []
    rows = store.conn.execute(
        "SELECT id, kind, reverts FROM action_groups WHERE annotator = ? ORDER BY id DESC LIMIT ?",
        (annotator, UNDO_WINDOW),
    ).fetchall()
    for gid, kind, reverts in reversed(rows):
        if kind == ActionKind.DO:
            undo.append(gid)
            redo.clear()
        elif kind == ActionKind.UNDO:
            if reverts in undo:
                undo.remove(reverts)
            redo.append(reverts)
        elif kind == ActionKind.REDO:
            if reverts in redo:
                redo.remove(reverts)
            undo.append(gid)
    return undo, redo


def replay(store: StoreHandle, annotator: str, kind: ActionKind) -> dict[str, Any] | None:
    """Undo or redo the annotator's latest action as a new logged group; returns its name,
    document and where in the text it happened, or None when there is nothing to replay."""
    with store.transaction() as conn:
        undo, redo = stacks(store, annotator)
        stack = undo if kind == ActionKind.UNDO else redo
        if not stack:
            return None
        target = stack[-1]
        info = conn.execute("SELECT name, doc_id FROM action_groups WHERE id = ?", (target,)).fetchone()
        events = conn.execute(
            "SELECT tbl, row_id, before, after FROM events WHERE group_id = ? ORDER BY id", (target,)
        ).fetchall()
        gid = group(store, annotator, info[0], kind=kind, reverts=target, doc_id=info[1])
        if kind == ActionKind.UNDO:
            # Undo the events in reverse order: each goes from `after` back to `before`.
            for tbl, row_id, before, after in reversed(events):
                _apply(store, tbl, row_id, _load(after), _load(before))
                log(store, gid, tbl, row_id, _load(after), _load(before))
        else:
            # The group being redone is itself an undo-able group: for a "do" its events
            # go forward; for a redo of an undone redo, likewise.
            for tbl, row_id, before, after in events:
                _apply(store, tbl, row_id, _load(before), _load(after))
                log(store, gid, tbl, row_id, _load(before), _load(after))
        return {"name": info[0], "doc_id": info[1], "start": _where(events)}


def history(store: StoreHandle, annotator: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    where = "WHERE annotator = ?" if annotator else ""
    params: tuple[Any, ...] = (annotator,) if annotator else ()
    return store.query(f"SELECT * FROM action_groups {where} ORDER BY id DESC LIMIT {int(limit)}", params)


def _where(events: Sequence[tuple[str, int, str | None, str | None]]) -> int | None:
    """Where in the text an action happened: the start of the first span, claim or rejection
    it changed (so undo can show it), else None."""
    for tbl, _, before, after in events:
        if tbl in ("spans", "claims", "rejections"):
            changed = _load(after) or _load(before) or {}
            if isinstance(changed.get("start"), int):
                return changed["start"]
    return None


def _dump(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


def copy_group(
    act: Action,
    *,
    annotator: str,
    at: str,
    name: str,
    doc_id: int | None,
    note: str,
    events: Iterable[tuple[str, int, str | None, str | None]],
) -> int:
    """Append an action logged elsewhere (another database's, for merge) to this log, inside
    ``act``'s transaction: its own time, its events' (table, row id, before, after) JSON as
    they are. A bulk group, so history shows it and undo never replays it here. Returns its id."""
    conn = act.store.conn
    cur = conn.execute(
        "INSERT INTO action_groups (annotator, at, name, kind, reverts, doc_id, note) VALUES (?,?,?,?,?,?,?)",
        (annotator, at, name, ActionKind.BULK, None, doc_id, note),
    )
    group_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO events (group_id, tbl, row_id, before, after) VALUES (?,?,?,?,?)",
        [(group_id, tbl, row_id, before, after) for tbl, row_id, before, after in events],
    )
    return group_id


def set_note(act: Action, note: str) -> None:
    """Set the note of ``act``'s own group, for what is known only at its end (import's count)."""
    act.store.conn.execute("UPDATE action_groups SET note = ? WHERE id = ?", (note, act.group))


class Action:
    """The writes of one user action (see `StoreHandle.action`); each is logged for undo."""

    def __init__(self, store: StoreHandle, group: int) -> None:
        self.store = store
        self.group = group

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert a row; returns its id."""
        return insert(self.store, self.group, table, values)

    def update(self, table: str, row_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Change some columns of a row; returns the row after."""
        return update(self.store, self.group, table, row_id, changes)

    def delete(
        self, table: str, row_id: int, *, at: str | None = None, successor: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Delete a row; returns the row before. Its tombstone (store/tombstones.py) says it
        went at `at` (default now) and names `successor`, the row that replaced it."""
        return delete(self.store, self.group, table, row_id, at=at, successor=successor)

    def bury(self, table: str, row_key: str, at: str, successor: str | None = None) -> None:
        """Remember the row with this natural key as deleted at `at` (merge: another copy's
        deletion, or the other side of a settled conflict, so it never comes back)."""
        tombstones.bury(self.store.conn, table, row_key, at, successor)

    def row(self, table: str, row_id: int) -> dict[str, Any] | None:
        """A row as this transaction sees it."""
        return row(self.store, table, row_id)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """A read inside the action's transaction (writes must go through insert/update/delete)."""
        return self.store.conn.execute(sql, params)
