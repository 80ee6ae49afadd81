"""One-line bars: text on the left, text on the right, fitted to the width.

Used for the Library header and the Reader status line.  Content is given as
``rich.text.Text`` (never markup), so untrusted titles stay literal, and sanitised here.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from annotations.reading.layout import sanitize

__all__ = ["Bar", "KeyFooter", "fit_words"]


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


ESSENTIAL_SUFFIXES = (".back", ".quit", ".help", ".close")
"""Footer keys that must survive a narrow terminal: the way out and the way to Help."""


class KeyFooter(Footer):
    """Textual's Footer with the way out (q) and Help (?) first, so a narrow terminal (60
    columns) cuts the least needed keys, not those; the palette key is left to ctrl+p."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        seen: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled, tooltip)
        ordered = sorted(seen.values(), key=lambda b: not (b[0].id or "").endswith(ESSENTIAL_SUFFIXES))
        self.styles.grid_size_columns = len(ordered)
        for binding, enabled, tooltip in ordered:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)


def fit_words(text: str, width: int) -> str:
    """One line of at most `width` cells, cut at a word boundary with an ellipsis."""

    if cell_len(text) <= width:
        return text
    cut = set_cell_size(text, width - 1).rstrip()
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"
