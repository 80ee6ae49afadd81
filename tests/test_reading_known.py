"""Known suggestions after a careless `A` (issue 29, seen by a new user in tmux): a bulk accept
alone does not make its texts and labels known; confirmed once more (in bulk in a second
document, or explicitly) they are; a correction anywhere (relabel, trim, reject) un-knows them
everywhere and says so; `}` says how many known suggestions it passed over."""

from __future__ import annotations

import re

import pytest
from conftest import add_document

from annotations.reading.known import BULK_NOTE, TeamDecisions
from annotations.reading.session import ReadingSession
from annotations.store import Store

ME = "farid"
TEXT = "Panjshir fighters met in Kabul. Later Panjshir elders and Kabul officials spoke."
LABELS = {"Panjshir": "ORG", "Kabul": "GPE"}  # Panjshir is wrong: a place


def preds(text: str = TEXT) -> list[dict]:
    return [
        {"start": m.start(), "end": m.end(), "label": LABELS[m.group()]} for m in re.finditer("Panjshir|Kabul", text)
    ]


@pytest.fixture
def docs(store: Store) -> list[int]:
    ids = [add_document(store, f"{TEXT} Report {i}.", title=f"doc {i}") for i in range(4)]
    store.save_predictions("entities", "t1", [(doc, preds()) for doc in ids])
    return ids


def known_words(s: ReadingSession) -> set[str]:
    return {s.text[p["start"] : p["end"]] for i, p in s.now.preds.items() if i in s.now.known}


def session_on(store: Store, doc: int) -> ReadingSession:
    s = ReadingSession(store, ME, labels=["ORG", "GPE", "LOC"])
    assert s.open(doc)
    return s


def test_a_bulk_accept_alone_makes_nothing_known_and_next_stops_at_its_wrong_labels(store, docs):
    s = session_on(store, docs[0])
    assert "Accepted 4 suggestions" in s.accept_all().message
    assert store.history(ME, limit=1)[0]["note"] == BULK_NOTE
    s.open(docs[1])
    assert known_words(s) == set()
    stops = {s.text[c : c + 5] for c in s.stops}
    assert stops == {"Panjs", "Kabul"}  # `}` stops at the wrong "Panjshir" ORG again


def test_confirmed_once_more_in_bulk_in_another_document_or_explicitly_it_is_known(store, docs):
    s = session_on(store, docs[0])
    s.accept_all()
    s.open(docs[1])
    s.accept(TEXT.index("Kabul"))  # explicit: Kabul GPE confirmed; its like here is known at once
    assert known_words(s) == {"Kabul"}
    s.accept_all()  # Panjshir ORG in bulk a second time: the second document confirms it
    s.open(docs[2])
    assert known_words(s) == {"Kabul", "Panjshir"}
    assert s.stops == s.now.pred_starts  # only known ones left: `}` stops at them all


def test_a_correction_anywhere_unknows_it_everywhere_and_says_so(store, docs):
    s = session_on(store, docs[0])
    s.accept_all()
    s.open(docs[1])
    s.accept_all()
    s.open(docs[2])
    assert "Panjshir" in known_words(s)
    feedback = s.label(TEXT.index("Panjshir"), "LOC")  # a known suggestion relabelled
    assert "Accepted as LOC and 1 more like it · no longer known" in feedback.message
    s.open(docs[3])
    assert known_words(s) == {"Kabul"}  # Panjshir ORG: corrected in a document, known nowhere
    team = TeamDecisions.read(store, docs[3])
    assert ("Panjshir", "ORG") in team.against


def test_a_trim_or_reject_is_a_correction_too(store, docs):
    s = session_on(store, docs[0])
    s.accept(TEXT.index("Kabul"))  # explicit in one document: known in the others
    s.open(docs[1])
    assert "Kabul" in known_words(s)
    feedback = s.delete(TEXT.index("Kabul"))
    assert "no longer known" in feedback.message
    s.open(docs[2])
    assert "Kabul" not in known_words(s)


def test_undo_of_the_bulk_accept_and_redo_keep_what_is_known_right(store, docs):
    s = session_on(store, docs[0])
    s.accept_all()
    s.open(docs[1])
    s.accept_all()
    store.undo(ME)  # the second `A` taken back: confirmed in one document only
    s.open(docs[2])
    assert known_words(s) == set()
    store.redo(ME)  # the same span ids come back, still bulk
    s.open(docs[2])
    assert known_words(s) == {"Kabul", "Panjshir"}


def test_next_says_how_many_known_suggestions_it_passed(store):
    text = "Kabul and Kabul and Herat met Taliban in Kabul."
    labels = {"Kabul": "GPE", "Herat": "GPE", "Taliban": "ORG"}
    first = add_document(store, "Kabul is calm.", title="first")
    second = add_document(store, text, title="second")
    found = [
        {"start": m.start(), "end": m.end(), "label": labels[m.group()]} for m in re.finditer("|".join(labels), text)
    ]
    store.save_predictions("entities", "t1", [(first, [{"start": 0, "end": 5, "label": "GPE"}]), (second, found)])
    s = session_on(store, first)
    s.accept(0)
    s.open(second)
    feedback = s.next_open(0)  # from "Kabul" (known) over "Kabul" (known) to "Herat"
    assert feedback.cursor == text.index("Herat")
    assert "“Herat” GPE? · 5 open, 3 known (1 passed)" in feedback.message  # the one between, not the cursor's own
    feedback = s.next_open(text.index("Taliban"))  # wraps round: over the last and first two Kabul
    assert feedback.cursor == text.index("Herat")
    assert "(3 passed) (wrapped)" in feedback.message
