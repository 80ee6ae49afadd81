"""The store against a real SQLite file: schema, pragmas, refusal of foreign files, undo/redo."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import add_document

from annotations.errors import StoreError
from annotations.store import Store
from annotations.store.schema import SCHEMA_VERSION

TEXT = "Ahmad Massoud spoke in Panjshir. The Taliban said 600 fighters died."


def test_new_database_has_pragmas_and_schema(tmp_path):
    path = tmp_path / "new.db"
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA foreign_keys") == 1
        assert store.scalar("PRAGMA busy_timeout") >= 1000
        tables = set(store.db.table_names())
    assert {
        "documents",
        "documents_fts",
        "spans",
        "predictions",
        "entities",
        "judgements",
        "claims",
        "doc_status",
        "events",
        "action_groups",
    } <= tables


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "a.db"
    with Store(path) as store:
        add_document(store, TEXT)
    with Store(path) as store:
        assert store.count_documents() == 1


def test_v2_rebuilds_the_search_index_of_a_v1_database(tmp_path, monkeypatch):
    import annotations.store.schema as schema

    path = tmp_path / "v1.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 1)
    with Store(path) as store:
        doc = add_document(store, "Fighting in the Panshir valley, the front's spokesman said.")
    monkeypatch.undo()
    with Store(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        sql = store.scalar("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'")
        assert "detail=column" in sql
        assert store.document_ids(query="panshir spokes") == [doc]
        store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")


def test_migrates_forward_from_an_older_version(tmp_path, monkeypatch):
    import annotations.store.schema as schema

    path = tmp_path / "old.db"
    with Store(path) as store:
        add_document(store, TEXT)
    calls = []

    new = SCHEMA_VERSION + 1

    def add_language(db):
        db.conn.execute("ALTER TABLE documents ADD COLUMN language TEXT")
        calls.append(new)

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_language])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", new)

    with Store(path) as store:
        assert calls == [new]
        assert store.schema_version == new
        assert "language" in store.db["documents"].columns_dict
        assert store.count_documents() == 1


def test_refuses_a_file_that_is_not_sqlite_and_leaves_it_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a newsmark database"):
        Store(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_refuses_another_applications_sqlite_file(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a newsmark database"):
        Store(path)
    assert path.read_bytes() == before


def test_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "future.db"
    with Store(path) as store:
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer than this newsmark"):
        Store(path)
    assert path.read_bytes() == before


def test_span_actions_are_logged_and_undo_redo_across_restarts(tmp_path):
    path = tmp_path / "u.db"
    with Store(path) as store:
        doc = add_document(store, TEXT)
        span = store.add_span(doc, 0, 13, "PERSON", "alice")
        assert store.spans(doc, "alice")[0]["text"] == "Ahmad Massoud"
        assert store.status(doc, "alice") == "in progress"
        store.relabel_span(span, "ORG", "alice")
    with Store(path) as store:  # a new process would see the same log
        assert store.undo("alice")["name"] == "relabel ORG"
        assert store.spans(doc, "alice")[0]["label"] == "PERSON"
        store.undo("alice")
        assert store.spans(doc, "alice") == []
        assert store.status(doc, "alice") == "todo"
    with Store(path) as store:
        store.redo("alice")
        assert store.spans(doc, "alice")[0]["label"] == "PERSON"
        store.redo("alice")
        assert store.spans(doc, "alice")[0]["label"] == "ORG"
        assert store.redo("alice") is None


def test_a_new_action_clears_redo(store):
    doc = add_document(store, TEXT)
    store.add_span(doc, 0, 13, "PERSON", "alice")
    store.undo("alice")
    store.add_span(doc, 23, 31, "GPE", "alice")
    assert store.redo("alice") is None
    assert [s["text"] for s in store.spans(doc, "alice")] == ["Panjshir"]


def test_annotators_have_their_own_spans_and_undo(store):
    doc = add_document(store, TEXT)
    store.add_span(doc, 0, 13, "PERSON", "alice")
    store.add_span(doc, 23, 31, "GPE", "bob")
    store.undo("bob")
    assert len(store.spans(doc, "alice")) == 1
    assert store.spans(doc, "bob") == []


def test_undo_refuses_when_the_row_changed_since(store):
    doc = add_document(store, TEXT)
    span = store.add_span(doc, 0, 13, "PERSON", "alice")
    store.relabel_span(span, "ORG", "bob")  # someone else changed it
    with pytest.raises(StoreError, match="changed since"):
        store.undo("alice")
    assert store.spans(doc, "alice")[0]["label"] == "ORG"


def test_event_log_is_append_only(store):
    doc = add_document(store, TEXT)
    store.add_span(doc, 0, 13, "PERSON", "alice")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM events")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE events SET after = NULL")


def test_span_outside_text_is_refused_and_nothing_written(store):
    doc = add_document(store, TEXT)
    with pytest.raises(StoreError, match="outside the text"):
        store.add_span(doc, 60, 500, "PERSON", "alice")
    assert store.scalar("SELECT count(*) FROM events") == 0
    assert store.scalar("SELECT count(*) FROM action_groups") == 0


def test_committed_span_is_visible_to_another_connection_at_once(tmp_path):
    path = tmp_path / "shared.db"
    with Store(path) as a, Store(path) as b:
        doc = add_document(a, TEXT)
        a.add_span(doc, 0, 13, "PERSON", "alice")
        assert b.spans(doc, "alice")[0]["label"] == "PERSON"
        b.add_span(doc, 23, 31, "GPE", "bob")
        assert a.spans(doc, "bob")[0]["text"] == "Panjshir"


def test_predictions_kept_apart_and_latest_version_wins(store):
    doc = add_document(store, TEXT)
    store.save_predictions("entities", "m-1", [(doc, [{"start": 0, "end": 13, "label": "PERSON", "text": "x"}])])
    assert store.docs_lacking_predictions("entities", "m-1") == []
    assert store.docs_lacking_predictions("entities", "m-2") == [doc]
    store.save_predictions("entities", "m-2", [(doc, [])])
    assert store.spans(doc, "alice") == []
    assert store.predictions(doc, "entities") == []  # the newest run (m-2) found nothing
    store.save_predictions("entities", "m-1", [(doc, [{"start": 0, "end": 5, "label": "PERSON"}])])
    assert [(p["version"], p["end"]) for p in store.predictions(doc)] == [("m-1", 5)]


def test_search_splits_words_as_the_index_does(store):
    add_document(store, "Talks in Doha stalled.")
    c = add_document(store, "An al-Qa'ida cell in Panjshir, said Mas\u0301ud's aide.")
    # hyphens and apostrophes split words; case and diacritics are ignored; words are prefixes
    assert store.document_ids(query="al-qa panjsh") == [c]
    assert store.document_ids(query="AL QA IDA") == [c]
    assert store.document_ids(query="Mas\u00fad") == [c]
    assert store.document_ids(query="qa-ida doha") == []


def test_search_and_status_filters(store):
    a = add_document(store, "Masood visited Bazarak on Monday.")
    b = add_document(store, "Talks in Doha stalled.")
    assert store.document_ids(query="bazarak") == [a]
    assert store.document_ids(query='doha "') == [b]  # stray quote is not an FTS syntax error
    store.set_status(b, "alice", "done")
    assert store.document_ids(status="done", annotator="alice") == [b]
    assert store.document_ids(status="todo", annotator="alice") == [a]
    assert store.stats()["done"] == 1


def _fts_integrity(store: Store) -> None:
    store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")


def test_import_leaves_search_indexing_to_index_pending_and_search_does_it_first(tmp_path):
    from annotations.corpus.ingest import import_paths

    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"text": f"Report {i} from the Panjshir valley."}) + "\n" for i in range(25)),
        encoding="utf-8",
    )
    with Store(tmp_path / "s.db") as store:
        import_paths(store, [str(src)], "alice")
        assert store.pending_index() == 25
        assert len(store.document_ids(query="panjshir")) == 25  # the search indexed them first
        assert store.pending_index() == 0
        import_paths(store, [str(tmp_path / "in.jsonl")], "alice")  # all duplicates
        doc = add_document(store, "A late story about Bazarak.")
        assert store.pending_index() == 1
        assert store.document_ids(query="bazarak") == [doc]
        _fts_integrity(store)


def test_index_pending_works_in_batches_and_stops_between_them(store):
    for i in range(5):
        add_document(store, f"Story number {i} about Kabul.")
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2

    assert store.index_pending(batch=2, should_stop=stop) == 4  # two batches, then asked to stop
    assert store.pending_index() == 1
    assert store.index_pending(batch=2) == 1
    assert store.index_pending() == 0
    _fts_integrity(store)


def test_two_processes_indexing_at_once_index_each_document_once(tmp_path):
    import threading

    path = tmp_path / "shared.db"
    with Store(path) as store:
        for i in range(300):
            add_document(store, f"Dispatch {i} on the talks in Doha.")
    stores = [Store(path), Store(path)]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda s=s: counts.append(s.index_pending(batch=7))) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 300
    assert len(stores[0].document_ids(query="doha dispatch")) == 300
    _fts_integrity(stores[0])
    for s in stores:
        s.close()


def test_v3_keeps_statuses_and_accepts_reviewed(tmp_path, monkeypatch):
    import annotations.store.schema as schema

    path = tmp_path / "v2.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    with Store(path) as store:
        doc = add_document(store, "The spokesman said the talks had failed.")
        store.set_status(doc, "ana", "done")
    monkeypatch.undo()
    with Store(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.status(doc, "ana") == "done"
        store.set_status(doc, "review", "reviewed")
        assert store.status(doc, "review") == "reviewed"
        assert store.query("SELECT count(*) AS n FROM models")[0]["n"] == 0


def test_an_action_is_one_undoable_group(tmp_path):
    with Store(tmp_path / "a.db") as store:
        doc = add_document(store, "Ahmad Massoud spoke in Bazarak.")
        with store.action("ana", "two spans", doc_id=doc) as act:
            a = act.insert(
                "spans",
                {
                    "doc_id": doc,
                    "start": 0,
                    "end": 13,
                    "label": "PERSON",
                    "text": "Ahmad Massoud",
                    "annotator": "ana",
                    "origin": "manual",
                    "created_at": "t",
                },
            )
            act.insert(
                "spans",
                {
                    "doc_id": doc,
                    "start": 23,
                    "end": 30,
                    "label": "GPE",
                    "text": "Bazarak",
                    "annotator": "ana",
                    "origin": "manual",
                    "created_at": "t",
                },
            )
            act.update("spans", a, {"label": "ORG"})
        assert [s["label"] for s in store.spans(doc, "ana")] == ["ORG", "GPE"]
        store.undo("ana")
        assert store.spans(doc, "ana") == []
        store.redo("ana")
        assert [s["label"] for s in store.spans(doc, "ana")] == ["ORG", "GPE"]
        try:
            with store.action("ana", "fails", doc_id=doc) as act:
                act.delete("spans", a)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert len(store.spans(doc, "ana")) == 2


# Each process waits for its round's go-file, then creates the round's database and writes a
# document: the processes are started once, the rounds collide on a brand-new file each time.
_CREATOR = """
import os, sys, time
from annotations.store import Store
from conftest import add_document
base, rounds, me = sys.argv[1], int(sys.argv[2]), sys.argv[3]
open(os.path.join(base, f"ready-{me}"), "w").close()
for r in range(rounds):
    go = os.path.join(base, f"go{r}")
    deadline = time.monotonic() + 20
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.001)
    with Store(os.path.join(base, f"new{r}.db")) as store:
        add_document(store, f"Dispatch {me} of round {r} from Kabul.")
    open(os.path.join(base, f"done{r}-{me}"), "w").close()
"""


def test_processes_creating_one_new_database_at_once_never_fail(tmp_path):
    """Issue 22: four writers on a new database failed about one run in two with 'table
    documents already exists' (two processes ran the migrations at once)."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    workers, rounds = 4, 5
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CREATOR, str(tmp_path), str(rounds), str(i)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(workers)
    ]
    deadline = time.monotonic() + 20  # every process has imported the store before round one
    while len(list(tmp_path.glob("ready-*"))) < workers and time.monotonic() < deadline:
        time.sleep(0.01)
    for r in range(rounds):
        (tmp_path / f"go{r}").touch()
        deadline = time.monotonic() + 20
        while len(list(tmp_path.glob(f"done{r}-*"))) < workers and time.monotonic() < deadline:
            if any(p.poll() not in (None, 0) for p in procs):
                break
            time.sleep(0.005)
    errors = [p.communicate(timeout=30)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * workers, errors
    for r in range(rounds):
        with Store(tmp_path / f"new{r}.db") as store:
            assert store.schema_version == SCHEMA_VERSION
            assert store.scalar("SELECT count(*) FROM documents") == workers
