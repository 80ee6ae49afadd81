"""The annotation rows of one merge (annotations/team/merge.py explains the rules): the maps from
the other database's ids to ours, and each table merged by meaning.

Order matters: documents, then canonical entities (so links and aliases can be mapped), then
the other copy's tombstones (its deletions, applied here when they are later than our row's
last edit; an entity merged away there is merged into its successor here), then aliases,
claim groups, spans, claims, judgements, rejections, assignments, held-out flags and statuses. A row of
theirs whose key is buried here later than their last edit of it is skipped, not counted.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from annotations.entities.actions import merge_into
from annotations.errors import UserInputError
from annotations.store import Action, tombstones
from annotations.team.merge_source import Source, clean
from annotations.vocab import Status

CLAIM_FIELDS = ("type", "speaker", "cue", "stance", "checkworthy", "note", "role")

RANK = {Status.TODO.value: 0, Status.IN_PROGRESS.value: 1}
"""Statuses below finished (done, skipped, reviewed: 2): a later open never demotes those."""


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


TIMED = ("spans", "claims", "doc_status", "aliases", "entities", "judgements", "rejections")


def edit_times(rows: Any) -> dict[str, dict[int, str]]:
    """table -> row id -> time of the latest logged event on it, merge groups left out (a
    copied row's own time is its source's)."""
    out: dict[str, dict[int, str]] = {t: {} for t in TIMED}
    for table, row_id, at in rows.execute(
        "SELECT e.tbl, e.row_id, max(g.at) FROM events e JOIN action_groups g ON g.id = e.group_id "
        "WHERE NOT (g.kind = 'bulk' AND g.name LIKE 'merge %') GROUP BY e.tbl, e.row_id"
    ):
        if table in out:
            out[table][row_id] = at
    return out


class RowMerge:
    """One source's rows merged through one action: the maps from its ids to ours."""

    def __init__(self, act: Action, source: Source, report: MergeReport) -> None:
        self.act, self.source, self.report, self.name = act, source, report, source.name
        self.docs: dict[int, int] = {}
        self.entities: dict[int, int] = {}
        self.groups: dict[int, int] = {}
        self.ids: dict[str, dict[int, int]] = defaultdict(dict)
        self.their_times = edit_times(source.conn)
        self.our_times = edit_times(act)
        self.buried = tombstones.buried(act.store.conn)

    # -- helpers ------------------------------------------------------------------------

    def ours(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cur = self.act.execute(sql, params)
        cols = [c[0] for c in cur.description or ()]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def insert(self, table: str, row: dict[str, Any], *, drop: tuple[str, ...] = ("id",)) -> int:
        try:
            new_id = self.act.insert(table, {k: v for k, v in row.items() if k not in drop})
        except sqlite3.IntegrityError as exc:
            raise UserInputError(
                f"{self.name}: {table} row {clean(row.get('id'))} does not fit this database ({clean(exc)}); "
                "nothing merged"
            ) from None
        self.report.add(table)
        return new_id

    def their_time(self, table: str, row: dict[str, Any]) -> str:
        return max(self.their_times[table].get(row["id"], ""), row.get("created_at") or row.get("updated_at") or "")

    def our_time(self, table: str, row: dict[str, Any]) -> str:
        return max(self.our_times[table].get(row["id"], ""), row.get("created_at") or row.get("updated_at") or "")

    def key(self, table: str, values: dict[str, Any]) -> str | None:
        """The natural key of a row (mapped to our ids) as this database spells it."""
        return tombstones.key(self.act, table, values)

    def is_buried(self, table: str, values: dict[str, Any], their_at: str) -> bool:
        """Deleted here (or lost a conflict here) at or after their last edit of it."""
        row_key = self.key(table, values)
        found = self.buried.get((table, row_key)) if row_key else None
        return found is not None and found[0] >= their_at

    def bury(self, table: str, row_key: str | None, at: str, successor: str | None = None) -> None:
        if row_key is not None:
            self.act.bury(table, row_key, at, successor)
            self.buried[(table, row_key)] = (at, successor)

    def live_entity(self, their_id: Any) -> int | None:
        """Our entity for theirs, if it is (still) here."""
        entity = self.entities.get(their_id) if their_id is not None else None
        return entity if entity is not None and self.act.row("entities", entity) is not None else None

    def where(self, doc_id: int) -> str:
        row = self.act.execute("SELECT title FROM documents WHERE id = ?", (doc_id,)).fetchone()
        title = (row[0] or "").splitlines()[0][:50] if row and row[0] else ""
        return f"document {doc_id}" + (f" ({clean(title)})" if title else "")


def merge_rows(m: RowMerge) -> None:
    documents(m)
    canonical_entities(m)
    apply_tombstones(m)
    aliases(m)
    claim_groups(m)
    spans(m)
    claims(m)
    simple(m, "judgements", ("a", "b", "label", "verdict", "annotator", "created_at"), doc=False)
    simple(m, "rejections", ("doc_id", "kind", "start", "end", "label", "annotator"))
    simple(m, "assignments", ("doc_id", "annotator"))
    simple(m, "held_out", ("doc_id",))
    statuses(m)


def documents(m: RowMerge) -> None:
    """By content hash, computed here from the text: known texts map to ours, new ones are inserted."""
    for row in m.source.rows("documents"):
        digest = m.source.hashes[row["id"]]
        found = m.act.execute("SELECT id FROM documents WHERE hash = ?", (digest,)).fetchone()
        if found:
            m.docs[row["id"]] = found[0]
            continue
        m.docs[row["id"]] = m.insert("documents", {**row, "hash": digest})


def _successor(m: RowMerge, entity_key: str) -> int | None:
    """The live entity here that replaced a buried one (its tombstone's successor chain)."""
    for _ in range(32):  # a chain of merges; bounded against a cycle
        found = m.buried.get(("entities", entity_key))
        if found is None or found[1] is None:
            return None
        entity_key = found[1]
        live = tombstones.rows_with_key(m.act, "entities", entity_key)
        if live:
            return int(live[0]["id"])
    return None


def canonical_entities(m: RowMerge) -> None:
    """By external id, else name and label; one deleted or merged away here later than their
    last edit maps to what replaced it (or to nothing)."""
    for row in m.source.rows("entities"):
        their_key = m.key("entities", row)
        if their_key and m.is_buried("entities", row, m.their_time("entities", row)):
            successor = _successor(m, their_key)
            if successor is not None:
                m.entities[row["id"]] = successor
            continue
        found = None
        if row.get("external_id"):
            found = m.act.execute(
                "SELECT id FROM entities WHERE external_id = ? ORDER BY id", (row["external_id"],)
            ).fetchone()
        if found is None:
            found = m.act.execute(
                "SELECT id FROM entities WHERE name = ? AND label = ? AND "
                "(external_id IS NULL OR external_id = '' OR ? IS NULL) ORDER BY id",
                (row["name"], row["label"], row.get("external_id") or None),
            ).fetchone()
        m.entities[row["id"]] = found[0] if found else m.insert("entities", row)


def apply_tombstones(m: RowMerge) -> None:
    """Their deletions: a row here with a buried key goes when its last edit here is older
    (an entity with a successor here is merged into it); their tombstones join ours."""
    for t in m.source.rows("tombstones"):
        table, row_key, at, successor = t["tbl"], t["key"], t["deleted_at"], t.get("successor")
        if table not in tombstones.KEYED:
            continue
        mine = m.buried.get((table, row_key))
        if mine is not None and mine[0] >= at:
            continue
        for row in tombstones.rows_with_key(m.act, table, row_key):
            if m.our_time(table, row) >= at:
                continue  # edited here after they deleted it: the later edit wins
            keep = _successor_of(m, successor) if table == "entities" else None
            if keep is not None and keep != row["id"]:
                merge_into(m.act, keep, row["id"], row["name"], at=at)
            else:
                m.act.delete(table, row["id"], at=at)
            m.report.add(f"{table} deleted")
        m.bury(table, row_key, at, successor)


def _successor_of(m: RowMerge, successor: str | None) -> int | None:
    if successor is None:
        return None
    live = tombstones.rows_with_key(m.act, "entities", successor)
    return int(live[0]["id"]) if live else _successor(m, successor)


def aliases(m: RowMerge) -> None:
    for row in m.source.rows("aliases"):
        entity = m.entities.get(row["entity_id"])
        if entity is None or m.act.row("entities", entity) is None:
            continue
        values = {"entity_id": entity, "form": row["form"]}
        if m.act.execute("SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (entity, row["form"])).fetchone():
            continue
        if m.is_buried("aliases", values, m.their_time("aliases", row)):
            continue
        m.insert("aliases", values)


def claim_groups(m: RowMerge) -> None:
    """Same name, creator and time: the same group."""
    for row in m.source.rows("claim_groups"):
        found = m.act.execute(
            "SELECT id FROM claim_groups WHERE name IS ? AND created_by IS ? AND created_at = ?",
            (row["name"], row["created_by"], row["created_at"]),
        ).fetchone()
        m.groups[row["id"]] = found[0] if found else m.insert("claim_groups", row)


def _span(s: dict[str, Any]) -> str:
    return f"{s['label']} {s['start']}-{s['end']} {clean(repr(s['text']))}"


def spans(m: RowMerge) -> None:
    """Union per (document, annotator); overlapping different spans: the later edit wins."""
    by_key: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in m.source.rows("spans"):
        if row["doc_id"] in m.docs:
            by_key[(m.docs[row["doc_id"]], row["annotator"])].append(row)
    for (doc_id, annotator), theirs in by_key.items():
        ours = m.ours("SELECT * FROM spans WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))
        for row in theirs:
            _one_span(m, doc_id, annotator, row, ours)


def _one_span(m: RowMerge, doc_id: int, annotator: str, row: dict[str, Any], ours: list[dict[str, Any]]) -> None:
    entity = m.live_entity(row.get("entity_id"))
    theirs_at = m.their_time("spans", row)
    same = next(
        (s for s in ours if (s["start"], s["end"], s["label"]) == (row["start"], row["end"], row["label"])), None
    )
    if same is not None:
        m.ids["spans"][row["id"]] = same["id"]
        if same["entity_id"] != entity and theirs_at > m.our_time("spans", same):  # linked there later
            m.act.update("spans", same["id"], {"entity_id": entity})
            same["entity_id"] = entity
            m.report.add("span links")
        return
    values = {**row, "doc_id": doc_id, "entity_id": entity, "created_at": theirs_at}
    if m.is_buried("spans", values, theirs_at):
        return  # deleted here, or lost a conflict here, after their last edit
    overlapping = [s for s in ours if s["start"] < row["end"] and row["start"] < s["end"]]
    if overlapping:
        ours_at = max(m.our_time("spans", s) for s in overlapping)
        later = theirs_at > ours_at
        m.report.conflicts.append(
            f"{m.where(doc_id)}, {clean(annotator)}: here {', '.join(_span(s) for s in overlapping)} "
            f"({ours_at}) vs {m.name} {_span(row)} ({theirs_at}): kept {m.name if later else 'here'} (later edit)"
        )
        if not later:
            m.bury("spans", m.key("spans", values), ours_at)  # settled: never back, never reported again
            return
        for s in overlapping:
            m.act.delete("spans", s["id"], at=theirs_at)
            ours.remove(s)
            m.report.add("spans replaced")
    new_id = m.insert("spans", values)
    m.ids["spans"][row["id"]] = new_id
    ours.append({**values, "id": new_id})


def claims(m: RowMerge) -> None:
    """Same (document, annotator, start, end): the same claim; different fields: later edit wins."""
    for row in m.source.rows("claims"):
        doc_id = m.docs.get(row["doc_id"])
        if doc_id is None:
            continue
        values = {
            **row,
            "doc_id": doc_id,
            "speaker_span_id": m.ids["spans"].get(row.get("speaker_span_id") or -1),
            "speaker_entity_id": m.live_entity(row.get("speaker_entity_id")),
            "group_id": m.groups.get(row.get("group_id") or -1),
            "created_at": m.their_time("claims", row),
        }
        found = m.ours(
            'SELECT * FROM claims WHERE doc_id = ? AND annotator = ? AND start = ? AND "end" = ?',
            (doc_id, row["annotator"], row["start"], row["end"]),
        )
        if not found:
            if not m.is_buried("claims", values, values["created_at"]):
                m.ids["claims"][row["id"]] = m.insert("claims", values)
            continue
        _claim_conflict(m, doc_id, row, values, found[0])


def _claim_conflict(m: RowMerge, doc_id: int, row: dict[str, Any], values: dict[str, Any], mine: dict) -> None:
    m.ids["claims"][row["id"]] = mine["id"]
    changes = {k: values[k] for k in CLAIM_FIELDS if k in values and values[k] != mine[k]}
    version = _claim_version(m, values)
    if not changes or m.is_buried("claims", version, values["created_at"]):
        return  # the same, or a version of theirs that lost here before
    ours_at = m.our_time("claims", mine)
    later = values["created_at"] > ours_at
    if later and m.is_buried("claims", _claim_version(m, mine), ours_at):  # ours lost there already
        m.act.update("claims", mine["id"], changes)
        m.report.add("claims updated")
        return
    m.report.conflicts.append(
        f"{m.where(doc_id)}, {clean(row['annotator'])}: claim {row['start']}-{row['end']} differs in "
        f"{', '.join(sorted(changes))}: kept {m.name if later else 'here'} (later edit)"
    )
    if later:
        m.act.update("claims", mine["id"], changes)
        m.report.add("claims updated")
    else:
        m.bury("claims", m.key("claims", version), ours_at)


def _claim_version(m: RowMerge, values: dict[str, Any]) -> dict[str, Any]:
    """A claim's fields folded into its annotator, so a losing version has a key of its own."""
    fields = [values.get(k) for k in CLAIM_FIELDS]
    if fields[-1] is None:  # no role: the key a version had before claims kept one (schema v7)
        fields.pop()
    return {**values, "annotator": f"{values['annotator']}\x00{json.dumps(fields, ensure_ascii=False)}"}


def simple(m: RowMerge, table: str, key: tuple[str, ...], *, doc: bool = True) -> None:
    """Rows identified by their key columns: inserted unless already here (or buried here)."""
    cols = " AND ".join(f'"{k}" IS ?' for k in key)
    for row in m.source.rows(table):
        if doc:
            if row["doc_id"] not in m.docs:
                continue
            row = {**row, "doc_id": m.docs[row["doc_id"]]}
        found = m.act.execute(f"SELECT id FROM [{table}] WHERE {cols}", [row.get(k) for k in key]).fetchone()
        if found:
            m.ids[table][row["id"]] = found[0]
        elif not (table in tombstones.KEYED and m.is_buried(table, row, m.their_time(table, row))):
            m.ids[table][row["id"]] = m.insert(table, row)


def statuses(m: RowMerge) -> None:
    """One status per (document, annotator): a finished one (done, skipped, reviewed) is never
    demoted by an open one (todo, in progress), however much later; otherwise the later wins."""
    for row in m.source.rows("doc_status"):
        doc_id = m.docs.get(row["doc_id"])
        if doc_id is None:
            continue
        mine = m.ours("SELECT * FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, row["annotator"]))
        theirs_at = m.their_time("doc_status", row)
        if not mine:
            m.ids["doc_status"][row["id"]] = m.insert("doc_status", {**row, "doc_id": doc_id, "updated_at": theirs_at})
            continue
        m.ids["doc_status"][row["id"]] = mine[0]["id"]
        if mine[0]["status"] == row["status"]:
            continue
        ours_rank, their_rank = RANK.get(mine[0]["status"], 2), RANK.get(row["status"], 2)
        if their_rank > ours_rank or (their_rank == ours_rank and theirs_at > m.our_time("doc_status", mine[0])):
            m.act.update("doc_status", mine[0]["id"], {"status": row["status"], "updated_at": theirs_at})
            m.report.add("statuses updated")
