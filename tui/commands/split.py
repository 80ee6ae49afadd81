"""`newsmark split --test 0.2`: hold out a share of the gold documents for evaluation; train,
rehearsal and the learning loop never read them, evaluate scores them by default."""

from __future__ import annotations

import argparse

from annotations.store.held_out import split
from tui.commands.context import context, open_store
from tui.output import say, to_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--test", type=float, default=0.2, metavar="SHARE", help="share of gold documents held out (0.2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the choice (same documents and seed: same split)")
    p.add_argument("--clear", action="store_true", help="give every held-out document back first")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    _config, annotator, db = context(args)
    store = open_store(db, create=False)
    result = split(store, args.test, args.seed, annotator, clear=args.clear)
    if args.json:
        print(to_json(result.__dict__))
        return 0
    cleared = f"{result.cleared} flag(s) cleared first; " if result.cleared else ""
    say(
        f"{cleared}{result.held_out} of {result.candidates} gold document(s) held out for evaluation "
        f"({result.added} new); train and learning leave them out, evaluate scores them"
    )
    if result.candidates < 2:
        say("note: fewer than two gold documents: nothing held out (mark --held-out --ids N sets one by hand)")
    return 0
