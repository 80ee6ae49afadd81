"""The Reader: one article with its entities, for reading first and annotating second.

Every change goes to the store first (one committed transaction), then the screen
re-reads the document's spans from the store and repaints only the rows that
changed (the session hands over the marks the write changed: ``ArticleView.change_spans``).  Per-document reads are indexed look-ups
(well under a millisecond), done synchronously so the next key always acts on
what the database holds; list reads (the Library's ids) run in workers.

By composition: the screen owns a reading session (annotations.reading, Textual-free: the
document, what is under the cursor and every command) and small controllers: `entities`
(the suggestion and span keys, tui/screens/reader_entities.py), `claims` (`c` and `l`,
reader_claims.py), `find` (`/`, reader_find.py) and `display` (header, side panel and
status line, reader_display.py). Keys come from ``tui.actions`` (scope "reader"): the
``action_*`` methods below are what the registry's action strings name, each handing over
to its controller.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static

from annotations.errors import NewsmarkError
from annotations.reading.session import Feedback, ReadingSession
from tui.keys import bindings_for
from tui.screens.base import AppScreen
from tui.screens.reader_claims import ClaimController
from tui.screens.reader_display import ReaderDisplay
from tui.screens.reader_entities import EntityController, EverywhereApplied, EverywhereCounted
from tui.screens.reader_find import FindController
from tui.undo import replay
from tui.widgets.article_view import ArticleView
from tui.widgets.bars import Bar, KeyFooter
from tui.widgets.learning import LearnedModelWatch, show_learned_suggestions
from tui.widgets.side_panel import SidePanel

__all__ = ["PANEL_MIN_WIDTH", "ReaderScreen"]

PANEL_MIN_WIDTH = 100
"""Below this terminal width the side panel starts hidden (tab / s shows it)."""

MOTIONS = {
    "char": "move_char",
    "word": "move_word",
    "sentence": "move_sentence",
    "line": "move_line",
    "entity": "move_entity",
    "page": "page",
}
"""Motion kinds the registry's ``move(kind, delta, extend)`` actions name -> ArticleView methods."""


class ReaderScreen(AppScreen[int | None], inherit_bindings=False):
    """One document.  Dismissed with the id of the document shown last."""

    SCOPE = "reader"
    BINDINGS = bindings_for("reader")
    # Toasts sit above the status line and the footer, never over them.
    DEFAULT_CSS = """
    ReaderScreen #textual-toastrack { margin-bottom: 2; }
    """
    AUTO_FOCUS = "ArticleView"

    def __init__(self, doc_id: int, ids: list[int] | None = None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.doc: dict[str, Any] | None = None
        self._ids = ids or [doc_id]
        config = self.app.config
        self.session = ReadingSession(
            self.app.store,
            self.app.annotator,
            auto_advance=config.reader.auto_advance,
            labels=config.label_names,  # only the team's labels are suggested
            skip_known=config.reader.skip_known,
            team=self.app.team_cache,  # kept across Readers: an opening reads only what changed
        )
        self.entities = EntityController(self)
        self.claims = ClaimController(self)
        self.find = FindController(self)
        self.painter = ReaderDisplay(self)
        self._status = "todo"
        self._progress: dict[str, int] = {}
        self._flash: Text | None = None
        self._flash_at: int | None = None
        self._count = ""  # digits typed before a motion (`3}`), on plain text only
        # The registry's reader bindings, label keys from this config included.
        self._bindings = BindingsMap(bindings_for("reader", self.app.config))

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="reader-header")
        with Horizontal(id="reader-body"):
            label_styles = {label.name: label.color for label in self.app.config.labels}
            yield ArticleView(id="article", label_styles=label_styles)
            yield SidePanel(id="side-panel")
        with Horizontal(id="reader-findbar", classes="hidden"):
            yield Static("Find", id="reader-find-label")
            yield Input(
                placeholder="text in this article (enter: go to the next match, escape: close)", id="reader-find"
            )
        yield Bar(id="reader-status")
        yield KeyFooter()

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def side_panel(self) -> SidePanel:
        return self.query_one(SidePanel)

    @property
    def status_bar(self) -> Bar:
        return self.query_one("#reader-status", Bar)

    @property
    def header(self) -> Static:
        return self.query_one("#reader-header", Static)

    @property
    def find_bar(self) -> Horizontal:
        return self.query_one("#reader-findbar", Horizontal)

    @property
    def find_input(self) -> Input:
        return self.query_one("#reader-find", Input)

    @property
    def _preds(self) -> dict[int, dict[str, Any]]:
        """The open suggestions (what the session holds)."""
        return self.session.now.preds

    def on_mount(self) -> None:
        self._apply_panel()
        self.watch(self.article, "scroll_y", self._update_status, init=False)
        self.reread_progress()
        self.load(self.doc_id)
        self.learned = LearnedModelWatch(self.app.store)
        self.set_interval(5.0, self.follow_learning)  # the header follows the learner (issue 29)

    def follow_learning(self) -> None:
        """The header's learning line again; an untouched document shows a newly learned
        model's suggestions (tui/widgets/learning.py)."""
        if self.doc is not None:
            self.painter.header()
            if self.learned.arrived():
                show_learned_suggestions(self)

    def on_resize(self) -> None:
        self._apply_panel()
        if self.doc is not None:
            self.painter.header()

    def _apply_panel(self) -> None:
        wide = self.app.size.width >= PANEL_MIN_WIDTH
        forced = self.app.panel_forced  # tab / s, kept for the session
        show = wide if forced is None else forced
        was = self.side_panel.display
        self.side_panel.display = show
        if show and not was:
            self.painter.panel()  # skipped while it was hidden

    # ------------------------------------------------------------------ loading and painting

    def load(self, doc_id: int) -> None:
        """Show ``doc_id`` at its remembered reading position."""
        app = self.app
        if not self.session.open(doc_id):
            app.notify(f"Document {doc_id} no longer exists", severity="error")
            return
        self.doc_id, self.doc = doc_id, self.session.doc
        position = app.store.position(doc_id, app.annotator)
        cursor, top = position if position else (0, 0)
        self.article.set_document(self.session.text, self.session.marks(), cursor=cursor, top_offset=top)
        self.session.mark_changes()  # the view has every mark: later writes hand it what they changed
        self._status = app.store.status(doc_id, app.annotator)
        self._flash = None
        self.painter.header()
        self.painter.panel()
        self._update_status()
        if getattr(app, "suggester", None) is not None:  # issue 19 (scale): predict on open, prefetch next
            app.suggester.request(self, doc_id, prefetch=self.neighbour(1))

    def on_suggestions_ready(self, message: Any) -> None:  # issue 19 (scale): tui/suggest_on_open.py
        if message.doc_id == self.doc_id and self.doc is not None:
            self.session.reload_predictions()
            self.refresh_marks(reread=False)

    def open_other(self, doc_id: int) -> None:
        """Leave this document (saving the reading position) for another."""
        self.save_position()
        self.find.close()
        self.load(doc_id)

    def refresh_marks(self, *, reread: bool = True) -> None:
        """Re-read this document's annotations from the store and repaint what changed."""
        if reread:
            self.session.refresh()
        changes = self.session.mark_changes()  # what the writes since the last repaint changed
        if changes is None:
            self.article.update_spans(self.session.marks())
        else:
            self.article.change_spans(*changes)
        self._status = self.app.store.status(self.doc_id, self.app.annotator)
        self.painter.panel()
        self._update_status()

    def reread_progress(self) -> None:
        self._progress = self.app.store.progress(self.app.annotator)

    def add_count(self, digit: str) -> None:
        """A digit typed where it labels nothing: the count of the next motion (`3}`)."""
        self._count = (self._count + digit)[-3:]
        self.flash(Text(f"Select text first to label · or a motion moves {int(self._count)}× ({int(self._count)}}})"))

    def take_count(self) -> int:
        """The count typed before this motion (1 without one); it is used up."""
        count, self._count = int(self._count or 1), ""
        return max(1, count)

    def apply(self, feedback: Feedback) -> None:
        """Show what a session command did: repaint, move the cursor, say it in the status line."""
        self._count = ""
        if feedback.changed:
            self.refresh_marks(reread=False)
        if feedback.cursor is not None:
            self.article.set_cursor(feedback.cursor)
        self.flash(Text(feedback.message, style="bold" if feedback.error else ""), at=self.article.cursor)
        if feedback.failed:
            self.app.notify(feedback.message, severity="error", markup=False)

    def flash(self, message: str | Text, *, at: int | None = None) -> None:
        """Feedback in the status line until the next cursor move (one that moves the cursor
        to `at`, made just before, does not count)."""
        self._flash = message if isinstance(message, Text) else Text(message)
        self._flash_at = at
        self._update_status()

    def clear_flash(self, prefixes: tuple[str, ...]) -> None:
        """Drop the status line's feedback if it starts with one of `prefixes`."""
        if self._flash is not None and self._flash.plain.startswith(prefixes):
            self._flash = None
            self._update_status()

    def _update_status(self) -> None:
        if self.doc is not None:
            self.painter.status(self._flash, self._status, self._progress)

    def key_for(self, action_id: str) -> str:
        """The first key bound to an action (as the user's keymap has it), for hints."""
        return self.painter.key_for(action_id)

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        if self._flash_at is None or self._flash_at != self.article.cursor:
            self._flash = None
        self._flash_at = None
        self._update_status()

    def save_position(self) -> None:
        if self.doc is None or not self.is_mounted:
            return
        view = self.article
        try:
            self.app.store.save_position(self.doc_id, self.app.annotator, view.cursor, view.top_offset)
        except NewsmarkError:
            pass  # a reading position is not worth an error on the way out

    def neighbour(self, delta: int) -> int | None:
        """The document `delta` places from this one in the list it was opened from."""
        try:
            index = self._ids.index(self.doc_id)
        except ValueError:
            return None
        target = index + delta
        return self._ids[target] if 0 <= target < len(self._ids) else None

    # ------------------------------------------------------------------ actions: motion and view

    def action_move(self, kind: str, delta: int, extend: bool = False) -> None:
        move = getattr(self.article, MOTIONS[kind])
        for _ in range(self.take_count()):
            move(delta, extend)

    def action_top(self) -> None:
        self.article.home()

    def action_bottom(self) -> None:
        self.article.end()

    def action_select(self) -> None:
        self.article.toggle_selection()

    def action_toggle_panel(self) -> None:
        self.app.panel_forced = not self.side_panel.display
        self._apply_panel()

    def action_back(self) -> None:
        self.save_position()
        self.dismiss(self.doc_id)

    def action_escape(self) -> None:
        if self.find.close():
            return
        if self.article.selection_active:
            self.article.clear_selection()
            return
        self.action_back()

    def action_find(self) -> None:
        self.find.open()

    @on(Input.Submitted, "#reader-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        self.find.submitted(event.value)

    # ------------------------------------------------------------------ actions: annotation

    def action_accept(self) -> None:
        self.entities.accept()

    def action_delete(self) -> None:
        self.entities.delete()

    def action_label(self, label: str) -> None:
        self.entities.label(label)

    def action_next_open(self, delta: int) -> None:
        self.entities.next_open(delta)

    def action_next_name(self, delta: int) -> None:
        self.entities.next_name(delta)

    def action_next_claim(self) -> None:
        self.entities.next_claim()

    def action_accept_all(self) -> None:
        self.entities.accept_all()

    def action_reject_all(self) -> None:
        self.entities.reject_all()

    def action_edge(self, step: str) -> None:
        self.entities.edge(step)

    def action_split(self) -> None:
        self.entities.split()

    def action_merge(self) -> None:
        self.entities.merge()

    def action_finish(self, status: str) -> None:
        self.entities.finish(status)

    def action_everywhere(self) -> None:
        self.entities.everywhere()

    @on(EverywhereCounted)
    def _everywhere_counted(self, message: EverywhereCounted) -> None:
        self.entities.counted(message)

    @on(EverywhereApplied)
    def _everywhere_applied(self, message: EverywhereApplied) -> None:
        self.entities.applied(message)

    def action_claim(self) -> None:
        self.claims.claim()

    def action_link(self) -> None:
        self.claims.link()

    # ------------------------------------------------------------------ actions: history and documents

    def _replay(self, kind: str) -> None:
        app = self.app
        info, line = replay(app, kind)
        if info is None or line is None:  # (a replayed action always comes with its line)
            if line is not None:
                self.flash(line)
            return
        self.reread_progress()
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

    def action_next_doc(self) -> None:
        target = self.neighbour(1)
        if target is None:
            self.flash(Text("This is the last document in the list"))
        else:
            self.open_other(target)

    def action_prev_doc(self) -> None:
        target = self.neighbour(-1)
        if target is None:
            self.flash(Text("This is the first document in the list"))
        else:
            self.open_other(target)


def open_in_reader(screen: Screen, doc_id: int, offset: int) -> None:
    """Push the Reader on ``doc_id`` with the cursor on ``offset`` (from a concordance or a claim row)."""
    reader = ReaderScreen(doc_id, [doc_id])

    def place() -> None:
        reader.article.set_cursor(offset)

    screen.app.push_screen(reader)
    reader.call_after_refresh(place)
