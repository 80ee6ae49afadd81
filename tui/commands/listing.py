"""`newsmark list`: one tab-separated line per document (id, status, outlet, date, title)."""

from __future__ import annotations

import argparse
import sys

from annotations.errors import UserInputError
from annotations.vocab import REVIEW_ANNOTATOR, Status
from tui.commands.context import context, open_store
from tui.output import tsv


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--status", choices=[str(s) for s in Status])
    p.add_argument("--search", metavar="WORDS", help="full-text search")
    p.add_argument("--limit", type=int, default=0, help="at most N rows (0: all)")


def run(args: argparse.Namespace) -> int:

    _config, annotator, db = context(args)
    if args.limit < 0:
        raise UserInputError(f"--limit: expected 0 (all) or a positive number of rows, got {args.limit}")
    store = open_store(db, create=False)
    ids = store.document_ids(status=args.status, annotator=annotator, query=args.search)
    if args.limit:
        ids = ids[: args.limit]
    out = sys.stdout
    who = REVIEW_ANNOTATOR if args.status == Status.REVIEWED else annotator  # the review layer's status
    for i in range(0, len(ids), 500):
        for row in store.document_rows(ids[i : i + 500], who):
            title = (row["title"] or row["lead"] or "").splitlines()[0] if (row["title"] or row["lead"]) else ""
            out.write(tsv([row["id"], row["status"], row["outlet"] or "-", row["date"] or "-", title]) + "\n")
    return 0
