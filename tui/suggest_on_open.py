"""Suggestions the moment a document opens: the model loads in the background once the app
starts, and the Reader asks for the document it shows (and the next one, prefetched).

    app.suggester = Suggester(app); app.suggester.start()     # NewsmarkApp.on_mount
    app.suggester.request(screen, doc_id, prefetch=next_id)   # ReaderScreen.load
    ReaderScreen.on_suggestions_ready(message)                # redraw when message.doc_id is shown

The work happens in a process of its own (`annotations.predict.single.serve`, started with
spawn): it imports spaCy, loads the pipeline with the confirmed-name gazetteer and then predicts
what it is asked, newest request first, storing each document exactly as `newsmark predict`
would. A process, not a thread: loading spaCy in a thread shared the app's GIL while the
Library opened, and the two added up; in a process they overlap on two cores. A daemon thread
here turns its replies into `SuggestionsReady` messages (post_message is thread-safe). The
process is a daemon: quitting never waits for a long article (SQLite rolls an unfinished
write back).
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from typing import Any

from textual.message import Message

from annotations.predict.single import serve


class SuggestionsReady(Message):
    """Predictions for `doc_id` are stored: a Reader showing it re-reads its marks."""

    def __init__(self, doc_id: int) -> None:
        super().__init__()
        self.doc_id = doc_id


class Suggester:
    """The app's side of the suggestion process."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.error: str | None = None
        self.loaded = threading.Event()
        self.idle = threading.Event()
        self._target: Any = None
        self._conn: Any = None
        self._process: Any = None

    def start(self) -> None:
        """Start the suggestion process and the thread that listens to it."""

        ctx = multiprocessing.get_context("spawn")  # never fork a threaded app
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(
            target=serve, args=(str(self.app.store.path), self.app.config, child), name="newsmark-suggest", daemon=True
        )
        # While the app runs, sys.stderr is Textual's capture (fileno -1), which multiprocessing
        # would hand its resource tracker: start with the real streams.
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = sys.__stdout__ or saved[0], sys.__stderr__ or saved[1]
        try:
            self._process.start()
        finally:
            sys.stdout, sys.stderr = saved
        child.close()
        threading.Thread(target=self._listen, name="newsmark-suggest-replies", daemon=True).start()

    def request(self, target: Any, doc_id: int, *, prefetch: int | None = None) -> None:
        """Predict `doc_id` (then `prefetch`) if it lacks current predictions; tell `target`."""
        if self._conn is None or (self.error and not self.loaded.is_set()):
            return
        self._target = target
        self.idle.clear()
        try:
            self._conn.send((doc_id, prefetch))
        except (OSError, ValueError):
            self.idle.set()

    def stop(self) -> None:
        """Ask the process to end (the app is closing); a daemon ends with the app anyway."""
        if self._conn is not None:
            try:
                self._conn.send(None)
            except (OSError, ValueError):
                pass

    def _listen(self) -> None:
        while True:
            try:
                kind, value = self._conn.recv()
            except (EOFError, OSError):
                self.loaded.set()
                self.idle.set()
                return
            if kind == "loaded":
                self.loaded.set()
            elif kind == "ready" and self._target is not None:
                self._target.post_message(SuggestionsReady(value))
            elif kind == "idle":
                self.idle.set()
            elif kind == "error":
                self.error = value
                if not self.loaded.is_set():  # could not load: nothing more will come
                    self.loaded.set()
                    self.idle.set()
