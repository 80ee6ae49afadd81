"""One-line bars: text on the left, text on the right, fitted to the width.

Used for the Library header and the Reader status line.  Content is given as
``rich.text.Text`` (never markup), so untrusted titles stay literal, and sanitised here.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from annotations.layout import sanitize

__all__ = ["Bar"]


def _safe(value: Text | str) -> Text:
    """The one place bar text is made terminal-safe: labels, claim types and titles reach the
    status line inside messages. Same length, so the styles' offsets stay right."""
    out = value.copy() if isinstance(value, Text) else Text(value)
    plain = sanitize(out.plain).replace("\n", " ")
    if plain != out.plain:
        out.plain = plain
    return out


class Bar(Widget):
    """``left`` is cut (with an ellipsis) before ``right`` is."""

    DEFAULT_CSS = """
    Bar { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._left = Text()
        self._right = Text()

    @property
    def left(self) -> Text:
        return self._left

    @property
    def right(self) -> Text:
        return self._right

    @property
    def plain(self) -> str:
        """Both halves as plain text (for tests)."""
        return f"{self._left.plain} | {self._right.plain}"

    def set(self, left: Text | str | None = None, right: Text | str | None = None) -> None:
        if left is not None:
            self._left = _safe(left)
        if right is not None:
            self._right = _safe(right)
        self.refresh()

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        right = self._right.copy()
        if right.cell_len > width:
            right.truncate(width, overflow="ellipsis")
        room = max(0, width - right.cell_len - (1 if right.cell_len else 0))
        left = self._left.copy()
        left.no_wrap = True
        if left.cell_len > room:
            left.truncate(room, overflow="ellipsis")
        gap = width - left.cell_len - right.cell_len
        out = Text(no_wrap=True, end="")
        out.append_text(left)
        out.append(" " * max(0, gap))
        out.append_text(right)
        return out
