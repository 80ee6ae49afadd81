"""`newsmark` with no command word: open the app (the Library, then the Reader). Also how
`demo` and `review` start it, with the notice shown when no spaCy model is installed."""

from __future__ import annotations

import argparse
from typing import Any

from annotations.extract.pipeline import INSTALL_HINT, resolve_model
from tui.app import NewsmarkApp
from tui.commands.context import context, open_store
from tui.keys import validate_keymap


def run(args: argparse.Namespace) -> int:
    config, annotator, db = context(args)
    run_app(open_store(db), config, annotator, args.no_mouse)
    return 0


def model_notice(config: Any) -> str | None:
    """Why suggestions are off (no spaCy model installed), or None when a model is there."""
    if resolve_model(config.model.name, config.model.fallbacks):
        return None
    return (
        f"No spaCy model installed (config model.name = {config.model.name}): suggestions are off; "
        f"manual annotation works. {INSTALL_HINT}"
    )


def run_app(store: Any, config: Any, annotator: str, no_mouse: bool) -> None:
    validate_keymap(config)
    app = NewsmarkApp(store, config, annotator, model_notice=model_notice(config), suggest_on_open=True)
    app.run(mouse=not no_mouse)
