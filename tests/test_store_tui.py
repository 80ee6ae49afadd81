"""Store methods added for the TUI (section "added for the TUI" in annotations/store.py)."""

from __future__ import annotations

from conftest import add_document

from annotations.store import Store


def test_progress_counts_one_annotators_statuses(store: Store):
    ids = [add_document(store, f"Text number {i}.") for i in range(5)]
    assert store.progress("alice") == {"todo": 5, "in progress": 0, "done": 0, "skipped": 0, "reviewed": 0, "total": 5}
    store.set_status(ids[0], "alice", "done")
    store.set_status(ids[1], "alice", "skipped")
    store.add_span(ids[2], 0, 4, "ORG", "alice")  # moves it to in progress
    store.set_status(ids[3], "bob", "done")
    assert store.progress("alice") == {"todo": 2, "in progress": 1, "done": 1, "skipped": 1, "reviewed": 0, "total": 5}
    assert store.progress("bob") == {"todo": 4, "in progress": 0, "done": 1, "skipped": 0, "reviewed": 0, "total": 5}
    assert store.progress("nobody")["todo"] == 5


def test_progress_of_an_empty_database(store: Store):
    assert store.progress("alice") == {"todo": 0, "in progress": 0, "done": 0, "skipped": 0, "reviewed": 0, "total": 0}


def test_span_at_finds_exact_offsets_for_this_annotator_only(store: Store):
    doc = add_document(store, "Ahmad Massoud spoke in Panjshir.")
    span = store.add_span(doc, 0, 13, "PERSON", "alice")
    store.add_span(doc, 23, 31, "GPE", "bob")
    assert store.span_at(doc, "alice", 0, 13)["id"] == span
    assert store.span_at(doc, "alice", 0, 5) is None
    assert store.span_at(doc, "alice", 23, 31) is None
    assert store.span_at(doc, "bob", 23, 31)["label"] == "GPE"
