"""The base of newsmark's screens: `self.app` typed as the app's state and services
(tui/app_base.AppBase), and the one error path of their workers.

Textual types `Widget.app` as a plain `App`, so mypy would not know the store, config and
annotator the screens use.  `textual.getters.app` is Textual's typed form of that property;
it is declared for the type checker only, so at run time `self.app` is Textual's own property.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.app_base import AppBase

if TYPE_CHECKING:  # pragma: no cover
    from textual import getters

__all__ = ["AppScreen"]

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A screen of the newsmark app (dismissed with a `ResultT`)."""

    if TYPE_CHECKING:  # pragma: no cover
        app = getters.app(AppBase)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed (started with exit_on_error=False) is reported by the app, the
        same way for every screen; the screen stays as it was."""
        if event.state == WorkerState.ERROR:
            self.app.worker_failed(event.worker)
