"""NewsmarkApp: the Textual application (Library -> Reader, Help, command palette).

Contract with the CLI::

    validate_keymap(config)                       # tui.keys; ConfigError names the key
    app = NewsmarkApp(store, config, annotator, model_notice=...)
    app.run(mouse=not no_mouse)

The Entities (``E``) and Claims (``C``) screens each have a scope in ``tui.actions``
(its keys, Help section and palette entries come from there), a module in
``tui/screens/``, and a global action here that pushes it.  The Reader's ``c`` / ``l``
open the dialogs in ``tui/dialogs/``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from textual import events, work
from textual.app import App
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState, get_current_worker

from annotations.config import Config
from annotations.errors import NewsmarkError
from annotations.store import Store
from tui.app_base import AppBase
from tui.keys import bindings_for, keymap_clashes, validate_keymap
from tui.palette import ActionCommands, NewsmarkPalette
from tui.screens.claims import ClaimsScreen
from tui.screens.entities import EntitiesScreen
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.team import TeamScreen
from tui.suggest_on_open import Suggester

__all__ = ["NewsmarkApp"]


class NewsmarkApp(AppBase):
    """The newsmark terminal reader / annotator."""

    CSS_PATH = "app.tcss"
    TITLE = "newsmark"
    BINDINGS = bindings_for("global")
    COMMANDS = App.COMMANDS | {ActionCommands}
    # Textual's own ctrl+c binding would only say "press ctrl+q to quit"; keep it.

    def __init__(
        self,
        store: Store,
        config: Config,
        annotator: str,
        *,
        model_notice: str | None = None,
        suggest_on_open: bool = False,
        **kwargs: Any,
    ) -> None:
        validate_keymap(config)  # raises ConfigError before anything is drawn
        super().__init__(store, config, annotator, **kwargs)
        self.model_notice = model_notice
        # Suggestions on open (tui/suggest_on_open.py): the model loads in the background once
        # the app runs; off unless asked for (the CLI asks when a model is installed).
        self.suggest_on_open = suggest_on_open and model_notice is None

    # ------------------------------------------------------------------ lifecycle

    def get_default_screen(self) -> Screen:
        return LibraryScreen()

    def on_mount(self) -> None:
        self.set_keymap(self.keymap_config)
        clashes = keymap_clashes(self.config)
        if clashes:
            self.notify(
                "; ".join(clashes),
                title=f"Key clash in {self.config.source}",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if self.model_notice:
            self.notify(self.model_notice, title="Suggestions are off", severity="warning", timeout=12, markup=False)
        self._index_for_search()
        self._read_team_decisions()
        if self.suggest_on_open:
            self.suggester = Suggester(self)
            self.suggester.start()

    @work(thread=True, group="search-index", exit_on_error=False)
    def _index_for_search(self) -> None:
        """Index documents imported since the last search, while the person reads, so that
        the first search of a big fresh corpus does not have to wait for it."""
        worker = get_current_worker()
        try:
            # its own connection: the Library's reads never queue behind an indexing batch
            store = Store(self.store.path, readonly=True)
        except NewsmarkError:
            return
        try:
            store.index_pending(should_stop=lambda: worker.is_cancelled)
        except (NewsmarkError, sqlite3.Error):
            pass  # a search indexes what is left before it runs
        finally:
            store.close()

    @work(thread=True, group="team-decisions", exit_on_error=False)
    def _read_team_decisions(self) -> None:
        """Read the team's decisions (what makes a suggestion known, reading/team_cache.py) while
        the person picks a document, so that the first opening reads only what changed since."""
        try:
            # its own connection: neither the UI's nor the Library's reads queue behind this one
            store = Store(self.store.path, readonly=True)
        except NewsmarkError:
            return
        try:
            self.team_cache.prepare(store)
        except (NewsmarkError, sqlite3.Error):
            pass  # the first opening reads them
        finally:
            store.close()

    async def on_event(self, event: events.Event) -> None:
        # Every key reaches the app first, then the focused widget (and may bubble back here,
        # forwarded): log it once, for `stats --time`.
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.keylog.add(self.current_doc_id(), self._action_of(event.key))
        await super().on_event(event)

    def current_doc_id(self) -> int | None:
        """The document being read (under a dialog too), None on corpus-wide screens."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReaderScreen):
                return screen.doc_id
            if not isinstance(screen, ModalScreen):
                return None
        return None

    def _action_of(self, key: str) -> str | None:
        try:
            found = self.screen.active_bindings.get(key)
        except Exception:  # no screen yet, or one being replaced
            return None
        return found.binding.id if found is not None else None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def on_unmount(self) -> None:
        self.keylog.flush()
        if self.suggester is not None:
            self.suggester.stop()
        self.close_reads()

    # ------------------------------------------------------------------ actions

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(NewsmarkPalette(id="--command-palette"))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen())

    def _open_screen(self, cls: type[Screen]) -> None:
        """Show a corpus-wide screen (at most one of each on the stack; never over a dialog)."""
        if isinstance(self.screen, (ModalScreen, cls)):
            return
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.save_position()
        self.push_screen(cls())

    def action_entities(self) -> None:
        self._open_screen(EntitiesScreen)

    def action_claims(self) -> None:
        self._open_screen(ClaimsScreen)

    def action_team(self) -> None:
        self.keylog.flush()  # the Team screen reads the log: show this session's keys too
        self._open_screen(TeamScreen)

    async def action_quit(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.save_position()
        self.exit()
