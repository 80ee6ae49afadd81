"""`newsmark evaluate`: precision / recall / F1 of each extractor against gold."""

from __future__ import annotations

import argparse

from annotations.errors import UserInputError
from annotations.extract.pipeline import ModelMissing
from annotations.learn.evaluate import evaluate, format_tables
from tui.commands.context import context, open_store, stdout_console
from tui.output import clean_tree, print_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--extractor", default="all", choices=["all", "ner", "claims", "variants"])
    p.add_argument("--model", metavar="NAME_OR_PATH", help="score this spaCy pipeline instead of stored predictions")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument(
        "--all-gold",
        dest="scope",
        action="store_const",
        const="all",
        default="auto",
        help="score every gold document (default: the held-out ones when any are held out)",
    )
    scope.add_argument(
        "--held-out", dest="scope", action="store_const", const="held-out", help="score only held-out documents"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:

    config, _annotator, db = context(args)
    store = open_store(db, create=False)
    try:
        result = evaluate(
            store, config, extractor=args.extractor, model=args.model, annotator=args.annotator, scope=args.scope
        )
    except ModelMissing as exc:
        raise UserInputError(str(exc)) from None
    if args.json:
        print_json(result)
        return 0
    stdout_console().print(format_tables(clean_tree(result)))
    return 0
