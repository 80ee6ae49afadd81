"""The `newsmark` command line.

Heavy imports (Textual, spaCy) happen inside the commands that need them, so `newsmark
--help`, `stats` and `import` start fast. Errors print one line on stderr: exit 2 for bad
input or usage, 1 for other failures, a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from typing import Any

from annotations.errors import NewsmarkError
from tui import commands
from tui.commands.context import context, open_store, run_app
from tui.output import clean_lines, say

PROG = "newsmark"


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
    COMMANDS.update(commands.register(sub, [_common(True)]))
    return parser


# -- commands ----------------------------------------------------------------------------


def cmd_app(args: argparse.Namespace) -> int:
    config, annotator, db = context(args)
    run_app(open_store(db), config, annotator, args.no_mouse)
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
