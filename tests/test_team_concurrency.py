"""Several SSH sessions on one file: two annotators write from their own processes, each with
its own Store, while a third person reviews (reads conflict sets, writes the reviewed layer,
runs agreement) from this process. Nothing is lost, nothing half-written, undo still works."""

from __future__ import annotations

import json
import multiprocessing
import re
from typing import Any

from team_support import add_document

from annotations.store import Store, now
from annotations.team import review
from annotations.team.agreement import agreement
from annotations.vocab import REVIEW_ANNOTATOR

STORY = (
    "Taliban fighters entered Bazarak on Monday, Zabihullah Mujahid said in Kabul, while Ahmad "
    "Massoud told the BBC that the National Resistance Front still held the side valleys of Panjshir."
)
NAMES = [
    "Taliban",
    "Bazarak",
    "Monday",
    "Zabihullah Mujahid",
    "Kabul",
    "Ahmad Massoud",
    "BBC",
    "National Resistance Front",
    "Panjshir",
]
LABELS = {
    "alice": ["ORG", "GPE", "DATE", "PERSON", "GPE", "PERSON", "ORG", "ORG", "GPE"],
    "bob": ["ORG", "LOC", "DATE", "PERSON", "GPE", "PERSON", "ORG", "ORG", "LOC"],
}
DOCS = 6


def annotate(path: str, annotator: str, doc_ids: list[int], finished: Any) -> None:
    """One annotator's session: a span per action, then done, document after document; after
    each document both annotators and the reviewer meet (`finished`, a barrier), so the
    reviewer works on it while they go on writing the next: the overlap is made, not hoped for."""
    store = Store(path)
    try:
        for doc_id in doc_ids:
            for name, label in zip(NAMES, LABELS[annotator]):
                start = STORY.index(name)
                if annotator == "bob" and name == "BBC":
                    continue
                with store.action(annotator, f"label {label}", doc_id=doc_id) as act:
                    act.insert(
                        "spans",
                        {
                            "doc_id": doc_id,
                            "start": start,
                            "end": start + len(name),
                            "label": label,
                            "text": name,
                            "annotator": annotator,
                            "origin": "manual",
                            "created_at": now(),
                        },
                    )
            store.set_status(doc_id, annotator, "done")
            finished.wait(timeout=60)
    finally:
        store.close()


def review_pass(store: Store, doc_ids: list[int]) -> int:
    """On the documents both annotators have finished (what `newsmark review` offers): pre-accept,
    and take alice's version of every open conflict; returns the decisions written."""
    written = 0
    finished = {
        r["doc_id"]
        for r in store.query("SELECT doc_id FROM doc_status WHERE status = 'done' GROUP BY doc_id HAVING count(*) = 2")
    }
    for doc_id in (d for d in doc_ids if d in finished):
        sets = review.conflict_sets(store, doc_id, annotators=["alice", "bob"])
        written += review.accept_unanimous(store, "carol", doc_id, sets)
        for cs in sets:
            if not cs.unanimous and review.decision(store, doc_id, cs) is None:
                review.take(store, "carol", doc_id, cs, "alice")
                written += 1
    return written


def test_two_annotators_write_while_a_third_reviews(tmp_path):
    path = str(tmp_path / "shared.db")
    setup = Store(path)
    doc_ids = [add_document(setup, f"{STORY} (Dispatch {i}.)") for i in range(DOCS)]
    setup.close()
    ctx = multiprocessing.get_context("spawn")
    finished = ctx.Barrier(3)
    workers = [ctx.Process(target=annotate, args=(path, who, doc_ids, finished)) for who in ("alice", "bob")]
    for w in workers:
        w.start()
    reviewer = Store(path)
    reviewed_while_writing = 0
    for i in range(DOCS):
        finished.wait(timeout=60)  # document i is done by both; they are writing document i + 1
        review_pass(reviewer, doc_ids)
        agreement(reviewer)
        if i == 0:
            reviewed_while_writing = reviewer.scalar(
                "SELECT count(*) FROM spans WHERE annotator = ?", (REVIEW_ANNOTATOR,)
            )
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    review_pass(reviewer, doc_ids)  # the documents as they ended

    # every span of both annotators is there, each with its logged insert
    for who, expected in (("alice", 9), ("bob", 8)):
        assert reviewer.scalar("SELECT count(*) FROM spans WHERE annotator = ?", (who,)) == expected * DOCS
        assert (
            reviewer.scalar(
                "SELECT count(*) FROM events e JOIN action_groups g ON g.id = e.group_id "
                "WHERE g.annotator = ? AND e.tbl = 'spans'",
                (who,),
            )
            == expected * DOCS
        )
    # every label the fixture uses (by default agree leaves out LOC and NORP: one annotator's each)
    report = agreement(reviewer, labels=["PERSON", "GPE", "DATE", "ORG", "LOC", "NORP"])
    strict = report["entities"]["pairs"][0]["strict"]
    assert report["documents"] == DOCS and strict["matched_a"] == 6 * DOCS
    assert strict["f"] == re_f1(6, 9, 8)
    # the reviewed layer: alice's version everywhere it was contested, provenance kept
    rows = reviewer.query(
        "SELECT doc_id, text, label, proposed_by FROM spans WHERE annotator = ? ORDER BY doc_id, start",
        (REVIEW_ANNOTATOR,),
    )
    assert len(rows) == 9 * DOCS and reviewed_while_writing > 0
    for row in rows:
        who = json.loads(row["proposed_by"])
        assert who in (["alice"], ["alice", "bob"])
        assert (who == ["alice"]) == (row["text"] in ("Bazarak", "BBC", "Panjshir"))
    # each annotator's undo still takes back their own last action, and only theirs
    assert Store(path).undo("bob")["name"] == "mark done"
    assert re.match(r"review: take", reviewer.undo(REVIEW_ANNOTATOR)["name"])
    reviewer.close()


def re_f1(matched: int, a: int, b: int) -> float:
    return 2 * matched / (a + b)
