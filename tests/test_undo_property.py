"""Undo restores exactly: random sequences of Reader, claim and entity actions on a real
SQLite file; undoing all of them gives the initial contents of every table, redoing all of
them gives the final contents (issue 13, item 6)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from conftest import add_document, add_entity
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotations.entities import actions as entity_actions
from annotations.errors import NewsmarkError
from annotations.reading import claims as claim_actions
from annotations.reading.session import ReadingSession
from annotations.store import UNDOABLE, Store

ME = "imani"
TEXT = (
    "Finance Minister Ngozi Adeyemi said on Thursday that Lagos would borrow 2 billion naira "
    "from the African Development Bank to rebuild the Eko Bridge.\n"
    "Opposition leader Tunde Bakare told the Guardian the loan was “a gift to contractors”, "
    "and Adeyemi’s office declined to comment.\n"
    "The bridge, closed since March, carries 90,000 vehicles a day, according to the Lagos State "
    "Ministry of Works."
)
NAMES = [
    ("Ngozi Adeyemi", "PERSON"),
    ("Thursday", "DATE"),
    ("Lagos", "GPE"),
    ("2 billion naira", "MONEY"),
    ("African Development Bank", "ORG"),
    ("Eko Bridge", "FAC"),
    ("Tunde Bakare", "PERSON"),
    ("Guardian", "ORG"),
    ("Adeyemi’s", "PERSON"),
    ("March", "DATE"),
    ("90,000", "CARDINAL"),
    ("Lagos State Ministry of Works", "ORG"),
]
LABELS = ["PERSON", "ORG", "GPE", "DATE"]


def _predictions() -> list[dict]:
    out, taken = [], []
    for name, label in NAMES:
        for m in re.finditer(re.escape(name), TEXT):
            if not any(m.start() < e and s < m.end() for s, e in taken):
                taken.append((m.start(), m.end()))
                out.append({"start": m.start(), "end": m.end(), "label": label})
    return sorted(out, key=lambda p: p["start"])


def snapshot(store: Store) -> dict[str, list[dict]]:
    return {t: store.query(f"SELECT * FROM [{t}] ORDER BY id") for t in UNDOABLE}


offsets = st.integers(0, len(TEXT) - 1)
reader_steps = st.one_of(
    st.tuples(st.just("accept"), offsets),
    st.tuples(st.just("delete"), offsets),
    st.tuples(st.just("label"), offsets, st.integers(1, 40), st.sampled_from(LABELS)),
    st.tuples(st.just("relabel"), offsets, st.sampled_from(LABELS)),
    st.tuples(st.just("accept_all")),
    st.tuples(st.just("reject_all"), offsets),
    st.tuples(st.just("edge"), offsets, st.sampled_from(["grow_start", "shrink_start", "grow_end", "shrink_end"])),
    st.tuples(st.just("split"), offsets),
    st.tuples(st.just("merge"), offsets),
    st.tuples(st.just("finish"), st.booleans()),
)
other_steps = st.one_of(
    st.tuples(st.just("claim"), offsets, st.integers(5, 80), st.integers(0, 30)),
    st.tuples(st.just("edit_claim"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("delete_claim"), st.integers(0, 30)),
    st.tuples(st.just("link"), st.integers(0, 30), st.integers(0, 2)),
    st.tuples(st.just("merge_entities"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("alias"), st.integers(0, 2), st.sampled_from(["Adeyemi", "Bakare", "AfDB"])),
    st.tuples(st.just("judge"), st.sampled_from(["same", "different", "unsure"])),
)


def _pick(rows: list[dict], i: int) -> dict | None:
    return rows[i % len(rows)] if rows else None


def run_step(session: ReadingSession, store: Store, entities: list[int], step: tuple) -> None:
    kind, *args = step
    doc = session.doc_id
    gold = sorted(session.now.gold.values(), key=lambda g: g["id"])
    claims = claim_actions.claims(store, doc, ME)  # type: ignore[arg-type]
    if kind == "accept":
        session.accept(args[0])
    elif kind == "delete":
        session.delete(args[0])
    elif kind == "label":
        session.label(0, args[2], selection=(args[0], min(len(TEXT), args[0] + args[1])))
    elif kind == "relabel":
        session.label(args[0], args[1])
    elif kind == "accept_all":
        session.accept_all()
    elif kind == "reject_all":
        session.reject_all(args[0])
    elif kind == "edge":
        session.edge(args[0], args[1])
    elif kind == "split":
        session.split(args[0])
    elif kind == "merge":
        session.merge(args[0])
    elif kind == "finish":
        session.finish("done", accept_open=args[0])
    elif kind == "claim":
        span = _pick(gold, args[2])
        claim_actions.add_claim(
            store,
            doc,
            args[0],
            min(len(TEXT), args[0] + args[1]),
            ME,  # type: ignore[arg-type]
            speaker=span["text"] if span else None,
            speaker_span_id=span["id"] if span else None,
            speaker_entity_id=_pick(entities, args[2]),
        )
    elif kind == "edit_claim" and claims:
        span = _pick(gold, args[1])
        claim_actions.update_claim(
            store,
            _pick(claims, args[0])["id"],
            ME,  # type: ignore[index]
            speaker_span_id=span["id"] if span else None,
            stance="denied",
        )
    elif kind == "delete_claim" and claims:
        claim_actions.delete_claim(store, _pick(claims, args[0])["id"], ME)  # type: ignore[index]
    elif kind == "link" and gold:
        entity_actions.link_span(store, _pick(gold, args[0])["id"], entities[args[1]], ME)  # type: ignore[index]
    elif kind == "merge_entities" and args[0] != args[1]:
        entity_actions.merge_entities(store, entities[args[0]], entities[args[1]], ME)
        entities[args[1]] = entities[args[0]]
    elif kind == "alias":
        entity_actions.add_alias(store, entities[0], args[1], ME)
    elif kind == "judge":
        entity_actions.judge(store, "Adeyemi", "Ngozi Adeyemi", "PERSON", args[0], ME)


def run_then_undo_and_redo_all(session: ReadingSession, store: Store, entities: list, steps: list) -> None:
    """Run the steps (a refused one writes nothing), then undo everything: the tables are as
    they were; then redo everything: they are as the steps left them."""
    initial = snapshot(store)
    for step in steps:
        try:
            run_step(session, store, entities, step)
        except NewsmarkError:
            pass
        session.refresh()
    final = snapshot(store)
    while store.undo(ME) is not None:
        pass
    assert snapshot(store) == initial
    while store.redo(ME) is not None:
        pass
    assert snapshot(store) == final


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(reader_steps, other_steps), min_size=1, max_size=14))
@example([("accept", 0), ("claim", 100, 60, 0), ("delete", 0)])  # a claim's speaker span deleted
@example([("claim", 0, 30, 1), ("merge_entities", 0, 1)])  # a claim's speaker entity merged away
@example([("merge_entities", 1, 2), ("merge_entities", 0, 1), ("merge_entities", 2, 0)])  # keep merged away
def test_undo_all_restores_every_table_and_redo_all_replays_it(steps):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "undo.db")
        try:
            doc = add_document(store, TEXT, title="Lagos to borrow for Eko Bridge", outlet="Lagos Wire")
            store.save_predictions("entities", "t1", [(doc, _predictions())])
            entities = [
                add_entity(store, "Ngozi Adeyemi", "PERSON", aliases=["Adeyemi"]),
                add_entity(store, "Lagos", "GPE"),
                add_entity(store, "Guardian", "ORG"),
            ]
            session = ReadingSession(store, ME)
            session.open(doc)
            run_then_undo_and_redo_all(session, store, entities, steps)
        finally:
            store.close()


# Issue 29: a decision on a suggestion applies to every open suggestion like it (same text,
# same model label) in the same action; undo must restore every table after those too.
REPEATS = (
    "Fighters in Panjshir held the Panjshir Valley, Kabul said.\n\n"
    "In Panjshir, Telegram said the Panjshir Valley was calm; Kabul denied it.\n\n"
    "Panjshir residents fled to Kabul, Telegram channels said."
)
REPEAT_NAMES = [("the Panjshir Valley", "LOC"), ("Panjshir", "ORG"), ("Kabul", "GPE"), ("Telegram", "ORG")]


def _repeat_predictions() -> list[dict]:
    out, taken = [], []
    for name, label in REPEAT_NAMES:
        for m in re.finditer(re.escape(name), REPEATS):
            if not any(m.start() < e and s < m.end() for s, e in taken):
                taken.append((m.start(), m.end()))
                out.append({"start": m.start(), "end": m.end(), "label": label})
    return sorted(out, key=lambda p: p["start"])


repeat_offsets = st.integers(0, len(REPEATS) - 1)
propagating_steps = st.one_of(
    st.tuples(st.just("relabel"), repeat_offsets, st.sampled_from(LABELS)),
    st.tuples(st.just("delete"), repeat_offsets),
    st.tuples(
        st.just("edge"), repeat_offsets, st.sampled_from(["grow_start", "shrink_start", "grow_end", "shrink_end"])
    ),
    st.tuples(st.just("accept"), repeat_offsets),
    st.tuples(st.just("accept_all")),
    st.tuples(st.just("label"), repeat_offsets, st.integers(1, 20), st.sampled_from(LABELS)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(propagating_steps, min_size=1, max_size=10))
@example([("relabel", 12, "GPE"), ("edge", 30, "shrink_start"), ("edge", 30, "shrink_end")])
def test_undo_restores_every_table_after_decisions_that_took_suggestions_alike(steps):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "undo.db")
        try:
            doc = add_document(store, REPEATS, title="Panjshir", outlet="Kabul Wire")
            store.save_predictions("entities", "t1", [(doc, _repeat_predictions())])
            session = ReadingSession(store, ME)
            session.open(doc)
            run_then_undo_and_redo_all(session, store, [], steps)
        finally:
            store.close()


def test_merging_into_an_entity_an_earlier_merge_deleted_is_refused_and_writes_nothing(tmp_path):
    """The property test's find (issue 24.10): merge_entities(1, 2), (0, 1), then (2, 0) asks to
    keep entity 1, which (0, 1) deleted; it raised FOREIGN KEY constraint failed."""
    store = Store(tmp_path / "fk.db")
    try:
        doc = add_document(store, TEXT)
        ids = [add_entity(store, n, "PERSON") for n in ("Ngozi Adeyemi", "Adeyemi", "Tunde Bakare")]
        span = store.add_span(doc, TEXT.index("Tunde Bakare"), TEXT.index("Tunde Bakare") + 12, "PERSON", ME)
        entity_actions.link_span(store, span, ids[0], ME)
        entity_actions.merge_entities(store, ids[1], ids[2], ME)
        entity_actions.merge_entities(store, ids[0], ids[1], ME)
        before = snapshot(store)
        with pytest.raises(NewsmarkError, match=f"entity {ids[1]} does not exist"):
            entity_actions.merge_entities(store, ids[1], ids[0], ME)
        assert snapshot(store) == before
        assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (span,)) == ids[0]
    finally:
        store.close()
