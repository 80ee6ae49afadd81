"""The learning loop as the app sees it: one header line, and a round started in the
background when a document is marked done (annotations/learn/loop.py). Neither waits: the
line is one query and a lock probe, the round a detached process."""

from __future__ import annotations

from typing import Any

from annotations.errors import NewsmarkError
from annotations.learn.loop import learning_state, maybe_spawn
from tui.output import clean


def learning_line(store: Any) -> str | None:
    """'learning from 10 documents…' / 'learned from 10 documents: dev F1 0.81 -> 0.88', or None."""
    try:
        state = learning_state(store)
    except (NewsmarkError, OSError):
        return None
    return None if state is None else clean(state.line())  # a failure's message may quote outside text


def start_learning(app: Any) -> bool:
    """Start a learning round in its own process when `learn.every` more documents are gold."""
    try:
        return maybe_spawn(app.store, app.config, app.annotator)
    except (NewsmarkError, OSError):
        return False
