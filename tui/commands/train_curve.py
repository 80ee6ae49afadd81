"""`newsmark train-curve`: dev F1 at 25/50/75/100 % of the training documents."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tui.commands.context import context, open_store, stdout_console
from tui.output import print_json

NAME = "train-curve"


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from tui.commands.train import add_common_training

    p = sub.add_parser(NAME, parents=parents, help="dev scores at 25/50/75/100 %% of the training documents")
    add_common_training(p)


def _table(result: dict[str, Any]) -> Any:
    from rich.table import Table

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


def run(args: argparse.Namespace) -> int:
    from annotations.learn.train.curve import train_curve
    from tui.commands.train import StepBar, options

    config, _annotator, db = context(args)
    store = open_store(db, create=False)
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
