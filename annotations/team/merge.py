"""Merge annotation databases made on other servers into this one, idempotently.

Rows are matched by what they mean, never by their ids (each server numbers its own):
documents by content hash (computed from the text); canonical entities by external id, else
name and label; aliases by entity and form; gold spans by (document, annotator, start, end,
label); claims by (document, annotator, start, end); judgements, rejections, statuses and
assignments by their natural keys. What is already here is skipped, so merging the same
database twice adds nothing.

Deletions merge like edits: every database keeps a tombstone per deleted row (its natural key
and time, annotations/store/tombstones.py). Their deletion removes our row unless we edited it
later; our deletion keeps their row out unless they edited it later; both copies end the same.

Conflicts: one annotator's gold spans never overlap, so the same annotator's different spans
over the same characters of one document (or one claim with different fields) are a conflict;
it is reported, and the later edit wins by event time (the latest logged event that touched the
row, else the row's own time). The losing side is buried, so merging again, either way, neither
brings it back nor reports it again. Copied rows keep their source's time, so a later merge
still compares true edit times.

Statuses: done, skipped and reviewed are never demoted by todo or in progress from another
copy, however much later (opening a document there must not take it out of export and train);
between two finished, or two open, statuses the later wins.

Held out: a document set aside for evaluation in either copy is held out after the merge (the
flags are a union), so no copy trains or rehearses on text the team's evaluation reads. The
learning loop's rounds are this machine's state and are not copied.

History: the other database's action groups are copied as `bulk` groups (kept for audit, never
on anyone's undo stack), their row ids mapped to the rows here where known. Each copy's note
carries a key (annotator, time, name, kind, document hash, event count) so no group is copied
twice, even after databases merged each other back and forth.

Every write is one `store.action` (kind bulk) per source database: all of it or none of it;
`dry_run` does the same work and rolls it back. The source is read-only and checked whole
before anything is written (annotations/team/merge_source.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from pathlib import Path

from annotations.store import Store, copy_group
from annotations.team.merge_rows import MergeReport, RowMerge, merge_rows
from annotations.team.merge_source import Source, read_source
from annotations.vocab import ActionKind

__all__ = ["MERGED_NOTE", "MergeReport", "Source", "group_key", "merge_database", "merge_source", "read_source"]

MERGED_NOTE = "merged "
"""Prefix of the note of a copied history group: 'merged <key> from <file> #<group id>'."""

_COPIED = re.compile(r"merged ([0-9a-f]{20}) from ")


class _DryRun(Exception):
    """Raised inside the action to roll a dry run back."""


def merge_database(
    store: Store,
    path: str | Path,
    annotator: str,
    *,
    dry_run: bool = False,
    labels: Collection[str] | None = None,
) -> MergeReport:
    """Merge one database into `store` (one transaction); see the module docstring. `labels`:
    the config's, which every span label of the source must be one of (None: any)."""
    source = read_source(path, store, labels=labels)
    try:
        return merge_source(store, source, annotator, dry_run=dry_run)
    finally:
        source.close()


def merge_source(store: Store, source: Source, annotator: str, *, dry_run: bool = False) -> MergeReport:
    """Merge a database already opened and checked (`read_source`), so a command can check
    every source before it merges any."""
    report = MergeReport(source=str(source.path), dry_run=dry_run)
    try:
        with store.action(
            annotator, f"merge {source.path.name}", kind=ActionKind.BULK, note=f"from {source.path.resolve()}"
        ) as act:
            rows = RowMerge(act, source, report)
            merge_rows(rows)
            merge_history(rows)
            if dry_run:
                raise _DryRun()
    except _DryRun:
        pass
    return report


def group_key(annotator: str, at: str, name: str, kind: str, doc_hash: str | None, events: int) -> str:
    """What identifies one action group across databases (ids differ, these do not)."""
    raw = json.dumps([annotator, at, name, kind, doc_hash, events], ensure_ascii=False)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def copied_key(note: str | None) -> str | None:
    """The key of a group copied by a merge, from its note; None for any other note."""
    found = _COPIED.match(note or "")
    return found.group(1) if found else None


def _known_keys(m: RowMerge) -> set[str]:
    """Keys of every group here: copied ones carry theirs, our own are computed."""
    known: set[str] = set()
    rows = m.act.execute(
        "SELECT g.annotator, g.at, g.name, g.kind, g.note, d.hash, "
        "(SELECT count(*) FROM events e WHERE e.group_id = g.id) FROM action_groups g "
        "LEFT JOIN documents d ON d.id = g.doc_id"
    ).fetchall()
    for annotator, at, name, kind, note, doc_hash, events in rows:
        known.add(copied_key(note) or group_key(annotator, at, name, kind, doc_hash, events))
    return known


def _mapped_row(m: RowMerge, table: str, row_id: int) -> int:
    """The id here of the other database's row an event names (0: a row not copied)."""
    if table == "entities":
        return m.entities.get(row_id, 0)
    return m.ids.get(table, {}).get(row_id, 0)


def merge_history(m: RowMerge) -> None:
    """Copy the other database's action groups and events not here yet, as bulk groups."""
    source: Source = m.source
    if not source.rows("action_groups"):
        return
    known = _known_keys(m)
    counts = source.event_counts()
    for g in source.rows("action_groups"):
        key = copied_key(g["note"]) or group_key(
            g["annotator"], g["at"], g["name"], g["kind"], source.hashes.get(g["doc_id"]), counts.get(g["id"], 0)
        )
        if key in known:
            continue
        known.add(key)
        copy_group(
            m.act,
            annotator=g["annotator"],
            at=g["at"],
            name=g["name"],
            doc_id=m.docs.get(g["doc_id"]),
            note=f"{MERGED_NOTE}{key} from {m.name} #{g['id']}",
            events=[
                (tbl, _mapped_row(m, tbl, row_id), before, after)
                for tbl, row_id, before, after in source.events(g["id"])
            ],
        )
        m.report.add("history")
