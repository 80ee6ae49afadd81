"""`newsmark stats`: corpus and annotation counts, progress per annotator."""

from __future__ import annotations

import argparse

from tui.commands.context import context, open_store, stdout_console
from tui.output import rich_text, to_json

NAME = "stats"


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(NAME, parents=parents, help="corpus and annotation counts, progress per annotator")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:

    _config, _annotator, db = context(args)
    store = open_store(db, create=False)
    stats = store.stats()
    if args.json:
        print(to_json(stats))
        return 0
    from rich.table import Table

    console = stdout_console()
    head = rich_text(db, style="bold")
    head.append(
        f": {stats['documents']} documents from {stats['outlets']} outlet{'' if stats['outlets'] == 1 else 's'}, "
        f"{stats['done']} done, {stats['reviewed']} reviewed, {stats['held_out']} held out; {stats['spans']} spans, {stats['claims']} claims, "
        f"{stats['entities']} entities, {stats['predictions']} predictions"
    )
    console.print(head, highlight=False)
    if stats["annotators"]:
        columns = ("done", "reviewed", "in progress", "skipped", "todo", "spans", "claims")
        table = Table("annotator", *columns)
        for name, row in sorted(stats["annotators"].items()):
            table.add_row(rich_text(name), *(str(row[k]) for k in columns))
        console.print(table)
    return 0
