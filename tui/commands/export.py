"""`newsmark export`: the labeled dataset as jsonl, prodigy, spacy, conll or links, optionally
split by document; the summary counts what was written."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from annotations.errors import UserInputError
from annotations.export import FORMATS, export
from annotations.vocab import REVIEW_ANNOTATOR
from tui.commands.context import Counter, context, open_store
from tui.output import say


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--format", default="jsonl", choices=_export_formats())
    p.add_argument(
        "--scheme",
        choices=["iob1", "iob2", "bioes"],
        default=None,
        help="CoNLL tag scheme (default: each document's imported scheme, else iob2)",
    )
    p.add_argument("--out", default="-", metavar="PATH", help="file (or directory for spacy); - is stdout")
    p.add_argument(
        "--split",
        nargs="?",
        const="train=0.8,dev=0.1,test=0.1",
        default=None,
        metavar="train=0.8,dev=0.1,test=0.1",
        help="split by document into named parts",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for reproducible splits")
    p.add_argument("--status", default="done", choices=["done", "all", "todo", "in progress", "skipped"])
    p.add_argument("--labels", metavar="L1,L2", help="only these entity labels")


def run(args: argparse.Namespace) -> int:

    config, _annotator, db = context(args)
    store = open_store(db, create=False)
    on_progress = Counter("exporting")

    labels = [x.strip() for x in args.labels.split(",") if x.strip()] if args.labels is not None else None
    if labels is not None and not labels:
        raise UserInputError(f"--labels: no label names in {args.labels!r} (e.g. --labels PERSON,ORG)")
    try:
        # --annotator filters; without it every annotator's work is exported.
        report = export(
            store,
            args.format,
            args.out,
            split=args.split,
            seed=args.seed,
            status=args.status,
            annotator=args.annotator,
            labels=labels,
            known_labels=config.label_names,
            on_progress=on_progress,
            scheme=args.scheme,
        )
    finally:
        on_progress.stop()
    info = report.to_json()
    say(_export_summary(info, args.format, ", ".join(info["files"]) or args.out), file=sys.stderr)
    for warning in info["warnings"]:
        say(f"warning: {warning}", file=sys.stderr)
    return 0


def _export_formats() -> list[str]:

    return list(FORMATS)


def _export_summary(info: dict[str, Any], fmt: str, where: str) -> str:
    """What was written, counted honestly: one line per (document, annotator), so several
    annotators of a document give more lines than documents."""
    if fmt == "links":
        return f"exported {info['pairs']} pair(s) and {info['clusters']} cluster(s) as links to {where}"
    docs, lines = info["documents"], info["examples"]
    if REVIEW_ANNOTATOR in info["annotators"]:
        where += " (gold: the reviewed layer where a document has one)"
    if lines == docs:
        return f"exported {docs} document(s) as {fmt} to {where}"
    return (
        f"exported {lines} annotated copies of {docs} document(s) (annotators: "
        f"{', '.join(info['annotators'])}) as {fmt} to {where}"
    )
