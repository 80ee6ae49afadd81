"""What every screen may ask of the app: the store (and a second connection for worker reads),
the config and its keymap, who is annotating, the key log, the suggester, and the one error
path of workers.

NewsmarkApp (tui/app.py) builds on this and adds the screens; the screens type `self.app` as
this class, so they know these fields without importing the app that imports them.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.app import App
from textual.worker import Worker

from annotations.config import Config
from annotations.errors import NewsmarkError
from annotations.reading.team_cache import TeamCache
from annotations.store import Store
from tui.keylog import KeyLog
from tui.keys import keymap_for


class AppBase(App[None]):
    """The newsmark app's state and services, without its screens."""

    def __init__(self, store: Store, config: Config, annotator: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.config = config
        self.annotator = annotator
        self.keymap_config: dict[str, str] = keymap_for(config)
        self._read_store: Store | None = None
        self._read_lock = threading.Lock()
        self.panel_forced: bool | None = None  # the Reader's side panel shown / hidden by hand
        self.suggester: Any = None  # tui/suggest_on_open.Suggester once the app runs with a model
        self.keylog = KeyLog(store, annotator)
        self.team_cache = TeamCache()  # the team's decisions, read once (tui/app.py) and shared by every Reader

    @property
    def read_store(self) -> Store:
        """A second connection for worker threads, so long reads never block the UI's writes.

        WAL lets it read while the main connection writes; it sees every committed change."""
        with self._read_lock:
            if self._read_store is None:
                try:
                    self._read_store = Store(self.store.path, readonly=True)
                except Exception:
                    return self.store
            return self._read_store

    def interrupt_reads(self) -> None:
        """Abort whatever query the worker connection is running (its worker was superseded)."""
        if self._read_store is not None:
            self._read_store.conn.interrupt()

    def close_reads(self) -> None:
        if self._read_store is not None:
            self._read_store.close()
            self._read_store = None

    def worker_failed(self, worker: Worker) -> None:
        """The one error path of every worker (the app's and each screen's): one line, the app
        runs on. The store's errors are worded for people; anything else is a bug, named."""
        err = worker.error
        if err is None:
            return
        line = str(err) if isinstance(err, NewsmarkError) else f"internal error: {type(err).__name__}: {err}"
        self.notify(line, title="Could not finish", severity="error", timeout=10, markup=False)
