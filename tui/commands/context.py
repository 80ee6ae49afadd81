"""What every command is handed: its configuration, annotator and database (`context`), a
store opened safely (`open_store`), and the ways it writes to the terminal (a progress bar on
stderr, a console for stdout). Public, so each command module imports it at the top; tui.cli
only builds the parser from the registry (tui/commands/__init__.py) and dispatches."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NamedTuple

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from annotations.config import Config, load_config
from annotations.errors import UserInputError
from annotations.reading.layout import sanitize
from annotations.store import Store


class Context(NamedTuple):
    """Who runs a command, on what: unpacks as `config, annotator, db = context(args)`."""

    config: Config
    annotator: str
    db: Path


def context(args: argparse.Namespace) -> Context:
    """The configuration (--config, else the lookup order), the annotator and the database path."""
    config = load_config(args.config)
    annotator = config.resolve_annotator(args.annotator)
    db = Path(args.db) if args.db else config.database_path()
    return Context(config, annotator, db)


def open_store(db: Path, *, create: bool = True) -> Store:
    """The store at `db`; with create=False a missing file is bad input (one line, exit 2)."""
    if not create and not db.exists():
        raise UserInputError(f"{db}: no such database (import documents first: newsmark import PATH)")
    return Store(db)


def progress(description: str):
    """A rich progress bar on a terminal; None when output is piped."""
    if not sys.stderr.isatty():
        return None

    return Progress(
        TextColumn(description),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        # rich's default redirects stdout into the bar's console (stderr): `export > out.jsonl`
        # on a terminal wrote the data to the screen and an empty file.
        redirect_stdout=False,
    )


def stdout_console() -> Any:
    """A rich console for stdout: the terminal's width on a terminal; piped or redirected, lines
    are never wrapped (rich would otherwise cut them at 80 columns inside the file)."""

    if sys.stdout.isatty():
        return Console()
    return Console(width=100_000, soft_wrap=True)


class Counter:
    """A (done, total) progress callback drawing a rich bar on a terminal, nothing when piped."""

    def __init__(self, description: str) -> None:
        self.progress = progress(description)
        self.task = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.progress is None:
            return
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("", total=total)
        self.progress.update(self.task, completed=done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()

    def note(self, line: str) -> None:
        """One line on stderr, above the bar when one is drawn."""
        if self.progress is not None and self.task is not None:
            self.progress.console.print(sanitize(line), markup=False, highlight=False)
        else:
            print(sanitize(line), file=sys.stderr)
