"""`newsmark learn`: one round of the learning loop by hand (what the app starts in the
background every `learn.every` documents): fine-tune on the gold, register, use the model
when dev F1 did not drop, re-predict the documents nobody has finished or worked on. `--last` says what the latest round
(the app's, in the background) did and why, without running one."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from annotations.learn.loop import learning_state, run_round
from annotations.store import Store
from annotations.vocab import RoundState
from tui.commands.context import context, open_store
from tui.output import say, to_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--last", action="store_true", help="say what the latest round did and why; run none")


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def run(args: argparse.Namespace) -> int:
    config, annotator, db = context(args)
    store = open_store(db, create=False)
    if args.last:
        return _last(store, args.json)
    quiet = args.json or not sys.stderr.isatty()
    result = run_round(store, config, annotator, on_phase=None if quiet else (lambda t: say(t, file=sys.stderr)))
    if args.json:
        print(to_json(asdict(result)))
        return 0 if result.state in (RoundState.USED, RoundState.KEPT) else 1
    if result.state == "busy":
        say(f"learn: {result.message}; nothing done", file=sys.stderr)
        return 1
    if result.state not in (RoundState.USED, RoundState.KEPT):
        say(f"learn: {result.state}: {result.message}", file=sys.stderr)
        return 2 if result.state == RoundState.SKIPPED else 1
    verdict = "now in use" if result.used else "dev F1 dropped: registered, not used (newsmark models list)"
    say(
        f"learned from {result.docs} document(s) in {result.seconds:.0f} s: dev F1 {_f(result.before)} -> "
        f"{_f(result.after)}; model {result.model} {verdict}"
        + (f"; {result.repredicted} untouched document(s) predicted again" if result.used else "")
    )
    for part in result.message.split("; "):  # what dev F1 was measured on, the gold, the rehearsal
        say(part)
    return 0


def _last(store: Store, as_json: bool) -> int:
    state = learning_state(store)
    if as_json:
        print(to_json(None if state is None else asdict(state)))
        return 0
    if state is None:
        say("no learning round yet")
        return 0
    say(state.line())
    for part in state.message.split("; "):
        say(part)
    return 0
