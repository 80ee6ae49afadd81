"""Pilot tests for tui.widgets.article_view.ArticleView.

Run the widget in a tiny App at 80x24 and inspect the Strips it paints (their
segment text is exactly what reaches the terminal), the cursor API, and how
many rows each change repaints.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from rich.cells import cell_len
from rich.color import Color
from textual.app import App, ComposeResult
from textual.filter import NoColor

from tui.widgets.article_view import MEASURE, ArticleView, SpanMark

STORY = "Ahmad Shah Massoud spoke. He said the Panjshir valley held.\n\nMasood returned on Tuesday."
LABELS = {"PERSON": "#ff8800", "GPE": "#3366ff", "CLAIM": "magenta"}


def story_spans() -> list[SpanMark]:
    return [
        SpanMark(0, 18, "PERSON", "gold"),
        SpanMark(STORY.index("Panjshir"), STORY.index("Panjshir") + 8, "GPE", "pred"),
        SpanMark(STORY.index("Masood"), STORY.index("Masood") + 6, "PERSON", "gold"),
        SpanMark(STORY.index("He said"), STORY.index("held.") + 5, "CLAIM", "claim"),
    ]


LONG = " ".join(f"word{i}" + ("." if i % 9 == 8 else "") for i in range(3000))


class ViewApp(App):
    """A bare app hosting one ArticleView and recording its messages."""

    def __init__(self, text: str = STORY, spans=None, labels=LABELS) -> None:
        super().__init__()
        self._doc = (text, story_spans() if spans is None else spans, labels)
        self.moves: list[ArticleView.CursorMoved] = []

    def compose(self) -> ComposeResult:
        text, spans, labels = self._doc
        yield ArticleView(text, spans, label_styles=labels)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.moves.append(message)

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)


Body = Callable[[ViewApp, ArticleView, object], Awaitable[None]]


def run(body: Body, size: tuple[int, int] = (80, 24), **app_kwargs) -> None:
    """Run ``body(app, view, pilot)`` inside ``run_test`` (no pytest-asyncio needed)."""

    async def main() -> None:
        app = ViewApp(**app_kwargs)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await body(app, app.view, pilot)

    asyncio.run(main())


def row_text(view: ArticleView, y: int) -> str:
    return "".join(segment.text for segment in view.render_line(y))


def style_of(view: ArticleView, y: int, char_offset: int):
    """Style of the segment that paints document offset ``char_offset`` in screen row ``y``."""
    row = view.text_layout.rows[view.scroll_offset.y + y]
    x = view._pad + view.text_layout.cell_of(char_offset)
    assert view.text_layout.row_of(char_offset) == view.scroll_offset.y + y
    col = 0
    for segment in view.render_line(y):
        width = cell_len(segment.text)
        if col <= x < col + width:
            return segment.style
        col += width
    raise AssertionError((row, x))


class RenderCounter:
    """Counts render_line calls and cache misses (strips actually built)."""

    def __init__(self, view: ArticleView) -> None:
        self.lines: list[int] = []
        self.misses: list[int] = []
        render_line, render_row = view.render_line, view._render_row

        def counted_line(y: int):
            self.lines.append(y)
            return render_line(y)

        def counted_row(row: int):
            self.misses.append(row)
            return render_row(row)

        view.render_line = counted_line  # type: ignore[method-assign]
        view._render_row = counted_row  # type: ignore[method-assign]

    def reset(self) -> None:
        self.lines.clear()
        self.misses.clear()


# ------------------------------------------------------------------ untrusted text


def test_markup_and_escape_sequences_are_shown_literally() -> None:
    text = "Plain [bold]x[/bold] and \x1b[31mred\x1b[0m [link=http://e]y[/link] \x07bell\u202eevil"

    async def body(app, view, pilot):
        line = view.render_line(0)
        painted = "".join(s.text for s in line)
        assert "[bold]x[/bold]" in painted
        assert "\u241b[31mred\u241b[0m" in painted
        assert "[link=http://e]y[/link]" in painted
        assert "\u2407bell\ufffdevil" in painted
        for segment in line:
            assert segment.control is None
            assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in segment.text)
            assert "\u202e" not in segment.text
        # The "[bold]" markup did not make anything bold: only the cursor cell differs.
        x = text.index("x[/bold]")
        assert not style_of(view, 0, x).bold
        assert (
            not style_of(view, 0, text.index("red")).color
            or style_of(view, 0, text.index("red")).color == view.rich_style.color
        )

    run(body, text=text, spans=[])


def test_strip_widths_match_layout_for_wide_and_combining_text() -> None:
    text = ("中文字符 e\u0301te \U0001f600 \u0627\u0644\u0633\u0644\u0627\u0645 Z\u0308 " * 20).strip()

    async def body(app, view, pilot):
        for y in range(min(24, len(view.text_layout.rows))):
            strip = view.render_line(y)
            assert strip.cell_length == view.size.width
            assert sum(cell_len(s.text) for s in strip) == view.size.width
        # Cursor on a wide char keeps its cell when moving down and back.
        view.cursor = 2
        col = view.text_layout.cell_of(2)
        view.move_line(1)
        view.move_line(-1)
        assert view.cursor == 2 and view.text_layout.cell_of(view.cursor) == col

    run(body, text=text, spans=[])


# ------------------------------------------------------------------ cursor motions


def test_word_sentence_char_entity_motions() -> None:
    async def body(app, view, pilot):
        assert view.cursor == 0
        view.move_word(1)
        assert view.cursor == 6
        view.move_word(2)
        assert view.cursor == STORY.index("spoke")
        view.move_word(-1)
        assert view.cursor == STORY.index("Massoud")
        view.home()
        view.move_sentence(1)
        assert view.cursor == STORY.index("He said")
        view.move_sentence(1)
        assert view.cursor == STORY.index("Masood")
        view.move_sentence(-1)
        assert view.cursor == STORY.index("He said")
        view.move_entity(1)
        assert view.cursor == STORY.index("Panjshir")
        view.move_entity(1)
        assert view.cursor == STORY.index("Masood")
        view.move_entity(1)  # no further entity: stays
        assert view.cursor == STORY.index("Masood")
        view.move_entity(-2)
        assert view.cursor == 0
        view.move_char(3)
        assert view.cursor == 3
        view.move_char(-10)
        assert view.cursor == 0
        view.end()
        assert view.cursor == len(STORY) - 1
        view.home()
        assert view.cursor == 0
        view.cursor = 10_000  # clamped
        assert view.cursor == len(STORY) - 1

    run(body)


def test_move_line_keeps_column_across_short_rows() -> None:
    text = LONG[:300] + "\n\nshort\n\n" + LONG[:300]

    async def body(app, view, pilot):
        lay = view.text_layout
        view.cursor = 40
        assert lay.cell_of(view.cursor) == 40
        view.move_line(1)
        assert lay.row_of(view.cursor) == 1 and lay.cell_of(view.cursor) == 40
        # Walk down through the blank and short rows: the goal column survives.
        blank_row = lay.row_of(text.index("short")) - 1
        while lay.row_of(view.cursor) < blank_row + 3:
            view.move_line(1)
        assert lay.cell_of(view.cursor) == 40
        view.move_line(-2)
        assert text[view.cursor] in "\nshort"
        view.move_char(1)  # a horizontal move forgets the goal column
        view.move_line(-100)
        assert view.cursor == 0

    run(body, text=text, spans=[])


def test_cursor_moved_messages() -> None:
    async def body(app, view, pilot):
        view.move_word(1)
        await pilot.pause()
        assert app.moves and app.moves[-1].offset == 6 and app.moves[-1].selection is None
        assert app.moves[-1].control is view
        view.toggle_selection()
        view.move_char(2)
        await pilot.pause()
        assert app.moves[-1].offset == 8 and app.moves[-1].selection == (6, 9)

    run(body)


# ------------------------------------------------------------------ selection


def test_toggle_selection_like_vim_v() -> None:
    async def body(app, view, pilot):
        view.toggle_selection()
        assert view.selection == (0, 1)
        view.move_word(1)  # while selecting, w stops at the word's last character
        assert view.selection == (0, 5)
        assert STORY[slice(*view.selection)] == "Ahmad"
        view.move_word(1)
        assert STORY[slice(*view.selection)] == "Ahmad Shah"
        view.move_char(-1)  # plain motions keep a v-selection
        assert STORY[slice(*view.selection)] == "Ahmad Sha"
        view.toggle_selection()
        assert view.selection is None
        # Selecting backwards from the anchor.
        view.cursor = 10
        view.toggle_selection()
        view.move_word(-1)
        assert STORY[slice(*view.selection)] == "Shah "
        view.clear_selection()
        assert view.selection is None

    run(body)


def test_shift_extend_and_plain_motion_clears() -> None:
    async def body(app, view, pilot):
        view.move_char(3, extend=True)
        assert view.selection == (0, 4)
        view.move_line(1, extend=True)
        assert view.selection[0] == 0 and view.selection[1] > 4
        view.move_char(1)
        assert view.selection is None

    run(body)


def test_selection_and_cursor_are_drawn() -> None:
    async def body(app, view, pilot):
        view.cursor = 40
        view.toggle_selection()
        view.move_char(3)
        inside, cursor = style_of(view, 0, 41), style_of(view, 0, 43)
        outside = style_of(view, 0, 45)
        assert inside.reverse and not outside.reverse
        assert not cursor.reverse and cursor.underline  # cursor stands out inside the reverse run

    run(body, text=LONG, spans=[])


def test_select_range_and_sentence_at_cursor() -> None:
    async def body(app, view, pilot):
        view.cursor = STORY.index("Panjshir")
        start, end = view.sentence_at_cursor()
        assert STORY[start:end] == "He said the Panjshir valley held."
        view.select_range(start, end)
        assert view.selection == (start, end)

    run(body)


# ------------------------------------------------------------------ spans


def test_span_at_cursor_innermost_first() -> None:
    spans = [SpanMark(0, 18, "ORG", "gold"), SpanMark(6, 10, "PERSON", "gold"), SpanMark(0, 25, "CLAIM", "claim")]

    async def body(app, view, pilot):
        view.cursor = 7
        assert [s.label for s in view.span_at_cursor()] == ["PERSON", "ORG", "CLAIM"]
        assert [s.label for s in view.span_at_cursor(kinds={"claim"})] == ["CLAIM"]
        view.cursor = 20
        assert [s.label for s in view.span_at_cursor()] == ["CLAIM"]
        view.cursor = 30
        assert view.span_at_cursor() == []

    run(body, spans=spans)


def test_span_styles_are_distinct_even_without_colour() -> None:
    async def body(app, view, pilot):
        view.cursor = STORY.index("Masood")
        gold = style_of(view, 0, 1)
        pred = style_of(view, 0, STORY.index("Panjshir") + 1)
        claim = style_of(view, 0, STORY.index("valley"))
        plain = style_of(view, 0, STORY.index("spoke"))
        assert gold.bgcolor == Color.parse("#ff8800") and gold.bold
        assert pred.underline and pred.color == Color.parse("#3366ff") and pred.bgcolor != Color.parse("#3366ff")
        assert claim.italic
        # NO_COLOR: Textual's NoColor filter strips colours; attributes still differ.
        strip = view.render_line(0)
        mono = NoColor().apply(list(strip), None)
        attrs = {
            (bool(s.style.bold), bool(s.style.underline), bool(s.style.italic), bool(s.style.reverse))
            for s in mono
            if s.text.strip()
        }
        assert {
            (True, False, False, False),
            (False, True, True, False),
            (False, False, True, False),
            (False, False, False, False),
        } <= attrs
        assert not plain.bold and not plain.underline and not plain.italic
        # The claim marker sits in the margin of rows a claim touches.
        assert row_text(view, 0)[view._pad - 1] == "\u258c"
        assert row_text(view, 2)[view._pad - 1] == " "

    run(body, size=(60, 24))


def test_no_color_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def body(app, view, pilot):
        assert app.no_color
        gold_before = style_of(view, 0, 1)
        assert gold_before.reverse  # a gold span is solid without colour
        spoke = STORY.index("spoke")
        view.cursor = spoke
        view.toggle_selection()
        view.move_char(2)
        assert style_of(view, 0, spoke + 1).reverse  # selection visible without colour
        view.clear_selection()
        view.cursor = 0
        view.toggle_selection()
        view.move_char(2)
        assert not style_of(view, 0, 1).reverse  # ...and on a gold span, as its inverse

    run(body)


def test_nested_spans_both_visible() -> None:
    spans = [SpanMark(0, 18, "ORG", "gold"), SpanMark(6, 10, "PERSON", "gold"), SpanMark(11, 18, "GPE", "pred")]

    async def body(app, view, pilot):
        view.cursor = 30
        outer_only, inner = style_of(view, 0, 2), style_of(view, 0, 7)
        assert inner.bgcolor == Color.parse("#ff8800") and inner.underline  # inner bg + outer underline
        assert outer_only.bgcolor != inner.bgcolor and not outer_only.underline
        gold_and_pred = style_of(view, 0, 12)
        assert gold_and_pred.underline and gold_and_pred.bgcolor == outer_only.bgcolor

    run(body, spans=spans, labels={"PERSON": "#ff8800", "ORG": "#33aa33", "GPE": "#3366ff"})


# ------------------------------------------------------------------ repaint economy


def test_cursor_move_repaints_only_old_and_new_rows() -> None:
    async def body(app, view, pilot):
        counter = RenderCounter(view)
        view.refresh()
        await pilot.pause()
        assert len(counter.lines) >= view.scrollable_content_region.height
        counter.reset()
        view.move_line(1)
        await pilot.pause()
        assert sorted(counter.lines) == [0, 1] and sorted(counter.misses) == [0, 1]
        counter.reset()
        view.move_char(1)  # same row
        await pilot.pause()
        assert counter.lines == [1] and counter.misses == [1]
        counter.reset()
        view.move_word(5)
        await pilot.pause()
        assert len(counter.misses) <= 2
        # Scrolling repaints at most one screen, and only new rows are built.
        counter.reset()
        height = view.scrollable_content_region.height
        view.move_line(height)
        await pilot.pause()
        assert len(counter.lines) <= height
        assert len(counter.misses) <= height

    run(body, text=LONG, spans=[])


def test_update_spans_repaints_only_touched_rows() -> None:
    async def body(app, view, pilot):
        counter = RenderCounter(view)
        lay = view.text_layout
        row5 = lay.rows[5]
        counter.reset()
        view.update_spans([SpanMark(row5.start + 2, row5.start + 8, "PERSON", "gold")])
        await pilot.pause()
        assert counter.misses == [5] and counter.lines == [5]
        assert style_of(view, 5, row5.start + 3).bgcolor == Color.parse("#ff8800")
        counter.reset()
        view.update_spans([SpanMark(row5.start + 2, row5.start + 8, "PERSON", "gold")])  # no change
        await pilot.pause()
        assert counter.misses == []
        counter.reset()
        view.update_spans([])  # removal repaints the row it left
        await pilot.pause()
        assert counter.misses == [5]

    run(body, text=LONG, spans=[])


# ------------------------------------------------------------------ measure, resize, paging


def test_measure_is_capped_and_centred() -> None:
    async def body(app, view, pilot):
        width = view.scrollable_content_region.width
        assert view.text_layout.width == MEASURE
        assert view._pad == (width - MEASURE) // 2
        assert row_text(view, 0).startswith(" " * view._pad + "word0")

    run(body, size=(140, 24), text=LONG, spans=[])

    async def narrow(app, view, pilot):
        assert view.text_layout.width == view.scrollable_content_region.width - 2
        assert row_text(view, 0)[1:6] == "word0"

    run(narrow, size=(60, 24), text=LONG, spans=[])


def test_resize_rewraps_and_keeps_reading_position() -> None:
    async def body(app, view, pilot):
        view.scroll_to(y=40, animate=False)
        await pilot.pause()
        view.cursor = view.top_offset + 5 + 3 * 60  # a few rows down: no scroll needed
        await pilot.pause()
        top = view.top_offset
        cursor = view.cursor
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert view.text_layout.width == view.scrollable_content_region.width - 2
        first_row = view.text_layout.rows[view.scroll_offset.y]
        assert first_row.start <= top < first_row.end
        assert view.cursor == cursor

    run(body, text=LONG, spans=[])


def test_page_and_progress() -> None:
    async def body(app, view, pilot):
        height = view.scrollable_content_region.height
        assert view.progress == 0.0
        view.page(1)
        await pilot.pause()
        assert view.scroll_offset.y == height - 1
        assert view.text_layout.row_of(view.cursor) == height - 1
        assert 0 < view.progress < 1
        view.page(1)
        await pilot.pause()
        assert view.scroll_offset.y == 2 * (height - 1)
        view.end()
        await pilot.pause()
        assert view.progress == 1.0
        view.page(-1)
        view.home()
        await pilot.pause()
        assert view.progress == 0.0 and view.cursor == 0

    run(body, text=LONG, spans=[])


def test_progress_of_short_article_is_complete() -> None:
    async def body(app, view, pilot):
        assert view.progress == 1.0

    run(body)


def test_mouse_click_and_drag() -> None:
    async def body(app, view, pilot):
        pad = view._pad
        await pilot.click(ArticleView, offset=(pad + 7, 0))
        assert view.cursor == 7 and view.selection is None
        await pilot.mouse_down(ArticleView, offset=(pad + 0, 0))
        await pilot.hover(ArticleView, offset=(pad + 4, 0))
        await pilot.mouse_up(ArticleView, offset=(pad + 4, 0))
        assert view.selection == (0, 5)

    run(body)


def test_set_document_resets_state_and_works_before_mount() -> None:
    view = ArticleView("One. Two.", [SpanMark(0, 3, "X", "gold")])
    view.move_sentence(1)
    assert view.cursor == 5
    view.toggle_selection()
    view.set_document("Fresh text here.")
    assert view.cursor == 0 and view.selection is None and view.spans == ()


def test_set_document_restores_reading_position() -> None:
    async def body(app, view, pilot):
        view.set_document(LONG, [])
        top = view.text_layout.rows[100].start
        view.set_document(LONG, [], cursor=top + 30, top_offset=top)
        await pilot.pause()
        assert view.top_offset == top and view.cursor == top + 30
        assert app.moves[-1].offset == top + 30

    run(body, text=STORY)


def test_reading_position_given_before_mount() -> None:
    class Restoring(ViewApp):
        def compose(self):
            view = ArticleView(label_styles=LABELS)
            top = LONG.index("word900 ")
            view.set_document(LONG, [], cursor=top + 8, top_offset=top)
            yield view

    async def main() -> None:
        app = Restoring()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            view = app.view
            first = view.text_layout.rows[view.scroll_offset.y]
            assert first.start <= LONG.index("word900 ") < first.end
            assert view.cursor == LONG.index("word900 ") + 8

    asyncio.run(main())


def test_small_span_updates_index_incrementally_and_match_a_full_index():
    import random

    text = " ".join(f"Word{i} Panjshir Masood said." for i in range(400))
    words = [(m, m + len(w)) for m, w in ((text.index(f"Word{i} "), f"Word{i}") for i in range(400))]
    rng = random.Random(3)
    spans = [SpanMark(s, e, "PERSON", rng.choice(["gold", "pred"])) for s, e in words]

    async def body(app, view, pilot):
        current = list(spans)
        for _ in range(40):  # accept, reject, relabel: one or two spans change at a time
            k = rng.randrange(len(current))
            old = current[k]
            current[k] = SpanMark(old.start, old.end, rng.choice(["GPE", "PERSON"]), rng.choice(["gold", "pred"]))
            if rng.random() < 0.3:
                current.append(SpanMark(old.start, old.end + 9, "ORG", "claim"))
            view.update_spans(current)
        index = view._index
        incremental = ({row: sorted(b, key=repr) for row, b in index.rows.items() if b}, list(index.entity_starts))
        index.rebuild()
        full = ({row: sorted(b, key=repr) for row, b in index.rows.items() if b}, list(index.entity_starts))
        assert incremental == full

    run(body, spans=spans, text=text)


def test_no_color_tells_every_label_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: each configured label gets its own attributes on its solid (reversed) span."""
    monkeypatch.setenv("NO_COLOR", "1")
    labels = ["PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "DATE", "CARDINAL"]
    words = " ".join(f"w{i}xx" for i in range(len(labels)))
    spans = [SpanMark(i * 5, i * 5 + 4, label, "gold") for i, label in enumerate(labels)]

    async def body(app, view, pilot):
        view.set_label_styles({label: "#888888" for label in labels})
        view.set_document(words, spans, cursor=len(words) - 1)
        seen = set()
        for i in range(len(labels)):
            style = style_of(view, 0, i * 5 + 1)
            assert style.reverse
            seen.add((style.bold, style.underline, style.italic, style.strike))
        assert len(seen) == len(labels)

    run(body)
