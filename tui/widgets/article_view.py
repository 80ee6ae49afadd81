"""ArticleView: the Reader's article text, drawn with Textual's Line API.

Why a hand-made ``ScrollView`` rather than ``TextArea`` or ``Static``: only the
rows a change touches are re-rendered (a cursor move repaints two rows), spans
can overlap, and the text never goes through markup parsing.  Modelled on
Textual's ``Log`` widget and Toolong's ``LogLines``: an LRU cache of rendered
``Strip`` objects keyed by (row, width, version) and ``refresh_lines`` for the
rows whose content changed.

All wrapping and offset <-> cell arithmetic lives in ``annotations.layout``
(no Textual there); this module only decides styles and paints rows.

Keys are deliberately *not* bound here (apart from page up / down and
ctrl+home / ctrl+end): the Reader screen maps its configurable keys onto the
``action_*`` methods, e.g. ``"move_word(1)"`` or ``"move_char(-1, True)"``.
"""

from __future__ import annotations

import zlib
from typing import Iterable, Sequence

from rich.color import Color, ColorParseError
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual._context import NoActiveAppError
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.cursor import Caret, sentence_index, sentence_target, word_target
from annotations.layout import (
    MIN_WIDTH,
    Layout,
    layout,
    sentence_span,
)
from annotations.reading.session import Mark
from annotations.span_index import SpanIndex

__all__ = ["ArticleView", "SpanMark", "MEASURE", "SPAN_KINDS"]

MEASURE = 88
"""Readable measure: the text never wraps wider than this many cells."""

SPAN_KINDS = ("gold", "pred", "claim", "claimpred")

CLAIM_MARKER = "\u258c"  # ▌ drawn in the left margin beside rows inside a claim
CLAIM_SUGGESTION_MARKER = "\u2506"  # ┆ beside rows inside a claim suggestion (not yet tagged)

MONO_LABEL_STYLES = (
    Style(), Style(bold=True), Style(underline=True), Style(italic=True), Style(strike=True),
    Style(bold=True, underline=True), Style(bold=True, italic=True), Style(bold=True, strike=True),
    Style(italic=True, underline=True), Style(italic=True, strike=True),
)
"""Without colour (NO_COLOR) a gold span is drawn reversed plus its label's own attributes,
in the order of the configured labels, so every label is told apart on screen."""

_FALLBACK_PALETTE = (
    "#e5c07b", "#61afef", "#98c379", "#c678dd", "#56b6c2", "#e06c75", "#d19a66", "#abb2bf",
)


SpanMark = Mark
"""A highlighted range (``annotations.reading.Mark``): start, end (end exclusive), label, kind
(``"gold"`` confirmed entity, ``"pred"`` suggestion, ``"claim"``, ``"claimpred"`` claim
suggestion) and ``ref``, free for the caller (e.g. the store's row id) so ``span_at_cursor()``
can say which record is under the cursor. A tuple, so span sets diff cheaply in ``update_spans``."""


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Wrapped, highlighted article text with a character cursor and a selection."""

    ALLOW_SELECT = False  # our own keyboard / mouse selection, not Textual's
    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """
    BINDINGS = [
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("ctrl+home", "home", "Top", show=False),
        Binding("ctrl+end", "end", "Bottom", show=False),
    ]

    class CursorMoved(Message):
        """The cursor or the selection changed (coalesced while keys repeat)."""

        def __init__(
            self,
            offset: int,
            selection: tuple[int, int] | None = None,
            article_view: "ArticleView | None" = None,
        ) -> None:
            super().__init__()
            self.offset = offset
            """Cursor character offset into the document text."""
            self.selection = selection
            """``(start, end)`` of the selection, end exclusive, or ``None``."""
            self.article_view = article_view

        @property
        def control(self) -> "ArticleView | None":
            return self.article_view

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleView.CursorMoved) and message.article_view is self.article_view

    def __init__(
        self,
        text: str = "",
        spans: Iterable[SpanMark] = (),
        *,
        label_styles: dict[str, str] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._label_styles: dict[str, str] = dict(label_styles or {})
        self._text = ""
        self._layout: Layout = layout("", MEASURE)
        self._width = 0  # widget width the layout was made for (0 = not yet known)
        self._pad = 1  # left margin in cells (centres the measure)
        self._version = 0
        self._cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)
        self._style_cache: dict[tuple, Style] = {}
        self._base_style: Style | None = None  # self.rich_style is costly; cached per version
        self._index = SpanIndex(self._layout)  # spans by row, entity starts for ] and [
        self._sentences: tuple[list[int], list[int]] | None = None
        self._caret = Caret()  # cursor, selection anchor (sticky after v), goal column
        self._dragging = False
        self._pending_top = 0  # reading position asked for before the widget had a size
        self.set_document(text, spans)

    # ------------------------------------------------------------------ data in

    def set_document(
        self,
        text: str,
        spans: Iterable[SpanMark] = (),
        *,
        cursor: int = 0,
        top_offset: int | None = None,
    ) -> None:
        """Show a new article; resets the selection.

        ``cursor`` and ``top_offset`` (the first visible character, see
        :attr:`top_offset`) restore a remembered reading position.
        """
        self._text = text
        self._index = SpanIndex(self._layout, spans)
        self._sentences = None
        self._anchor = None
        self._sticky = False
        self._goal_col = None
        self._layout = layout(text, self._wrap_width(self._width))
        self._after_layout()
        self._cursor = self._layout.snap(cursor)
        self._pending_top = top_offset or 0
        if self.is_mounted and self._width:
            self.scroll_to(y=self._layout.row_of(self._pending_top), animate=False, force=True)
            self._scroll_to_cursor(context=0)
            self._post_moved()

    def update_spans(self, spans: Iterable[SpanMark]) -> None:
        """Replace the spans, re-indexing and repainting only what a changed span covers (an
        accept in a 20,000-word article touches one span of thousands)."""
        for span in self._index.update(spans):
            self._refresh_range(span.start, span.end)

    def set_label_styles(self, label_styles: dict[str, str]) -> None:
        """Change label colours (e.g. after a config reload); repaints everything."""
        self._label_styles = dict(label_styles)
        self._invalidate_all()

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
    def spans(self) -> Sequence[SpanMark]:
        return tuple(self._index.spans)

    # ------------------------------------------------------------------ cursor API
    # The cursor model (annotations.cursor.Caret) holds the state; these name its fields.

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
    def cursor(self) -> int:
        """Cursor character offset (always the start of a grapheme or a newline)."""
        return self._cursor

    @cursor.setter
    def cursor(self, offset: int) -> None:
        self._move_to(offset)

    def set_cursor(self, offset: int, extend: bool = False) -> None:
        """Move the cursor to ``offset``; ``extend`` grows the selection."""
        self._move_to(offset, extend)

    @property
    def selection(self) -> tuple[int, int] | None:
        """``(start, end)`` (end exclusive) from the anchor to the cursor, inclusive of
        the grapheme under the cursor, or ``None``."""
        return self._caret.selection(self._layout)

    @property
    def selection_active(self) -> bool:
        return self._anchor is not None

    def move_char(self, delta: int = 1, extend: bool = False) -> None:
        """Move by ``delta`` graphemes (a newline counts as one)."""
        layout_ = self._layout
        offset = self._cursor
        step = layout_.next_position if delta > 0 else layout_.prev_position
        for _ in range(abs(delta)):
            offset = step(offset)
        self._move_to(offset, extend)

    def move_word(self, delta: int = 1, extend: bool = False) -> None:
        """Next / previous word start.  While selecting, forward motion stops at the
        word's last character instead, so ``v w 1`` labels exactly one word."""
        selecting = extend or self._anchor is not None
        self._move_to(word_target(self._layout.text, self._cursor, delta, selecting), extend)

    def move_sentence(self, delta: int = 1, extend: bool = False) -> None:
        """Next / previous sentence start (forward while selecting: sentence end)."""
        selecting = extend or self._anchor is not None
        self._move_to(sentence_target(self._sentence_index(), self._cursor, delta, selecting,
                                      self._layout.last_position), extend)

    def move_line(self, delta: int = 1, extend: bool = False) -> None:
        """Up / down ``delta`` rows, keeping the column the motion started in."""
        layout_ = self._layout
        if self._goal_col is None:
            self._goal_col = layout_.cell_of(self._cursor)
        row = layout_.row_of(self._cursor)
        target = row + delta
        if target < 0:
            offset = 0
        elif target >= len(layout_.rows):
            offset = layout_.last_position
        else:
            offset = layout_.offset_at(target, self._goal_col)
        self._move_to(offset, extend, keep_goal=True)

    def move_entity(self, delta: int = 1, extend: bool = False) -> None:
        """Jump to the next / previous start of a gold or predicted entity span."""
        offset = self._index.next_entity(self._cursor, delta)
        if offset != self._cursor:
            self._move_to(offset, extend)

    def page(self, delta: int = 1, extend: bool = False) -> None:
        """Scroll a page (one row of overlap) and carry the cursor along."""
        layout_ = self._layout
        height = max(1, self._page_height())
        step = max(1, height - 1) * delta
        top = self.scroll_offset.y if self.is_mounted else 0
        max_top = max(0, len(layout_.rows) - height)
        new_top = max(0, min(top + step, max_top))
        if self._goal_col is None:
            self._goal_col = layout_.cell_of(self._cursor)
        row = layout_.row_of(self._cursor)
        moved = new_top - top
        target = row + (moved if moved else step)
        if self.is_mounted and moved:
            self.scroll_to(y=new_top, animate=False, force=True)
        if target < 0:
            offset = 0
        elif target >= len(layout_.rows):
            offset = layout_.last_position
        else:
            offset = layout_.offset_at(target, self._goal_col)
        # The view already moved with the cursor: no extra context scrolling.
        self._move_to(offset, extend, keep_goal=True, context=0)

    def home(self, extend: bool = False) -> None:
        """Cursor to the start of the article."""
        self._move_to(0, extend)

    def end(self, extend: bool = False) -> None:
        """Cursor to the end of the article."""
        self._move_to(self._layout.last_position, extend)

    def toggle_selection(self) -> None:
        """Start a selection at the cursor, or drop the current one (vim ``v``)."""
        if self._anchor is None:
            self._anchor = self._cursor
            self._sticky = True
            self._refresh_range(self._cursor, self._cursor + 1)
            self._post_moved()
        else:
            self.clear_selection()

    def clear_selection(self) -> None:
        """Forget the selection (e.g. after the screen labelled it)."""
        old = self.selection
        if old is None:
            return
        self._anchor = None
        self._sticky = False
        self._refresh_range(*old)
        self._post_moved()

    def select_range(self, start: int, end: int) -> None:
        """Select ``start``..``end`` (end exclusive), cursor on the last grapheme."""
        old = self.selection
        old_cursor = self._cursor
        layout_ = self._layout
        self._anchor = layout_.snap(start)
        self._cursor = layout_.snap(max(start, end - 1))
        self._sticky = True
        self._goal_col = None
        self._refresh_changes(old_cursor, old, self.selection)
        self._scroll_to_cursor()
        self._post_moved()

    def span_at_cursor(self, kinds: Iterable[str] | None = None) -> list[SpanMark]:
        """Spans covering the cursor, innermost (shortest) first."""
        return self._index.at(self._cursor, kinds, SPAN_KINDS)

    def sentence_at_cursor(self) -> tuple[int, int]:
        """``(start, end)`` of the sentence under the cursor, trailing space excluded."""
        return sentence_span(self._layout.text, self._cursor)

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

    # ------------------------------------------------------------------ actions
    # Parameterised so the Reader's key registry can bind e.g. "move_word(-1)".

    def action_move_char(self, delta: int = 1, extend: bool = False) -> None:
        self.move_char(delta, extend)

    def action_move_word(self, delta: int = 1, extend: bool = False) -> None:
        self.move_word(delta, extend)

    def action_move_sentence(self, delta: int = 1, extend: bool = False) -> None:
        self.move_sentence(delta, extend)

    def action_move_line(self, delta: int = 1, extend: bool = False) -> None:
        self.move_line(delta, extend)

    def action_move_entity(self, delta: int = 1, extend: bool = False) -> None:
        self.move_entity(delta, extend)

    def action_page(self, delta: int = 1, extend: bool = False) -> None:
        self.page(delta, extend)

    def action_home(self, extend: bool = False) -> None:
        self.home(extend)

    def action_end(self, extend: bool = False) -> None:
        self.end(extend)

    def action_toggle_selection(self) -> None:
        self.toggle_selection()

    def action_clear_selection(self) -> None:
        self.clear_selection()

    # ------------------------------------------------------------------ motion core

    def _move_to(self, offset: int, extend: bool = False, keep_goal: bool = False, context: int = 2) -> None:
        """Single exit point for every motion: selection rules, repaint, scroll, message."""
        target = self._layout.snap(offset)
        old_cursor = self._cursor
        old_selection = self.selection
        self._caret.move(target, extend=extend, keep_goal=keep_goal)
        new_selection = self.selection
        if target == old_cursor and new_selection == old_selection:
            return
        self._refresh_changes(old_cursor, old_selection, new_selection)
        self._scroll_to_cursor(context)
        self._post_moved()

    def _post_moved(self) -> None:
        if self.is_attached:
            self.post_message(self.CursorMoved(self._cursor, self.selection, self))

    def _refresh_changes(
        self,
        old_cursor: int,
        old_selection: tuple[int, int] | None,
        new_selection: tuple[int, int] | None,
    ) -> None:
        """Repaint the old and new cursor rows and the rows where the selection changed."""
        layout_ = self._layout
        rows = {layout_.row_of(old_cursor), layout_.row_of(self._cursor)}
        for row in rows:
            self._refresh_rows(row, row)
        if old_selection == new_selection:
            return
        if old_selection is None or new_selection is None:
            self._refresh_range(*(old_selection or new_selection))
            return
        (a0, a1), (b0, b1) = old_selection, new_selection
        if a0 != b0:
            self._refresh_range(min(a0, b0), max(a0, b0))
        if a1 != b1:
            self._refresh_range(min(a1, b1) - 1, max(a1, b1))

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

    def _sentence_index(self) -> tuple[list[int], list[int]]:
        """Sentence starts and last-character offsets, computed once per document."""
        if self._sentences is None:
            self._sentences = sentence_index(self._layout.text)
        return self._sentences

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
        self._style_cache.clear()
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
            segments.append(Segment(CLAIM_MARKER, base + self._claim_marker_style()))
        elif any(s.kind == "claimpred" for s in spans):
            segments.append(Segment(CLAIM_SUGGESTION_MARKER, base + self._claim_marker_style()))
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
            segments.append(Segment(text[start:end], self._style_at(start, spans, selection, cursor)))

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
                segments.append(Segment(" ", self._style_at(extra, spans, selection, cursor)))

        strip = Strip(segments)
        return strip.crop_extend(0, max(self._width, self.size.width), base)

    def _style_at(
        self,
        offset: int,
        spans: Sequence[SpanMark],
        selection: tuple[int, int] | None,
        cursor: int,
    ) -> Style:
        """Style of the grapheme at ``offset``: spans, then selection, then cursor."""
        gold = pred = None
        gold_len = pred_len = 1 << 60
        nested_gold = claim = False
        for span in spans:
            if span.start <= offset < span.end:
                length = span.end - span.start
                if span.kind == "gold":
                    if gold is not None:
                        nested_gold = True
                    if length < gold_len:
                        gold, gold_len = span, length
                elif span.kind == "pred":
                    if length < pred_len:
                        pred, pred_len = span, length
                elif span.kind == "claim":
                    claim = True
        selected = selection is not None and selection[0] <= offset < selection[1]
        key = (
            gold.label if gold else None,
            nested_gold,
            pred.label if pred else None,
            claim,
            selected,
            offset == cursor,
        )
        style = self._style_cache.get(key)
        if style is None:
            style = self._style_cache[key] = self._compose_style(*key)
        return style

    def _compose_style(
        self,
        gold: str | None,
        nested_gold: bool,
        pred: str | None,
        claim: bool,
        selected: bool,
        is_cursor: bool,
    ) -> Style:
        """Combine layers so each stays visible, with or without colour.

        gold: label background + bold; an outer gold span adds underline;
        prediction: underline (+ label colour when no gold background);
        claim: italic (+ margin marker); selection: reverse;
        cursor: reverse, or inside a selection un-reversed + underline + bold.
        """
        style = self._base
        mono = self._mono
        if gold is not None and mono:
            style += Style(reverse=True) + self._mono_label_style(gold)
        elif gold is not None:
            background = self._label_colour(gold)
            style += Style(bgcolor=background, color=_contrast(background), bold=True)
        if nested_gold:
            style += Style(underline=True)
        if pred is not None:
            # On a gold background the label colour would clash: underline only.
            if gold is not None:
                style += Style(underline=True)
            else:
                style += Style(color=self._label_colour(pred), underline=True)
        if claim:
            style += Style(italic=True)
        solid = mono and gold is not None  # already reversed: selection and cursor un-reverse it
        if selected:
            style += Style(reverse=not solid)
        if is_cursor:
            if selected or solid:
                style += Style(reverse=False, underline=True, bold=True)
            else:
                style += Style(reverse=True)
        return style

    @property
    def _mono(self) -> bool:
        """Whether the app draws without colour (NO_COLOR)."""
        try:
            return bool(self.app.no_color)
        except NoActiveAppError:  # not in a running app (unit use)
            return False

    def _mono_label_style(self, label: str) -> Style:
        names = list(self._label_styles)
        index = names.index(label) if label in names else zlib.crc32(label.encode())
        return MONO_LABEL_STYLES[index % len(MONO_LABEL_STYLES)]

    def _label_colour(self, label: str) -> Color:
        value = self._label_styles.get(label)
        colour = _parse_colour(value) if value else None
        if colour is None:
            colour = Color.parse(_FALLBACK_PALETTE[zlib.crc32(label.encode()) % len(_FALLBACK_PALETTE)])
        return colour

    def _claim_marker_style(self) -> Style:
        for key in ("CLAIM", "claim"):
            if key in self._label_styles:
                colour = _parse_colour(self._label_styles[key])
                if colour is not None:
                    return Style(color=colour, bold=True)
        return Style(color="magenta", bold=True)

    # ------------------------------------------------------------------ mouse

    def _offset_at_point(self, x: int, y: int) -> int:
        row = self.scroll_offset.y + y
        return self._layout.offset_at(max(0, row), x - self._pad)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        self.clear_selection()
        self._move_to(self._offset_at_point(event.x, event.y))
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            offset = self._layout.snap(self._offset_at_point(event.x, event.y))
            if offset != self._cursor:
                self._move_to(offset, extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()


def _parse_colour(value: str) -> Color | None:
    """Accept a colour ("#ff8800", "dark_orange") or a style string ("on red")."""
    try:
        return Color.parse(value)
    except ColorParseError:
        pass
    try:
        style = Style.parse(value)
    except Exception:
        return None
    return style.bgcolor or style.color


def _contrast(colour: Color) -> Color:
    """Black or white text, whichever reads better on ``colour``."""
    red, green, blue = colour.get_truecolor()
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return Color.parse("#000000" if luminance > 140 else "#ffffff")
