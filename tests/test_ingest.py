"""Import into a real SQLite file: imported annotations, dedupe, whole-file rejection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.corpus.ingest import import_paths
from annotations.errors import ImportFailed

FIX = Path(__file__).parent / "fixtures" / "import"


def test_native_jsonl_brings_spans_entities_claims_and_status(store):
    report = import_paths(store, [str(FIX / "native.jsonl")], "importer")
    assert report.imported == 2
    line = json.loads((FIX / "native.jsonl").read_text().splitlines()[0])
    doc_id = 1  # the first line
    spans = store.spans(doc_id, line["annotator"])
    assert [(s["start"], s["end"], s["label"]) for s in spans] == sorted(
        (s["start"], s["end"], s["label"]) for s in line["spans"]
    )
    assert all(s["origin"] == "imported" for s in spans)
    assert store.status(doc_id, line["annotator"]) == line["status"]
    names = {r["name"] for r in store.query("SELECT name FROM entities")}
    assert {e["name"] for e in line["entities"]} <= names
    linked = [s for s in spans if s["entity_id"] is not None]
    assert len(linked) == sum(1 for s in line["spans"] if s.get("entity"))
    doc = store.document(doc_id)
    assert doc["title"] == line["meta"]["title"] and doc["outlet"] == line["meta"]["outlet"]
    assert doc["text"] == line["text"]  # stored exactly


def test_prodigy_and_doccano_spans_become_imported_annotations(store):
    import_paths(store, [str(FIX / "prodigy.jsonl"), str(FIX / "doccano.jsonl")], "alice")
    spans = store.query("SELECT text, label, origin, annotator FROM spans")
    assert spans and all(s["origin"] == "imported" and s["annotator"] == "alice" for s in spans)
    assert any(s["text"] == "Ahmad Massoud" for s in spans)
    for s in store.query(
        'SELECT d.text AS doc, s.start, s."end", s.text FROM spans s JOIN documents d ON d.id = s.doc_id'
    ):
        assert s["doc"][s["start"] : s["end"]] == s["text"]  # offsets index the stored text


def test_bad_file_rejected_whole_good_file_kept(store, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Quiet day in Kabul\n\nNothing happened.\n")
    with pytest.raises(ImportFailed) as err:
        import_paths(store, [str(FIX / "bad_truncated.jsonl"), str(good)], "alice")
    assert any(p.startswith(f"{FIX / 'bad_truncated.jsonl'}:") for p in err.value.problems)
    assert err.value.report.imported == 1
    assert store.count_documents() == 1
    assert store.document_ids(query="Kabul")  # the kept file is searchable


def test_duplicates_within_and_across_runs(store, tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Same story\n\nWord for word.\n")
    b.write_text("Same story\r\n\r\nWord for word.\r\n")  # only line endings differ
    first = import_paths(store, [str(a), str(b)], "alice")
    assert (first.imported, first.duplicates) == (1, 1)
    second = import_paths(store, [str(a)], "alice")
    assert (second.imported, second.duplicates) == (0, 1)


def test_import_is_logged_as_one_bulk_entry(store):
    import_paths(store, [str(FIX / "plain.jsonl")], "alice")
    groups = store.query("SELECT name, kind FROM action_groups")
    assert groups == [{"name": "import", "kind": "bulk"}]
    assert store.undo("alice") is None  # imports are not undone keystroke by keystroke
