"""Suggestions the moment a document opens: the model loads in the background once the app
starts, and the Reader asks for the document it shows (and the next one, prefetched).

    app.suggester = Suggester(app); app.suggester.start()     # NewsmarkApp.on_mount
    app.suggester.request(screen, doc_id, prefetch=next_id)   # ReaderScreen.load
    ReaderScreen.on_suggestions_ready(message)                # redraw when message.doc_id is shown

One daemon thread loads the pipeline (spaCy, the model, the confirmed-name gazetteer: 1-2 s on
an idle machine) and then serves requests, newest first: a request replaces one still waiting,
so paging quickly through documents predicts only where the reader stops. Each document is
stored by `annotations.engine.single.predict_document` exactly as `newsmark predict` would,
through the thread's own connection, and `SuggestionsReady` is posted to the screen that asked
(post_message is thread-safe). A daemon thread, not a Textual worker: quitting never waits for
a long article's prediction (an unfinished write is rolled back by SQLite).
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from textual.message import Message

from annotations.errors import NewsmarkError


class SuggestionsReady(Message):
    """Predictions for `doc_id` are stored: a Reader showing it re-reads its marks."""

    def __init__(self, doc_id: int) -> None:
        super().__init__()
        self.doc_id = doc_id


class Suggester:
    """The app's background model and the per-document predictions it makes on request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.path = app.store.path
        self.config = app.config
        self.nlp: Any = None
        self.error: str | None = None
        self.loaded = threading.Event()
        self.idle = threading.Event()
        self._wake = threading.Condition()
        self._next: tuple[Any, int, int | None] | None = None
        self._prefetched: set[int] = set()

    def start(self) -> None:
        """Start the background thread (once the app is running)."""
        threading.Thread(target=self._serve, name="newsmark-suggest", daemon=True).start()

    def request(self, target: Any, doc_id: int, *, prefetch: int | None = None) -> None:
        """Predict `doc_id` (then `prefetch`) if it lacks current predictions; tell `target`."""
        with self._wake:
            self._next = (target, doc_id, prefetch)
            self.idle.clear()
            self._wake.notify()

    def _take(self) -> tuple[Any, int, int | None]:
        with self._wake:
            while self._next is None:
                self.idle.set()
                self._wake.wait()
            job, self._next = self._next, None
            return job

    def _serve(self) -> None:
        self._load()
        if self.nlp is None:
            self.idle.set()
            return
        while True:
            target, doc_id, prefetch = self._take()
            try:
                self._predict(target, doc_id, prefetch)
            except (NewsmarkError, OSError, sqlite3.Error) as exc:
                self.error = str(exc)

    def _load(self) -> None:
        from annotations.predict import prepare_pipeline
        from annotations.store import Store

        try:
            store = Store(self.path, readonly=True)
            try:
                self.nlp = prepare_pipeline(store, self.config)
            finally:
                store.close()
        except Exception as exc:  # noqa: BLE001 - no model, a broken one: manual annotation still works
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        finally:
            self.loaded.set()

    def _predict(self, target: Any, doc_id: int, prefetch: int | None) -> None:
        from annotations.engine.single import predict_document
        from annotations.store import Store

        store = Store(self.path)
        try:
            # stored now, or by the prefetch that was still running when the screen drew it
            if predict_document(store, self.nlp, self.config, doc_id) or doc_id in self._prefetched:
                target.post_message(SuggestionsReady(doc_id))
            if prefetch is not None and self._next is None:  # nothing newer asked for meanwhile
                if predict_document(store, self.nlp, self.config, prefetch):
                    self._prefetched = {prefetch}
        finally:
            store.close()
