"""`newsmark link suggest`: variant-spelling candidates with their scores and the clusters they
form (the fitted linker's threshold when there is one, else config linker.threshold)."""

from __future__ import annotations

import argparse
import sys

from annotations.entities.queue import suggest_for_store
from annotations.errors import UserInputError
from annotations.learn.train.variants import linker_threshold
from tui.commands.context import context, open_store
from tui.output import clean, print_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    link = p.add_subparsers(dest="link_command", metavar="SUBCOMMAND")
    p = link.add_parser("suggest", parents=parents, help="variant-spelling candidates with scores")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--threshold", type=float, default=None, help="minimum score 0-100 (default: config linker.threshold)"
    )
    p.add_argument("--limit", type=int, default=None, help="at most N pairs")


def run(args: argparse.Namespace) -> int:

    if args.link_command != "suggest":
        raise UserInputError("usage: newsmark link suggest [--json] [--threshold N] [--limit N]")

    config, _annotator, db = context(args)
    store = open_store(db, create=False)
    if args.limit is not None and args.limit < 1:
        raise UserInputError(f"--limit: expected a positive number of pairs, got {args.limit}")

    threshold = linker_threshold(store, config) if args.threshold is None else args.threshold
    if not 0 <= threshold <= 100:
        raise UserInputError(f"--threshold: expected 0-100, got {threshold:g}")
    result = suggest_for_store(store, threshold=threshold, limit=args.limit)
    if args.json:
        print_json(result.to_json())
        return 0
    for pair in result.pairs:
        print(
            f"{pair.score:5.1f}  {clean(pair.label):<8} {clean(pair.a)}  ~  {clean(pair.b)}   "
            f"({'; '.join(clean(r) for r in pair.reasons)})"
        )
    for cluster in result.clusters:
        print(f"cluster {clean(cluster.label)}: " + " | ".join(clean(f) for f in cluster.forms))
    if not result.pairs:
        print("no candidate pairs (run `newsmark predict` first, or lower --threshold)", file=sys.stderr)
    return 0
