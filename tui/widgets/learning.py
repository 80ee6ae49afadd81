"""The learning loop as the app sees it: one header line, a round started in the background
when a document is marked done (annotations/learn/loop.py), and the learned model's
suggestions on an untouched document once a round has put it in use. None of it waits: the
line is one query and a lock probe, the round a detached process, and the suggestion
process loads the new model itself (annotations.predict.single.Follower)."""

from __future__ import annotations

import sqlite3
from typing import Any

from rich.text import Text

from annotations.errors import NewsmarkError
from annotations.learn.loop import LearningState, is_untouched, learning_state, maybe_spawn
from annotations.vocab import RoundState
from tui.output import clean


def read_state(store: Any) -> LearningState | None:
    try:
        return learning_state(store)
    except (NewsmarkError, OSError, sqlite3.Error):
        return None


def learning_line(store: Any) -> str | None:
    """'learning from 10 documents…' / 'learned from 10 documents: dev F1 0.81 -> 0.88', or None."""
    state = read_state(store)
    return None if state is None else clean(state.line())  # a failure's message may quote outside text


def start_learning(app: Any) -> bool:
    """Start a learning round in its own process when `learn.every` more documents are gold."""
    try:
        return maybe_spawn(app.store, app.config, app.annotator)
    except (NewsmarkError, OSError):
        return False


class LearnedModelWatch:
    """Which learning round one Reader has seen: `arrived()` is True once for each round that
    finished with its model in use after the Reader opened (a round still running then counts
    when it finishes)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        state = read_state(store)
        self.seen = 0 if state is None or state.state == RoundState.RUNNING else state.id

    def arrived(self) -> bool:
        state = read_state(self.store)
        if state is None or state.id == self.seen or state.state == RoundState.RUNNING:
            return False
        self.seen = state.id
        return state.state == RoundState.USED


def show_learned_suggestions(screen: Any) -> bool:
    """After a round put a new model in use: the document on screen, when nobody has worked on
    it, shows the learned model's suggestions (the round re-predicted it; the suggestion
    process, asked again, predicts it with the new model if the round did not reach it)."""
    app = screen.app
    try:
        if screen.doc is None or not is_untouched(app.store, screen.doc_id):
            return False
    except (NewsmarkError, sqlite3.Error):
        return False
    screen.session.reload_predictions()
    screen.refresh_marks(reread=False)
    if getattr(app, "suggester", None) is not None:
        app.suggester.request(screen, screen.doc_id, prefetch=screen.neighbour(1))
    screen.flash(Text("Suggestions from the learned model (see the header)"))
    return True
