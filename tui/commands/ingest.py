"""`newsmark import PATH...`: files, directories, globs or - (stdin) into the database, with a
progress bar on a terminal; rejected files are reported once each, then summed up."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING, Any, cast

from annotations.corpus.formats import MARKDOWN, READERS
from annotations.corpus.ingest import import_paths
from annotations.corpus.sources import ReadOptions, expand_paths, total_bytes
from annotations.errors import ImportFailed, UserInputError
from annotations.vocab import Status
from tui.commands.context import Counter, context, open_store
from tui.output import print_json, say

if TYPE_CHECKING:  # pragma: no cover
    from annotations.corpus.ingest import ImportReport


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--skip-invalid", action="store_true", help="skip bad lines instead of rejecting the file")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument(
        "--new-labels",
        action="store_true",
        help="accept span labels and claim types the config does not list (plain names only), "
        "e.g. a CoNLL-2003 file's PER and MISC",
    )
    p.add_argument(
        "--status",
        choices=[str(x) for x in Status if x != Status.REVIEWED],
        default=None,
        help="the status of every imported document for --annotator (a gold corpus: done, so train uses it "
        "at once); a document imported before gets it too",
    )
    _import_options(p)


def run(args: argparse.Namespace) -> int:

    config, annotator, db = context(args)
    options = _read_options(args)
    expand_paths(args.paths, options=options)  # a typo fails before the database is created
    store = open_store(db)
    counter = Counter("importing")
    total = total_bytes(args.paths, options=options) if counter.progress else None
    read = 0

    def on_file(_name: str, nbytes: int) -> None:
        nonlocal read
        read += nbytes
        counter(read, total)

    try:
        # stdin is touched only when "-" is named: cron and daemons run with it closed
        stdin = getattr(sys.stdin, "buffer", None) if "-" in args.paths else None
        report = import_paths(
            store,
            args.paths,
            annotator,
            skip_invalid=args.skip_invalid,
            stdin=stdin,
            on_progress=on_file,
            options=options,
            labels=None if args.new_labels else config.label_names,
            claim_types=None if args.new_labels else config.claims.types,
            status=args.status,
        )
    except ImportFailed as exc:
        counter.stop()
        _import_notes(cast("ImportReport", exc.report))
        for line in _import_failure(exc, args.skip_invalid):
            say(line, file=sys.stderr)
        if args.json:
            print_json(cast("ImportReport", exc.report).to_json())
        return 2
    finally:
        counter.stop()
    if args.json:
        print_json(report.to_json())
    else:
        skipped = f", skipped {report.skipped_lines} invalid line(s)" if report.skipped_lines else ""
        if args.status:
            skipped += f"; {report.statuses} document(s) marked {args.status} for {annotator}"
        say(
            f"imported {report.imported} document(s) into {db} ({report.duplicates} duplicate(s) skipped, "
            f"{report.spans} span(s), {report.claims} claim(s){skipped})"
        )
        for line in report.problems:
            say(f"skipped: {line}", file=sys.stderr)
    _import_notes(report)
    return 0


def _import_notes(report: ImportReport) -> None:
    """What the walk left out (loops, unreadable entries) and what a damaged file kept."""
    for line in report.skipped_paths:
        say(f"skipped: {line}", file=sys.stderr)
    for line in report.notices:
        say(f"note: {line}", file=sys.stderr)


def _import_options(p: argparse.ArgumentParser) -> None:
    """import's format options: a forced reader, CSV columns, the CoNLL tag scheme."""

    p.add_argument(
        "--format",
        choices=[*READERS, MARKDOWN],
        default=None,
        help="read every file as this format, whatever its suffix",
    )
    p.add_argument(
        "--text-col", metavar="NAME", help="CSV/TSV column holding the text (default: text, body or content)"
    )
    p.add_argument("--title-col", metavar="NAME", help="CSV/TSV title column (default: title or headline)")
    p.add_argument("--id-col", metavar="NAME", help="CSV/TSV id column (default: id), kept as the source id")
    p.add_argument(
        "--date-col", metavar="NAME", help="CSV/TSV date column (default: date, published, pubdate and the like)"
    )
    p.add_argument("--meta-cols", metavar="A,B", help="CSV/TSV columns kept in meta (default: all others)")
    p.add_argument(
        "--favor-precision",
        action="store_true",
        help="web pages: trafilatura's favor_precision (less boilerplate, but it can drop an article's closing lines)",
    )
    p.add_argument(
        "--scheme",
        choices=["iob1", "iob2", "bioes"],
        default=None,
        help="CoNLL tag scheme (default: detected per document)",
    )


def _read_options(args: argparse.Namespace) -> Any:

    meta = None
    if args.meta_cols is not None:
        meta = [c.strip() for c in args.meta_cols.split(",") if c.strip()]
        if not meta:
            raise UserInputError(f"--meta-cols: no column names in {args.meta_cols!r}")
    return ReadOptions(
        format=args.format,
        text_col=args.text_col,
        title_col=args.title_col,
        id_col=args.id_col,
        date_col=args.date_col,
        meta_cols=meta,
        scheme=args.scheme,
        favor_precision=args.favor_precision,
    )


def _import_failure(exc: ImportFailed, skip_invalid: bool) -> list[str]:
    """stderr lines when files were rejected: each problem once (a line skipped in a file that
    was kept says "skipped:"; a rejected file's "no records" is left out when its bad lines are
    shown), then one summary of what was rejected and what was imported."""
    report = cast("ImportReport", exc.report)  # ImportFailed carries what the good files added
    rejected = list(report.rejected_files)

    def rejected_file(line: str) -> str | None:
        return next((f for f in rejected if line.startswith(f + ":")), None)

    def bad_lines(name: str) -> bool:
        return any(re.match(rf"{re.escape(name)}:\d+:", line) for line in exc.problems)

    lines = []
    hopeless: set[str] = set()  # rejected files without a single valid record
    for line in exc.problems:
        name = rejected_file(line)
        if name is None:
            lines.append(f"skipped: {line}")
        elif line == f"{name}: no records":
            hopeless.add(name)
            if not bad_lines(name):  # else its bad lines already say why
                lines.append(line)
        else:
            lines.append(line)
    names = ", ".join(rejected[:3]) + (f" and {len(rejected) - 3} more" if len(rejected) > 3 else "")
    summary = f"rejected {len(rejected)} file(s) ({names}): nothing from them was imported"
    others = report.files - len(rejected)
    if others:
        extra = [
            f"{n} {what}"
            for n, what in (
                (report.duplicates, "duplicate(s) skipped"),
                (report.skipped_lines, "invalid line(s) skipped"),
            )
            if n
        ]
        summary += f"; imported {report.imported} document(s) from the other {others} file(s)" + (
            f" ({', '.join(extra)})" if extra else ""
        )
    more = exc.total - len(exc.problems)
    if more > 0:
        summary += f"; {more} more problem(s) not shown"
    if not skip_invalid and any(bad_lines(f) for f in rejected if f not in hopeless):
        summary += "; --skip-invalid imports the valid lines of such files"
    return lines + [summary]
