"""Commands that live in a module of their own (one module per command or command group).

Each module named in MODULES defines:
    NAME: str                                   the command word (`newsmark NAME`)
    add_parser(sub, parents) -> None            adds its argparse sub-parser to `sub`
    run(args: argparse.Namespace) -> int        runs it; raises NewsmarkError for bad input
What a command is handed (`context`, `open_store`, `Counter`, `stdout_console`) is public in
tui/commands/context.py. `newsmark --help` lists the commands in MODULES' order.
A new command is one new module and one line here.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from types import ModuleType

MODULES: list[str] = [
    "demo",
    "ingest",
    "stats",
    "listing",
    "predict",
    "export",
    "evaluate",
    "link",
    "agree",
    "review",
    "assign",
    "entities",
    "mark",
    "split",
    "train",
    "learn",
    "models",
    "train_curve",
    "merge",
]


def modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{name}") for name in MODULES]


def register(
    sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add every module's parser; returns command word -> run function."""
    runs: dict[str, Callable[[argparse.Namespace], int]] = {}
    for module in modules():
        module.add_parser(sub, parents)
        runs[module.NAME] = module.run
    return runs
