"""The annotation rows and the history of one merge (annotations/team/merge.py explains the rules)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from annotations.reading.layout import sanitize
from annotations.store import copy_group

if TYPE_CHECKING:  # pragma: no cover
    from annotations.team.merge import _Merge

CLAIM_FIELDS = ("type", "speaker", "cue", "stance", "checkworthy", "note")


def merge_annotations(m: _Merge) -> None:
    claim_groups(m)
    spans(m)
    claims(m)
    simple(m, "judgements", ("a", "b", "label", "verdict", "annotator", "created_at"), doc=False)
    simple(m, "rejections", ("doc_id", "kind", "start", "end", "label", "annotator"))
    simple(m, "assignments", ("doc_id", "annotator"))
    statuses(m)


def _where(m: _Merge, doc_id: int) -> str:
    row = m.act.execute("SELECT title FROM documents WHERE id = ?", (doc_id,)).fetchone()
    title = (row[0] or "").splitlines()[0][:50] if row and row[0] else ""
    return f"document {doc_id}" + (f" ({sanitize(title)})" if title else "")


def _span(s: dict[str, Any]) -> str:
    return f"{s['label']} {s['start']}-{s['end']} {sanitize(repr(s['text']))}"


def claim_groups(m: _Merge) -> None:
    """Same name, creator and time: the same group."""
    for row in m.rows("claim_groups"):
        found = m.act.execute(
            "SELECT id FROM claim_groups WHERE name IS ? AND created_by IS ? AND created_at = ?",
            (row["name"], row["created_by"], row["created_at"]),
        ).fetchone()
        m.groups[row["id"]] = found[0] if found else m.insert("claim_groups", row)


def spans(m: _Merge) -> None:
    """Union per (document, annotator); overlapping different spans: the later edit wins."""
    by_key: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in m.rows("spans"):
        if row["doc_id"] in m.docs:
            by_key[(m.docs[row["doc_id"]], row["annotator"])].append(row)
    for (doc_id, annotator), theirs in by_key.items():
        ours = m.ours("SELECT * FROM spans WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))
        for row in theirs:
            _one_span(m, doc_id, annotator, row, ours)


def _one_span(m: _Merge, doc_id: int, annotator: str, row: dict[str, Any], ours: list[dict[str, Any]]) -> None:
    entity = m.entities.get(row["entity_id"]) if row.get("entity_id") is not None else None
    same = next(
        (s for s in ours if (s["start"], s["end"], s["label"]) == (row["start"], row["end"], row["label"])), None
    )
    if same is not None:
        m.ids["spans"][row["id"]] = same["id"]
        if same["entity_id"] is None and entity is not None:  # linked there, not here yet
            m.act.update("spans", same["id"], {"entity_id": entity})
            m.report.add("span links")
        return
    theirs_at = m.their_time("spans", row)
    overlapping = [s for s in ours if s["start"] < row["end"] and row["start"] < s["end"]]
    if overlapping:
        ours_at = max(m.our_time("spans", s) for s in overlapping)
        later = theirs_at > ours_at
        m.report.conflicts.append(
            f"{_where(m, doc_id)}, {sanitize(annotator)}: here {', '.join(_span(s) for s in overlapping)} "
            f"({ours_at}) vs {m.name} {_span(row)} ({theirs_at}): kept {m.name if later else 'here'} (later edit)"
        )
        if not later:
            return
        for s in overlapping:
            m.act.delete("spans", s["id"])
            ours.remove(s)
            m.report.add("spans replaced")
    values = {**row, "doc_id": doc_id, "entity_id": entity, "created_at": theirs_at}
    new_id = m.insert("spans", values)
    m.ids["spans"][row["id"]] = new_id
    ours.append({**values, "id": new_id})


def claims(m: _Merge) -> None:
    """Same (document, annotator, start, end): the same claim; different fields: later edit wins."""
    for row in m.rows("claims"):
        doc_id = m.docs.get(row["doc_id"])
        if doc_id is None:
            continue
        values = {
            **row,
            "doc_id": doc_id,
            "speaker_span_id": m.ids["spans"].get(row.get("speaker_span_id") or -1),
            "speaker_entity_id": m.entities.get(row.get("speaker_entity_id") or -1),
            "group_id": m.groups.get(row.get("group_id") or -1),
            "created_at": m.their_time("claims", row),
        }
        found = m.ours(
            'SELECT * FROM claims WHERE doc_id = ? AND annotator = ? AND start = ? AND "end" = ?',
            (doc_id, row["annotator"], row["start"], row["end"]),
        )
        if not found:
            m.ids["claims"][row["id"]] = m.insert("claims", values)
            continue
        mine = found[0]
        m.ids["claims"][row["id"]] = mine["id"]
        changes = {k: values[k] for k in CLAIM_FIELDS if k in values and values[k] != mine[k]}
        if not changes:
            continue
        later = values["created_at"] > m.our_time("claims", mine)
        m.report.conflicts.append(
            f"{_where(m, doc_id)}, {sanitize(row['annotator'])}: claim {row['start']}-{row['end']} differs in "
            f"{', '.join(sorted(changes))}: kept {m.name if later else 'here'} (later edit)"
        )
        if later:
            m.act.update("claims", mine["id"], changes)
            m.report.add("claims updated")


def simple(m: _Merge, table: str, key: tuple[str, ...], *, doc: bool = True) -> None:
    """Rows identified by their key columns: inserted unless already here."""
    cols = " AND ".join(f'"{k}" IS ?' for k in key)
    for row in m.rows(table):
        if doc:
            if row["doc_id"] not in m.docs:
                continue
            row["doc_id"] = m.docs[row["doc_id"]]
        found = m.act.execute(f"SELECT id FROM [{table}] WHERE {cols}", [row.get(k) for k in key]).fetchone()
        m.ids.setdefault(table, {})[row["id"]] = found[0] if found else m.insert(table, row)


def statuses(m: _Merge) -> None:
    """One status per (document, annotator): the later update wins."""
    for row in m.rows("doc_status"):
        doc_id = m.docs.get(row["doc_id"])
        if doc_id is None:
            continue
        mine = m.ours("SELECT * FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, row["annotator"]))
        theirs_at = m.their_time("doc_status", row)
        if not mine:
            m.ids["doc_status"][row["id"]] = m.insert("doc_status", {**row, "doc_id": doc_id, "updated_at": theirs_at})
            continue
        m.ids["doc_status"][row["id"]] = mine[0]["id"]
        if mine[0]["status"] != row["status"] and theirs_at > m.our_time("doc_status", mine[0]):
            m.act.update("doc_status", mine[0]["id"], {"status": row["status"], "updated_at": theirs_at})
            m.report.add("statuses updated")


# -- history ------------------------------------------------------------------------------

ROW_MAPS = {
    "spans": "spans",
    "claims": "claims",
    "judgements": "judgements",
    "doc_status": "doc_status",
    "rejections": "rejections",
}


def _known_keys(m: _Merge) -> set[str]:
    """Keys of every group here: copied ones carry theirs, our own are computed."""
    from annotations.team.merge import MERGED_NOTE, group_key

    known: set[str] = set()
    rows = m.act.execute(
        "SELECT g.annotator, g.at, g.name, g.kind, g.note, d.hash, "
        "(SELECT count(*) FROM events e WHERE e.group_id = g.id) FROM action_groups g "
        "LEFT JOIN documents d ON d.id = g.doc_id"
    ).fetchall()
    for annotator, at, name, kind, note, doc_hash, events in rows:
        if note and note.startswith(MERGED_NOTE):
            known.add(note.split()[1])
        else:
            known.add(group_key(annotator, at, name, kind, doc_hash, events))
    return known


def _mapped_row(m: _Merge, table: str, row_id: int) -> int:
    """The id here of the other database's row an event names (0: a row not copied)."""
    if table == "entities":
        return m.entities.get(row_id, 0)
    return m.ids.get(ROW_MAPS.get(table, ""), {}).get(row_id, 0)


def merge_history(m: _Merge) -> None:
    """Copy the other database's action groups and events not here yet, as bulk groups."""
    from annotations.team.merge import MERGED_NOTE, group_key

    if "action_groups" not in m.tables:
        return
    known = _known_keys(m)
    hashes = {r[0]: r[1] for r in m.other.execute("SELECT id, hash FROM documents")}
    counts = {r[0]: r[1] for r in m.other.execute("SELECT group_id, count(*) FROM events GROUP BY group_id")}
    for g in m.rows("action_groups"):
        note = g["note"] or ""
        key = (
            note.split()[1]
            if note.startswith(MERGED_NOTE)
            else group_key(
                g["annotator"], g["at"], g["name"], g["kind"], hashes.get(g["doc_id"]), counts.get(g["id"], 0)
            )
        )
        if key in known:
            continue
        known.add(key)
        events = [
            (e["tbl"], _mapped_row(m, e["tbl"], e["row_id"]), e["before"], e["after"])
            for e in m.other.execute(
                "SELECT tbl, row_id, before, after FROM events WHERE group_id = ? ORDER BY id", (g["id"],)
            )
        ]
        copy_group(
            m.act,
            annotator=g["annotator"],
            at=g["at"],
            name=g["name"],
            doc_id=m.docs.get(g["doc_id"]),
            note=f"{MERGED_NOTE}{key} from {m.name} #{g['id']}",
            events=events,
        )
        m.report.add("history")
