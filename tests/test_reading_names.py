"""Name runs under the cursor: the fast lookups (runs around the cursor, spans near each run)
give what cutting every run by every span gives, on generated texts and spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.reading import names
from annotations.reading.names import free_runs, name_at, name_runs

WORDS = ["Kabul", "the", "Ahmad", "Massoud", "said", "Panjshir", "Valley", "on", "Monday.", "He", '"We', "fighters"]


def everything_cut(text: str, spans: list[dict]) -> list[tuple[int, int]]:
    """The reference: every run cut by every span."""
    return [piece for a, b in name_runs(text) for piece in names._pieces(text, a, b, spans)]


@st.composite
def texts_and_spans(draw):
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40)))
    bounds = st.integers(0, len(text))
    spans = []
    for a, b in draw(st.lists(st.tuples(bounds, bounds), max_size=8)):
        if a < b:
            spans.append({"start": a, "end": b})
    return text, spans, draw(bounds)


@settings(max_examples=300, deadline=None)
@given(texts_and_spans())
def test_the_fast_lookups_agree_with_cutting_every_run(case):
    text, spans, cursor = case
    reference = everything_cut(text, spans)
    assert free_runs(text, spans) == reference
    expected = next(((a, b) for a, b in reference if a <= cursor < b), None)
    assert name_at(text, cursor, spans) == expected


def test_a_name_beside_a_span_is_its_own_piece():
    text = "Kyrgyz Emergency Minister Bakytbek Sadyrkulov said"
    span = {"start": text.index("Bakytbek"), "end": text.index(" said")}
    assert name_at(text, 0, [span]) == (0, text.index(" Bakytbek"))
    assert name_at(text, text.index("Sadyrkulov"), [span]) is None
