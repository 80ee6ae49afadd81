"""Snapshot tests (pytest-textual-snapshot) of the Library, Reader and Help at 80x24.

Fixed data (the sample corpus, hand-made suggestions, a fixed annotator), so the
pictures are deterministic.  Regenerate after a deliberate change with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from conftest import add_document
from tui_support import ANNOTATOR, before, load_sample, make_app, predict, settle, typed_search, wait_library

from annotations.store import Store

SIZE = (80, 24)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "snap.db")
    ids = load_sample(s)
    predict(s, ids)
    s.set_status(ids[1], ANNOTATOR, "done")
    s.set_status(ids[4], ANNOTATOR, "skipped")
    s.add_span(ids[2], 0, 9, "GPE", ANNOTATOR)
    yield s
    s.close()


def test_library(snap_compare, store):
    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=before("down", "down"))


def test_library_search(snap_compare, store):
    async def run_before(pilot) -> None:
        await wait_library(pilot)
        await typed_search(pilot, "massoud")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_reader(snap_compare, store):
    # Open the first article, accept the first suggestion, go two entities on and select two words.
    keys = ("enter", "right_square_bracket", "a", "right_square_bracket", "right_square_bracket", "v", "w", "w")
    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=before(*keys))


def test_reader_side_panel(snap_compare, store):
    keys = ("enter", "right_square_bracket", "a", "tab")
    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=before(*keys))


def test_reader_no_color(snap_compare, store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    keys = ("enter", "right_square_bracket", "a", "right_square_bracket", "v", "w")
    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=before(*keys))


def test_help(snap_compare, store):
    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=before("enter", "question_mark"))


def test_reader_long_feedback(snap_compare, tmp_path):
    """Long untrusted entity text in the feedback (issue 29, seen in tmux): the feedback
    shortens; the key hint and the counts on the right stay whole."""
    s = Store(tmp_path / "long.db")
    name = "Northern [bold]Resistance[/bold] Front of the Panjshir Valley and the Andarab Districts"
    text = f"The {name} said it held the valley.\n\nLater the {name} denied it, and the {name} spoke again."
    doc = add_document(s, text, title="Long names")
    found = [{"start": i, "end": i + len(name), "label": "ORG"} for i in range(len(text)) if text.startswith(name, i)]
    s.save_predictions("entities", "t1", [(doc, found)])
    keys = ("enter", "right_curly_bracket", "less_than_sign")  # an edge key on the first: its likes follow
    assert snap_compare(make_app(s), terminal_size=SIZE, run_before=before(*keys))
    s.close()
