"""ArticleView: the Reader's article text, drawn with Textual's Line API.

Why a hand-made ``ScrollView`` rather than ``TextArea`` or ``Static``: only the
rows a change touches are re-rendered (a cursor move repaints two rows), spans
can overlap, and the text never goes through markup parsing.  Modelled on
Textual's ``Log`` widget and Toolong's ``LogLines``: an LRU cache of rendered
``Strip`` objects keyed by (row, width, version) and ``refresh_lines`` for the
rows whose content changed.

All wrapping and offset <-> cell arithmetic lives in ``annotations.reading.layout``
(no Textual there).  Painting is the base class's (``ArticleCanvas``, tui/widgets/article_canvas.py),
styles are ``tui.widgets.span_styles``; this module moves the cursor and the selection.

Keys are deliberately *not* bound here (apart from page up / down and
ctrl+home / ctrl+end): the Reader screen maps its configurable keys onto the
``action_*`` methods, e.g. ``"move_word(1)"`` or ``"move_char(-1, True)"``.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.message import Message

from annotations.reading.cursor import sentence_index, sentence_target, word_target
from annotations.reading.layout import layout, sentence_span
from annotations.reading.session import Mark
from annotations.reading.span_index import SpanIndex
from tui.widgets.article_canvas import MEASURE, ArticleCanvas

__all__ = ["MEASURE", "SPAN_KINDS", "ArticleView", "SpanMark"]

SPAN_KINDS = ("gold", "pred", "claim", "claimpred")

SpanMark = Mark
"""A highlighted range (``annotations.reading.Mark``): start, end (end exclusive), label, kind
(``"gold"`` confirmed entity, ``"pred"`` suggestion, ``"claim"``, ``"claimpred"`` claim
suggestion) and ``ref``, free for the caller (e.g. the store's row id) so ``span_at_cursor()``
can say which record is under the cursor. A tuple, so span sets diff cheaply in ``update_spans``."""


class ArticleView(ArticleCanvas, can_focus=True, inherit_bindings=False):
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

    class CursorMoved(Message):
        """The cursor or the selection changed (coalesced while keys repeat)."""

        def __init__(
            self,
            offset: int,
            selection: tuple[int, int] | None = None,
            article_view: ArticleView | None = None,
        ) -> None:
            super().__init__()
            self.offset = offset
            """Cursor character offset into the document text."""
            self.selection = selection
            """``(start, end)`` of the selection, end exclusive, or ``None``."""
            self.article_view = article_view

        @property
        def control(self) -> ArticleView | None:
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
        super().__init__(label_styles=label_styles, name=name, id=id, classes=classes, disabled=disabled)
        self._sentences: tuple[list[int], list[int]] | None = None
        self._dragging = False
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

    def change_spans(self, removed: Iterable[SpanMark], added: Iterable[SpanMark]) -> None:
        """Remove and add spans the caller knows changed (`ReadingSession.mark_changes`):
        no diff of every span, and only the rows the changed ones cover are repainted."""
        for span in self._index.change(removed, added):
            self._refresh_range(span.start, span.end)

    def set_label_styles(self, label_styles: dict[str, str]) -> None:
        """Change label colours (e.g. after a config reload); repaints everything."""
        self._styles.label_styles = dict(label_styles)
        self._invalidate_all()

    # ------------------------------------------------------------------ cursor API

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
        self._move_to(
            sentence_target(self._sentence_index(), self._cursor, delta, selecting, self._layout.last_position), extend
        )

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
            changed = old_selection or new_selection
            if changed is not None:  # (both None is the equal case above)
                self._refresh_range(*changed)
            return
        (a0, a1), (b0, b1) = old_selection, new_selection
        if a0 != b0:
            self._refresh_range(min(a0, b0), max(a0, b0))
        if a1 != b1:
            self._refresh_range(min(a1, b1) - 1, max(a1, b1))

    def _sentence_index(self) -> tuple[list[int], list[int]]:
        """Sentence starts and last-character offsets, computed once per document."""
        if self._sentences is None:
            self._sentences = sentence_index(self._layout.text)
        return self._sentences

    # ------------------------------------------------------------------ painting

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
