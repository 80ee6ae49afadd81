"""Import: stream records from readers into the store, a file at a time, all or nothing per file.

A run is a few bulk actions (`store.action(..., kind=BULK)`: one transaction and one history
entry per COMMIT_EVERY documents, not one logged event per row, so an import is not undone
keystroke by keystroke). Each file runs inside a SAVEPOINT, so a file with a bad line leaves no
trace while the good files of the same run are kept; duplicates (same content hash) are skipped
and counted. Given the configured labels and claim types, a record using another is refused
with a line naming the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.corpus.sources import Problem, ReadOptions, Record, expand_paths, read_source
from annotations.errors import ImportFailed
from annotations.store import STATUSES, Action, Store, bulk, content_hash, now, set_note
from annotations.vocab import ActionKind, Origin, Status

COMMIT_EVERY = 2000  # documents per transaction: large enough to be fast, small enough to resume
PLAIN_BATCH = 500  # plain documents per executemany


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    spans: int = 0
    claims: int = 0
    statuses: int = 0  # documents given a status (a record's own, or --status)
    files: int = 0
    rejected_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    skipped_lines: int = 0
    notices: list[str] = field(default_factory=list)  # kept despite them (a damaged WARC's tail)
    skipped_paths: list[str] = field(default_factory=list)  # what the directory walk left out, and why

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "spans": self.spans,
            "claims": self.claims,
            "statuses": self.statuses,
            "files": self.files,
            "rejected_files": self.rejected_files,
            "problems": self.problem_count,
            "skipped_lines": self.skipped_lines,
            "notices": self.notices,
            "skipped_paths": self.skipped_paths,
        }

    def add_problems(self, bad: list[Problem], max_problems: int) -> None:
        self.problem_count += len(bad)
        room = max_problems - len(self.problems)
        self.problems += [str(p) for p in bad[: max(room, 0)]]


class _FileImport:
    """What one file adds: documents and their imported annotations, ids remapped."""

    def __init__(self, act: Action, annotator: str, status: str | None = None) -> None:
        # Bulk rows are written inside the action's transaction and logged as its one entry
        # (not an event per row): annotations.store.bulk's writes, for a BULK action.
        self.act = act
        self.annotator = annotator
        self.status = status  # --status: every record's status unless it carries its own
        self.entity_ids: dict[Any, int] = {}
        self.group_ids: dict[Any, int] = {}
        self.imported = self.duplicates = self.spans = self.claims = self.statuses = 0
        self.stamp = now()
        self.plain: list[tuple[Any, ...]] = []  # documents without annotations, inserted in bulk

    def _row(self, rec: Record, digest: str) -> tuple[Any, ...]:
        return (
            digest,
            rec.title,
            rec.text,
            rec.source,
            rec.url,
            rec.date,
            rec.outlet,
            rec.author,
            json.dumps(rec.meta or {}, ensure_ascii=False, default=str),
            self.stamp,
        )

    def add(self, rec: Record) -> None:
        digest = content_hash(rec.text)
        if self.status and not rec.status:
            rec.status = self.status
        if not (rec.spans or rec.claims or rec.entities or rec.status):
            self.plain.append(self._row(rec, digest))
            if len(self.plain) >= PLAIN_BATCH:
                self.flush()
            return
        self.flush()
        annotator = rec.annotator or self.annotator
        doc_id = bulk.add_document(self.act, self._row(rec, digest))
        if doc_id is None:  # the UNIQUE hash: already in the database
            self.duplicates += 1
            self._attach_to_existing(digest, rec, annotator)
            return
        self.imported += 1
        self._annotations(doc_id, rec, annotator)

    def flush(self) -> None:
        """Insert the buffered plain documents; the UNIQUE hash skips (and counts) duplicates."""
        if not self.plain:
            return
        added = bulk.add_documents(self.act, self.plain)
        self.imported += added
        self.duplicates += len(self.plain) - added
        self.plain.clear()

    def _attach_to_existing(self, digest: str, rec: Record, annotator: str) -> None:
        """A known text with annotations (e.g. a second annotator's line of an export): keep
        them, unless this annotator already has annotations there (a re-import)."""
        if not (rec.spans or rec.claims or rec.status):
            return
        doc_id = self.act.execute("SELECT id FROM documents WHERE hash = ?", (digest,)).fetchone()[0]
        for table in ("spans", "claims", "doc_status"):
            if self.act.execute(
                f"SELECT 1 FROM {table} WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
            ).fetchone():
                self._restatus(doc_id, annotator)
                return
        self._annotations(doc_id, rec, annotator)

    def _restatus(self, doc_id: int, annotator: str) -> None:
        """A re-import with --status: the annotator's annotations stay as they are, their
        status becomes the one asked for (re-importing a gold file with --status done marks it)."""
        if not self.status:
            return
        found = self.act.execute(
            "SELECT status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
        if found is None or found[0] != self.status:
            bulk.set_status(self.act, doc_id, annotator, self.status, self.stamp)
            self.statuses += 1

    def _annotations(self, doc_id: int, rec: Record, annotator: str) -> None:
        for ent in rec.entities:
            self._entity(ent)
        stamp = self.stamp
        bulk.add_spans(
            self.act,
            [
                (
                    doc_id,
                    span.start,
                    span.end,
                    span.label,
                    rec.text[span.start : span.end],
                    annotator,
                    Origin.IMPORTED.value,
                    self.entity_ids.get(span.entity) if span.entity is not None else None,
                    stamp,
                    _provenance(span.proposed_by),
                )
                for span in rec.spans
            ],
        )
        self.spans += len(rec.spans)
        for claim in rec.claims:
            group = self._claim_group(claim.group) if claim.group is not None else None
            bulk.add_claim(
                self.act,
                (
                    doc_id,
                    claim.start,
                    claim.end,
                    claim.type,
                    claim.speaker,
                    claim.cue,
                    claim.stance,
                    int(claim.checkworthy),
                    claim.note,
                    group,
                    annotator,
                    Origin.IMPORTED.value,
                    stamp,
                    _provenance(claim.proposed_by),
                    claim.role,
                ),
            )
            self.claims += 1
        status = rec.status if rec.status in STATUSES else None
        if status is None and (rec.spans or rec.claims):
            status = Status.IN_PROGRESS
        if status and status != Status.TODO:
            self.statuses += 1
            bulk.set_status(self.act, doc_id, annotator, status, stamp)

    def _entity(self, ent: Any) -> None:
        """Reuse a canonical entity with the same name and label, else create it."""
        if ent.id in self.entity_ids:
            return
        row = self.act.execute("SELECT id FROM entities WHERE name = ? AND label = ?", (ent.name, ent.label)).fetchone()
        if row:
            entity_id = row[0]
        else:
            entity_id = bulk.add_entity(self.act, ent.name, ent.label, ent.external_id, self.annotator, now())
        for form in ent.aliases:
            bulk.add_alias(self.act, entity_id, form)
        self.entity_ids[ent.id] = entity_id

    def _claim_group(self, key: Any) -> int:
        if key not in self.group_ids:
            self.group_ids[key] = bulk.add_claim_group(self.act, str(key), self.annotator, now())
        return self.group_ids[key]


def _provenance(proposed_by: list[str] | None) -> str | None:
    """The proposed_by column: a JSON list, as the review writes it."""
    return None if proposed_by is None else json.dumps(proposed_by, ensure_ascii=False)


class _Vocabulary:
    """The configured labels and claim types an import may use (None: anything plain)."""

    def __init__(self, labels: Collection[str] | None, claim_types: Collection[str] | None) -> None:
        self.labels = set(labels) if labels is not None else None
        self.types = set(claim_types) if claim_types is not None else None

    def problem(self, rec: Record, name: str) -> Problem | None:
        if self.labels is not None:
            for span in rec.spans:
                if span.label not in self.labels:
                    return Problem(name, span.line or rec.line, self._unknown("span label", span.label, self.labels))
            for ent in rec.entities:
                if ent.label not in self.labels:
                    return Problem(name, rec.line, self._unknown("entity label", ent.label, self.labels))
        if self.types is not None:
            for claim in rec.claims:
                if claim.type is not None and claim.type not in self.types:
                    return Problem(name, rec.line, self._unknown("claim type", claim.type, self.types))
        return None

    @staticmethod
    def _unknown(what: str, value: str, known: set[str]) -> str:
        return (
            f"{what} {value!r} is not in the config ({', '.join(sorted(known))}); "
            "add it to config.yaml, or import with --new-labels to keep it as it is"
        )


@dataclass
class _Run:
    """One import run's settings and running totals."""

    store: Store
    annotator: str
    skip_invalid: bool
    stdin: Any
    options: ReadOptions
    vocabulary: _Vocabulary
    on_progress: Callable[[str, int], None] | None
    max_problems: int
    report: ImportReport
    status: str | None = None


def import_paths(
    store: Store,
    paths: Iterable[str],
    annotator: str,
    *,
    skip_invalid: bool = False,
    stdin: Any = None,
    on_progress: Callable[[str, int], None] | None = None,
    max_problems: int = 20,
    options: ReadOptions | None = None,
    labels: Collection[str] | None = None,
    claim_types: Collection[str] | None = None,
    status: str | None = None,
) -> ImportReport:
    """Import every source; raise ImportFailed (after keeping the good files) if any was rejected.

    `on_progress(source, nbytes)` is called as bytes of each file are read, for a progress bar.
    `labels` / `claim_types`: the configured ones; a record using another is a problem of its line.
    `status`: every record's status for `annotator` unless the record carries one (a gold
    corpus: "done"); a document already imported gets it too (its annotations unchanged).
    """
    options = options or ReadOptions()
    report = ImportReport()
    sources = expand_paths(list(paths), options=options, skipped=report.skipped_paths)  # raises first
    run = _Run(
        store,
        annotator,
        skip_invalid,
        stdin,
        options,
        _Vocabulary(labels, claim_types),
        on_progress,
        max_problems,
        report,
        status,
    )
    queue = list(sources)
    while queue:
        try:
            with store.action(annotator, "import", kind=ActionKind.BULK) as act:
                docs, written = _batch(run, act, queue)
                if not written:
                    raise _NothingWritten
                set_note(act, f"{docs} documents")
        except _NothingWritten:
            pass  # a history entry for nothing would only be noise
    if report.rejected_files:
        raise ImportFailed(report.problems, total=report.problem_count, report=report)
    return report


class _NothingWritten(Exception):
    """Rolls back a batch that added nothing (every file rejected, or all duplicates)."""


def _batch(run: _Run, act: Action, queue: list[Path | str]) -> tuple[int, int]:
    """Import files from the queue until COMMIT_EVERY documents; returns (documents, rows
    written: documents plus annotations, some attached to documents already known)."""
    docs = written = 0
    while queue and docs < COMMIT_EVERY:
        job = _import_file(run, act, queue.pop(0))
        if job is not None:
            docs += job.imported
            written += job.imported + job.spans + job.claims + job.statuses
    return docs, written


def _import_file(run: _Run, act: Action, source: Path | str) -> _FileImport | None:
    """One file inside a SAVEPOINT: kept whole, or (a problem, no --skip-invalid) not at all."""
    report = run.report
    name = "<stdin>" if source == "-" else str(source)
    act.execute("SAVEPOINT import_file")
    job = _FileImport(act, run.annotator, run.status)
    bad: list[Problem] = []
    reported = 0

    def on_bytes(n: int) -> None:
        nonlocal reported
        reported += n
        if run.on_progress:
            run.on_progress(name, n)

    for item in read_source(
        source, skip_invalid=run.skip_invalid, stdin=run.stdin, options=run.options, on_bytes=on_bytes
    ):
        if isinstance(item, Record):
            problem = run.vocabulary.problem(item, name)
            if problem is None:
                if not bad or run.skip_invalid:
                    job.add(item)
                continue
            item = problem
        if item.keeps:
            report.notices.append(str(item))
        else:
            bad.append(item)
    job.flush()
    report.files += 1
    # --skip-invalid skips bad lines of a file that yielded records; a file-level problem (or a
    # file nothing could be read from) still rejects the file.
    skippable = run.skip_invalid and all(p.line is not None for p in bad) and (job.imported or job.duplicates)
    if run.on_progress:
        run.on_progress(name, max(_size(source) - reported, 0))
    if bad and not skippable:
        act.execute("ROLLBACK TO import_file")
        act.execute("RELEASE import_file")
        report.rejected_files.append(name)
        report.add_problems(bad, run.max_problems)
        return None
    act.execute("RELEASE import_file")
    report.skipped_lines += len(bad)
    report.add_problems(bad, run.max_problems)
    report.imported += job.imported
    report.duplicates += job.duplicates
    report.spans += job.spans
    report.claims += job.claims
    report.statuses += job.statuses
    return job


def _size(source: Any) -> int:
    try:
        return Path(source).stat().st_size if source != "-" else 0
    except OSError:
        return 0
