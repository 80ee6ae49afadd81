"""The Reader's entity controller: the keys that decide suggestions and edit spans (accept,
reject, label, the edge keys, split, merge, `A`, `X`, `}`) and marking the document done.
Each is one call into the reading session (annotations.reading), whose Feedback the screen
paints; `d` asks first when suggestions are still open (config reader.on_done)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from annotations.vocab import Status
from tui.actions import LABEL_PREFIX
from tui.dialogs.done_dialog import DoneDialog

if TYPE_CHECKING:
    from tui.screens.reader import ReaderScreen

__all__ = ["EntityController"]


class EntityController:
    """Suggestion and span keys of one Reader screen."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen

    def accept(self) -> None:
        screen = self.screen
        screen.apply(screen.session.accept(screen.article.cursor))

    def delete(self) -> None:
        screen = self.screen
        screen.apply(screen.session.delete(screen.article.cursor))

    def label(self, label: str) -> None:
        """A label key; a digit key on plain text (no span, no name, no selection) is a count instead."""
        screen = self.screen
        view = screen.article
        key = screen.key_for(f"{LABEL_PREFIX}{label}")
        session = screen.session
        plain = session.entity_at(view.cursor) is None and session.name_at(view.cursor) is None
        if view.selection is None and key.isdigit() and plain:
            screen.add_count(key)
            return
        feedback = screen.session.label(view.cursor, label, view.selection)
        if view.selection is not None and not feedback.error:
            view.clear_selection()
        screen.apply(feedback)

    def next_open(self, delta: int) -> None:
        screen = self.screen
        screen.apply(screen.session.next_open(screen.article.cursor, delta * screen.take_count()))

    def next_name(self, delta: int) -> None:
        screen = self.screen
        screen.apply(screen.session.next_name(screen.article.cursor, delta * screen.take_count()))

    def next_claim(self) -> None:
        screen = self.screen
        screen.apply(screen.session.next_claim_suggestion(screen.article.cursor))

    def accept_all(self) -> None:
        screen = self.screen
        view = screen.article
        feedback = screen.session.accept_all(view.selection)
        view.clear_selection()
        screen.apply(feedback)

    def reject_all(self) -> None:
        screen = self.screen
        view = screen.article
        feedback = screen.session.reject_all(view.cursor, view.selection)
        view.clear_selection()
        screen.apply(feedback)

    def edge(self, step: str) -> None:
        screen = self.screen
        screen.apply(screen.session.edge(screen.article.cursor, step))

    def split(self) -> None:
        screen = self.screen
        screen.apply(screen.session.split(screen.article.cursor))

    def merge(self) -> None:
        screen = self.screen
        screen.apply(screen.session.merge(screen.article.cursor))

    # ------------------------------------------------------------------ marking the document

    def finish(self, status: str) -> None:
        """Mark the document done or skipped (committed first), then open the next one. Open
        suggestions are never dropped silently on `d`: config reader.on_done says whether to
        ask, accept them or leave them."""
        screen = self.screen
        open_count = screen.session.open_count
        policy = screen.app.config.reader.on_done
        if status != Status.DONE or not open_count or policy == "leave":
            self._finish(status, accept_open=False)
        elif policy == "accept":
            self._finish(status, accept_open=True)
        else:

            def chosen(choice: str | None) -> None:
                if choice is None:
                    screen.flash(Text("Not marked: the suggestions are still open"))
                else:
                    self._finish(status, accept_open=choice == "accept")

            screen.app.push_screen(DoneDialog(open_count, status), chosen)

    def _finish(self, status: str, *, accept_open: bool) -> None:
        screen = self.screen
        feedback = screen.session.finish(status, accept_open=accept_open)
        if feedback.error:
            screen.apply(feedback)
            return
        screen.reread_progress()
        following = screen.neighbour(1)
        if following is None:
            screen.refresh_marks(reread=False)
            screen.flash(Text(f"{feedback.message} · that was the last document in the list"))
            return
        screen.open_other(following)
        screen.flash(Text(f"{feedback.message} (previous document)"), at=screen.article.cursor)
