"""`newsmark train`: train an extractor on the gold, show before/after, register the model."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from rich.console import Console, Group
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from annotations.errors import UserInputError
from annotations.learn.train.claims import train_claims
from annotations.learn.train.ner import TrainOptions, compare, train_ner
from annotations.learn.train.variants import train_linker
from tui.commands.context import context, open_store, stdout_console
from tui.output import clean, print_json

EXTRACTORS = ("ner", "claims", "variants", "all")


def add_common_training(p: argparse.ArgumentParser) -> None:
    """Options `train` and `train-curve` share."""
    base = p.add_mutually_exclusive_group()
    base.add_argument(
        "--base-model",
        metavar="NAME_OR_PATH",
        help="pipeline to fine-tune (default: the model in use, else config model.name)",
    )
    base.add_argument("--from-scratch", action="store_true", help="train a new ner instead of fine-tuning")
    p.add_argument("--dev", type=float, default=0.2, metavar="SHARE", help="share of done documents held out (0.2)")
    stop = p.add_mutually_exclusive_group()
    stop.add_argument(
        "--max-steps", type=int, default=None, metavar="N", help="stop after exactly N steps (default 2000)"
    )
    stop.add_argument("--minutes", type=float, default=None, metavar="M", help="stop after M minutes")
    p.add_argument(
        "--patience",
        type=int,
        default=None,
        metavar="N",
        help="stop after N steps without a better dev score (default: three evaluations)",
    )
    p.add_argument("--eval-frequency", type=int, default=None, metavar="N", help="evaluate every N steps")
    p.add_argument("--seed", type=int, default=0, help="seed of the dev split and of training")
    p.add_argument(
        "--rehearsal",
        type=float,
        default=0.5,
        metavar="RATIO",
        help="base-model-annotated unannotated documents per gold document when fine-tuning (0: none)",
    )
    p.add_argument("--gold-annotator", metavar="NAME", default=None, help="only this annotator's gold")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--extractor", default="ner", choices=EXTRACTORS)
    add_common_training(p)
    p.add_argument("--output", metavar="DIR", help="model directory (default: models/NAME beside the database)")
    p.add_argument("--name", metavar="NAME", help="model name (default: EXTRACTOR-TIMESTAMP)")
    p.add_argument("--use", action="store_true", help="make it the model predict runs")
    p.add_argument(
        "--speakers-only",
        action="store_true",
        help="claims: fit the speaker ranker alone (seconds; predict keeps the rules' claims and ranks their speakers)",
    )
    p.add_argument(
        "--keep-unimproved",
        action="store_true",
        help="register the model even when its dev F1 is not above its base's",
    )


def options(args: argparse.Namespace) -> Any:

    for key in ("max_steps", "patience", "eval_frequency"):
        value = getattr(args, key, None)
        if value is not None and value < 1:
            raise UserInputError(f"--{key.replace('_', '-')}: expected a positive number, got {value}")
    if args.minutes is not None and args.minutes <= 0:
        raise UserInputError(f"--minutes: expected a positive number, got {args.minutes:g}")
    if args.rehearsal < 0:
        raise UserInputError(f"--rehearsal: expected 0 or more, got {args.rehearsal:g}")
    return TrainOptions(
        base_model=args.base_model,
        from_scratch=args.from_scratch,
        dev=args.dev,
        max_steps=args.max_steps,
        minutes=args.minutes,
        seed=args.seed,
        output=getattr(args, "output", None),
        name=getattr(args, "name", None),
        use=getattr(args, "use", False),
        annotator=args.gold_annotator,
        rehearsal=args.rehearsal,
        patience=args.patience,
        eval_frequency=args.eval_frequency,
        speakers_only=getattr(args, "speakers_only", False),
        keep_unimproved=getattr(args, "keep_unimproved", False),
    )


class StepBar:
    """A rich progress bar of the training steps (step, loss, dev F1) on a terminal; silent when piped."""

    def __init__(self, enabled: bool) -> None:
        self.progress: Any = None
        self.task: Any = None
        if not enabled or not sys.stderr.isatty():
            return

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn(
                "step {task.fields[step]}  loss {task.fields[loss]}  "
                "dev F1 {task.fields[score]} (best {task.fields[best]})"
            ),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,  # stdout stays the caller's (a redirect is a file, not the screen)
        )
        self.progress.start()

    def phase(self, text: str) -> None:
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False)

    def __call__(self, step: Any) -> None:
        if self.progress is None:
            return
        total = step.limit_seconds if step.limit_seconds else step.max_steps + 1
        done = step.seconds if step.limit_seconds else step.step + 1

        def fmt(x: float | None) -> str:
            return "-" if x is None else f"{x:.3f}"

        fields = {"step": step.step, "loss": f"{step.loss:.1f}", "best": fmt(step.best)}
        if step.score is not None or self.task is None:
            fields["score"] = fmt(step.score)
        if self.task is None:
            self.task = self.progress.add_task("training", total=total, **fields)
        self.progress.update(self.task, completed=min(done, total), **fields)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _fmt(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.3f}" if signed else f"{x:.3f}"


def before_after(outcome: Any) -> Any:
    """The before/after table on the dev split, per label, with the change."""

    t = Table(title=None)
    for col in ("label", "before F1", "after F1", "change"):
        t.add_column(col, justify="left" if col == "label" else "right")
    for label, b, a, c in compare(outcome.before, outcome.after):
        if label == "ALL":
            t.add_section()
        t.add_row(Text(label), _fmt(b), _fmt(a), _fmt(c, True))
    before = outcome.before_model or "none"
    head = Text(
        f"model {outcome.name}: {outcome.train_docs} train / {outcome.dev_docs} dev document(s), "
        f"{outcome.rehearsal_docs} rehearsal; {outcome.loop.steps} steps (stopped: {outcome.loop.stopped}, "
        f"best at {outcome.loop.best_step}), {outcome.loop.seconds:.0f} s"
    )
    if not outcome.registered:
        where = "; not registered"
    elif outcome.in_use:
        where = f"; after: {outcome.path}; in use by predict"
    else:
        where = f"; after: {outcome.path}; `newsmark models use {outcome.name}` makes predict use it"
    foot = Text(f"before: {before}{where}")
    source = [Text(clean(line)) for line in training_data_lines(outcome)]  # annotator names: outside text
    return Group(head, *source, t, foot, *[Text(clean(f"note: {w}")) for w in outcome.warnings])


def training_data_lines(outcome: Any) -> list[str]:
    """What the model was trained on, in words: the gold's layer and count, the held-out
    documents left out, the rehearsal source."""
    lines = []
    if outcome.gold:
        held = f"; {outcome.held_out} held-out document(s) left out" if outcome.held_out else ""
        lines.append(outcome.gold + held)
    if outcome.rehearsal_source:
        lines.append(outcome.rehearsal_source)
    return lines


def _one(args: argparse.Namespace, extractor: str, store: Any, config: Any, annotator: str) -> dict[str, Any]:
    """Train one extractor; prints its table unless --json; returns its JSON."""

    if extractor == "variants":
        return _variants(args, store, config, annotator)

    train = train_ner if extractor == "ner" else train_claims
    bar = StepBar(not args.json)
    try:
        outcome = train(store, config, options(args), annotator=annotator, on_step=bar, on_phase=bar.phase)
    finally:
        bar.stop()
    if not args.json:
        stdout_console().print(before_after(outcome))
    return outcome.to_json()


def run(args: argparse.Namespace) -> int:

    config, annotator, db = context(args)
    store = open_store(db, create=False)
    if args.extractor == "all" and (args.output or args.name):
        raise UserInputError("--extractor all: --output and --name name one model; leave them out")
    if args.speakers_only and args.extractor != "claims":
        raise UserInputError("--speakers-only: only with --extractor claims")
    names = ["ner", "claims", "variants"] if args.extractor == "all" else [args.extractor]
    results: dict[str, Any] = {}
    terminated = []

    def on_term(signum: int, _frame: Any) -> None:
        terminated.append(signum)  # cleaned up as Ctrl-C is: no temporary directory stays
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        for extractor in names:
            try:
                results[extractor] = _one(args, extractor, store, config, annotator)
            except UserInputError as exc:
                if args.extractor != "all" or extractor == "ner":
                    raise
                results[extractor] = {"skipped": str(exc)}
                if not args.json:
                    print(f"{extractor}: skipped: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted: nothing was registered and no model directory was left", file=sys.stderr)
        return 143 if terminated else 130
    if args.json:
        print_json(results if args.extractor == "all" else results[args.extractor])
    return 0


def _variants(args: argparse.Namespace, store: Any, config: Any, annotator: str) -> dict[str, Any]:
    """Fit the linker's threshold on the judged pairs; print the dev comparison."""

    result = train_linker(
        store,
        config,
        annotator=annotator,
        name=args.name,
        output=args.output,
        dev=args.dev,
        seed=args.seed,
        use=args.use,
    )
    if not args.json:
        b, a = result["before"], result["after"]
        print(
            f"linker {result['linker']}: threshold {result['configured_threshold']:g} -> {result['threshold']:g} "
            f"(fitted on {result['train_pairs']} judged pairs; {result['dev_pairs']} held out)"
        )
        print(
            f"dev F1 of 'same': {_fmt(b['f'])} -> {_fmt(a['f'])}; registered as {result['name']}"
            + (" (in use)" if result["in_use"] else "")
        )
    return result
