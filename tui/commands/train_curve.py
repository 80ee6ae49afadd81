"""`newsmark train-curve`: dev F1 at 25/50/75/100 % of the training documents."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.table import Table

from annotations.errors import UserInputError
from annotations.extract.pipeline import ModelMissing, load_pipeline, resolve_model
from annotations.learn.train.curve import train_curve
from annotations.learn.train.speakers import speaker_curve, speaker_docs
from tui.commands.context import context, open_store, stdout_console
from tui.commands.train import StepBar, add_common_training, options
from tui.output import print_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:

    p.add_argument(
        "--extractor",
        default="ner",
        choices=("ner", "claims"),
        help="ner (dev F1), or claims (dev speaker accuracy of the speaker ranker, beside the rules')",
    )
    add_common_training(p)


def _table(result: dict[str, Any]) -> Any:

    t = Table()
    for col in ("share", "train docs", "dev P", "dev R", "dev F1", "change", "steps"):
        t.add_column(col, justify="right")
    last = None

    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    for pt in result["points"]:
        change = "" if last is None or pt["f"] is None else f"{pt['f'] - last:+.3f}"
        t.add_row(
            f"{pt['share']:.0%}",
            str(pt["train_docs"]),
            fmt(pt["p"]),
            fmt(pt["r"]),
            fmt(pt["f"]),
            change,
            str(pt["steps"]),
        )
        last = pt["f"] if pt["f"] is not None else last
    return t


def _speaker_table(result: dict[str, Any]) -> Any:

    t = Table(title=f"speaker accuracy on {result['dev_docs']} dev document(s)")
    for col in ("share", "train docs", "train claims", "dev speaker", "lenient", "rules alone", "change"):
        t.add_column(col, justify="right")

    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    rules = result["rules"]["accuracy"]
    for pt in result["points"]:
        change = "" if pt["accuracy"] is None or rules is None else f"{pt['accuracy'] - rules:+.3f}"
        t.add_row(
            f"{pt['share']:.0%}",
            str(pt["train_docs"]),
            str(pt["train_claims"]),
            fmt(pt["accuracy"]),
            fmt(pt["lenient"]),
            fmt(rules),
            change,
        )
    return t


def _claims_curve(args: argparse.Namespace, store: Any, config: Any) -> dict[str, Any]:

    host = resolve_model(config.model.name, config.model.fallbacks)
    if host is None:
        raise UserInputError(f"claims need a parse: config key model.name {config.model.name!r} is not installed")
    try:
        pipe = load_pipeline(host, components={"claims"}, key="model.name")
    except ModelMissing as exc:
        raise UserInputError(str(exc)) from None
    docs = speaker_docs(store, pipe, annotator=args.gold_annotator)
    if not docs:
        raise UserInputError("no gold claim with a speaker in the documents marked done: give claims their speaker")
    return speaker_curve(docs, dev=args.dev, seed=args.seed)


def run(args: argparse.Namespace) -> int:

    config, _annotator, db = context(args)
    store = open_store(db, create=False)
    if args.extractor == "claims":
        result = _claims_curve(args, store, config)
        if args.json:
            print_json(result)
        else:
            stdout_console().print(_speaker_table(result))
        return 0
    opts = options(args)
    bar = StepBar(not args.json)
    try:
        result = train_curve(store, config, opts, on_step=bar, on_phase=bar.phase)
    except KeyboardInterrupt:
        bar.stop()
        print("interrupted: train-curve registers nothing", file=sys.stderr)
        return 130
    finally:
        bar.stop()
    if args.json:
        print_json(result)
    else:
        stdout_console().print(_table(result))
    return 0
