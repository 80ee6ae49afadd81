"""Review: conflict sets, the reviewed layer (provenance, undo, status), the gold rule, blind
mode; the Review screen at 80x24 by keyboard (Pilot and one snapshot); `newsmark review`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from team_support import (
    ALICE_1,
    BOB_1,
    DISPATCH,
    add_claim,
    add_document,
    add_spans,
    find,
    mark,
)
from tui_support import make_app, make_config, run_app, settle, wait_library

from annotations.store import Store
from annotations.team import review
from annotations.team.layers import gold_annotators, gold_sources
from annotations.vocab import REVIEW_ANNOTATOR, Status

SIZE = (80, 24)


@pytest.fixture
def doc(tmp_path):
    store = Store(tmp_path / "review.db")
    d = add_document(store, DISPATCH, title="Resistance leader vows to hold the valley")
    add_spans(store, d, "alice", ALICE_1, DISPATCH)
    add_spans(store, d, "bob", BOB_1, DISPATCH)
    add_claim(store, d, "alice", DISPATCH, "the National Resistance Front would hold Panjshir", "statement", "reported")
    add_claim(store, d, "bob", DISPATCH, "the National Resistance Front would hold Panjshir", "statement", "asserted")
    mark(store, d, "alice")
    mark(store, d, "bob")
    yield store, d
    store.close()


def review_spans(store: Store, d: int) -> list[tuple[str, str, list[str]]]:
    return [
        (DISPATCH[r["start"] : r["end"]], r["label"], json.loads(r["proposed_by"]))
        for r in store.query(
            "SELECT * FROM spans WHERE doc_id = ? AND annotator = ? ORDER BY start", (d, REVIEW_ANNOTATOR)
        )
    ]


def test_conflict_sets_group_overlapping_differing_spans(doc):
    store, d = doc
    sets = review.conflict_sets(store, d)
    spans = [cs for cs in sets if cs.kind == "span"]
    text = [(DISPATCH[cs.start : cs.end], cs.unanimous) for cs in spans]
    assert text == [
        ("Ahmad Massoud", True),
        ("Kabul", True),
        ("Monday", False),
        ("the National Resistance Front", False),
        ("Panjshir", False),
        ("Doha", True),
    ]
    nrf = spans[3]
    assert [DISPATCH[i.start : i.end] for i in nrf.versions["alice"]] == ["National Resistance Front"]
    assert nrf.versions["bob"][0].start == find(DISPATCH, "the National Resistance Front")[0]
    claims = [cs for cs in sets if cs.kind == "claim"]
    assert len(claims) == 1 and not claims[0].unanimous  # same words, different stance


def test_decisions_build_the_reviewed_layer_with_provenance_and_undo(doc):
    store, d = doc
    sets = review.conflict_sets(store, d)
    assert review.accept_unanimous(store, "carol", d, sets) == 3
    assert review_spans(store, d) == [
        ("Ahmad Massoud", "PERSON", ["alice", "bob"]),
        ("Kabul", "GPE", ["alice", "bob"]),
        ("Doha", "GPE", ["alice", "bob"]),
    ]
    monday, nrf, panjshir = [cs for cs in sets if cs.kind == "span" and not cs.unanimous]
    review.take(store, "carol", d, nrf, "bob")
    review.take(store, "carol", d, panjshir, "alice")
    review.take(store, "carol", d, monday, None)
    assert review.decision(store, d, monday) == "none"
    assert review.decision(store, d, nrf) == "bob"
    assert ("the National Resistance Front", "ORG", ["bob"]) in review_spans(store, d)
    # changing one's mind replaces the earlier choice in the same region
    review.take(store, "carol", d, nrf, "alice")
    assert [s for s in review_spans(store, d) if s[1] == "ORG"] == [("National Resistance Front", "ORG", ["alice"])]
    # undo is the store's: the last decision goes back to bob's version
    assert store.undo(REVIEW_ANNOTATOR)["name"] == "review: take alice"
    assert review.decision(store, d, nrf) == "bob"
    claim = next(cs for cs in sets if cs.kind == "claim")
    review.take(store, "carol", d, claim, "bob")
    row = store.query("SELECT stance, proposed_by FROM claims WHERE annotator = ?", (REVIEW_ANNOTATOR,))[0]
    assert row == {"stance": "asserted", "proposed_by": '["bob"]'}
    review.mark_reviewed(store, "carol", d)
    assert store.status(d, REVIEW_ANNOTATOR) == Status.REVIEWED
    note = store.scalar("SELECT note FROM action_groups WHERE name = 'review: mark reviewed'")
    assert note == "reviewer carol"


def test_gold_is_the_reviewed_layer_when_present(doc):
    store, d = doc
    other = add_document(store, "Amrullah Saleh spoke from Panjshir on Friday.", title="Saleh speaks")
    mark(store, other, "alice")
    mark(store, other, "bob")
    assert gold_annotators(store, d) == ["alice", "bob"]
    assert gold_annotators(store, d, annotator="bob") == ["bob"]
    review.mark_reviewed(store, "carol", d)
    choice = gold_sources(store, annotator="bob")  # asked for by name: the reviewed layer still wins (README)
    assert choice.pairs == [(d, REVIEW_ANNOTATOR), (other, "bob")]
    assert choice.describe("bob") == ("gold: the reviewed layer for 1 documents; bob's annotations for 1 documents")
    choice = gold_sources(store)
    assert choice.pairs == [(d, REVIEW_ANNOTATOR), (other, "alice"), (other, "bob")]
    assert choice.describe() == (
        "gold: the reviewed layer for 1 documents; every done annotator's annotations for 1 documents"
    )
    assert gold_sources(store, annotator=REVIEW_ANNOTATOR).pairs == [(d, REVIEW_ANNOTATOR)]


def blind_config():
    import yaml

    from annotations.config import default_config_text, parse_config

    base = yaml.safe_load(default_config_text())
    return parse_config("review:\n  blind: true\n", "blind.yaml", base=base)


def test_blind_hides_others_work_from_an_annotator_until_review(doc):
    store, d = doc
    config = blind_config()
    assert config.review.blind and not make_config().review.blind
    assert not review.may_see_others(store, config, "alice", d)
    assert review.may_see_others(store, config, "carol", d)  # a reviewer
    assert review.may_see_others(store, make_config(), "alice", d)
    review.mark_reviewed(store, "carol", d)
    assert review.may_see_others(store, config, "alice", d)


# -- the screen --------------------------------------------------------------------------------


def test_review_screen_resolves_conflicts_by_keyboard(doc):
    store, d = doc
    from tui.screens.reader import ReaderScreen
    from tui.screens.review import ReviewScreen

    async def body(app, pilot):
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.open_count == 4  # Monday, NRF, Panjshir, the claim
        assert DISPATCH[screen.current.start : screen.current.end] == "Monday"
        await pilot.press("2")  # bob's version of Monday: nothing
        await settle(pilot)
        assert DISPATCH[screen.current.start : screen.current.end] == "the National Resistance Front"
        await pilot.press("2", "1")  # NRF: bob's; then the claim on the same words: alice's
        await settle(pilot)
        assert review_spans(store, d)[2] == ("the National Resistance Front", "ORG", ["bob"])
        assert store.scalar("SELECT stance FROM claims WHERE annotator = ?", (REVIEW_ANNOTATOR,)) == "reported"
        assert DISPATCH[screen.current.start : screen.current.end] == "Panjshir"
        await pilot.press("d")  # Panjshir is still open: refused
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and store.status(d, REVIEW_ANNOTATOR) == "todo"
        await pilot.press("u")  # undo the claim decision
        await settle(pilot)
        assert screen.open_count == 2
        assert store.scalar("SELECT count(*) FROM claims WHERE annotator = ?", (REVIEW_ANNOTATOR,)) == 0
        await pilot.press("e")  # edit in the Reader, on the reviewed layer
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen) and app.annotator == REVIEW_ANNOTATOR
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is screen and app.annotator == "carol"
        await pilot.press("1", "x", "d")  # Panjshir: alice's; the claim: none; reviewed
        await settle(pilot)
        assert ("Panjshir", "GPE", ["alice"]) in review_spans(store, d)
        assert store.status(d, REVIEW_ANNOTATOR) == Status.REVIEWED
        assert not isinstance(app.screen, ReviewScreen)

    run_app(make_app(store, annotator="carol"), body)


def test_blind_annotator_cannot_open_review(doc):
    store, _ = doc

    async def body(app, pilot):
        from tui.screens.review import ReviewScreen

        await pilot.press("R")
        await settle(pilot)
        assert not isinstance(app.screen, ReviewScreen)

    run_app(make_app(store, blind_config(), annotator="alice"), body)


def test_snapshot_review(snap_compare, doc):
    store, _ = doc

    async def run_before(pilot) -> None:
        await wait_library(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(make_app(store, annotator="carol"), terminal_size=SIZE, run_before=run_before)


def test_cli_review_with_nothing_to_review(tmp_path):
    store = Store(tmp_path / "none.db")
    add_document(store, DISPATCH, title="t")
    store.close()
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    for args, needle in (
        (("review",), "no document is done by two or more annotators"),
        (("review", "--doc", "99"), "--doc: no document 99"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "tui.cli", *args, "--db", str(tmp_path / "none.db")],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 2 and needle in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_export_writes_the_reviewed_layer_alone_where_there_is_one(doc, tmp_path):
    from annotations.export import export

    store, d = doc
    other = add_document(store, "Amrullah Saleh spoke from Panjshir on Friday.", title="Saleh speaks")
    mark(store, other, "alice")
    review.take(store, "carol", d, next(cs for cs in review.conflict_sets(store, d) if cs.kind == "span"), "bob")
    review.mark_reviewed(store, "carol", d)
    out = tmp_path / "gold.jsonl"
    export(store, "jsonl", str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["annotator"]) for r in rows] == [(d, REVIEW_ANNOTATOR), (other, "alice")]
    export(store, "jsonl", str(out), annotator="bob")  # asked for by name: the reviewed layer still wins (README)
    assert [json.loads(line)["annotator"] for line in out.read_text().splitlines()] == [REVIEW_ANNOTATOR]
    # spaCy needs one version per text: the reviewed layer settles the document alice and bob share
    info = export(store, "spacy", str(tmp_path / "spacy"))
    assert info.documents == 2


def test_evaluate_scores_the_reviewed_layer_where_there_is_one(doc):
    from annotations.learn.evaluate import gold_pairs

    store, d = doc
    assert gold_pairs(store, None) == [(d, "alice"), (d, "bob")]
    review.mark_reviewed(store, "carol", d)
    assert gold_pairs(store, None) == [(d, REVIEW_ANNOTATOR)]
    assert gold_pairs(store, "alice") == [(d, REVIEW_ANNOTATOR)]  # the reviewed layer wins over a name


def test_blind_review_hides_others_work_on_my_documents_until_reviewed(doc):
    store, d = doc
    other = add_document(store, "Amrullah Saleh spoke from Panjshir on Friday.", title="Saleh speaks")
    add_claim(
        store,
        other,
        "bob",
        "Amrullah Saleh spoke from Panjshir on Friday.",
        "spoke from Panjshir",
        "statement",
        "reported",
    )
    config = blind_config()
    assert review.blind_documents(store, make_config(), "alice") == set()  # not blind
    assert review.blind_documents(store, config, "alice") == {d}  # alice annotates d only
    rows = store.query("SELECT doc_id, annotator FROM claims ORDER BY doc_id, annotator")
    seen = [
        (r["doc_id"], r["annotator"])
        for r in review.visible(rows, "alice", review.blind_documents(store, config, "alice"))
    ]
    assert seen == [(d, "alice"), (other, "bob")]  # bob's claim on d is hidden, on other shown
    review.mark_reviewed(store, "carol", d)
    assert review.blind_documents(store, config, "alice") == set()
    assert review.blind_documents(store, config, REVIEW_ANNOTATOR) == set()


def test_a_document_nobody_finished_cannot_be_marked_reviewed(tmp_path):
    from annotations.errors import StoreError

    with Store(tmp_path / "r.db") as store:
        d = add_document(store, DISPATCH, title="Unfinished")
        add_spans(store, d, "alice", ALICE_1, DISPATCH)  # in progress, never done
        with pytest.raises(StoreError, match="no annotator has marked this document done"):
            review.mark_reviewed(store, "carol", d)
        assert store.status(d, REVIEW_ANNOTATOR) == Status.TODO
        mark(store, d, "alice")
        review.mark_reviewed(store, "carol", d)
        assert store.status(d, REVIEW_ANNOTATOR) == Status.REVIEWED


def test_the_reviewed_layer_round_trips_through_jsonl_with_its_provenance(doc, tmp_path):
    from annotations.corpus.ingest import import_paths
    from annotations.export import export

    store, d = doc
    for cs in review.conflict_sets(store, d):
        if not cs.unanimous:
            review.take(store, "carol", d, cs, "bob")
    review.mark_reviewed(store, "carol", d)
    out = tmp_path / "reviewed.jsonl"
    export(store, "jsonl", str(out), annotator=REVIEW_ANNOTATOR)
    line = json.loads(out.read_text())
    assert all("proposed_by" in s for s in line["spans"]) and all("proposed_by" in c for c in line["claims"])
    with Store(tmp_path / "copy.db") as copy:
        import_paths(copy, [str(out)], "alice")
        rows = copy.query("SELECT text, proposed_by FROM spans ORDER BY start")
        want = store.query(
            "SELECT text, proposed_by FROM spans WHERE annotator = ? ORDER BY start", (REVIEW_ANNOTATOR,)
        )
        assert rows == want
        assert copy.scalar("SELECT proposed_by FROM claims") == store.scalar(
            "SELECT proposed_by FROM claims WHERE annotator = ?", (REVIEW_ANNOTATOR,)
        )


def test_the_claims_screen_is_blind_to_others_claims_on_my_unreviewed_documents(doc):
    from tui.screens.claims import ClaimsScreen

    store, d = doc
    other = add_document(store, "Amrullah Saleh spoke from Panjshir on Friday.", title="Saleh speaks")
    add_claim(
        store,
        other,
        "bob",
        "Amrullah Saleh spoke from Panjshir on Friday.",
        "spoke from Panjshir",
        "statement",
        "reported",
    )

    def shown(app) -> list[tuple[int, str]]:
        return sorted((r["doc_id"], r["annotator"]) for r in app.screen.all_rows)

    async def body(app, pilot):
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        assert shown(app) == [(d, "alice"), (other, "bob")]  # bob's claim on alice's document: hidden

    run_app(make_app(store, blind_config(), annotator="alice"), body)

    async def open_eyed(app, pilot):
        await pilot.press("C")
        await settle(pilot)
        assert shown(app) == [(d, "alice"), (d, "bob"), (other, "bob")]

    run_app(make_app(store, make_config(), annotator="alice"), open_eyed)


def test_done_in_review_moves_on_to_the_next_document_waiting(doc):
    from tui.screens.review import ReviewScreen

    store, d = doc
    second = add_document(store, DISPATCH + " More later.", title="Second dispatch")
    add_spans(store, second, "alice", ALICE_1, DISPATCH)
    add_spans(store, second, "bob", BOB_1, DISPATCH)
    mark(store, second, "alice")
    mark(store, second, "bob")

    async def body(app, pilot):
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.doc_id == d
        while screen.open_count:
            await pilot.press("1")
            await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert store.status(d, REVIEW_ANNOTATOR) == Status.REVIEWED
        assert app.screen is screen and screen.doc_id == second and screen.open_count > 0

    run_app(make_app(store, annotator="carol"), body)
