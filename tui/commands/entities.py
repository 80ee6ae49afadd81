"""`newsmark entities import FILE` and `newsmark entities export`: known entities in and out.

The file formats and the import rules are in annotations/entities/known.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotations.entities.known import export_rows, import_known, read_known, write_known
from annotations.errors import UserInputError
from annotations.store import Store
from tui.commands.context import context, open_store
from tui.output import clean, say

USAGE = "usage: newsmark entities import FILE | newsmark entities export [--out FILE] [--format jsonl|csv]"


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    verbs = p.add_subparsers(dest="entities_command", metavar="SUBCOMMAND")
    q = verbs.add_parser("import", parents=parents, help="create canonical entities from a JSONL or CSV file")
    q.add_argument("file", metavar="FILE", help=".jsonl (name, label, external_id, aliases) or .csv/.tsv")
    q.add_argument("--new-labels", action="store_true", help="accept labels the config does not list")
    q = verbs.add_parser("export", parents=parents, help="write every canonical entity as JSONL or CSV")
    q.add_argument("--out", metavar="FILE", help="file to write (default: stdout)")
    q.add_argument("--format", choices=["jsonl", "csv"], default=None, help="default: from --out's suffix, else jsonl")


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "entities_command", None)
    if command not in ("import", "export"):
        raise UserInputError(USAGE)
    config, annotator, db = context(args)
    if command == "import":
        return _import(args, annotator, db, None if args.new_labels else config.label_names)
    return _export(args, open_store(db, create=False))


def _import(args: argparse.Namespace, annotator: str, db: Path, labels: list[str] | None) -> int:
    known = read_known(args.file, labels=labels)  # every row checked before the database is touched
    store = open_store(db)
    result = import_known(store, known, annotator, source=clean(args.file))
    say(
        f"imported {len(known)} known entit{'y' if len(known) == 1 else 'ies'} from {args.file}: "
        f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
        f"{result.aliases} alias(es) added"
    )
    for line in result.changes:
        say(f"  updated {line}")
    return 0


def _export(args: argparse.Namespace, store: Store) -> int:
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
