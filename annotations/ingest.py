"""Import: stream records from readers into the store, a file at a time, all or nothing per file.

Each file runs inside a SAVEPOINT, so a file with a bad line leaves no trace while the good
files of the same run are kept; duplicates (same content hash) are skipped and counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ImportFailed
from .readers import Problem, Record, expand_paths, read_source
from .store import STATUSES, Store, content_hash, now

COMMIT_EVERY = 2000
PLAIN_BATCH = 500  # plain documents per executemany
INSERT_DOCUMENT = (
    "INSERT OR IGNORE INTO documents (hash, title, text, source, url, date, outlet, author, meta, imported_at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?)"
)  # documents per transaction: large enough to be fast, small enough to resume


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    spans: int = 0
    claims: int = 0
    files: int = 0
    rejected_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    skipped_lines: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported, "duplicates": self.duplicates, "spans": self.spans,
            "claims": self.claims, "files": self.files, "rejected_files": self.rejected_files,
            "problems": self.problem_count, "skipped_lines": self.skipped_lines,
        }


class _FileImport:
    """What one file adds: documents and their imported annotations, ids remapped."""

    def __init__(self, store: Store, annotator: str) -> None:
        self.store = store
        self.conn = store.conn
        self.annotator = annotator
        self.entity_ids: dict[Any, int] = {}
        self.group_ids: dict[Any, int] = {}
        self.imported = self.duplicates = self.spans = self.claims = 0
        self.stamp = now()
        self.plain: list[tuple[Any, ...]] = []  # documents without annotations, inserted in bulk

    def _row(self, rec: Record, digest: str) -> tuple[Any, ...]:
        return (digest, rec.title, rec.text, rec.source, rec.url, rec.date, rec.outlet, rec.author,
                json.dumps(rec.meta or {}, ensure_ascii=False, default=str), self.stamp)

    def add(self, rec: Record) -> None:
        digest = content_hash(rec.text)
        if not (rec.spans or rec.claims or rec.entities or rec.status):
            self.plain.append(self._row(rec, digest))
            if len(self.plain) >= PLAIN_BATCH:
                self.flush()
            return
        self.flush()
        annotator = rec.annotator or self.annotator
        cur = self.conn.execute(INSERT_DOCUMENT, self._row(rec, digest))
        if cur.rowcount == 0:  # the UNIQUE hash: already in the database
            self.duplicates += 1
            self._attach_to_existing(digest, rec, annotator)
            return
        self.imported += 1
        self._annotations(int(cur.lastrowid), rec, annotator)

    def flush(self) -> None:
        """Insert the buffered plain documents; the UNIQUE hash skips (and counts) duplicates."""
        if not self.plain:
            return
        added = self.conn.executemany(INSERT_DOCUMENT, self.plain).rowcount
        self.imported += added
        self.duplicates += len(self.plain) - added
        self.plain.clear()

    def _attach_to_existing(self, digest: str, rec: Record, annotator: str) -> None:
        """A known text with annotations (e.g. a second annotator's line of an export): keep
        them, unless this annotator already has annotations there (a re-import)."""
        if not (rec.spans or rec.claims or rec.status):
            return
        doc_id = self.conn.execute("SELECT id FROM documents WHERE hash = ?", (digest,)).fetchone()[0]
        for table in ("spans", "claims", "doc_status"):
            if self.conn.execute(f"SELECT 1 FROM {table} WHERE doc_id = ? AND annotator = ?",
                                 (doc_id, annotator)).fetchone():
                return
        self._annotations(doc_id, rec, annotator)

    def _annotations(self, doc_id: int, rec: Record, annotator: str) -> None:
        for ent in rec.entities:
            self._entity(ent)
        stamp = self.stamp
        for span in rec.spans:
            self.conn.execute(
                'INSERT INTO spans (doc_id, start, "end", label, text, annotator, origin, entity_id, created_at) '
                "VALUES (?,?,?,?,?,?,?,?,?)",
                (doc_id, span.start, span.end, span.label, rec.text[span.start:span.end], annotator,
                 "imported", self.entity_ids.get(span.entity) if span.entity is not None else None, stamp),
            )
            self.spans += 1
        for claim in rec.claims:
            group = self._claim_group(claim.group) if claim.group is not None else None
            self.conn.execute(
                'INSERT INTO claims (doc_id, start, "end", type, speaker, cue, stance, checkworthy, note, '
                "group_id, annotator, origin, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, claim.start, claim.end, claim.type, claim.speaker, claim.cue, claim.stance,
                 int(claim.checkworthy), claim.note, group, annotator, "imported", stamp),
            )
            self.claims += 1
        status = rec.status if rec.status in STATUSES else None
        if status is None and (rec.spans or rec.claims):
            status = "in progress"
        if status and status != "todo":
            self.conn.execute(
                "INSERT INTO doc_status (doc_id, annotator, status, updated_at) VALUES (?,?,?,?) "
                "ON CONFLICT(doc_id, annotator) DO UPDATE SET status = excluded.status",
                (doc_id, annotator, status, stamp),
            )

    def _entity(self, ent: Any) -> None:
        """Reuse a canonical entity with the same name and label, else create it."""
        if ent.id in self.entity_ids:
            return
        row = self.conn.execute(
            "SELECT id FROM entities WHERE name = ? AND label = ?", (ent.name, ent.label)
        ).fetchone()
        if row:
            entity_id = row[0]
        else:
            entity_id = int(self.conn.execute(
                "INSERT INTO entities (name, label, external_id, created_by, created_at) VALUES (?,?,?,?,?)",
                (ent.name, ent.label, ent.external_id, self.annotator, now()),
            ).lastrowid)
        for form in ent.aliases:
            self.conn.execute("INSERT OR IGNORE INTO aliases (entity_id, form) VALUES (?,?)", (entity_id, form))
        self.entity_ids[ent.id] = entity_id

    def _claim_group(self, key: Any) -> int:
        if key not in self.group_ids:
            self.group_ids[key] = int(self.conn.execute(
                "INSERT INTO claim_groups (name, created_by, created_at) VALUES (?,?,?)",
                (str(key), self.annotator, now()),
            ).lastrowid)
        return self.group_ids[key]


def import_paths(
    store: Store,
    paths: Iterable[str],
    annotator: str,
    *,
    skip_invalid: bool = False,
    stdin: Any = None,
    on_progress: Callable[[str, int], None] | None = None,
    max_problems: int = 20,
) -> ImportReport:
    """Import every source; raise ImportFailed (after keeping the good files) if any was rejected.

    `on_progress(source, nbytes)` is called after each file for a progress bar.
    """
    sources = expand_paths(list(paths))  # raises before anything is written
    report = ImportReport()
    conn = store.conn
    pending = 0
    kept = (f"nothing since the import's last commit was saved (it commits every {COMMIT_EVERY} "
            "documents; importing again skips those kept)")
    with store._lock, store.translate_errors(writing=True, lost=kept):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for source in sources:
                name = "<stdin>" if source == "-" else str(source)
                conn.execute("SAVEPOINT import_file")
                job = _FileImport(store, annotator)
                bad: list[Problem] = []
                for item in read_source(source, skip_invalid=skip_invalid, stdin=stdin):
                    if isinstance(item, Problem):
                        bad.append(item)
                        continue
                    if not bad or skip_invalid:
                        job.add(item)
                job.flush()
                report.files += 1
                # --skip-invalid skips bad lines of a file that yielded records; a file-level
                # problem (or a file nothing could be read from) still rejects the file.
                skippable = skip_invalid and all(p.line is not None for p in bad) and (
                    job.imported or job.duplicates)
                if bad and not skippable:
                    conn.execute("ROLLBACK TO import_file")
                    conn.execute("RELEASE import_file")
                    report.rejected_files.append(name)
                    report.problem_count += len(bad)
                    room = max_problems - len(report.problems)
                    report.problems += [str(p) for p in bad[:max(room, 0)]]
                else:
                    conn.execute("RELEASE import_file")
                    report.skipped_lines += len(bad)
                    if bad:
                        report.problem_count += len(bad)
                        room = max_problems - len(report.problems)
                        report.problems += [str(p) for p in bad[:max(room, 0)]]
                    report.imported += job.imported
                    report.duplicates += job.duplicates
                    report.spans += job.spans
                    report.claims += job.claims
                    pending += job.imported
                if on_progress:
                    on_progress(name, _size(source))
                if pending >= COMMIT_EVERY:
                    _commit(store, annotator, pending)
                    conn.execute("BEGIN IMMEDIATE")
                    pending = 0
            _commit(store, annotator, pending)
        except BaseException:
            if conn.in_transaction:  # after a full disk SQLite has rolled back already
                conn.execute("ROLLBACK")
            raise
    if report.rejected_files:
        raise ImportFailed(report.problems, total=report.problem_count, report=report)
    return report


def _commit(store: Store, annotator: str, count: int) -> None:
    """Log the batch as one bulk entry (not one event per row) and commit. Search indexing is
    left to Store.index_pending, run when the app opens or a search needs it."""
    if count:
        store._group(annotator, "import", kind="bulk", note=f"{count} documents")
    store.conn.execute("COMMIT")


def _size(source: Any) -> int:
    try:
        return Path(source).stat().st_size if source != "-" else 0
    except OSError:
        return 0
