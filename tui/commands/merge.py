"""`newsmark merge OTHER.db... [--dry-run]`: bring annotations made on other servers into this database.

Every source is checked first (a foreign or newer database refuses the whole command before
anything is written); then each is merged in one transaction (annotations/team/merge.py). Prints a
line per source with what it added, then each conflict and how it was settled.
"""

from __future__ import annotations

import argparse
import sys

from tui.commands.context import context, open_store
from tui.output import print_json

NAME = "merge"


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(NAME, parents=parents, help="merge annotation databases from other servers (idempotent)")
    p.add_argument("sources", nargs="+", metavar="OTHER.db", help="newsmark databases to merge into --db")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from annotations.reading.layout import sanitize
    from annotations.team.merge import merge_database, open_source

    _config, annotator, db = context(args)
    store = open_store(db, create=not args.dry_run)
    for source in args.sources:  # refuse before writing anything
        open_source(source, store).close()
    reports = [merge_database(store, source, annotator, dry_run=args.dry_run) for source in args.sources]
    if args.json:
        print_json({"merged": [r.to_json() for r in reports]})
        return 0
    verb = "would add" if args.dry_run else "added"
    for report in reports:
        counts = {k: v for k, v in report.counts.items() if k != "history"}
        what = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items())) or "nothing new"
        history = report.counts.get("history", 0)
        print(
            f"{sanitize(report.source)}: {verb} {what}; {history} history entr{'y' if history == 1 else 'ies'}"
            f"{'; ' + str(len(report.conflicts)) + ' conflict(s)' if report.conflicts else ''}"
        )
        for line in report.conflicts:
            print(f"  conflict: {sanitize(line)}", file=sys.stderr)
    return 0
