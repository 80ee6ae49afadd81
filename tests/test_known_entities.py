"""Known entities: `newsmark entities import / export` as a subprocess on real files, and what
the linker, the gazetteer and the Entities screen make of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import add_document

from annotations.entities import actions as ea
from annotations.entities.known import KnownEntity, import_known
from annotations.entities.queue import suggest_for_store
from annotations.store import Store

KNOWN = [
    {
        "name": "Ahmad Shah Massoud",
        "label": "PERSON",
        "external_id": "Q4695925",
        "aliases": ["Ahmad Shah Masood", "Massoud"],
    },
    {"name": "Panjshir", "label": "GPE", "kb_id": "Q185301"},
]


def newsmark(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_import_jsonl_and_csv_then_export_round_trips(tmp_path):
    (tmp_path / "kb.jsonl").write_text("".join(json.dumps(e) + "\n" for e in KNOWN), encoding="utf-8")
    (tmp_path / "kb.csv").write_text(
        "name,label,external_id,aliases\nMohamed Hamdan Dagalo,PERSON,Q61917166,Hemedti|Hemeti\n", encoding="utf-8"
    )
    db = str(tmp_path / "k.db")
    proc = newsmark("entities", "import", "kb.jsonl", "--db", db, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2 created" in proc.stdout
    assert newsmark("entities", "import", "kb.csv", "--db", db, cwd=tmp_path).returncode == 0
    again = newsmark("entities", "import", "kb.jsonl", "--db", db, cwd=tmp_path)  # same ids: nothing to change
    assert "0 created, 0 updated, 2 unchanged" in again.stdout
    out = newsmark("entities", "export", "--db", db, cwd=tmp_path)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["name"], r["external_id"]) for r in rows] == [
        ("Ahmad Shah Massoud", "Q4695925"),
        ("Panjshir", "Q185301"),
        ("Mohamed Hamdan Dagalo", "Q61917166"),
    ]
    assert rows[2]["aliases"] == ["Hemedti", "Hemeti"]
    assert newsmark("entities", "export", "--db", db, "--out", "back.csv", cwd=tmp_path).returncode == 0
    text = (tmp_path / "back.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "name,label,external_id,aliases" and "Hemedti|Hemeti" in text
    fresh = str(tmp_path / "fresh.db")  # what export writes, import reads back
    assert newsmark("entities", "import", "back.csv", "--db", fresh, cwd=tmp_path).returncode == 0
    with Store(fresh) as store:
        assert store.scalar("SELECT count(*) FROM entities") == 3


def test_a_bad_row_names_file_and_line_and_imports_nothing(tmp_path):
    db = str(tmp_path / "k.db")
    cases = {
        "a.jsonl": (
            '{"name": "Massoud", "label": "PERSON"}\n{"name": "", "label": "PERSON"}\n',
            "a.jsonl:2: name must be a non-empty string",
        ),
        "b.jsonl": ('{"name": "Massoud", "label": "PERSON"}\nnot json\n', "b.jsonl:2: not JSON"),
        "c.csv": ("name,label\nMassoud,PERSON\nPanjshir,\x1b[31mGPE\n", "c.csv:3: label must be"),
        "d.jsonl": (
            '{"name": "A", "label": "PERSON", "external_id": "Q1"}\n'
            '{"name": "B", "label": "PERSON", "external_id": "Q1"}\n',
            "d.jsonl:2: external id Q1",
        ),
        "e.jsonl": ('{"name": "A", "label": "PERSON", "aliase": ["B"]}\n', "e.jsonl:1: unknown key 'aliase'"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        proc = newsmark("entities", "import", name, "--db", db, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr
        assert "\x1b" not in proc.stderr  # text from the file is data, never an escape sequence
    assert not Path(db).exists() or Store(db).scalar("SELECT count(*) FROM entities") == 0
    assert newsmark("entities", "--db", db, cwd=tmp_path).returncode == 2


def test_the_linker_proposes_corpus_spellings_against_known_names(store):
    import_known(
        store,
        [
            KnownEntity("Ahmad Shah Massoud", "PERSON", "Q4695925", ("Ahmad Shah Masood",)),
            KnownEntity("Ahmad Shah Masud", "PERSON", "Q999"),
        ],
        "alice",
    )
    d1 = add_document(store, "Ahmed Shah Massoud led the resistance in the valley.")
    span = store.add_span(d1, 0, 18, "PERSON", "alice")
    pairs = {frozenset((p.a, p.b)) for p in suggest_for_store(store).pairs}
    assert frozenset(("Ahmed Shah Massoud", "Ahmad Shah Massoud")) in pairs
    # two known entities are two things: never a pair on their own
    assert frozenset(("Ahmad Shah Massoud", "Ahmad Shah Masud")) not in pairs
    done = ea.judge_pair(store, "Ahmad Shah Massoud", "Ahmed Shah Massoud", "PERSON", "same", "alice")
    assert done.entity == "Ahmad Shah Massoud" and not done.created
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (span,)) == done.entity_id
    assert store.undo("alice")["name"] == "judge same"
    store.undo("alice")  # the span
    assert store.undo("alice")["name"].startswith("import entities")  # the import is one action too
    assert store.scalar("SELECT count(*) FROM entities") == 0


def test_the_gazetteer_keeps_known_entities_whatever_is_excluded(store):
    from annotations.extract.gazetteer import entries_excluding
    from annotations.store.entities import confirmed_entries

    import_known(store, [KnownEntity("Panjshir", "GPE", "Q185301", ("Panshir",))], "alice")
    kept = entries_excluding(confirmed_entries(store), {1, 2})
    assert [(e.name, e.aliases) for e in kept] == [("Panjshir", ("Panshir",))]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def entity_rows(db: str) -> list[tuple]:
    with Store(db) as store:
        return [
            (r["name"], r["label"], r["external_id"])
            for r in store.query("SELECT name, label, external_id FROM entities ORDER BY id")
        ]


def test_a_label_outside_the_config_is_refused_unless_new_labels(tmp_path):
    db = str(tmp_path / "k.db")
    config = tmp_path / "config.yaml"
    config.write_text("labels:\n  - {name: PERSON}\n  - {name: GPE}\n", encoding="utf-8")
    write_jsonl(tmp_path / "kb.jsonl", [KNOWN[0], {"name": "AK-47", "label": "WEAPON"}])
    proc = newsmark("entities", "import", "kb.jsonl", "--db", db, "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "kb.jsonl:2: label 'WEAPON' is not in the config (GPE, PERSON)" in lines[0]
    assert not Path(db).exists() or entity_rows(db) == []
    proc = newsmark("entities", "import", "kb.jsonl", "--db", db, "--config", str(config), "--new-labels", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert ("AK-47", "WEAPON", None) in entity_rows(db)


def test_corrected_label_name_and_external_id_are_updates_with_a_diff(tmp_path):
    db = str(tmp_path / "k.db")
    first = [
        {"name": "Panjshir", "label": "GPE", "external_id": "Q185301"},
        {"name": "Ahmad Shah Masood", "label": "PERSON", "external_id": "Q4695925"},
        {"name": "Bazarak", "label": "GPE", "external_id": "Q1"},
    ]
    assert (
        newsmark(
            "entities", "import", write_jsonl(tmp_path / "a.jsonl", first).name, "--db", db, cwd=tmp_path
        ).returncode
        == 0
    )
    fixed = [
        {"name": "Panjshir", "label": "LOC", "external_id": "Q185301"},  # label corrected
        {"name": "Ahmad Shah Massoud", "label": "PERSON", "external_id": "Q4695925"},  # name corrected
        {"name": "Bazarak", "label": "GPE", "external_id": "Q2082614"},  # id corrected
    ]
    proc = newsmark("entities", "import", write_jsonl(tmp_path / "b.jsonl", fixed).name, "--db", db, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "0 created, 3 updated, 0 unchanged" in proc.stdout
    assert "  updated Panjshir: label GPE -> LOC" in proc.stdout
    assert "  updated Ahmad Shah Masood: name Ahmad Shah Masood -> Ahmad Shah Massoud" in proc.stdout
    assert "  updated Bazarak: external id Q1 -> Q2082614" in proc.stdout
    assert entity_rows(db) == [(r["name"], r["label"], r["external_id"]) for r in fixed]  # no duplicate
    again = newsmark("entities", "import", "b.jsonl", "--db", db, cwd=tmp_path)
    assert "0 created, 0 updated, 3 unchanged" in again.stdout and "  updated" not in again.stdout


def test_two_entities_of_one_name_and_label_in_one_file_stay_two(tmp_path):
    db = str(tmp_path / "k.db")
    write_jsonl(tmp_path / "one.jsonl", [{"name": "Mohammed Khan", "label": "PERSON", "external_id": "Q11"}])
    assert newsmark("entities", "import", "one.jsonl", "--db", db, cwd=tmp_path).returncode == 0
    rows = [
        {"name": "Mohammed Khan", "label": "PERSON", "external_id": "Q11"},
        {"name": "Mohammed Khan", "label": "PERSON", "external_id": "Q22"},  # another man: the file names both
    ]
    proc = newsmark("entities", "import", write_jsonl(tmp_path / "two.jsonl", rows).name, "--db", db, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 created, 0 updated, 1 unchanged" in proc.stdout
    assert sorted(e[2] for e in entity_rows(db)) == ["Q11", "Q22"]
    write_jsonl(tmp_path / "bad.jsonl", [rows[0], {"name": "Mohammed Khan", "label": "PERSON"}])
    proc = newsmark("entities", "import", "bad.jsonl", "--db", db, cwd=tmp_path)  # which one? refused
    assert proc.returncode == 2 and "bad.jsonl:2: Mohammed Khan (PERSON) is already on line 1" in proc.stderr


def test_an_import_is_still_one_undoable_action_after_updates(store):
    import_known(store, [KnownEntity("Panjshir", "GPE", "Q185301", ("Panshir",))], "alice")
    import_known(store, [KnownEntity("Panjshir", "LOC", "Q185301", ("Panjsher",))], "alice")
    assert store.scalar("SELECT label FROM entities") == "LOC"
    assert store.undo("alice")["name"].startswith("import entities")
    assert store.scalar("SELECT label FROM entities") == "GPE"
    assert [r["form"] for r in store.query("SELECT form FROM aliases")] == ["Panshir"]


def test_a_long_import_commits_in_batches_yet_undoes_as_one_action(store, monkeypatch):
    import annotations.entities.known as known

    monkeypatch.setattr(known, "BATCH", 2)
    commits = []
    store.conn.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    rows = [KnownEntity(f"Entity {i}", "PERSON", f"Q{i}", (f"E{i}",)) for i in range(5)]
    result = import_known(store, rows, "alice", source="kb.jsonl")
    store.conn.set_trace_callback(None)
    assert result.created == 5 and len(commits) == 3  # other writers get in between batches
    assert store.scalar("SELECT count(*) FROM action_groups") == 1
    assert store.scalar("SELECT count(*) FROM aliases") == 5
    assert store.undo("alice")["name"] == "import entities from kb.jsonl"
    assert store.scalar("SELECT count(*) FROM entities") == 0 and store.scalar("SELECT count(*) FROM aliases") == 0
