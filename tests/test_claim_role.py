"""A claim keeps its speaker's role (issue 25): the schema's v7 column, every write that makes a
claim (the form's values, import, merge, review, undo/redo), the display and the native export.
Real SQLite files throughout; the CLI round-trip runs as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document

import annotations.store.schema as schema
from annotations.reading import claims as claim_actions
from annotations.reading.claim_editor import ClaimTarget, claim_defaults
from annotations.store import Store
from annotations.team import review
from annotations.team.merge import merge_database
from annotations.vocab import REVIEW_ANNOTATOR

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Meteorologist Siri Nygaard said the storm would reach Bergen by Friday."
HARCOURT = "A spokeswoman for Harcourt said the plant would stay open."


def claim_row(store: Store, claim_id: int) -> dict:
    return store.query("SELECT * FROM claims WHERE id = ?", (claim_id,))[0]


# ------------------------------------------------------------------ schema


def test_v7_migration_keeps_a_v6_databases_claims_and_their_undo(tmp_path, monkeypatch):
    path = tmp_path / "v6.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:6])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 6)
    with Store(path) as old:
        doc = add_document(old, TEXT)
        claim = claim_actions.add_claim(old, doc, 0, len(TEXT), "ana", type="statement", speaker="Siri Nygaard")
        claim_actions.update_claim(old, claim, "ana", stance="reported")
        assert "role" not in claim_row(old, claim)
    monkeypatch.undo()
    with Store(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION >= 7
        row = claim_row(store, claim)
        assert (row["speaker"], row["stance"], row["role"]) == ("Siri Nygaard", "reported", None)
        # the events logged before the column existed still undo and redo (role read as NULL)
        store.undo("ana")
        assert claim_row(store, claim)["stance"] is None
        store.undo("ana")
        assert store.query("SELECT count(*) AS n FROM claims")[0]["n"] == 0
        store.redo("ana")
        assert claim_row(store, claim)["role"] is None and claim_row(store, claim)["speaker"] == "Siri Nygaard"
        # and the old claim takes a role like a new one
        claim_actions.update_claim(store, claim, "ana", role="Meteorologist")
        assert claim_row(store, claim)["role"] == "Meteorologist"


def test_an_old_event_does_not_undo_over_a_role_set_since(tmp_path, monkeypatch):
    """Reading a missing column as NULL must not hide a change: a role written after the
    migration is a drift that undo of the older event refuses, as for any other column."""
    path = tmp_path / "v6.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:6])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 6)
    with Store(path) as old:
        doc = add_document(old, TEXT)
        claim = claim_actions.add_claim(old, doc, 0, len(TEXT), "ana", speaker="Siri Nygaard")
    monkeypatch.undo()
    with Store(path) as store:
        store.conn.execute("UPDATE claims SET role = 'Meteorologist' WHERE id = ?", (claim,))
        store.conn.commit()
        with pytest.raises(Exception, match="changed since"):
            store.undo("ana")
        assert claim_row(store, claim)["role"] == "Meteorologist"


# ------------------------------------------------------------------ writes and undo


def test_role_is_written_edited_deleted_and_undone_exactly(store):
    doc = add_document(store, TEXT)
    claim = claim_actions.add_claim(
        store, doc, 0, len(TEXT), "ana", type="statement", speaker="Siri Nygaard", role="Meteorologist"
    )
    tagged = claim_row(store, claim)
    assert tagged["role"] == "Meteorologist"
    claim_actions.update_claim(store, claim, "ana", role="chief meteorologist")
    edited = claim_row(store, claim)
    assert edited["role"] == "chief meteorologist"
    store.undo("ana")
    assert claim_row(store, claim) == tagged
    store.redo("ana")
    assert claim_row(store, claim) == edited
    claim_actions.delete_claim(store, claim, "ana")
    assert store.query("SELECT * FROM claims") == []
    store.undo("ana")
    assert claim_row(store, claim) == edited


def test_the_form_starts_from_the_suggestions_role_or_the_claims_own():
    pred = {
        "start": 0,
        "end": len(TEXT),
        "type": "statement",
        "speaker": "Siri Nygaard",
        "role": "Meteorologist",
        "cue": "said",
        "stance": "asserted",
    }
    assert claim_defaults(ClaimTarget(0, len(TEXT), pred=pred), [], [])["role"] == "Meteorologist"
    tagged = {**pred, "id": 1, "role": "forecaster", "checkworthy": 0, "note": None}
    assert claim_defaults(ClaimTarget(0, len(TEXT), existing=tagged), [], [])["role"] == "forecaster"
    assert claim_defaults(ClaimTarget(0, len(TEXT), pred={**pred, "role": None}), [], [])["role"] is None


def test_speaker_and_role_reads_as_one_plain_line():
    show = claim_actions.speaker_and_role
    assert show({"speaker": "Siri Nygaard", "role": "Meteorologist"}) == "Siri Nygaard (Meteorologist)"
    assert show({"speaker": "Harcourt", "role": "spokeswoman"}) == "Harcourt (spokeswoman)"
    assert show({"speaker": "Siri Nygaard", "role": None}) == "Siri Nygaard"
    assert show({"speaker": None, "role": "a spokeswoman"}) == "(a spokeswoman)"
    assert show({"speaker": "the company spokesman", "role": "Spokesman"}) == "the company spokesman"
    assert show({"speaker": None, "role": None}) == ""
    assert show({"speaker": "Siri\x1b[2J Nygaard", "role": "Meteoro\nlogist\x07"}) == "Siri[2J Nygaard (Meteoro logist)"


def test_review_keeps_the_role_of_the_version_it_takes(store):
    doc = add_document(store, HARCOURT)
    claim_actions.add_claim(store, doc, 0, len(HARCOURT), "ana", speaker="Harcourt", role="spokeswoman")
    claim_actions.add_claim(store, doc, 0, len(HARCOURT), "ben", speaker="A spokeswoman for Harcourt")
    (cs,) = [c for c in review.conflict_sets(store, doc) if c.kind == "claim"]
    review.take(store, "rita", doc, cs, "ana")
    (taken,) = claim_actions.claims(store, doc, REVIEW_ANNOTATOR)
    assert (taken["speaker"], taken["role"]) == ("Harcourt", "spokeswoman")


# ------------------------------------------------------------------ merge


def test_merge_carries_a_role_and_a_later_role_edit_wins(tmp_path):
    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    try:
        for s in (a, b):
            add_document(s, TEXT)
            add_document(s, HARCOURT)
        claim_actions.add_claim(b, 2, 0, len(HARCOURT), "bob", speaker="Harcourt", role="spokeswoman")
        mine = claim_actions.add_claim(a, 1, 0, len(TEXT), "ana", speaker="Siri Nygaard")
        theirs = claim_actions.add_claim(b, 1, 0, len(TEXT), "ana", speaker="Siri Nygaard")
        b.conn.execute("UPDATE claims SET created_at = '2999-01-01T00:00:00+00:00' WHERE id = ?", (theirs,))
        b.conn.commit()
        claim_actions.update_claim(b, theirs, "ana", role="Meteorologist")
        report = merge_database(a, b.path, "ana")
        assert claim_actions.claims(a, 2, "bob")[0]["role"] == "spokeswoman"
        assert claim_row(a, mine)["role"] == "Meteorologist"
        assert any("differs in role" in c for c in report.conflicts)
        assert merge_database(a, b.path, "ana").changed == 0
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------ export and import, as a person runs them


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"} | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def native(role) -> dict:
    return {
        "id": "n1",
        "text": TEXT,
        "meta": {"title": "Storm"},
        "status": "done",
        "annotator": "ana",
        "spans": [],
        "claims": [
            {
                "start": 0,
                "end": len(TEXT),
                "type": "statement",
                "speaker": "Siri Nygaard",
                "role": role,
                "cue": "said",
                "stance": "asserted",
                "group": None,
            },
            {"start": 0, "end": 26, "type": "statement", "speaker": "Nygaard", "cue": None, "stance": None},
        ],
        "entities": [],
    }


def test_jsonl_export_and_import_round_trip_the_role(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(native("Meteorologist")) + "\n", encoding="utf-8")
    assert cli("import", str(src), "--db", "one.db", cwd=tmp_path).returncode == 0
    out = cli("export", "--format", "jsonl", "--status", "all", "--out", "first.jsonl", "--db", "one.db", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    first = (tmp_path / "first.jsonl").read_text(encoding="utf-8")
    claims = json.loads(first)["claims"]
    assert [(c["speaker"], c["role"]) for c in claims] == [("Nygaard", None), ("Siri Nygaard", "Meteorologist")]
    assert cli("import", "first.jsonl", "--db", "two.db", cwd=tmp_path).returncode == 0
    again = cli("export", "--format", "jsonl", "--status", "all", "--out", "-", "--db", "two.db", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == first


def test_a_role_that_is_not_text_is_refused_naming_the_line_and_key(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text(json.dumps(native(["Meteorologist"])) + "\n", encoding="utf-8")
    run = cli("import", "bad.jsonl", "--db", "n.db", cwd=tmp_path)
    assert run.returncode == 2
    line = run.stderr.strip().splitlines()[0]  # then the summary: nothing from the file imported
    assert line.startswith("bad.jsonl:1: claim 1 role must be a string or null")
    if (tmp_path / "n.db").exists():
        with Store(tmp_path / "n.db") as store:
            assert store.query("SELECT count(*) AS n FROM documents")[0]["n"] == 0


# ------------------------------------------------------------------ evaluate


def test_evaluate_scores_the_role_over_gold_claims_that_have_one(store):
    from rich.console import Console

    from annotations.config import load_config
    from annotations.learn.evaluate import evaluate, format_tables

    text = f"{TEXT} {HARCOURT} Ferries were cancelled, the harbour master said."
    doc = add_document(store, text)
    spans = [(text.index(s), text.index(s) + len(s)) for s in (TEXT, HARCOURT, "Ferries were cancelled")]
    gold = [("Siri Nygaard", "Meteorologist"), ("Harcourt", "spokeswoman"), ("the harbour master", None)]
    for (start, end), (speaker, role) in zip(spans, gold):
        claim_actions.add_claim(store, doc, start, end, "ana", type="statement", speaker=speaker, role=role)
    store.set_status(doc, "ana", "done")
    predicted = ["meteorologist", "a spokesman", "harbour master"]  # right (case aside), wrong, not counted
    store.save_predictions(
        "claims",
        "baseline-role+test",
        [
            (
                doc,
                [
                    {"start": s, "end": e, "type": "statement", "speaker": g[0], "role": r}
                    for (s, e), g, r in zip(spans, gold, predicted)
                ],
            )
        ],
    )
    claims = evaluate(store, load_config(), extractor="claims")["claims"]
    assert (claims["role_accuracy"], claims["role_pairs"]) == (0.5, 2)
    out = Console(width=300, record=True)
    out.print(format_tables({"claims": claims}))
    assert "speaker's role 0.500 over 2 with one" in out.export_text()
