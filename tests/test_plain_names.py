"""Names and speakers people keep are plain lines: a page's control characters stay in its text
(and in the alias that quotes it), never in a canonical name or a claim's speaker."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from annotations.extract.normalize import name_from_form, plain_line


@given(st.text())
def test_a_plain_line_has_no_control_or_format_character_and_is_stable(value):
    line = plain_line(value)
    assert all(c == "\u200c" or not unicodedata.category(c).startswith("C") for c in line)
    assert "\n" not in line and line == line.strip() and plain_line(line) == line


def test_names_drop_a_lower_case_article_and_escape_codes_but_keep_capitals_and_zwnj():
    assert name_from_form("the Norwegian  Maritime\nAuthority") == "Norwegian Maritime Authority"
    assert name_from_form("The Hague") == "The Hague"
    assert name_from_form("\x1b[31mZed Karlsen\x1b[0m") == "[31mZed Karlsen[0m"
    assert name_from_form("\u202eMassoud") == "Massoud"
    assert name_from_form("مهدی\u200cزاده") == "مهدی\u200cزاده"
