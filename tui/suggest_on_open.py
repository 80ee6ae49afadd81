"""Suggestions the moment a document opens: the model loads in the background once the app
starts, and the Reader asks for the document it shows (and the next one, prefetched).

    app.suggester = Suggester(app); app.suggester.start()     # NewsmarkApp.on_mount
    app.suggester.request(screen, doc_id, prefetch=next_id)   # ReaderScreen.load
    ReaderScreen.on_suggestions_ready(message)                # redraw when message.doc_id is shown

Loading (spaCy, the pipeline, the confirmed-name gazetteer: 1-2 s) and predicting run in
thread workers; `annotations.engine.single.predict_document` stores the results as
`newsmark predict` would, through a connection of the worker's own, and `SuggestionsReady` is
posted to the screen that asked. One pipeline is shared, so predictions run one at a time
(a lock); a newer request cancels a waiting older one (exclusive worker group).
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from textual.message import Message
from textual.worker import get_current_worker

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
        self.nlp: Any = None
        self.error: str | None = None
        self.loaded = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Load the model in a thread worker (call once the app is running)."""
        self.app.run_worker(self._load, thread=True, group="suggest-load", exit_on_error=False)

    def _load(self) -> None:
        from annotations.predict import prepare_pipeline
        from annotations.store import Store

        try:
            store = Store(self.app.store.path, readonly=True)
            try:
                self.nlp = prepare_pipeline(store, self.app.config)
            finally:
                store.close()
        except Exception as exc:  # no model, a broken one: manual annotation still works
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        finally:
            self.loaded.set()

    def request(self, target: Any, doc_id: int, *, prefetch: int | None = None) -> None:
        """Predict `doc_id` (then `prefetch`) if it lacks current predictions; tell `target`."""
        self.app.run_worker(lambda: self._predict(target, doc_id, prefetch), thread=True,
                            group="suggest", exclusive=True, exit_on_error=False)

    def _predict(self, target: Any, doc_id: int, prefetch: int | None) -> None:
        from annotations.engine.single import is_current, predict_document, task_versions
        from annotations.store import Store

        worker = get_current_worker()
        self.loaded.wait()
        if self.nlp is None:
            return
        versions = task_versions(self.nlp)
        try:
            store = Store(self.app.store.path)
        except NewsmarkError:
            return
        try:
            for n, target_id in enumerate((doc_id, prefetch)):
                if target_id is None or worker.is_cancelled:
                    return
                if n == 0 and is_current(store, target_id, versions):
                    continue  # drawn with the document already
                with self._lock:
                    if worker.is_cancelled and n > 0:
                        return
                    predict_document(store, self.nlp, self.app.config, target_id)
                if n == 0:
                    target.post_message(SuggestionsReady(target_id))
        except (NewsmarkError, OSError, sqlite3.Error) as exc:
            self.error = str(exc)
        finally:
            store.close()
