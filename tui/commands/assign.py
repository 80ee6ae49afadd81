"""`newsmark assign`: give each document to --overlap annotators, balanced."""

from __future__ import annotations

import argparse

from annotations.reading.layout import sanitize
from annotations.team.assign import assign
from annotations.vocab import Status
from tui.commands.context import context, open_store
from tui.output import print_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:

    p.add_argument("--annotators", required=True, metavar="A,B,C", help="who annotates")
    p.add_argument(
        "--overlap",
        type=int,
        default=1,
        metavar="N",
        help="annotators per document (2 or more for agreement; default 1)",
    )
    p.add_argument(
        "--status",
        choices=[s.value for s in Status if s != Status.REVIEWED],
        help="only documents every one of them has at this status",
    )
    p.add_argument("--search", metavar="WORDS", help="only documents matching this full-text search")
    p.add_argument(
        "--gold-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="also mix this share of reviewed documents into each queue as hidden gold checks (0.05)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:

    _config, annotator, db = context(args)
    names = [n.strip() for n in args.annotators.split(",") if n.strip()]
    store = open_store(db, create=False)
    try:
        report = assign(
            store, annotator, names, args.overlap, status=args.status, search=args.search, gold_rate=args.gold_rate
        )
    finally:
        store.close()
    if args.json:
        report_json = {
            "documents": report.documents,
            "added": report.added,
            "load": report.load,
            "gold_checks": report.gold_checks,
        }
        print_json(report_json)
        return 0
    print(f"{report.documents} documents selected, {report.added} assignments added (overlap {args.overlap})")
    for name, n in sorted(report.load.items()):
        checks = report.gold_checks.get(name, 0)
        extra = f" ({checks} of them gold checks)" if checks else ""
        print(f"  {' '.join(sanitize(name).split())}: {n} documents assigned{extra}")
    return 0
