"""The Reader: one article with its entities, for reading first and annotating second.

Every change goes to the store first (one committed transaction), then the screen
re-reads the document's spans from the store and repaints only the rows that
changed (``ArticleView.update_spans``).  Per-document reads are indexed look-ups
(well under a millisecond), done synchronously so the next key always acts on
what the database holds; list reads (the Library's ids) run in workers.

Keys come from ``tui.actions`` (scope "reader"): the screen's action methods
below are what the registry's action strings name.  The document on screen, its layout
and the status line are `ReaderBase` (tui/screens/reader_base.py); `c` and `l` are
`ClaimActions` (tui/screens/reader_claims.py).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import Input

from annotations.vocab import Status
from tui.actions import bindings_for
from tui.screens.reader_base import PANEL_MIN_WIDTH
from tui.screens.reader_claims import ClaimActions
from tui.undo import replay
from tui.widgets.doc_list import one_line
from tui.widgets.learning import start_learning

__all__ = ["PANEL_MIN_WIDTH", "ReaderScreen"]

FIND_FLASHES = ("Match ", "Not found: ")
"""Status-line messages that belong to the find bar (cleared when it closes)."""

MOTIONS = {
    "char": "move_char",
    "word": "move_word",
    "sentence": "move_sentence",
    "line": "move_line",
    "entity": "move_entity",
    "page": "page",
}
"""Motion kinds the registry's ``move(kind, delta, extend)`` actions name -> ArticleView methods."""


class ReaderScreen(ClaimActions, inherit_bindings=False):
    """One document.  Dismissed with the id of the document shown last."""

    SCOPE = "reader"
    BINDINGS = bindings_for("reader")
    # Toasts sit above the status line and the footer, never over them.
    DEFAULT_CSS = """
    ReaderScreen #textual-toastrack { margin-bottom: 2; }
    """
    AUTO_FOCUS = "ArticleView"

    def open_other(self, doc_id: int) -> None:
        """Leave this document (saving the reading position) for another."""
        self.save_position()
        self._close_find()
        self.load(doc_id)

    # ------------------------------------------------------------------ actions: motion

    def action_move(self, kind: str, delta: int, extend: bool = False) -> None:
        getattr(self.article, MOTIONS[kind])(delta, extend)

    def action_top(self) -> None:
        self.article.home()

    def action_bottom(self) -> None:
        self.article.end()

    def action_select(self) -> None:
        self.article.toggle_selection()

    # ------------------------------------------------------------------ actions: annotation

    def action_accept(self) -> None:
        self.apply(self.session.accept(self.article.cursor))

    def action_delete(self) -> None:
        self.apply(self.session.delete(self.article.cursor))

    def action_label(self, label: str) -> None:
        view = self.article
        feedback = self.session.label(view.cursor, label, view.selection)
        if view.selection is not None and not feedback.error:
            view.clear_selection()
        self.apply(feedback)

    def action_next_open(self, delta: int) -> None:
        self.apply(self.session.next_open(self.article.cursor, delta))

    def action_next_claim(self) -> None:
        self.apply(self.session.next_claim_suggestion(self.article.cursor))

    def action_accept_all(self) -> None:
        view = self.article
        feedback = self.session.accept_all(view.selection)
        view.clear_selection()
        self.apply(feedback)

    def action_reject_all(self) -> None:
        view = self.article
        feedback = self.session.reject_all(view.cursor, view.selection)
        view.clear_selection()
        self.apply(feedback)

    def action_edge(self, step: str) -> None:
        self.apply(self.session.edge(self.article.cursor, step))

    def action_split(self) -> None:
        self.apply(self.session.split(self.article.cursor))

    def action_merge(self) -> None:
        self.apply(self.session.merge(self.article.cursor))

    def _replay(self, kind: str) -> None:
        app = self.app
        info, line = replay(app, kind)
        if info is None or line is None:  # (a replayed action always comes with its line)
            if line is not None:
                self.flash(line)
            return
        self._progress = app.store.progress(app.annotator)
        doc_id, start = info.get("doc_id"), info.get("start")
        if doc_id is not None and doc_id != self.doc_id:
            self.open_other(doc_id)
            line.append(" (in this document)")
        else:
            self.refresh_marks()
        if start is not None and self.doc is not None and 0 <= start <= len(self.doc["text"]):
            self.article.set_cursor(start)  # show what changed back
        self.flash(line, at=start)

    def action_undo(self) -> None:
        self._replay("undo")

    def action_redo(self) -> None:
        self._replay("redo")

    def action_finish(self, status: str) -> None:
        """Mark the document done or skipped (committed first), then open the next one. Open
        suggestions are never dropped silently on `d`: config reader.on_done says whether to
        ask, accept them or leave them."""
        open_count = self.session.open_count
        policy = self.app.config.reader.on_done
        if status != Status.DONE or not open_count or policy == "leave":
            self._finish(status, accept_open=False)
        elif policy == "accept":
            self._finish(status, accept_open=True)
        else:
            from tui.dialogs.done_dialog import DoneDialog

            def chosen(choice: str | None) -> None:
                if choice is None:
                    self.flash(Text("Not marked: the suggestions are still open"))
                else:
                    self._finish(status, accept_open=choice == "accept")

            self.app.push_screen(DoneDialog(open_count, status), chosen)

    def _finish(self, status: str, *, accept_open: bool) -> None:
        feedback = self.session.finish(status, accept_open=accept_open)
        if feedback.error:
            self.apply(feedback)
            return
        self._progress = self.app.store.progress(self.app.annotator)
        if status == Status.DONE:
            start_learning(self.app)  # issue 29 (learn): a background round when enough are done
        following = self._neighbour(1)
        if following is None:
            self.refresh_marks(reread=False)
            self.flash(Text(f"{feedback.message} · that was the last document in the list"))
            return
        self.open_other(following)
        self.flash(Text(f"{feedback.message} (previous document)"), at=self.article.cursor)

    def action_next_doc(self) -> None:
        target = self._neighbour(1)
        if target is None:
            self.flash(Text("This is the last document in the list"))
        else:
            self.open_other(target)

    def action_prev_doc(self) -> None:
        target = self._neighbour(-1)
        if target is None:
            self.flash(Text("This is the first document in the list"))
        else:
            self.open_other(target)

    # ------------------------------------------------------------------ actions: view

    def action_toggle_panel(self) -> None:
        self.app.panel_forced = not self.side_panel.display
        self._apply_panel()

    def action_back(self) -> None:
        self.save_position()
        self.dismiss(self.doc_id)

    def action_escape(self) -> None:
        if self._close_find():
            return
        if self.article.selection_active:
            self.article.clear_selection()
            return
        self.action_back()

    def action_find(self) -> None:
        self.query_one("#reader-findbar").remove_class("hidden")
        self.query_one("#reader-find", Input).focus()

    def _close_find(self) -> bool:
        bar = self.query_one("#reader-findbar")
        if bar.has_class("hidden"):
            return False
        bar.add_class("hidden")
        if self._flash is not None and self._flash.plain.startswith(FIND_FLASHES):
            self._flash = None  # "Match 1/3" means nothing once Find is closed
            self._update_status()
        self.article.focus()
        return True

    @on(Input.Submitted, "#reader-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        """enter goes to the next match and keeps the bar open for the one after; an empty
        enter, like escape, closes it."""
        needle = event.value.strip().casefold()
        if not needle:
            self._close_find()
            return
        view = self.article
        hay = view.text.casefold()
        if len(hay) != len(view.text):  # casefold changed lengths (ß -> ss): search case-sensitively
            hay, needle = view.text, event.value.strip()
        found = hay.find(needle, view.cursor + 1)
        wrapped = False
        if found < 0:
            found, wrapped = hay.find(needle), True
        if found < 0:
            self.flash(Text(f"Not found: “{one_line(event.value)}”"))
            return
        view.set_cursor(found)
        total = hay.count(needle)
        nth = hay.count(needle, 0, found) + 1
        note = f"Match {nth}/{total}" + (" (wrapped)" if wrapped else "")
        self.flash(Text(f"{note} · enter next · esc back to the text"), at=found)
