"""Merge annotation databases made on other servers into this one, idempotently.

Rows are matched by what they mean, never by their ids (each server numbers its own):
documents by content hash; canonical entities by external id, else name and label; aliases by
entity and form; gold spans by (document, annotator, start, end, label); claims by (document,
annotator, start, end); judgements, rejections, statuses and assignments by their natural keys.
What is already here is skipped, so merging the same database twice adds nothing.

Conflicts: one annotator's gold spans never overlap, so the same annotator's different spans
over the same characters of one document (or one claim with different fields) are a conflict;
it is reported, and the later edit wins by event time (the latest logged event that touched the
row, else the row's own time). Copied rows keep their source's time, so a later merge still
compares true edit times.

History: the other database's action groups are copied as `bulk` groups (kept for audit, never
on anyone's undo stack), their row ids mapped to the rows here where known. Each copy's note
carries a key (annotator, time, name, kind, document hash, event count) so no group is copied
twice, even after databases merged each other back and forth.

Every write is one `store.action` (kind bulk) per source database: all of it or none of it;
`dry_run` does the same work and rolls it back. A source that is not a newsmark database, or
has a newer schema, is refused before anything is written (and it is only ever opened read-only).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.errors import UserInputError
from annotations.store import Action, Store, now
from annotations.store.schema import APPLICATION_ID, SCHEMA_VERSION
from annotations.vocab import ActionKind

MERGED_NOTE = "merged "
"""Prefix of the note of a copied history group: 'merged <key> from <file> #<group id>'."""


class _DryRun(Exception):
    """Raised inside the action to roll a dry run back."""


@dataclass
class MergeReport:
    source: str
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    dry_run: bool = False

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    @property
    def changed(self) -> int:
        return sum(n for what, n in self.counts.items() if what != "history")

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "counts": self.counts, "conflicts": self.conflicts, "dry_run": self.dry_run}


def open_source(path: str | Path, store: Store) -> sqlite3.Connection:
    """The other database, read-only; refused (UserInputError) unless it is a newsmark database
    of this schema version or older, and not this store's own file."""
    p = Path(path)
    if not p.is_file():
        raise UserInputError(f"{p}: no such database file")
    if store.path.exists() and os.path.samefile(p, store.path):
        raise UserInputError(f"{p}: is the database being merged into")
    uri = "file:" + urllib.parse.quote(str(p.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise UserInputError(f"{p}: not a newsmark database ({exc})") from None
    if app_id != APPLICATION_ID or version < 1:
        conn.close()
        raise UserInputError(f"{p}: not a newsmark database; nothing merged")
    if version > SCHEMA_VERSION:
        conn.close()
        raise UserInputError(
            f"{p}: schema version {version} is newer than this newsmark understands "
            f"({SCHEMA_VERSION}); upgrade newsmark; nothing merged"
        )
    conn.row_factory = sqlite3.Row
    return conn


def merge_database(store: Store, path: str | Path, annotator: str, *, dry_run: bool = False) -> MergeReport:
    """Merge one database into `store` (one transaction); see the module docstring."""
    other = open_source(path, store)
    report = MergeReport(source=str(path), dry_run=dry_run)
    try:
        with store.action(
            annotator, f"merge {Path(path).name}", kind=ActionKind.BULK, note=f"from {Path(path).resolve()}"
        ) as act:
            _Merge(act, other, report, Path(path).name).run()
            if dry_run:
                raise _DryRun()
    except _DryRun:
        pass
    finally:
        other.close()
    return report


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def edit_times(rows: Any, table: str) -> dict[int, str]:
    """row id -> time of the latest logged event on it, merge groups left out (a copied row's
    own time is its source's)."""
    return {
        r[0]: r[1]
        for r in rows.execute(
            "SELECT e.row_id, max(g.at) FROM events e JOIN action_groups g ON g.id = e.group_id "
            "WHERE e.tbl = ? AND NOT (g.kind = 'bulk' AND g.name LIKE 'merge %') GROUP BY e.row_id",
            (table,),
        )
    }


class _Merge:
    """One source database merged through one action: the maps from its ids to ours."""

    def __init__(self, act: Action, other: sqlite3.Connection, report: MergeReport, name: str) -> None:
        self.act, self.other, self.report, self.name = act, other, report, name
        self.tables = _tables(other)
        self.docs: dict[int, int] = {}
        self.entities: dict[int, int] = {}
        self.groups: dict[int, int] = {}
        self.ids: dict[str, dict[int, int]] = {
            "spans": {},
            "claims": {},
            "judgements": {},
            "doc_status": {},
            "rejections": {},
        }
        self.their_times = {t: edit_times(other, t) for t in ("spans", "claims", "doc_status")}
        self.our_times = {t: edit_times(act, t) for t in ("spans", "claims", "doc_status")}

    def rows(self, table: str, where: str = "") -> list[dict[str, Any]]:
        if table not in self.tables:
            return []
        return [dict(r) for r in self.other.execute(f"SELECT * FROM [{table}] {where} ORDER BY id")]

    def ours(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cur = self.act.execute(sql, params)
        cols = [c[0] for c in cur.description or ()]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def insert(self, table: str, row: dict[str, Any], *, drop: tuple[str, ...] = ("id",)) -> int:
        self.report.add(table)
        return self.act.insert(table, {k: v for k, v in row.items() if k not in drop})

    def their_time(self, table: str, row: dict[str, Any]) -> str:
        return max(self.their_times[table].get(row["id"], ""), row.get("created_at") or row.get("updated_at") or "")

    def our_time(self, table: str, row: dict[str, Any]) -> str:
        return max(self.our_times[table].get(row["id"], ""), row.get("created_at") or row.get("updated_at") or "")

    def run(self) -> None:
        from annotations.team.merge_rows import merge_annotations, merge_history

        self.documents()
        self.canonical_entities()
        merge_annotations(self)
        merge_history(self)

    def documents(self) -> None:
        """By content hash: known texts map to ours, new ones are inserted."""
        for row in self.rows("documents"):
            found = self.act.execute("SELECT id FROM documents WHERE hash = ?", (row["hash"],)).fetchone()
            if found:
                self.docs[row["id"]] = found[0]
                continue
            row.setdefault("imported_at", now())
            self.docs[row["id"]] = self.insert("documents", row)

    def canonical_entities(self) -> None:
        """By external id, else name and label; then their aliases."""
        for row in self.rows("entities"):
            found = None
            if row.get("external_id"):
                found = self.act.execute(
                    "SELECT id FROM entities WHERE external_id = ? ORDER BY id", (row["external_id"],)
                ).fetchone()
            if found is None:
                found = self.act.execute(
                    "SELECT id FROM entities WHERE name = ? AND label = ? AND "
                    "(external_id IS NULL OR external_id = '' OR ? IS NULL) ORDER BY id",
                    (row["name"], row["label"], row.get("external_id") or None),
                ).fetchone()
            self.entities[row["id"]] = found[0] if found else self.insert("entities", row)
        for row in self.rows("aliases"):
            entity = self.entities.get(row["entity_id"])
            if (
                entity is None
                or self.act.execute(
                    "SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (entity, row["form"])
                ).fetchone()
            ):
                continue
            self.insert("aliases", {"entity_id": entity, "form": row["form"]})


def group_key(annotator: str, at: str, name: str, kind: str, doc_hash: str | None, events: int) -> str:
    """What identifies one action group across databases (ids differ, these do not)."""
    raw = json.dumps([annotator, at, name, kind, doc_hash, events], ensure_ascii=False)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]
