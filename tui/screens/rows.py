"""A screen whose rows come from the store in a thread worker, so the UI never waits on SQLite."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.message import Message

from annotations.errors import NewsmarkError
from annotations.store import Store
from tui.screens.base import AppScreen
from tui.undo import replay


class RowsScreen(AppScreen[None]):
    """Subclasses say how to read their rows (`fetch`, off the UI thread) and show them (`show`)."""

    class Loaded(Message):
        def __init__(self, rows: list[dict[str, Any]], error: str | None = None) -> None:
            super().__init__()
            self.rows = rows
            self.error = error

    def fetch(self, store: Store) -> list[dict[str, Any]]:
        raise NotImplementedError

    def show(self, rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def action_undo(self) -> None:
        self._replay("undo")

    def action_redo(self) -> None:
        self._replay("redo")

    def _replay(self, kind: str) -> None:
        info, line = replay(self.app, kind)
        if line is not None:
            self.replayed(info, line)

    def replayed(self, info: dict[str, Any] | None, line: Text) -> None:
        """Show what undo / redo did (`info` None: there was nothing to replay)."""
        raise NotImplementedError

    def reload(self, keep: int | None = None) -> None:
        """Read the rows again, then put the cursor back on row id `keep` if given."""
        self._keep_id = keep
        self._load()

    @work(thread=True, exclusive=True, group="rows", exit_on_error=False)
    def _load(self) -> None:
        try:
            rows = self.fetch(self.app.read_store)
        except NewsmarkError as exc:
            self.post_message(self.Loaded([], str(exc)))
            return
        self.post_message(self.Loaded(rows))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.error:
            self.app.notify(message.error, severity="error", markup=False)
        self.show(message.rows)
