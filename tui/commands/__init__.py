"""Commands that live in a module of their own (one module per command or command group).

Each module named in MODULES defines:
    NAME: str                                   the command word (`newsmark NAME`)
    add_parser(sub, parents) -> None            adds its argparse sub-parser to `sub`
    run(args: argparse.Namespace) -> int        runs it; raises NewsmarkError for bad input
Shared helpers (`_context`, `_open_store`, `_progress`, `_stdout_console`) are in tui.cli;
import them inside functions, not at module level (tui.cli imports this package).
A new command is one new module and one line here.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from types import ModuleType

MODULES: list[str] = [
    "agree",
    "review",
    "assign",
    "entities",
    "train",
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
