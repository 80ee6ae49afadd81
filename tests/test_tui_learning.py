"""The Reader's header shows the learning loop's state (issue 29.2), at 80x24 with Pilot."""

from __future__ import annotations

from conftest import add_document
from tui_support import make_app, open_first, run_app

from annotations.learn.loop import trainer_lock
from annotations.store.learning import finish_round, start_round
from annotations.vocab import RoundState


def _header(reader) -> str:
    from textual.widgets import Static

    return str(reader.query_one("#reader-header", Static).content)


def test_the_header_says_what_the_learner_did_and_is_doing(store):
    add_document(store, "Ahmad Massoud spoke in Bazarak.", title="Massoud speaks", outlet="Wire")
    done = start_round(store, 1, "host", "alice", 10)
    finish_round(store, done, RoundState.USED, before_f1=0.81, after_f1=0.88, model="learn-1", used=1)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert _header(reader).splitlines()[2] == "learned from 10 documents: dev F1 0.81 -> 0.88"
        await pilot.press("q")
        start_round(store, 2, "host", "alice", 15)  # "running", but no trainer holds the lock
        reader = await open_first(pilot)
        assert "learning stopped before the end" in _header(reader)
        await pilot.press("q")
        with trainer_lock(store) as held:  # a trainer at work
            assert held
            reader = await open_first(pilot)
            assert _header(reader).splitlines()[2] == "learning from 15 documents…"

    run_app(app, body)


def test_no_line_before_the_first_round(store):
    add_document(store, "Ahmad Massoud spoke in Bazarak.", title="Massoud speaks", outlet="Wire")
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert len(_header(reader).splitlines()) == 2

    run_app(app, body)
