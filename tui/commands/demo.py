"""`newsmark demo`: import the bundled sample articles into a fresh database, pre-annotate them
when a spaCy model is installed, and open the app."""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from annotations.corpus.ingest import import_paths
from annotations.predict.run import run_predict
from tui.commands.app import model_notice, run_app
from tui.commands.context import context, open_store
from tui.output import say


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS)
    p.add_argument("--no-open", action="store_true", help="import only; do not open the app")


def run(args: argparse.Namespace) -> int:

    config, annotator, db = context(args)
    if not args.db:  # our own demo file: recreated fresh each time
        db = _demo_path()
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    store = open_store(db)
    report = import_paths(store, sample_paths(), annotator)
    say(f"demo: {report.imported} sample article(s) imported into {db}", file=sys.stderr)
    say(label_note(config), file=sys.stderr)
    if model_notice(config) is None:
        _predict_quietly(store, config)
    if args.no_open:
        return 0
    run_app(store, config, annotator, getattr(args, "no_mouse", False))
    return 0


def label_note(config: Any) -> str:
    """Which labels the demo suggests and where that list comes from: only the config's labels
    are ever suggested, so a team lists the labels it annotates."""
    source = config.source if config.source not in ("", "<default>") else "the packaged default config"
    return (
        f"demo: suggesting only these labels, from `labels:` in {source}: {', '.join(config.label_names)}"
        " (list only the labels your team annotates: nothing else is suggested)"
    )


def _demo_path() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "newsmark"
    base.mkdir(parents=True, exist_ok=True)
    return base / "demo.db"


def sample_paths() -> list[str]:

    folder = resources.files("annotations").joinpath("data", "sample")
    return sorted(str(p) for p in folder.iterdir() if p.name.endswith(".md"))


def _predict_quietly(store: Any, config: Any) -> None:

    print("demo: pre-annotating with spaCy...", file=sys.stderr)
    report = run_predict(store, config)
    say(f"demo: {report.entities} entity and {report.claims} claim suggestion(s) from {report.model}", file=sys.stderr)
