"""The `newsmark` command line.

Heavy imports (Textual, spaCy) happen inside the commands that need them, so `newsmark
--help`, `stats` and `import` start fast. Errors print one line on stderr: exit 2 for bad
input or usage, 1 for other failures, a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
from pathlib import Path
from typing import Any

from annotations.errors import NewsmarkError, UserInputError
from tui.output import clean_lines, say

PROG = "newsmark"

CORE_COMMANDS = ("demo", "ingest", "stats", "listing", "predict", "export", "evaluate", "link")
"""The first commands of `newsmark --help`, in this order: modules of tui/commands/ (NAME,
add_parser, run) like those of its registry, which follow them."""


def _common(sub: bool) -> argparse.ArgumentParser:
    """Global options, accepted before or after the command name."""
    p = argparse.ArgumentParser(add_help=False)
    d = argparse.SUPPRESS if sub else None
    p.add_argument("--db", default=d, metavar="PATH", help="SQLite database (default: config `database:`)")
    p.add_argument("--config", default=d, metavar="PATH", help="config file (default: $NEWSMARK_CONFIG, ./config.yaml)")
    p.add_argument(
        "--annotator", default=d, metavar="NAME", help="who is annotating (default: config, else login name)"
    )
    p.add_argument("--debug", action="store_true", default=d if sub else False, help="show tracebacks")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[_common(False)],
        description="Keyboard-driven terminal reader and annotator for news.",
    )
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse (good over SSH)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = [_common(True)]
    for name in CORE_COMMANDS:
        module = importlib.import_module(f"tui.commands.{name}")
        module.add_parser(sub, common)
        COMMANDS[module.NAME] = module.run

    from tui import commands

    COMMANDS.update(commands.register(sub, common))
    return parser


# -- helpers -----------------------------------------------------------------------------


def _context(args: argparse.Namespace) -> tuple[Any, str, Path]:
    from annotations.config import load_config

    config = load_config(args.config)
    annotator = config.resolve_annotator(args.annotator)
    db = Path(args.db) if args.db else config.database_path()
    return config, annotator, db


def _open_store(db: Path, *, create: bool = True) -> Any:
    from annotations.store import Store

    if not create and not db.exists():
        raise UserInputError(f"{db}: no such database (import documents first: newsmark import PATH)")
    return Store(db)


def _progress(description: str):
    """A rich progress bar on a terminal; None when output is piped."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn(description),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _stdout_console() -> Any:
    """A rich console for stdout: the terminal's width on a terminal; piped or redirected, lines
    are never wrapped (rich would otherwise cut them at 80 columns inside the file)."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console()
    return Console(width=100_000, soft_wrap=True)


class _Counter:
    """A (done, total) progress callback drawing a rich bar on a terminal, nothing when piped."""

    def __init__(self, description: str) -> None:
        self.progress = _progress(description)
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
        from annotations.reading.layout import sanitize

        if self.progress is not None and self.task is not None:
            self.progress.console.print(sanitize(line), markup=False, highlight=False)
        else:
            print(sanitize(line), file=sys.stderr)


def _model_notice(config: Any) -> str | None:
    from annotations.extract.pipeline import INSTALL_HINT, resolve_model

    if resolve_model(config.model.name, config.model.fallbacks):
        return None
    return (
        f"No spaCy model installed (config model.name = {config.model.name}): suggestions are off; "
        f"manual annotation works. {INSTALL_HINT}"
    )


def _run_app(store: Any, config: Any, annotator: str, no_mouse: bool) -> None:
    from tui.actions import validate_keymap

    validate_keymap(config)
    from tui.app import NewsmarkApp

    app = NewsmarkApp(store, config, annotator, model_notice=_model_notice(config), suggest_on_open=True)
    app.run(mouse=not no_mouse)


# -- commands ----------------------------------------------------------------------------


def cmd_app(args: argparse.Namespace) -> int:
    config, annotator, db = _context(args)
    store = _open_store(db)
    _run_app(store, config, annotator, args.no_mouse)
    return 0


COMMANDS: dict[str | None, Any] = {None: cmd_app}
"""Command word -> run function (None: no command, open the app); build_parser adds the rest."""


def _parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """parse_args, with its usage errors (which echo the bad value) cleaned like all output."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            return parser.parse_args(argv)
    finally:
        if errors.getvalue():
            sys.stderr.write(clean_lines(errors.getvalue()) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, argv)
    try:
        return COMMANDS[args.command](args)
    except NewsmarkError as exc:
        if args.debug:
            raise
        say(f"{PROG}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line unless --debug
        if args.debug:
            raise
        say(f"{PROG}: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
