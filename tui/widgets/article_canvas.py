"""ArticleCanvas: the base of ArticleView that wraps the text to the widget and paints it.

It holds what a painted row depends on (the text, its layout for the current width, the
spans by row, the caret and the selection) and draws rows with Textual's Line API: an LRU
cache of rendered ``Strip`` objects keyed by (row, width, version), ``refresh_lines`` for
the rows whose content changed.  Styles come from ``tui.widgets.span_styles``; the
cursor's motions, the keys and the mouse are ArticleView's (tui/widgets/article_view.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual._context import NoActiveAppError
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.reading.cursor import Caret
from annotations.reading.layout import MIN_WIDTH, Layout, layout
from annotations.reading.session import Mark
from annotations.reading.span_index import SpanIndex
from tui.widgets.span_styles import SpanStyles

__all__ = ["MEASURE", "ArticleCanvas"]

MEASURE = 88
"""Readable measure: the text never wraps wider than this many cells."""

CLAIM_MARKER = "\u258c"  # ▌ drawn in the left margin beside rows inside a claim
CLAIM_SUGGESTION_MARKER = "\u2506"  # ┆ beside rows inside a claim suggestion (not yet tagged)


class ArticleCanvas(ScrollView):
    """Wrapped, highlighted text with a caret and a selection, painted row by row."""

    def __init__(
        self,
        *,
        label_styles: dict[str, str] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._styles = SpanStyles(label_styles or {}, base=lambda: self._base, mono=lambda: self._mono)
        self._text = ""
        self._layout: Layout = layout("", MEASURE)
        self._width = 0  # widget width the layout was made for (0 = not yet known)
        self._pad = 1  # left margin in cells (centres the measure)
        self._version = 0
        self._cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)
        self._base_style: Style | None = None  # self.rich_style is costly; cached per version
        self._index = SpanIndex(self._layout)  # spans by row, entity starts for ] and [
        self._caret = Caret()  # cursor, selection anchor (sticky after v), goal column
        self._pending_top = 0  # reading position asked for before the widget had a size

    @property
    def text(self) -> str:
        """The document text exactly as given (offsets refer to it)."""
        return self._text

    @property
    def text_layout(self) -> Layout:
        """The current wrapped layout (its ``text`` is the sanitized copy drawn).

        Not called ``layout``: that name is Textual's container layout."""
        return self._layout

    @property
    def spans(self) -> Sequence[Mark]:
        return tuple(self._index.spans)

    # ------------------------------------------------------------------ caret
    # The cursor model (annotations.reading.cursor.Caret) holds the state; these name its fields.

    @property
    def _cursor(self) -> int:
        return self._caret.offset

    @_cursor.setter
    def _cursor(self, offset: int) -> None:
        self._caret.offset = offset

    @property
    def _anchor(self) -> int | None:
        return self._caret.anchor

    @_anchor.setter
    def _anchor(self, offset: int | None) -> None:
        self._caret.anchor = offset

    @property
    def _sticky(self) -> bool:
        return self._caret.sticky

    @_sticky.setter
    def _sticky(self, value: bool) -> None:
        self._caret.sticky = value

    @property
    def _goal_col(self) -> int | None:
        return self._caret.goal_col

    @_goal_col.setter
    def _goal_col(self, value: int | None) -> None:
        self._caret.goal_col = value

    @property
    def selection(self) -> tuple[int, int] | None:
        """``(start, end)`` (end exclusive) from the anchor to the cursor, inclusive of
        the grapheme under the cursor, or ``None``."""
        return self._caret.selection(self._layout)

    # ------------------------------------------------------------------ viewport

    @property
    def progress(self) -> float:
        """Fraction (0..1) of the article scrolled past, for a status line."""
        if not self.is_mounted:
            return 0.0
        max_top = max(0, len(self._layout.rows) - self._page_height())
        if max_top == 0:
            return 1.0
        return max(0.0, min(1.0, self.scroll_offset.y / max_top))

    @property
    def top_offset(self) -> int:
        """Offset of the first visible character: the reading position to remember."""
        rows = self._layout.rows
        top = self.scroll_offset.y if self.is_mounted else 0
        return rows[max(0, min(top, len(rows) - 1))].start

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so the row holding ``offset`` is the top row (restore a reading position)."""
        if self.is_mounted:
            self.scroll_to(y=self._layout.row_of(offset), animate=False, force=True)

    def _scroll_to_cursor(self, context: int = 2) -> None:
        """Keep the cursor row on screen with ``context`` rows around it when possible."""
        if not self.is_mounted:
            return
        height = self._page_height()
        if height <= 0:
            return
        row = self._layout.row_of(self._cursor)
        top = self.scroll_offset.y
        margin = max(0, min(context, (height - 1) // 2))
        if row < top + margin:
            new_top = row - margin
        elif row > top + height - 1 - margin:
            new_top = row - (height - 1 - margin)
        else:
            return
        self.scroll_to(y=max(0, new_top), animate=False, force=True)

    # ------------------------------------------------------------------ layout

    @staticmethod
    def _wrap_width(widget_width: int) -> int:
        if widget_width <= 0:
            return MEASURE
        return max(MIN_WIDTH, min(MEASURE, widget_width - 2))

    def _page_height(self) -> int:
        return self.scrollable_content_region.height if self.is_mounted else 24

    def _after_layout(self) -> None:
        """Recompute everything derived from the layout and invalidate painted rows."""
        width = self._width
        wrap = self._layout.width
        self._pad = max(1, (width - wrap) // 2) if width else 1
        self._index.rebuild(self._layout)
        self._invalidate_all()
        self.virtual_size = Size(width, len(self._layout.rows))

    def _relayout(self) -> None:
        """Re-wrap for the current widget width, keeping the reading position."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        wrap = self._wrap_width(width)
        if width == self._width and wrap == self._layout.width:
            return
        top_offset = self.top_offset if self._width else self._pending_top
        self._width = width
        if wrap != self._layout.width:
            self._layout = layout(self._text, wrap)
        self._after_layout()
        self.scroll_to(y=self._layout.row_of(top_offset), animate=False, force=True)
        self._scroll_to_cursor(context=0)

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def on_mount(self) -> None:
        # Textual also runs ScrollView.on_mount itself (handlers run per class).
        self._relayout()

    # ------------------------------------------------------------------ painting

    def _invalidate_all(self) -> None:
        self._version += 1
        self._cache.clear()
        self._styles.clear()
        self._base_style = None
        if self.is_mounted:
            self.refresh()

    def _refresh_rows(self, first: int, last: int) -> None:
        """Drop cached strips for rows first..last and ask Textual to repaint them."""
        key_width, version = self._width, self._version
        for row in range(first, last + 1):
            self._cache.discard((row, key_width, version))
        if self.is_mounted:
            self.refresh_lines(first, last - first + 1)

    def _refresh_range(self, start: int, end: int) -> None:
        layout_ = self._layout
        self._refresh_rows(layout_.row_of(start), layout_.row_of(max(start, end - 1)))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._invalidate_all()

    @property
    def _base(self) -> Style:
        """The widget's own text style (CSS colour and background), cached."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.size.width
        if row >= len(self._layout.rows):
            return Strip.blank(width, self._base)
        key = (row, self._width, self._version)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(row)
            self._cache[key] = strip
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, self._base)
        return strip

    def _render_row(self, row_index: int) -> Strip:
        """Paint one row: margin (claim marker), styled graphemes, end-of-row cell."""
        layout_ = self._layout
        row = layout_.rows[row_index]
        text = layout_.text
        base = self._base
        spans = self._index.in_row(row_index)
        cursor = self._cursor
        selection = self.selection

        segments: list[Segment] = []
        if self._pad > 1:
            segments.append(Segment(" " * (self._pad - 1), base))
        if any(s.kind == "claim" for s in spans):
            segments.append(Segment(CLAIM_MARKER, base + self._styles.claim_marker()))
        elif any(s.kind == "claimpred" for s in spans):
            segments.append(Segment(CLAIM_SUGGESTION_MARKER, base + self._styles.claim_marker()))
        else:
            segments.append(Segment(" ", base))

        # Style only changes where a span, the selection or the cursor starts or
        # ends, so cut the drawable text at those points (rounded up to grapheme
        # starts) instead of styling grapheme by grapheme.
        stop, col = layout_.drawn_extent(row_index)
        cuts = {row.start, stop}
        for span in spans:
            cuts.add(span.start)
            cuts.add(span.end)
        if selection is not None:
            cuts.update(selection)
        cursor_drawn = row.start <= cursor < stop
        if cursor_drawn:
            cuts.add(cursor)
            cuts.add(layout_.grapheme_end(cursor))
        points = sorted({layout_.ceil_position(row_index, c) for c in cuts if row.start <= c <= stop})
        for start, end in zip(points, points[1:]):
            segments.append(Segment(text[start:end], self._styles.at(start, spans, selection, cursor)))

        # The cell right of the text: cursor on a newline / hanging space, or a
        # selected newline (so multi-paragraph selections read as continuous).
        extra = None
        if not cursor_drawn and row.start <= cursor < max(row.end, row.start + 1):
            extra = cursor
        elif row.has_newline and selection and selection[0] <= row.text_end < selection[1]:
            extra = row.text_end
        if extra is not None:
            extra_col = layout_.cell_of(extra)
            if extra_col >= col:
                if extra_col > col:
                    segments.append(Segment(" " * (extra_col - col), base))
                segments.append(Segment(" ", self._styles.at(extra, spans, selection, cursor)))

        strip = Strip(segments)
        return strip.crop_extend(0, max(self._width, self.size.width), base)

    @property
    def _mono(self) -> bool:
        """Whether the app draws without colour (NO_COLOR)."""
        try:
            return bool(self.app.no_color)
        except NoActiveAppError:  # not in a running app (unit use)
            return False
