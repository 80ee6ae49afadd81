"""`newsmark merge OTHER.db... [--dry-run] [--json] [--new-labels]`: bring annotations made on
other servers into this database.

Every source is opened read-only and checked whole first (a foreign or newer database, an odd
shape, a label outside the config, a span past its text: one line, exit 2, nothing written
from any source); then each is merged in one transaction (annotations/team/merge.py). Prints a
line per source with what it added and deleted, then each conflict and how it was settled.
"""

from __future__ import annotations

import argparse
import sys

from annotations.team.merge import MergeReport, merge_source, read_source
from tui.commands.context import context, open_store
from tui.output import clean, print_json, say


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("sources", nargs="+", metavar="OTHER.db", help="newsmark databases to merge into --db")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--new-labels", action="store_true", help="accept span labels the config does not list (plain names only)"
    )


def run(args: argparse.Namespace) -> int:
    config, annotator, db = context(args)
    store = open_store(db, create=not args.dry_run)
    labels = None if args.new_labels else config.label_names
    sources = []
    try:
        for path in args.sources:  # refuse before writing anything
            sources.append(read_source(path, store, labels=labels))
        reports = [merge_source(store, source, annotator, dry_run=args.dry_run) for source in sources]
    finally:
        for source in sources:
            source.close()
    if args.json:
        print_json({"merged": [r.to_json() for r in reports]})
        return 0
    for report in reports:
        say(summary(report))
        for line in report.conflicts:
            say(f"  conflict: {line}", file=sys.stderr)
    return 0


def summary(report: MergeReport) -> str:
    """'b.db: added 3 spans, 1 documents; deleted 1 spans; 4 history entries; 1 conflict(s)'."""
    added = {k: n for k, n in report.counts.items() if " " not in k and k != "history"}
    other = {k: n for k, n in report.counts.items() if " " in k}
    what = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(added.items())) or "nothing new"
    parts = [f"{'would add' if report.dry_run else 'added'} {what}"]
    parts += [f"{n} {k}" for k, n in sorted(other.items())]
    history = report.counts.get("history", 0)
    parts.append(f"{history} history entr{'y' if history == 1 else 'ies'}")
    if report.conflicts:
        parts.append(f"{len(report.conflicts)} conflict(s)")
    return f"{clean(report.source)}: {'; '.join(parts)}"
