"""`newsmark entities import FILE` and `newsmark entities export`: known entities in and out.

The file formats and the import rules are in annotations/entities/known.py.
"""

from __future__ import annotations

import argparse
import sys

from annotations.errors import UserInputError
from tui.commands.context import context, open_store

NAME = "entities"
USAGE = "usage: newsmark entities import FILE | newsmark entities export [--out FILE] [--format jsonl|csv]"


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        NAME, parents=parents, help="known entities (name, label, external id such as a Wikidata QID, aliases)"
    )
    verbs = p.add_subparsers(dest="entities_command", metavar="SUBCOMMAND")
    q = verbs.add_parser("import", parents=parents, help="create canonical entities from a JSONL or CSV file")
    q.add_argument("file", metavar="FILE", help=".jsonl (name, label, external_id, aliases) or .csv/.tsv")
    q = verbs.add_parser("export", parents=parents, help="write every canonical entity as JSONL or CSV")
    q.add_argument("--out", metavar="FILE", help="file to write (default: stdout)")
    q.add_argument("--format", choices=["jsonl", "csv"], default=None, help="default: from --out's suffix, else jsonl")


def run(args: argparse.Namespace) -> int:

    command = getattr(args, "entities_command", None)
    if command not in ("import", "export"):
        raise UserInputError(USAGE)
    _config, annotator, db = context(args)
    if command == "import":
        return _import(args, annotator, db, open_store)
    return _export(args, open_store(db, create=False))


def _import(args: argparse.Namespace, annotator: str, db, open_store) -> int:
    from annotations.entities.known import import_known, read_known
    from annotations.reading.layout import sanitize

    known = read_known(args.file)  # every row checked before the database is touched
    store = open_store(db)
    result = import_known(store, known, annotator, source=sanitize(str(args.file)))
    print(
        f"imported {len(known)} known entit{'y' if len(known) == 1 else 'ies'} from {sanitize(str(args.file))}: "
        f"{result.created} created, {result.updated} updated, {result.aliases} alias(es) added"
    )
    return 0


def _export(args: argparse.Namespace, store) -> int:
    from pathlib import Path

    from annotations.entities.known import export_rows, write_known

    fmt = args.format or ("csv" if args.out and Path(args.out).suffix.lower() == ".csv" else "jsonl")
    rows = export_rows(store)
    if not args.out:
        write_known(rows, sys.stdout, fmt)
        return 0
    target = Path(args.out)
    if target.parent and not target.parent.exists():
        raise UserInputError(f"{target}: directory {target.parent} does not exist")
    tmp = target.with_name(target.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        write_known(rows, out, fmt)
    tmp.replace(target)  # nothing half-written
    print(f"exported {len(rows)} entit{'y' if len(rows) == 1 else 'ies'} to {target}", file=sys.stderr)
    return 0
