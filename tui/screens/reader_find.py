"""The Reader's find controller: `/` opens the find bar; enter lands the cursor on the next
match and gives the keys back to the article (the bar closes, its text kept, so `/` enter is
the match after); an empty enter or escape closes it."""

from __future__ import annotations

from rich.text import Text

from tui.screens.reader_host import ReaderHost
from tui.widgets.doc_list import one_line

__all__ = ["FIND_FLASHES", "FindController", "find_next"]

FIND_FLASHES = ("Match ", "Not found: ")
"""Status-line messages that belong to the find bar (cleared when it closes)."""


def find_next(text: str, typed: str, cursor: int) -> tuple[int, int, int, bool] | None:
    """(offset, nth, total, wrapped) of the next match of `typed` after `cursor`, ignoring
    case (unless casefolding changes the text's length, ß -> ss); None when there is none."""
    needle = typed.strip().casefold()
    hay = text.casefold()
    if len(hay) != len(text):
        hay, needle = text, typed.strip()
    found = hay.find(needle, cursor + 1)
    wrapped = False
    if found < 0:
        found, wrapped = hay.find(needle), True
    if found < 0:
        return None
    return found, hay.count(needle, 0, found) + 1, hay.count(needle), wrapped


class FindController:
    """The find bar of one Reader screen."""

    def __init__(self, screen: ReaderHost) -> None:
        self.screen = screen

    def open(self) -> None:
        self.screen.find_bar.remove_class("hidden")
        self.screen.find_input.focus()

    def close(self, *, keep_flash: bool = False) -> bool:
        """Hide the bar and give the keys back to the article; False when it was not open."""
        screen = self.screen
        bar = screen.find_bar
        if bar.has_class("hidden"):
            return False
        bar.add_class("hidden")
        if not keep_flash:
            screen.clear_flash(FIND_FLASHES)  # "Match 1/3" means nothing once Find is closed
        screen.article.focus()
        return True

    def submitted(self, typed: str) -> None:
        """enter lands on the next match and gives the keys back to the Reader; an empty
        enter, like escape, closes the bar."""
        screen = self.screen
        if not typed.strip():
            self.close()
            return
        view = screen.article
        hit = find_next(view.text, typed, view.cursor)
        if hit is None:
            screen.flash(Text(f"Not found: “{one_line(typed)}”"))
            return
        found, nth, total, wrapped = hit
        view.set_cursor(found)
        self.close(keep_flash=True)
        note = f"Match {nth}/{total}" + (" (wrapped)" if wrapped else "")
        screen.flash(Text(f"{note} · / enter: the next one"), at=found)
