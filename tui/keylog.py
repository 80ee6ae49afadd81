"""Every key the app sees, with its time, document and action, for time per annotator.

Keys are buffered and written in one transaction per batch (every BATCH keys or FLUSH_S
seconds, and when the app closes): a key never waits on SQLite. What was typed into a text box
is not kept, only that a key was pressed (its action is None). A failed write (the database
locked past its timeout, a full disk) drops nothing: the batch waits for the next flush.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from annotations.errors import StoreError
from annotations.store import Store
from annotations.store.activity import Keystroke, record_keys

BATCH = 50
FLUSH_S = 15.0


class KeyLog:
    def __init__(self, store: Store, annotator: str, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.annotator = annotator
        self.clock = clock
        self.buffer: list[Keystroke] = []

    def add(self, doc_id: int | None, action: str | None) -> None:
        now = self.clock()
        self.buffer.append(Keystroke(self.annotator, doc_id, now, action))
        if len(self.buffer) >= BATCH or now - self.buffer[0].at >= FLUSH_S:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        try:
            record_keys(self.store, self.buffer)
        except StoreError:
            return  # kept for the next flush
        self.buffer = []
