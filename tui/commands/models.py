"""`newsmark models list | use NAME`: the trained models and which one predict runs."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.table import Table
from rich.text import Text

from annotations.errors import UserInputError
from annotations.store import models
from tui.commands.context import context, open_store, stdout_console
from tui.output import print_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    models = p.add_subparsers(dest="models_command", metavar="SUBCOMMAND")
    q = models.add_parser("list", parents=parents, help="registered models, newest first")
    q.add_argument("--extractor", choices=["entities", "claims", "variants"], default=None)
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q = models.add_parser("use", parents=parents, help="make a registered model the one predict runs")
    q.add_argument("name", metavar="NAME", nargs="?", help="model name (see models list)")
    q.add_argument(
        "--configured",
        choices=["entities", "claims", "variants"],
        default=None,
        help="go back to the configured extractor instead",
    )


def _f(scores: dict[str, Any]) -> str:
    dev = scores.get("dev") or {}
    value = dev.get("f") if "f" in dev else scores.get("f")
    return "n/a" if value is None else f"{value:.3f}"


def _table(rows: list[dict[str, Any]]) -> Any:

    t = Table()
    for col in ("in use", "name", "extractor", "base", "train/dev docs", "dev F1", "created", "by"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            "*" if r["in_use"] else "",
            Text(r["name"]),
            r["extractor"],
            Text(r["base_model"] or "-"),
            f"{r['train_docs'] or 0}/{r['dev_docs'] or 0}",
            _f(r["scores"]),
            r["created_at"],
            Text(r["created_by"] or ""),
        )
    return t


def run(args: argparse.Namespace) -> int:

    _config, annotator, db = context(args)
    store = open_store(db, create=False)
    cmd = getattr(args, "models_command", None)
    if cmd == "use":
        if args.configured:
            models.unuse(store, args.configured, annotator)
            print(f"predict now runs the configured {args.configured} extractor")
            return 0
        if not args.name:
            raise UserInputError("models use: give a model NAME (newsmark models list) or --configured EXTRACTOR")
        row = models.use(store, args.name, annotator)
        print(
            f"predict now runs {json.dumps(row['name'])} for {row['extractor']} "
            "(a new extractor version: old predictions are kept, `newsmark predict` computes the new ones)"
        )
        return 0
    if cmd != "list":
        raise UserInputError("models: expected a subcommand: list or use NAME")
    rows = models.list_models(store, args.extractor)
    if args.json:
        print_json({"models": rows})
        return 0
    if not rows:
        print("no trained models yet: newsmark train")
        return 0
    stdout_console().print(_table(rows))
    return 0
