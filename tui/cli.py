"""The `newsmark` command line: the global options, the parser for the command being run (the
registry in tui/commands/ imports only that command's module, so `newsmark --help`, `stats` and
`import` start fast) and one way out for errors: one line on stderr, exit 2 for bad input or
usage, 1 for other failures, a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys

from annotations.errors import NewsmarkError
from tui import commands
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


def build_parser(word: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, commands.Run]]:
    """The parser, complete for the command `word` (None: names and help lines only), and the
    run functions of the commands it loaded."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[_common(False)],
        description="Keyboard-driven terminal reader and annotator for news.",
    )
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse (good over SSH)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser, commands.register(sub, [_common(True)], word)


def command_word(argv: list[str]) -> str | None:
    """The command word in argv: the first word that is not an option or an option's value."""
    valued = {o for a in _common(False)._actions if a.nargs != 0 for o in a.option_strings}
    words = iter(argv)
    for arg in words:
        if arg in valued:
            next(words, None)
        elif arg == "--":
            return next(words, None)
        elif not arg.startswith("-"):
            return arg
    return None


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
    argv = sys.argv[1:] if argv is None else argv
    parser, runs = build_parser(command_word(argv))
    args = _parse(parser, argv)
    try:
        run = runs[args.command] if args.command else commands.load(commands.APP)
        return run(args)
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
