"""`newsmark predict`: run the extractors over the documents lacking current predictions, on
this machine or on the workers of a Dask cluster."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from annotations.errors import UserInputError
from annotations.extract.pipeline import ModelMissing
from annotations.predict.cluster import check_scheduler, local_workers, require_dask
from annotations.predict.run import run_predict
from tui.commands.context import Counter, context, open_store
from tui.output import say


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--model", metavar="NAME_OR_PATH", help="spaCy pipeline (default: config model.name)")
    p.add_argument(
        "--n-process",
        type=_n_process,
        default=None,
        metavar="N|auto",
        help="local engine: worker processes (default: config model.n_process; capped at the cores)",
    )
    p.add_argument("--batch-size", type=int, default=None, metavar="N")
    p.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="at most N documents this run (in import order; run again for the next N)",
    )
    p.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="local: this machine; dask: the workers of a Dask cluster (pip install 'newsmark[dask]')",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask: an existing scheduler (default: a LocalCluster)")
    p.add_argument(
        "--workers",
        type=_positive("--workers"),
        default=None,
        metavar="N",
        help="dask without --scheduler: LocalCluster workers (default: the usable cores)",
    )
    p.add_argument(
        "--chunk-size",
        type=_positive("--chunk-size"),
        default=None,
        metavar="N",
        help="dask: documents per task sent to a worker (default: 200)",
    )
    p.add_argument(
        "--worker-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="dask: stop when no worker has been alive this long (default: 60); a rerun continues",
    )


def run(args: argparse.Namespace) -> int:

    config, _annotator, db = context(args)
    if args.limit is not None and args.limit < 1:
        raise UserInputError(f"--limit: expected a positive number of documents, got {args.limit}")
    for option, value in (
        ("--scheduler", args.scheduler),
        ("--workers", args.workers),
        ("--chunk-size", args.chunk_size),
        ("--worker-timeout", args.worker_timeout),
    ):
        if value is not None and args.engine != "dask":
            raise UserInputError(f"{option} needs --engine dask")
    if args.engine == "dask" and args.n_process is not None:
        raise UserInputError("--n-process is for --engine local; with dask, each worker runs one process")
    if args.engine == "dask":
        require_dask()  # exits 2 with the install line before anything is opened
        if args.scheduler:  # a bad address is one line before the model loads
            check_scheduler(args.scheduler)
        else:
            local_workers(args.workers)
    store = open_store(db, create=False)
    on_progress = Counter("predicting")
    try:
        report = run_predict(
            store,
            config,
            batch_size=args.batch_size,
            n_process=args.n_process,
            model=args.model,
            on_progress=on_progress,
            limit=args.limit,
            engine=args.engine,
            scheduler=args.scheduler,
            workers=args.workers,
            chunk_size=args.chunk_size,
            worker_timeout=args.worker_timeout,
            on_note=on_progress.note,
        )
    except ModelMissing as exc:
        raise UserInputError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted: finished batches are saved; run predict again to continue", file=sys.stderr)
        return 130
    finally:
        on_progress.stop()
    say(
        f"predicted {report.documents} document(s) with {report.model}: "
        f"{report.entities} entities, {report.claims} claims"
    )
    return 0


def _n_process(value: str) -> int | str:
    """--n-process: 'auto' or a whole number from 1."""
    if value == "auto":
        return value
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number of processes, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number of processes from 1, got {n}")
    return n


def _seconds(value: str) -> float:
    """--worker-timeout: seconds, more than 0."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not seconds > 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {value!r}")
    return seconds


def _positive(option: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if n < 1:
            raise argparse.ArgumentTypeError(f"expected a number from 1, got {n}")
        return n

    parse.__name__ = option
    return parse
