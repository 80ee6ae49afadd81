"""Tests for annotations.reading.layout: sanitising, wrapping, offset <-> cell maps, motions.

Property tests (hypothesis) pin the invariants the reader widget relies on:
offsets survive sanitising, rows tile the text, widths agree with rich (and so
with Textual's compositor), and no input crashes the layout.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size

from annotations.reading import layout as L
from annotations.reading.layout import (
    layout,
    next_sentence,
    next_word,
    prev_sentence,
    prev_word,
    sanitize,
    sentence_span,
    sentence_starts,
    word_end,
)

ALLOWED_FORMAT = {"\u200c", "\u200e", "\u200f", "\u061c"}  # ZWNJ, LRM, RLM, ALM

# Characters that stress the layout: wide, zero-width, RTL, controls, separators.
TRICKY = list(
    "ab Z.,!?\"'\n\n  \t\r\x1b\x00\x07\x7f\x85\x9b\u00a0\u00ad\u0301\u0308\u05d0\u0627\u0628"
    "\u200b\u200c\u200d\u200e\u202e\u2066\u2028\u2029\u3000\u4e2d\u6587\ufe0f\ufeff"
    "\U0001f600\U0001f468\U0001f3fd\U0001f1fa\U0001f1f8\U000e0041\ud800"
)
tricky_text = st.text(
    alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=())),
    max_size=300,
)
widths = st.integers(min_value=1, max_value=40)


def is_unsafe(char: str) -> bool:
    """What must never reach the terminal (besides the newline)."""
    category = unicodedata.category(char)
    if char == "\n":
        return False
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return True
    return category == "Cf" and char not in ALLOWED_FORMAT


# ------------------------------------------------------------------ sanitize


@given(tricky_text)
def test_sanitize_keeps_length_and_removes_controls(text: str) -> None:
    clean = sanitize(text)
    assert len(clean) == len(text)
    assert not any(is_unsafe(c) for c in clean)
    assert "\x1b" not in clean and "\u200d" not in clean and "\ufe0f" not in clean
    assert sanitize(clean) == clean  # idempotent


@given(
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp", "Mn", "Me", "Mc")), max_size=200)
)
def test_sanitize_leaves_ordinary_text_alone(text: str) -> None:
    # Zero-width characters (skin-tone modifiers, Hangul medials) only change at a
    # paragraph start, where they would have no base: that case is tested above.
    assume(all(get_character_cell_size(line[0]) for line in text.split("\n") if line))
    assert sanitize(text) == text


def test_sanitize_placeholders() -> None:
    assert sanitize("a\x1b[31mb") == "a\u241b[31mb"
    assert sanitize("\x00\x07\x7f\x9b") == "\u2400\u2407\u2421\ufffd"
    assert sanitize("a\tb") == "a b"
    assert sanitize("a\r\nb\rc") == "a \nb\nc"
    assert sanitize("x\u202ey\u2066z") == "x\ufffdy\ufffdz"
    assert sanitize("[bold]x[/bold]") == "[bold]x[/bold]"
    assert sanitize("\u0301a\n\u0301b") == "\u25cca\n\u25ccb"  # lone marks get a base
    assert sanitize("Mas\u200bsoud") == "Mas soud"


def test_suspect_class_covers_every_unsafe_code_point() -> None:
    """The hand-written regex class must match every Cc/Cf/Cs/Zl/Zp character."""
    missing = [
        hex(code) for code in range(sys.maxunicode + 1) if is_unsafe(chr(code)) and not L.SUSPECT.match(chr(code))
    ]
    assert missing == []


# ------------------------------------------------------------------ layout properties


def check_layout(text: str, width: int) -> None:
    lay = layout(text, width)
    clean = lay.text
    w = lay.width
    rows = lay.rows
    assert w >= L.MIN_WIDTH and clean == sanitize(text)
    # Rows tile the text exactly once, in order.
    assert rows[0].start == 0 and rows[-1].end == len(clean)
    for before, after in zip(rows, rows[1:]):
        assert before.end == after.start
    for row in rows:
        assert row.start <= row.text_end <= row.end
        assert "\n" not in clean[row.start : row.text_end]
        if row.has_newline:
            assert row.end == row.text_end + 1 and clean[row.text_end] == "\n"
        # Widths: drawn content fits, and agrees with rich's own measurement.
        assert 0 <= row.cells <= w
        assert row.natural == cell_len(clean[row.start : row.text_end])
        graphemes = lay.positions(rows.index(row))
        words = [col + cells for start, _e, col, cells in graphemes if clean[start] not in L.BREAKING_SPACES]
        assert row.cells == (max(words) if words else 0)
        for start, _end, col, cells in graphemes:
            assert cells >= 1  # every grapheme has a visible cell
            assert cell_len(clean[row.start : start]) == col
        # What the widget draws: the graphemes that fit, never more than the width.
        r = rows.index(row)
        stop, drawn = lay.drawn_extent(r)
        assert drawn == cell_len(clean[row.start : stop]) <= w
        assert [g[0] for g in graphemes if g[2] + g[3] <= w] == [g[0] for g in graphemes if g[0] < stop]
        for offset in range(row.start, row.text_end + 1):
            up = lay.ceil_position(r, offset)
            assert up >= offset and (up == row.text_end or any(g[0] == up for g in graphemes))
    # Every offset maps to a row and a cell, and back to the same place.
    for offset in range(len(clean) + 1):
        r = lay.row_of(offset)
        row = rows[r]
        assert row.start <= offset < row.end or (offset == len(clean) and r == len(rows) - 1)
        cell = lay.cell_of(offset)
        assert 0 <= cell <= w
        if offset < len(clean):  # len(text) is an end, not a cursor position
            back = lay.offset_at(r, cell)
            assert lay.row_of(back) == r and lay.cell_of(back) == cell
    # Positions: stepping visits every grapheme start and newline once, in order.
    seen = [0]
    while seen[-1] != lay.last_position:
        nxt = lay.next_position(seen[-1])
        assert nxt > seen[-1]
        assert lay.prev_position(nxt) == seen[-1]
        seen.append(nxt)
    for r, _row in enumerate(rows):
        for start, _end, col, _cells in lay.positions(r):
            assert start in seen
            assert lay.snap(start) == start
            if col < w:  # unique cell: exact round trip
                assert lay.offset_at(r, col) == start
                assert lay.cell_of(start) == col


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(tricky_text, widths)
def test_layout_invariants(text: str, width: int) -> None:
    check_layout(text, width)


@settings(max_examples=100)
@given(
    st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=30), max_size=40).map(" ".join),
    widths,
)
def test_layout_invariants_plain_words(text: str, width: int) -> None:
    check_layout(text, width)
    lay = layout(text, width)
    # Words are only split when longer than the width.
    for row in lay.rows[:-1]:
        nxt = lay.rows[lay.rows.index(row) + 1]
        if row.end < len(text) and text[row.end - 1] != " " and text[row.end] != " ":
            word_len = len(text[row.start : row.end].split(" ")[-1]) + len(text[row.end :].split(" ")[0])
            assert word_len > lay.width or row.start == nxt.start


@settings(max_examples=200)
@given(tricky_text, st.integers(min_value=0, max_value=320))
def test_motions_never_crash_and_move_monotonically(text: str, offset: int) -> None:
    clean = sanitize(text)
    offset = min(offset, len(clean))
    n, p = next_word(clean, offset), prev_word(clean, offset)
    assert (n > offset or n == len(clean)) and (p < offset or p == 0)
    e = word_end(clean, offset)
    assert 0 <= e <= max(0, len(clean) - 1)
    ns, ps = next_sentence(clean, offset), prev_sentence(clean, offset)
    assert ns > offset or ns == len(clean)
    assert ps < offset or ps == 0
    starts = sentence_starts(clean)
    assert starts == sorted(set(starts))
    # The windowed scanners agree with the full list.
    later = [s for s in starts if s > offset]
    assert ns == (later[0] if later else len(clean))
    earlier = [s for s in starts if s < offset]
    assert ps == (earlier[-1] if earlier else 0)


# ------------------------------------------------------------------ layout examples


def test_wrap_at_word_boundaries_with_hanging_space() -> None:
    lay = layout("Hello world, this is a test.\n\nNext", 12)
    texts = [lay.text[r.start : r.end] for r in lay.rows]
    assert texts == ["Hello world, ", "this is a ", "test.\n", "\n", "Next"]
    assert [r.cells for r in lay.rows] == [12, 9, 5, 0, 4]
    assert lay.cell_of(12) == 12  # the hanging space sits just right of the text
    assert lay.offset_at(0, 40) == 12


def test_hard_break_long_word() -> None:
    lay = layout("abcdefghij xy", 4)
    assert [lay.text[r.start : r.end] for r in lay.rows] == ["abcd", "efgh", "ij ", "xy"]


def test_wide_and_combining_characters() -> None:
    text = "中文 e\u0301t\u00e9 \U0001f600!"
    lay = layout(text, 40)
    assert lay.cell_of(0) == 0 and lay.cell_of(1) == 2 and lay.cell_of(2) == 4
    assert lay.cell_of(3) == 5 and lay.cell_of(4) == 5  # the mark rides on its base
    assert lay.cell_of(5) == 6
    emoji = text.index("\U0001f600")
    assert lay.cell_of(emoji + 1) == lay.cell_of(emoji) + 2
    assert lay.offset_at(0, 1) == 0  # right half of a wide char
    assert lay.next_position(3) == 5  # one step crosses the whole grapheme
    # A wide character never straddles the wrap width.
    lay = layout("ab中", 3)
    assert [lay.text[r.start : r.end] for r in lay.rows] == ["ab", "中"]


def test_rtl_text_keeps_logical_order() -> None:
    text = "قال أحمد شاه مسعود"
    lay = layout(text, 10)
    joined = "".join(lay.text[r.start : r.end] for r in lay.rows)
    assert joined == text
    assert [lay.cell_of(i) for i in range(3)] == [0, 1, 2]


def test_width_is_clamped_so_wide_chars_fit() -> None:
    lay = layout("中中", 1)
    assert lay.width == 2 and all(r.cells <= 2 for r in lay.rows)


def test_empty_text() -> None:
    lay = layout("", 10)
    assert len(lay.rows) == 1 and lay.row_of(0) == 0 and lay.cell_of(0) == 0
    assert lay.last_position == 0 and lay.offset_at(0, 5) == 0


# ------------------------------------------------------------------ words and sentences


def test_words() -> None:
    text = "Ahmad Shah Massoud's forces, al-Qaeda and cafe\u0301 owners."
    assert next_word(text, 0) == 6
    assert next_word(text, 2) == 6
    assert prev_word(text, 8) == 6
    assert prev_word(text, 6) == 0
    assert word_end(text, 0) == 4
    assert word_end(text, 4) == text.index("Shah") + 3
    assert text[word_end(text, 11) - 6 : word_end(text, 11) + 1] == "Massoud"
    q = text.index("al-Qaeda")
    assert word_end(text, q) == q + len("al-Qaeda") - 1
    cafe = text.index("cafe")
    assert word_end(text, cafe) == cafe + 4  # the combining mark belongs to the word
    assert next_word(text, len(text) - 2) == len(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He left. She stayed.", ["He left. ", "She stayed."]),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones. ", "They talked."]),
        ("U.S. officials said it. The U.S. Army agreed.", ["U.S. officials said it. ", "The U.S. Army agreed."]),
        ("He moved to the U.S. The talks failed.", ["He moved to the U.S. ", "The talks failed."]),
        ('"I will stay," he said. "Never." Then he left.', ['"I will stay," he said. ', '"Never." ', "Then he left."]),
        ("Ahmad S. Massoud spoke at 5 p.m. on Tuesday.", ["Ahmad S. Massoud spoke at 5 p.m. on Tuesday."]),
        ("Is it true? Yes! It is... Maybe.", ["Is it true? ", "Yes! ", "It is... ", "Maybe."]),
        ("The rate was 3.5 percent. No. 5 won.", ["The rate was 3.5 percent. ", "No. 5 won."]),
        ("Title line\nBody starts here. Ends.", ["Title line\n", "Body starts here. ", "Ends."]),
        ("他说。我们走吧！好", ["他说。", "我们走吧！", "好"]),
    ],
)
def test_sentence_starts(text: str, expected: list[str]) -> None:
    starts = sentence_starts(text) + [len(text)]
    assert [text[a:b] for a, b in zip(starts, starts[1:])] == expected


def test_sentence_motions() -> None:
    text = "  First one. Second one.\n\nThird."
    second, third = text.index("Second"), text.index("Third")
    assert next_sentence(text, 0) == 2
    assert next_sentence(text, 2) == second
    assert next_sentence(text, second) == third
    assert next_sentence(text, third) == len(text)
    assert prev_sentence(text, third) == second
    assert prev_sentence(text, third + 2) == third
    assert prev_sentence(text, 2) == 0
    assert sentence_span(text, second + 3) == (second, second + len("Second one."))


def test_layout_module_does_not_import_textual() -> None:
    import subprocess

    code = "import sys, annotations.reading.layout as m; m.layout('x y', 5); m.next_word('a b', 0); assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- span index


def test_span_index_buckets_rows_and_reports_changes():
    from annotations.reading.session import Mark
    from annotations.reading.span_index import SpanIndex

    text = "Ahmad Massoud spoke in Panjshir on Monday. The Taliban said the valley had fallen."
    lay = layout(text, 20)
    massoud, panjshir = Mark(0, 13, "PERSON", "pred"), Mark(23, 31, "GPE", "pred")
    claim = Mark(43, 82, "statement", "claim")
    index = SpanIndex(lay, [massoud, panjshir, claim])
    assert index.entity_starts == [0, 23]  # claims are not entity starts
    assert index.at(5) == [massoud] and index.at(50, kinds=("claim",)) == [claim]
    assert all(claim in index.in_row(r) for r in index.rows_of(claim)) and len(index.rows_of(claim)) > 1
    assert index.next_entity(0, 1) == 23 and index.next_entity(23, 1) == 23 and index.next_entity(23, -1) == 0
    gold = Mark(0, 13, "PERSON", "gold")
    assert index.update([gold, panjshir, claim]) == {massoud, gold}
    assert index.at(5) == [gold]
    incremental = {r: sorted(b) for r, b in index.rows.items() if b}
    index.rebuild(layout(text, 20))
    assert {r: sorted(b) for r, b in index.rows.items() if b} == incremental


def test_span_index_takes_the_changes_it_is_told_as_a_rebuild_would_index_them():
    from annotations.reading.session import Mark
    from annotations.reading.span_index import SpanIndex

    text = "Ahmad Massoud spoke in Panjshir on Monday. The Taliban said the valley had fallen."
    lay = layout(text, 20)
    massoud, panjshir, taliban = Mark(0, 13, "PERSON", "pred"), Mark(23, 31, "GPE", "pred"), Mark(47, 54, "ORG", "pred")
    index = SpanIndex(lay, [massoud, panjshir, taliban])
    gold = Mark(0, 13, "PERSON", "gold")
    assert index.change([massoud, Mark(60, 66, "X", "pred")], [gold]) == {massoud, gold}  # the unknown one: ignored
    assert index.change([panjshir], []) == {panjshir}
    assert index.entity_starts == [0, 47] and index.next_entity(0, 1) == 47
    assert index.change([], [panjshir]) == {panjshir} and index.entity_starts == [0, 23, 47]
    kept = ({r: sorted(b) for r, b in index.rows.items() if b}, list(index.entity_starts), set(index.spans))
    index.rebuild()
    assert ({r: sorted(b) for r, b in index.rows.items() if b}, index.entity_starts, index.spans) == kept


# --------------------------------------------------------------------------- cursor model


def test_caret_selection_rules_and_motion_targets():
    from annotations.reading.cursor import Caret, sentence_index, sentence_target, word_target

    text = "Ahmad Massoud spoke in Panjshir. The Taliban said the valley had fallen."
    lay = layout(text, 30)
    caret = Caret()
    caret.move(word_target(text, 0, 1, False))
    assert caret.offset == 6 and caret.selection(lay) is None
    caret.anchor, caret.sticky = 6, True  # v
    caret.move(word_target(text, 6, 1, True))  # while selecting: to the word's last character
    assert caret.selection(lay) == (6, 13)
    caret.reset(0)
    caret.move(5, extend=True)  # shift+motion: a selection that a plain motion ends
    assert caret.selection(lay) == (0, 6)
    caret.move(7)
    assert caret.selection(lay) is None
    index = sentence_index(text)
    assert sentence_target(index, 0, 1, False, len(text) - 1) == text.index("The")
    assert sentence_target(index, 0, 1, True, len(text) - 1) == text.index(".")
    assert sentence_target(index, text.index("said"), -1, False, len(text) - 1) == text.index("The")
