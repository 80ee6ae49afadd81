"""Held-out documents, marking a selection, gold imports that are done, and which gold and
labels count (issue 24: 1, 4, 8, 9), on real SQLite files; CLI runs are subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import add_document

from annotations.config import load_config
from annotations.learn.evaluate import evaluate
from annotations.learn.train.data import rehearsal_pool
from annotations.store import Store
from annotations.store.held_out import held_out_ids, split
from annotations.store.marking import mark
from annotations.team.layers import gold_sources
from annotations.vocab import REVIEW_ANNOTATOR, Status


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def _span(act, doc_id: int, text: str, form: str, label: str, annotator: str) -> None:
    start = text.index(form)
    act.insert(
        "spans",
        {
            "doc_id": doc_id,
            "start": start,
            "end": start + len(form),
            "label": label,
            "text": form,
            "annotator": annotator,
            "origin": "manual",
            "created_at": "2026-12-01T00:00:00",
        },
    )


def _statuses(store: Store) -> list[tuple]:
    return [tuple(r.values()) for r in store.query("SELECT * FROM doc_status ORDER BY id")]


def test_mark_over_a_selection_is_one_action_and_undo_restores_it(store):
    ids = [add_document(store, f"Report {i} from Kabul.") for i in range(4)]
    store.set_status(ids[0], "alice", Status.IN_PROGRESS)
    before_status, before_held = _statuses(store), held_out_ids(store)
    result = mark(store, ids[:3], "alice", status=Status.DONE, held_out=True)
    assert (result.selected, result.status_changed, result.held_out_changed) == (3, 3, 3)
    assert [store.status(i, "alice") for i in ids] == ["done", "done", "done", "todo"]
    assert held_out_ids(store) == set(ids[:3])
    assert store.undo("alice") is not None  # one undo takes back statuses and flags together
    assert _statuses(store) == before_status and held_out_ids(store) == before_held
    assert store.redo("alice") is not None
    assert held_out_ids(store) == set(ids[:3]) and store.status(ids[2], "alice") == "done"


def test_split_holds_out_a_seeded_share_of_gold_and_only_adds(store):
    ids = [add_document(store, f"Dispatch number {i} on the Panjshir valley.") for i in range(10)]
    mark(store, ids[:8], "alice", status=Status.DONE)
    first = split(store, 0.25, 3, "alice")
    assert (first.candidates, first.held_out, first.added) == (8, 2, 2)
    chosen = held_out_ids(store)
    assert chosen <= set(ids[:8])
    again = split(store, 0.25, 3, "alice")  # the same seed: nothing to add
    assert (again.held_out, again.added) == (2, 0) and held_out_ids(store) == chosen
    other = Store(store.path.parent / "copy.db")
    try:  # the same texts and seed in another database choose the same texts, whatever the ids
        for i in reversed(range(10)):
            add_document(other, f"Dispatch number {i} on the Panjshir valley.")
        mark(other, [d["id"] for d in other.query("SELECT id FROM documents")], "bob", status=Status.DONE)
        mark(
            other,
            [d["id"] for d in other.query("SELECT id FROM documents WHERE text LIKE '%8 on%'")],
            "bob",
            status=Status.TODO,
        )
        mark(
            other,
            [d["id"] for d in other.query("SELECT id FROM documents WHERE text LIKE '%9 on%'")],
            "bob",
            status=Status.TODO,
        )
        split(other, 0.25, 3, "bob")
        texts = {r["text"] for r in store.query("SELECT text FROM documents d JOIN held_out h ON h.doc_id = d.id")}
        texts_other = {
            r["text"] for r in other.query("SELECT text FROM documents d JOIN held_out h ON h.doc_id = d.id")
        }
        assert texts == texts_other
    finally:
        other.close()


def test_held_out_gold_and_rehearsal_pool(store):
    gold, held, assigned, free, aside = (add_document(store, f"Text {n} about Herat.") for n in "abcde")
    mark(store, [gold, held], "alice", status=Status.DONE)
    mark(store, [held, aside], "alice", held_out=True)
    with store.action("lead", "assign") as act:
        act.insert("assignments", {"doc_id": assigned, "annotator": "bob", "assigned_by": "lead", "created_at": "x"})
    assert gold_sources(store, held_out=False).pairs == [(gold, "alice")]
    assert gold_sources(store, held_out=True).pairs == [(held, "alice")]
    assert [r["id"] for r in rehearsal_pool(store)] == [free]  # not gold, not assigned, not held out


def test_the_reviewed_layer_wins_over_a_named_annotator_in_export_and_gold(store, tmp_path):
    from annotations.export import export

    text = "Ahmad Massoud spoke in Bazarak."
    d = add_document(store, text)
    with store.action("bob", "gold", doc_id=d) as act:
        _span(act, d, text, "Ahmad Massoud", "PERSON", "bob")
    with store.action(REVIEW_ANNOTATOR, "review", doc_id=d) as act:
        _span(act, d, text, "Bazarak", "GPE", REVIEW_ANNOTATOR)
    mark(store, [d], "bob", status=Status.DONE)
    store.set_status(d, REVIEW_ANNOTATOR, Status.REVIEWED)
    assert gold_sources(store, annotator="bob").pairs == [(d, REVIEW_ANNOTATOR)]
    export(store, "jsonl", tmp_path / "out.jsonl", annotator="bob")
    line = json.loads((tmp_path / "out.jsonl").read_text())
    assert line["annotator"] == REVIEW_ANNOTATOR and [s["text"] for s in line["spans"]] == ["Bazarak"]


def test_evaluate_scores_held_out_documents_and_only_the_gold_labels(store):
    config = load_config(None)
    texts = ["Mariam Sadat reached Kabul on Tuesday.", "Omar Haidari left Doha on Sunday."]
    ids = [add_document(store, t) for t in texts]
    for doc_id, text, name in zip(ids, texts, ["Mariam Sadat", "Omar Haidari"]):
        with store.action("alice", "gold", doc_id=doc_id) as act:
            _span(act, doc_id, text, name, "PERSON", "alice")
    mark(store, ids, "alice", status=Status.DONE)
    preds = []
    for doc_id, text, name, day in zip(ids, texts, ["Mariam Sadat", "Omar Haidari"], ["Tuesday", "Sunday"]):
        preds.append(
            (
                doc_id,
                [
                    {"start": text.index(name), "end": text.index(name) + len(name), "label": "PERSON"},
                    {"start": text.index(day), "end": text.index(day) + len(day), "label": "DATE"},
                ],
            )
        )
    store.save_predictions("entities", "test-1", preds)
    ner = evaluate(store, config, extractor="ner")["ner"]
    assert ner["f"] == 1.0 and ner["labels"] == ["PERSON"] and ner["docs"] == 2  # DATE not held against it
    assert any("predictions of other labels left out: DATE 2" in n for n in ner["notes"])
    assert any("no document is held out" in n for n in ner["notes"])
    mark(store, ids[1:], "alice", held_out=True)
    ner = evaluate(store, config, extractor="ner")["ner"]
    assert ner["docs"] == 1 and any("scored on the 1 held-out document(s)" in n for n in ner["notes"])
    assert evaluate(store, config, extractor="ner", scope="all")["ner"]["docs"] == 2


def test_agree_scores_only_labels_two_annotators_use(store):
    from annotations.team.agreement import agreement

    text = "Mariam Sadat reached Kabul on Tuesday."
    d = add_document(store, text)
    for who in ("alice", "bob"):
        with store.action(who, "gold", doc_id=d) as act:
            _span(act, d, text, "Mariam Sadat", "PERSON", who)
            if who == "bob":
                _span(act, d, text, "Tuesday", "DATE", who)
        mark(store, [d], who, status=Status.DONE)
    report = agreement(store)
    assert report["labels"] == ["PERSON"] and report["labels_left_out"] == {"DATE": ["bob"]}
    assert report["entities"]["overall"]["strict"]["f"] == 1.0
    assert agreement(store, labels=["PERSON", "DATE"])["entities"]["overall"]["strict"]["f"] < 1.0


def test_cli_import_status_done_mark_split_list_stats(tmp_path):
    db = str(tmp_path / "n.db")
    conll = tmp_path / "eng.train"  # no CoNLL suffix: detected by its content
    conll.write_text(
        "-DOCSTART- -X- -X- O\n\nMariam NNP B-NP B-PER\nSadat NNP I-NP I-PER\nreached VBD B-VP O\n"
        "Kabul NNP B-NP B-LOC\n. . O O\n\n-DOCSTART- -X- -X- O\n\nOmar NNP B-NP B-PER\nleft VBD B-VP O\n"
        "Doha NNP B-NP B-LOC\n. . O O\n"
    )
    proc = cli(
        "import", str(conll), "--new-labels", "--status", "done", "--annotator", "gold", "--db", db, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 document(s) marked done for gold" in proc.stdout
    odd = tmp_path / "notes.train"
    odd.write_text("just some prose\nwith lines\n")
    bad = cli("import", str(odd), "--db", db, cwd=tmp_path)
    assert bad.returncode == 2 and "--format conll" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    done = cli("list", "--status", "done", "--annotator", "gold", "--db", db, cwd=tmp_path).stdout.splitlines()
    assert len(done) == 2
    assert (
        cli("mark", "--status", "todo", "--ids", "1-2", "--annotator", "gold", "--db", db, cwd=tmp_path).returncode == 0
    )
    again = cli(
        "import", str(conll), "--new-labels", "--status", "done", "--annotator", "gold", "--db", db, cwd=tmp_path
    )
    assert "2 document(s) marked done for gold" in again.stdout  # a re-import with --status marks them
    out = json.loads(cli("split", "--test", "0.5", "--json", "--db", db, cwd=tmp_path).stdout)
    assert out["held_out"] == 1 and out["candidates"] == 2
    stats = json.loads(cli("stats", "--json", "--db", db, cwd=tmp_path).stdout)
    assert stats["held_out"] == 1 and stats["reviewed"] == 0
    store = Store(db)
    store.set_status(1, REVIEW_ANNOTATOR, Status.REVIEWED)
    store.close()
    reviewed = cli("list", "--status", "reviewed", "--db", db, cwd=tmp_path).stdout.splitlines()
    assert [line.split("\t")[:2] for line in reviewed] == [["1", "reviewed"]]
    assert json.loads(cli("stats", "--json", "--db", db, cwd=tmp_path).stdout)["reviewed"] == 1
    nothing = cli("mark", "--status", "done", "--db", db, cwd=tmp_path)
    assert nothing.returncode == 2 and "--ids, --search, --status-from or --all" in nothing.stderr


def test_a_review_edit_keeps_proposed_by_when_it_equals_a_version(store):
    from annotations.reading.commands import put_spans

    text = "Ahmad Massoud spoke in Bazarak."
    d = add_document(store, text)
    for who in ("alice", "bob"):
        with store.action(who, "gold", doc_id=d) as act:
            _span(act, d, text, "Ahmad Massoud", "PERSON", who)
        mark(store, [d], who, status=Status.DONE)
    put = put_spans(store, d, REVIEW_ANNOTATOR, [(0, 13, "PERSON")], gold=[], name="label PERSON")
    row = store.query("SELECT proposed_by FROM spans WHERE id = ?", (put.ids[0],))[0]
    assert json.loads(row["proposed_by"]) == ["alice", "bob"]
    gold = store.spans(d, REVIEW_ANNOTATOR)
    put_spans(store, d, REVIEW_ANNOTATOR, [(0, 13, "ORG")], gold=gold, name="label ORG")  # no version says ORG
    assert store.query("SELECT proposed_by FROM spans WHERE id = ?", (put.ids[0],))[0]["proposed_by"] is None
    store.undo(REVIEW_ANNOTATOR)
    row = store.query("SELECT label, proposed_by FROM spans WHERE id = ?", (put.ids[0],))[0]
    assert row["label"] == "PERSON" and json.loads(row["proposed_by"]) == ["alice", "bob"]


def test_v4_migration_keeps_a_v3_database_and_adds_held_out(tmp_path, monkeypatch):
    import annotations.store.schema as schema

    path = tmp_path / "v3.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:3])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    with Store(path) as old:
        doc = add_document(old, "The spokesman said the talks had failed.")
        old.set_status(doc, "ana", "done")
    monkeypatch.undo()
    with Store(path) as store:
        assert store.schema_version >= 4 and store.status(doc, "ana") == "done"
        mark(store, [doc], "ana", held_out=True)
        assert held_out_ids(store) == {doc}
        assert store.query("SELECT count(*) AS n FROM learn_rounds")[0]["n"] == 0
