"""A write in the Reader recomputes only what it touched (reading/open_state.py): after any
sequence of accepts, label keys, rejections, edge keys, bulk keys, undos and redos, what the
session holds (open suggestions in text order, known ids, `}` stops, marks) is what a fresh
opening of the document computes from the store, and the mark changes it hands the article view
add up to its marks. Both the local path and the whole recomputation are drawn (LOCAL_LIMIT)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from conftest import add_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.reading import open_state
from annotations.reading.names import name_at
from annotations.reading.session import ReadingSession
from annotations.store import Store
from annotations.suggestions.ranges import Ranges

ME = "farid"
LABELS = ["ORG", "GPE", "LOC", "PERSON"]
TEXT = (
    "Panjshir fighters met in Kabul. Later Panjshir elders and Kabul officials spoke.\n\n"
    "The Kabul Times said Ahmad Massoud met Kabul elders in Panjshir Valley.\n\n"
    "Massoud and Panjshir leaders left Kabul on Friday."
)
PATTERNS = [  # what the model said: likes, overlapping readings, two labels on the same words
    ("Panjshir Valley", "LOC"),
    ("Kabul officials", "ORG"),
    ("The Kabul Times", "ORG"),
    ("Ahmad Massoud", "PERSON"),
    ("Panjshir", "ORG"),
    ("Kabul", "GPE"),
    ("Massoud", "PERSON"),
]


def predictions() -> list[dict]:
    out = [
        {"start": m.start(), "end": m.end(), "label": label}
        for words, label in PATTERNS
        for m in re.finditer(re.escape(words), TEXT)
    ]
    first = TEXT.index("Kabul")
    out.append({"start": first, "end": first + 5, "label": "LOC"})  # a second label on one Kabul
    return out


def seeded(root: Path) -> tuple[Store, int]:
    store = Store(root / "t.db")
    here, other, third = (add_document(store, f"{TEXT} ({i})", title=f"doc {i}") for i in range(3))
    store.save_predictions("entities", "t1", [(doc, predictions()) for doc in (here, other, third)])
    s = ReadingSession(store, "nadia", labels=LABELS)  # the team: Kabul GPE confirmed elsewhere
    s.open(other)
    s.accept(TEXT.index("Kabul") + 1)
    s.open(third)
    s.accept_all(selection=(TEXT.index("Massoud and"), len(TEXT)))  # Massoud PERSON in bulk, once
    return store, here


OPS = st.one_of(
    st.tuples(st.just("accept"), st.integers(0, len(TEXT) - 1)),
    st.tuples(st.just("label"), st.integers(0, len(TEXT) - 1), st.sampled_from(LABELS)),
    st.tuples(st.just("delete"), st.integers(0, len(TEXT) - 1)),
    st.tuples(
        st.just("edge"),
        st.integers(0, len(TEXT) - 1),
        st.sampled_from(["grow_start", "shrink_start", "grow_end", "shrink_end"]),
    ),
    st.tuples(st.just("select"), st.integers(0, len(TEXT) - 8), st.integers(1, 20), st.sampled_from(LABELS)),
    st.tuples(st.just("reject_all"), st.integers(0, len(TEXT) - 1)),
    st.tuples(st.just("accept_all"), st.integers(0, len(TEXT) - 30)),
    st.tuples(st.just("split"), st.integers(0, len(TEXT) - 1)),
    st.tuples(st.just("merge"), st.integers(0, len(TEXT) - 1)),
    st.just(("undo",)),
    st.just(("redo",)),
)


def act(s: ReadingSession, store: Store, op: tuple) -> None:
    verb, *args = op
    if verb in ("undo", "redo"):
        getattr(store, verb)(ME)
        s.refresh()
    elif verb == "select":
        start, length, label = args
        s.label(start, label, selection=(start, start + length))
    elif verb == "accept_all":
        s.accept_all(selection=(args[0], args[0] + 30))
    else:
        getattr(s, verb)(*args)


def same_as_fresh(s: ReadingSession, store: Store, doc: int) -> None:
    fresh = ReadingSession(store, ME, labels=LABELS)
    assert fresh.open(doc)
    now, then = s.now, fresh.now
    assert list(now.preds) == list(then.preds)  # the same open ids, in text order
    assert now.gold == then.gold
    assert now.known == then.known
    assert now.pred_starts == then.pred_starts
    assert now.unknown_starts == then.unknown_starts
    assert s.stops == fresh.stops
    assert sorted(s.marks()) == sorted(fresh.marks())
    everything = [*then.gold.values(), *then.preds.values()]
    for cursor in range(0, len(s.text), 3):  # what the keys act on, found by offset: as a scan finds it
        assert s.entity_at(cursor) == fresh.entity_at(cursor)
        assert s.name_at(cursor) == name_at(s.text, cursor, everything)
    for pred in now.preds.values():
        assert [p["id"] for p in s.likes_of(pred)] == [p["id"] for p in fresh.likes_of(pred)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(OPS, min_size=1, max_size=12), limit=st.sampled_from([2, open_state.LOCAL_LIMIT]))
def test_after_random_writes_undos_and_redos_the_kept_state_is_a_fresh_opening(ops, limit):
    saved = open_state.LOCAL_LIMIT
    open_state.LOCAL_LIMIT = limit  # 2: most writes are recomputed whole; 64: most are local
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store, doc = seeded(Path(tmp))
            try:
                s = ReadingSession(store, ME, labels=LABELS)
                assert s.open(doc)
                shown = set(s.marks())  # what the article view draws, kept by the changes alone
                s.mark_changes()
                for op in ops:
                    act(s, store, op)
                    same_as_fresh(s, store, doc)
                    changes = s.mark_changes()
                    if changes is None:
                        shown = set(s.marks())
                    else:
                        removed, added = changes
                        shown = (shown - removed) | added
                    assert shown == set(s.marks())
            finally:
                store.close()
    finally:
        open_state.LOCAL_LIMIT = saved


def test_an_accept_hands_the_view_only_the_marks_it_changed(tmp_path):
    store, doc = seeded(tmp_path)
    s = ReadingSession(store, ME, labels=LABELS)
    s.open(doc)
    s.mark_changes()
    target = TEXT.index("Ahmad Massoud")
    s.accept(target)
    removed, added = s.mark_changes() or (None, None)
    assert removed is not None and added is not None
    assert {(m.kind, m.start) for m in removed} == {("pred", target), ("pred", target + 6)}  # it and Massoud in it
    assert {(m.kind, m.start, m.label) for m in added} == {("gold", target, "PERSON")}


RANGES = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=30)


@given(
    ranges=RANGES,
    drop=st.lists(st.integers(0, 29), max_size=10),
    query=st.tuples(st.integers(0, 50), st.integers(0, 12)),
)
def test_ranges_answer_as_a_scan_of_them_does(ranges, drop, query):
    items = [(s, s + n, i) for i, (s, n) in enumerate(ranges)]
    index = Ranges(items[: len(items) // 2])
    for item in items[len(items) // 2 :]:
        index.add(*item)
    kept = list(items)
    for i in drop:
        if i < len(kept):
            index.remove(*kept.pop(i))
    start, end = query[0], query[0] + query[1]
    assert index.overlapping(start, end) == sorted(r for r in kept if r[0] < end and start < r[1])
    assert index.overlaps(start, end) == any(r[0] < end and start < r[1] for r in kept)
    covering = [r for r in kept if r[0] <= start < r[1]]
    expected = min(covering, key=lambda r: (r[1] - r[0], r)) if covering else None
    assert index.innermost(start) == expected


def test_rows_are_read_again_by_the_log_and_whole_when_the_log_cannot_say(tmp_path):
    from annotations.reading.doc_rows import DocRows
    from annotations.store import bulk, now
    from annotations.vocab import ActionKind

    store, doc = seeded(tmp_path)
    rows = DocRows("spans", ("start", "end", "id"))
    assert rows.read(store, doc, ME) == [] and rows.whole_reads == 1
    kabul = TEXT.index("Kabul")
    first = store.add_span(doc, kabul, kabul + 5, "GPE", ME)  # this connection, logged: read by id
    store.add_span(doc, 0, 8, "ORG", "nadia")  # another annotator's: not ours
    got = rows.read(store, doc, ME)
    assert [r["id"] for r in got] == [first] and rows.whole_reads == 1
    assert got == store.spans(doc, ME)
    store.relabel_span(first, "LOC", ME)
    assert rows.read(store, doc, ME) == store.spans(doc, ME) and rows.whole_reads == 1
    other = Store(tmp_path / "t.db")  # another connection (another process, a worker): read whole
    try:
        other.add_span(doc, 0, 8, "ORG", ME)
    finally:
        other.close()
    assert rows.read(store, doc, ME) == store.spans(doc, ME) and rows.whole_reads == 2
    with store.action(ME, "import", kind=ActionKind.BULK) as act:  # bulk rows have no events: read whole
        bulk.add_spans(act, [(doc, 38, 46, "ORG", "Panjshir", ME, "imported", None, now(), None)])
    assert rows.read(store, doc, ME) == store.spans(doc, ME) and rows.whole_reads == 3
    store.undo(ME)  # undo writes events: by id again
    assert rows.read(store, doc, ME) == store.spans(doc, ME) and rows.whole_reads == 3
    store.close()
