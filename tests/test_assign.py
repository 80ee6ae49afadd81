"""Assignment: balanced overlap, re-runs add only what is missing, --status and --search select,
the CLI, and the Library listing your assigned documents first (and filtering to them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from itertools import combinations

import pytest
from team_support import add_document
from tui_support import load_sample, make_app, run_app, settle

from annotations.errors import UserInputError
from annotations.store import Store
from annotations.team.assign import assign, assigned_ids


@pytest.fixture
def corpus(tmp_path):
    store = Store(tmp_path / "assign.db")
    ids = load_sample(store)
    yield store, ids
    store.close()


def test_each_document_gets_overlap_annotators_balanced(corpus):
    store, ids = corpus
    report = assign(store, "lead", ["alice", "bob", "carol"], 2)
    assert (report.documents, report.added) == (10, 20)
    rows = store.query("SELECT doc_id, annotator, assigned_by FROM assignments")
    per_doc = Counter(r["doc_id"] for r in rows)
    assert set(per_doc.values()) == {2} and set(per_doc) == set(ids)
    load = Counter(r["annotator"] for r in rows)
    assert max(load.values()) - min(load.values()) <= 1 and sum(load.values()) == 20
    by_doc: dict[int, set[str]] = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], set()).add(r["annotator"])
    for pair in combinations(["alice", "bob", "carol"], 2):  # every pair shares documents
        assert any(set(pair) == names for names in by_doc.values())
    assert {r["assigned_by"] for r in rows} == {"lead"}
    again = assign(store, "lead", ["alice", "bob", "carol"], 2)
    assert again.added == 0 and store.scalar("SELECT count(*) FROM assignments") == 20
    # raising the overlap tops up every document to three
    assert assign(store, "lead", ["alice", "bob", "carol"], 3).added == 10


def test_status_and_search_select_documents(corpus):
    store, ids = corpus
    store.set_status(ids[0], "alice", "done")
    report = assign(store, "lead", ["alice", "bob"], 1, status="todo", search="Panjshir")
    chosen = {r["doc_id"] for r in store.query("SELECT doc_id FROM assignments")}
    assert ids[0] not in chosen and chosen and report.documents == len(chosen)
    for doc_id in chosen:
        assert "panjshir" in store.document(doc_id)["text"].lower()
    with pytest.raises(UserInputError, match="--overlap"):
        assign(store, "lead", ["alice", "bob"], 3)


def test_cli(tmp_path):
    store = Store(tmp_path / "c.db")
    for i in range(6):
        add_document(store, f"Dispatch {i}: fighting was reported near Bazarak on day {i} of the offensive.")
    store.close()
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "tui.cli", "assign", *args, "--db", str(tmp_path / "c.db")],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    proc = run("--annotators", "alice,bob,carol", "--overlap", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "documents": 6,
        "added": 12,
        "load": {"alice": 4, "bob": 4, "carol": 4},
        "gold_checks": {"alice": 0, "bob": 0, "carol": 0},
    }
    bad = run("--annotators", "alice", "--overlap", "2")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "--overlap" in bad.stderr


def test_library_lists_assigned_documents_first_and_filters_to_them(corpus):
    store, ids = corpus
    with store.action("lead", "assign", kind="bulk") as act:
        for doc_id in (ids[7], ids[3]):
            act.insert(
                "assignments",
                {
                    "doc_id": doc_id,
                    "annotator": "alice",
                    "assigned_by": "lead",
                    "created_at": "2026-12-03T10:00:00+00:00",
                },
            )
    assert assigned_ids(store, "alice") == {ids[3], ids[7]}

    async def body(app, pilot):
        from tui.screens.library import ASSIGNED, FILTERS

        doc_list = app.screen.doc_list
        assert doc_list.ids[:3] == [ids[3], ids[7], ids[0]] and len(doc_list.ids) == 10
        for _ in range(FILTERS.index(ASSIGNED)):
            await pilot.press("f")
            await settle(pilot)
        assert doc_list.ids == [ids[3], ids[7]]

    run_app(make_app(store, annotator="alice"), body)
