"""The team's decisions kept per session (reading/team_cache.py, issue 29): after any mix of
explicit and bulk accepts, relabels, trims, rejections, undos and redos in several documents,
by two annotators on two connections to one file (two SSH sessions), with imports of gold
and new predictions in between, the known suggestions of every document are exactly those a
fresh read of the whole corpus gives (known.TeamDecisions.read)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from conftest import add_document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotations.corpus.ingest import import_paths
from annotations.reading.known import TeamDecisions, with_teammates
from annotations.reading.session import ReadingSession
from annotations.reading.team_cache import TeamCache
from annotations.store import Store

WHO = ("farid", "lena")  # lena writes through a second Store on the same file
LABELS = ("ORG", "GPE", "LOC")
WORDS = ("Kabul", "Kabuli", "Panjshir", "Amrullah Saleh", "Taliban", "Herat")
TEXTS = (
    "Kabul fighters met Panjshir elders. Amrullah Saleh spoke in Kabul to the Taliban.",
    "Kabuli traders left Herat. The Taliban said Kabul and Herat were calm; Panjshir was not.",
    "Panjshir held. Amrullah Saleh and Kabuli elders went to Herat, then Kabul.",
    "The Taliban took Herat. In Kabul, Panjshir fighters and the Taliban talked.",
)
OPS = (
    "accept",
    "accept_all",
    "accept_half",
    "label",
    "reject",
    "trim",
    "grow",
    "undo",
    "redo",
    "import",  # gold of a new annotator, written without events
    "predict",  # a new model version with other labels: corrections change
)

steps = st.lists(
    st.tuples(
        st.sampled_from(WHO),
        st.integers(0, len(TEXTS) - 1),
        st.sampled_from(OPS),
        st.integers(0, 20),  # which suggestion or span: the n-th mark, modulo
        st.sampled_from(LABELS),
    ),
    min_size=1,
    max_size=16,
)


def predictions(text: str, seed: int) -> list[dict]:
    """Each word a suggestion, labelled by its text and the seed (the model errs differently in
    different documents and versions), so that texts and labels repeat across documents."""
    found = re.finditer("|".join(sorted(WORDS, key=len, reverse=True)), text)
    return [{"start": m.start(), "end": m.end(), "label": LABELS[(len(m.group()) + seed) % len(LABELS)]} for m in found]


def edit(s: ReadingSession, op: str, nth: int, label: str) -> None:
    marks = sorted({p["start"] for p in s.now.preds.values()} | {g["start"] for g in s.now.gold.values()})
    cursor = marks[nth % len(marks)] if marks else 0
    if op == "accept":
        s.edits.accept(cursor)
    elif op == "accept_all":
        s.edits.accept_all()
    elif op == "accept_half":  # `A` on a selection: the rest stays open, beside gold accepted in bulk
        s.edits.accept_all(selection=(0, len(s.text) // 2))
    elif op == "label":
        s.edits.label(cursor, label)
    elif op == "reject":
        s.edits.delete(cursor)
    elif op == "trim":
        s.edits.edge(cursor, "shrink_end")
    elif op == "grow":
        s.edits.edge(cursor, "grow_end")


def import_gold(store: Store, tmp: Path, n: int, i: int, nth: int, label: str) -> None:
    """`newsmark import` of a gold file for document `i` by a new annotator: spans, no events."""
    found = predictions(TEXTS[i], nth)
    span = found[nth % len(found)]
    path = tmp / f"gold{n}.jsonl"
    path.write_text(json.dumps({"text": TEXTS[i], "spans": [{**span, "label": label}]}) + "\n")
    import_paths(store, [str(path)], f"importer{n}", labels=LABELS)


def cached_and_full(s: ReadingSession, doc: int) -> tuple[set[int], set[int]]:
    assert s.open(doc)
    cached = set(s.now.known)
    full = TeamDecisions.read(s.store, doc)  # the whole corpus's gold, as before issue 29's fix
    s.team = with_teammates(full, s.store, doc, s.annotator, s.text)  # and the teammates' part of this one
    s.refresh()
    return cached, set(s.now.known)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
@example(steps=[("farid", 0, "accept", 0, "ORG"), ("lena", 0, "reject", 0, "ORG")])  # rejected elsewhere
@example(steps=[("lena", 2, "accept_all", 0, "ORG"), ("farid", 3, "accept_all", 0, "ORG")])  # bulk twice
@example(steps=[("lena", 1, "accept_all", 0, "ORG"), ("lena", 1, "undo", 0, "ORG"), ("lena", 1, "redo", 0, "ORG")])
@example(  # Kabul LOC known from the first document, until a new model suggests it where lena said GPE
    steps=[("farid", 0, "accept", 0, "ORG"), ("lena", 1, "label", 3, "GPE"), ("lena", 1, "predict", 0, "ORG")]
)
@example(steps=[("farid", 0, "accept", 2, "ORG"), ("lena", 1, "import", 2, "LOC")])  # imported gold corrects
def test_known_ids_kept_per_session_equal_a_full_read(steps):
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "k.db") as store, Store(Path(tmp) / "k.db") as other:
        docs = [add_document(store, text, title=f"doc {i}") for i, text in enumerate(TEXTS)]
        store.save_predictions("entities", "t1", [(d, predictions(TEXTS[i], i)) for i, d in enumerate(docs)])
        connection = {WHO[0]: store, WHO[1]: other}  # a second SSH session: its own connection
        sessions = {who: ReadingSession(connection[who], who, labels=LABELS) for who in WHO}
        for n, (who, i, op, nth, label) in enumerate(steps):
            s = sessions[who]
            if op in ("undo", "redo"):
                getattr(s.store, op)(who)
            elif op == "import":
                import_gold(s.store, Path(tmp), n, i, nth, label)
            elif op == "predict":
                s.store.save_predictions("entities", f"t{n + 2}", [(docs[i], predictions(TEXTS[i], nth))])
            else:
                assert s.open(docs[i])
                edit(s, op, nth, label)
            for watcher in sessions.values():  # each session's cache brought up to date at each step
                cached, full = cached_and_full(watcher, docs[(i + n) % len(docs)])
                assert cached == full
        for doc in docs:
            for s in sessions.values():
                cached, full = cached_and_full(s, doc)
                assert cached == full


def known_words(s: ReadingSession) -> set[str]:
    return {s.text[p["start"] : p["end"]] for p in s.now.preds.values() if p["id"] in s.now.known}


def test_a_cache_shared_by_two_sessions_sees_what_either_writes(store):
    """The app keeps one cache for every Reader it opens, read first on a connection of its own:
    a bulk accept in one document, then another in a second Reader, make the texts and labels
    both accepted known in a third."""
    docs = [add_document(store, text) for text in TEXTS[:3]]
    store.save_predictions("entities", "t1", [(d, predictions(TEXTS[i], 0)) for i, d in enumerate(docs)])
    cache = TeamCache()
    with Store(store.path, readonly=True) as worker:  # as the app reads it at startup: its own connection
        cache.prepare(worker)
    first = ReadingSession(store, WHO[0], labels=LABELS, team=cache)
    first.open(docs[0])
    first.accept_all()
    second = ReadingSession(store, WHO[1], labels=LABELS, team=cache)
    second.open(docs[1])
    assert not second.now.known  # in bulk once elsewhere: not yet
    second.accept_all()
    second.open(docs[2])
    assert known_words(second) == {"Panjshir", "Kabul"}  # Taliban too, but not in this text


def test_predictions_saved_again_for_the_last_document_are_seen(store):
    """`save_predictions` replaces a document's run: the new run row's rowid is above every
    other's even when the run replaced was the last one, so the cache sees the new labels."""
    here, there, last = (add_document(store, TEXTS[i]) for i in (0, 1, 3))
    store.save_predictions("entities", "t1", [(here, predictions(TEXTS[0], 0)), (there, predictions(TEXTS[1], 0))])
    store.save_predictions("entities", "t1", [(last, predictions(TEXTS[3], 1))])  # Taliban LOC there
    s = ReadingSession(store, WHO[0], labels=LABELS)
    for doc, text in ((there, TEXTS[1]), (last, TEXTS[3])):
        s.open(doc)
        s.accept(text.index("Taliban"))  # Taliban GPE confirmed in `there`, Taliban LOC in `last`
    s.open(here)
    assert known_words(s) == {"Taliban"}
    store.save_predictions("entities", "t1", [(last, predictions(TEXTS[3], 0))])  # the same version, run again
    s.open(here)  # Taliban GPE suggested where the gold says LOC: corrected, known nowhere
    assert known_words(s) == set()
    assert cached_and_full(s, here) == (set(), set())


def test_an_update_after_a_change_reads_no_table_whole(store):
    """What an opening costs must not grow with the corpus: after an edit in one document, every
    query bringing the cache up to date searches an index or an id range, none scans a table
    (SQLite scans a covering index for `SELECT DISTINCT doc_id ... WHERE id > ?`)."""
    docs = [add_document(store, text) for text in TEXTS]
    store.save_predictions("entities", "t1", [(d, predictions(TEXTS[i], i)) for i, d in enumerate(docs)])
    s = ReadingSession(store, WHO[0], labels=LABELS)
    s.open(docs[0])
    s.accept_all()
    s.open(docs[1])
    s.delete(s.now.pred_starts[0])  # a rejection
    store.save_predictions("entities", "t2", [(docs[2], predictions(TEXTS[2], 1))])
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        s.team_cache.decisions(store, docs[3])
    finally:
        store.conn.set_trace_callback(None)
    scans = [
        (sql, detail)
        for sql in statements
        if sql.lstrip().upper().startswith("SELECT")
        for *_, detail in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        if detail.startswith("SCAN") and not detail.endswith(("sqlite_sequence", "CONSTANT ROW"))  # ten rows at most
    ]
    assert len(statements) > 4 and scans == []


def test_many_documents_changed_at_once_are_read_again_in_full(store, monkeypatch):
    """Past `REREAD_AT_MOST` changed documents (an import, a merge) everything is read again in
    a few queries rather than document by document; the answers are the same."""
    docs = [add_document(store, text) for text in TEXTS]
    store.save_predictions("entities", "t1", [(d, predictions(TEXTS[i], 0)) for i, d in enumerate(docs)])
    s = ReadingSession(store, WHO[0], labels=LABELS)
    s.open(docs[0])
    for doc in docs[1:]:  # three documents changed since the last opening
        lena = ReadingSession(store, WHO[1], labels=LABELS)
        lena.open(doc)
        lena.accept(lena.now.pred_starts[0])
    monkeypatch.setattr(TeamCache, "REREAD_AT_MOST", 2)
    generation = s.team_cache.generation
    cached, full = cached_and_full(s, docs[0])
    assert s.team_cache.generation == generation + 1  # one full read, not three documents read again
    assert cached == full != set()
