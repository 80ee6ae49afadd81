"""`newsmark mark`: a status (for --annotator) and/or the held-out flag over a selection of
documents, as one undoable action (a gold corpus imported without a status, marked done)."""

from __future__ import annotations

import argparse
import re

from annotations.errors import UserInputError
from annotations.store import Store
from annotations.store.marking import mark
from annotations.vocab import Status
from tui.commands.context import context, open_store
from tui.output import say, to_json

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--status", choices=[str(s) for s in Status if s != Status.REVIEWED], help="the status to set")
    held = p.add_mutually_exclusive_group()
    held.add_argument("--held-out", dest="held_out", action="store_true", default=None, help="hold them out")
    held.add_argument("--not-held-out", dest="held_out", action="store_false", help="give them back to training")
    p.add_argument("--ids", metavar="1,2,5-7", help="these document ids")
    p.add_argument("--search", metavar="WORDS", help="documents matching a full-text search")
    p.add_argument("--status-from", choices=[str(s) for s in Status], help="documents with this status (yours)")
    p.add_argument("--all", action="store_true", help="every document")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def parse_ids(text: str) -> list[int]:
    """'1,2,5-7' -> [1, 2, 5, 6, 7]; a bad item is one clear error."""
    out: list[int] = []
    for item in text.split(","):
        found = _RANGE.match(item)
        if not found:
            raise UserInputError(f"--ids: expected numbers or ranges such as 1,2,5-7, got {item.strip()!r}")
        lo, hi = int(found[1]), int(found[2] or found[1])
        if hi < lo:
            raise UserInputError(f"--ids: the range {item.strip()} runs backwards")
        out += range(lo, hi + 1)
    return sorted(set(out))


def select(store: Store, args: argparse.Namespace, annotator: str) -> list[int]:
    """The documents every given selector agrees on; at least one selector is required."""
    if not (args.ids or args.search or args.status_from or args.all):
        raise UserInputError("mark: choose documents with --ids, --search, --status-from or --all")
    ids = store.document_ids(status=args.status_from, annotator=annotator, query=args.search)
    if args.ids:
        wanted = parse_ids(args.ids)
        known = set(ids)
        missing = [i for i in wanted if i not in known] if not (args.search or args.status_from) else []
        if missing:
            raise UserInputError(f"--ids: no document {missing[0]} (newsmark list shows the ids)")
        ids = [i for i in wanted if i in known]
    return ids


def run(args: argparse.Namespace) -> int:
    _config, annotator, db = context(args)
    store = open_store(db, create=False)
    ids = select(store, args, annotator)
    result = mark(store, ids, annotator, status=args.status, held_out=args.held_out)
    if args.json:
        print(
            to_json({"selected": result.selected, "status": result.status_changed, "held_out": result.held_out_changed})
        )
        return 0
    parts = []
    if args.status:
        parts.append(f"{result.status_changed} marked {args.status} for {annotator}")
    if args.held_out is not None:
        parts.append(f"{result.held_out_changed} {'held out' if args.held_out else 'given back to training'}")
    say(f"{result.selected} document(s) selected: {'; '.join(parts)} (one action: u in the app takes it back)")
    return 0
