"""Issue 29 on the reading session, without Textual: a decision on a suggestion applies to every
open suggestion like it (same text, same model label) in one undoable action; known suggestions
(accepted before, never rejected) are passed over by `}`; motions take a count; only the
team's labels are suggested; a label key on a name no span covers labels it and its repeats."""

from __future__ import annotations

import re

import pytest
from conftest import add_document

from annotations.reading.session import ReadingSession
from annotations.store import UNDOABLE, Store

ME = "farid"
TEXT = (
    "Fighters in Panjshir said on Monday they held the Panjshir Valley.\n\n"
    "Kabul denied it. A commander in Panjshir told Telegram that the Panjshir Valley was calm.\n\n"
    "Residents of Panjshir fled to Kabul, Telegram channels said."
)


def at(word: str, nth: int = 0) -> tuple[int, int]:
    m = [m for m in re.finditer(re.escape(word), TEXT)][nth]
    return m.start(), m.end()


def predictions() -> list[dict]:
    out = []
    for i in range(3):
        out.append({"start": at("Panjshir ", [0, 2, 4][i])[0], "end": at("Panjshir ", [0, 2, 4][i])[0] + 8})
    preds = [{**p, "label": "ORG"} for p in out]
    preds += [
        {"start": s, "end": e, "label": "LOC"} for s, e in (at("the Panjshir Valley"), at("the Panjshir Valley", 1))
    ]
    preds += [{"start": s, "end": e, "label": "GPE"} for s, e in (at("Kabul"), at("Kabul", 1))]
    preds += [{"start": s, "end": e, "label": "ORG"} for s, e in (at("Telegram"), at("Telegram", 1))]
    preds += [{"start": s, "end": e, "label": "DATE"} for s, e in (at("Monday"),)]
    return sorted(preds, key=lambda p: p["start"])


def snapshot(store: Store) -> dict[str, list[dict]]:
    return {t: store.query(f"SELECT * FROM [{t}] ORDER BY id") for t in UNDOABLE}


def gold(store: Store, doc: int) -> list[tuple[str, str]]:
    return sorted((r["text"], r["label"]) for r in store.spans(doc, ME))


@pytest.fixture
def session(store: Store) -> ReadingSession:
    doc = add_document(store, TEXT, title="Panjshir")
    store.save_predictions("entities", "t1", [(doc, predictions())])
    s = ReadingSession(store, ME, labels=["PERSON", "ORG", "GPE", "LOC"])
    assert s.open(doc)
    return s


def test_a_relabel_takes_every_suggestion_like_it_and_one_undo_restores_all(session, store):
    before = snapshot(store)
    feedback = session.label(at("Panjshir")[0], "GPE")
    assert "Accepted as GPE and 2 more like it" in feedback.message
    assert gold(store, session.doc_id) == [("Panjshir", "GPE")] * 3
    # the valley's "Panjshir" is a different text (and label): untouched
    assert sum(p["label"] == "LOC" for p in session.now.preds.values()) == 2
    assert store.undo(ME) is not None
    assert snapshot(store) == before
    assert store.undo(ME) is None  # it was one action


def test_a_reject_takes_every_suggestion_like_it(session, store):
    before = snapshot(store)
    feedback = session.delete(at("Telegram")[0])
    assert feedback.message.startswith("Rejected the ORG suggestion and 1 more like it")
    session.refresh()
    assert not any(TEXT[p["start"] : p["end"]] == "Telegram" for p in session.now.preds.values())
    store.undo(ME)
    assert snapshot(store) == before


def test_a_trim_takes_every_suggestion_like_it_and_the_next_edge_key_moves_them_together(session, store):
    feedback = session.edge(at("the Panjshir Valley")[0], "shrink_start")
    assert "and 1 more like it" in feedback.message
    assert gold(store, session.doc_id) == [("Panjshir Valley", "LOC")] * 2
    session.edge(at("Panjshir Valley")[0], "shrink_end")  # a span written with its likes: they follow
    assert gold(store, session.doc_id) == [("Panjshir", "LOC")] * 2
    store.undo(ME)
    assert gold(store, session.doc_id) == [("Panjshir Valley", "LOC")] * 2
    store.undo(ME)
    assert gold(store, session.doc_id) == []


def test_accepting_with_the_model_label_and_gold_edits_stay_single(session, store):
    session.accept(at("Kabul")[0])
    assert gold(store, session.doc_id) == [("Kabul", "GPE")]
    session.label(at("Kabul")[0], "LOC")  # a gold span relabelled: only that one
    assert gold(store, session.doc_id) == [("Kabul", "LOC")]


def test_labels_outside_the_config_are_never_suggested(session):
    assert "DATE" not in {p["label"] for p in session.now.preds.values()}
    assert all(p["label"] != "DATE" for p in session.predictions)


def test_known_suggestions_are_passed_over_by_the_next_key_and_accepted_by_A(store):
    first = add_document(store, "Kabul said Telegram was wrong.", title="one")
    second = add_document(store, TEXT, title="two")
    store.save_predictions(
        "entities",
        "t1",
        [
            (first, [{"start": 0, "end": 5, "label": "GPE"}, {"start": 11, "end": 19, "label": "ORG"}]),
            (second, predictions()),
        ],
    )
    s = ReadingSession(store, ME)
    s.open(first)
    s.accept(0)  # Kabul GPE: accepted
    s.delete(11)  # Telegram ORG: rejected
    s.open(second)
    kabul = {p["id"] for p in s.now.preds.values() if TEXT[p["start"] : p["end"]] == "Kabul"}
    assert kabul and kabul <= s.now.known
    assert not any(TEXT[p["start"] : p["end"]] == "Telegram" and p["id"] in s.now.known for p in s.now.preds.values())
    stops = [TEXT[c : c + 5] for c in s.stops]
    assert "Kabul" not in stops
    # each text and label once: the second "Panjshir" ORG follows whatever the first gets
    assert s.stops == sorted(s.stops) and len(s.stops) == len({(TEXT[c : c + 8]) for c in s.stops})
    s.skip_known = False
    assert at("Kabul")[0] in s.stops
    s.skip_known = True
    s.accept_all()
    assert ("Kabul", "GPE") in gold(store, second)


def test_next_takes_a_count(session):
    stops = session.stops
    assert len(stops) >= 3
    assert session.next_open(0, 3).cursor == stops[2]
    assert session.next_open(stops[2], -2).cursor == stops[0]


def test_a_label_key_on_a_name_without_a_span_labels_it_and_its_repeats(store):
    text = "Officials said Dilshod Ergashev left. Later Dilshod Ergashev returned to Tashkent."
    doc = add_document(store, text, title="names")
    s = ReadingSession(store, ME)
    s.open(doc)
    assert s.name_at(0) is None  # "Officials" opens the sentence: not a name
    assert s.name_at(text.index("Ergashev")) == (15, 31)
    feedback = s.label(text.index("Ergashev"), "PERSON")
    assert "and 1 more like it" in feedback.message
    assert gold(store, doc) == [("Dilshod Ergashev", "PERSON")] * 2
    assert s.next_name(0).cursor == text.index("Tashkent")


def test_names_leave_out_titles_dates_and_sentence_openers():
    from annotations.reading.names import name_runs

    text = "On Monday, Mr Sadyrkulov met Jasur Tashmatov in Tashkent’s old town. Officials agreed."
    assert [text[s:e] for s, e in name_runs(text)] == ["Sadyrkulov", "Jasur Tashmatov", "Tashkent"]


def test_a_trim_then_a_label_key_relabels_the_likes_the_trim_took(session, store):
    """Trim first (the cursor stays on the span), then the label key: both decisions reach
    every suggestion like it, and one undo takes back the relabel of all of them."""
    session.edge(at("the Panjshir Valley")[0], "shrink_start")
    feedback = session.label(at("Panjshir Valley")[0], "GPE")
    assert "and 1 more like it" in feedback.message
    assert gold(store, session.doc_id) == [("Panjshir Valley", "GPE")] * 2
    store.undo(ME)
    assert gold(store, session.doc_id) == [("Panjshir Valley", "LOC")] * 2


def test_a_relabel_of_one_like_later_stays_single(session, store):
    """Likes follow a relabel only while the trim that took them is the last edit: a span
    fixed alone afterwards (the same words, another entity) does not drag the others."""
    session.edge(at("the Panjshir Valley")[0], "shrink_start")
    session.accept(at("Kabul")[0])
    session.label(at("Panjshir Valley")[0], "GPE")
    assert sorted(gold(store, session.doc_id)) == [
        ("Kabul", "GPE"),
        ("Panjshir Valley", "GPE"),
        ("Panjshir Valley", "LOC"),
    ]


def test_a_sentence_opening_word_is_a_name_when_it_is_one_inside_a_sentence_too():
    from annotations.reading.names import name_runs

    text = 'Uzbekistan said no. Officials in Uzbekistan agreed. He said, "We will not."\n\n"Our dam is safe."'
    assert [text[s:e] for s, e in name_runs(text)] == ["Uzbekistan", "Uzbekistan"]


def test_the_words_of_a_name_a_span_leaves_free_are_a_name(store):
    text = "He met Kyrgyz Emergency Situations Minister Bakytbek Sadyrkulov on Monday."
    doc = add_document(store, text, title="piece")
    start = text.index("Bakytbek")
    store.save_predictions("entities", "t1", [(doc, [{"start": start, "end": len(text) - 11, "label": "PERSON"}])])
    s = ReadingSession(store, ME)
    s.open(doc)
    piece = s.name_at(text.index("Kyrgyz"))
    assert piece is not None and text[slice(*piece)] == "Kyrgyz Emergency Situations Minister"
    assert s.next_name(0).cursor == text.index("Kyrgyz")


def test_an_edge_key_on_a_repeat_fixed_later_moves_it_alone(store):
    text = "Minister Jasur Tashmatov spoke. Later, Tashmatov said no."
    doc = add_document(store, text, title="repeats")
    s = ReadingSession(store, ME)
    s.open(doc)
    second = text.rindex("Tashmatov")
    s.label(second, "PERSON")  # "Tashmatov" and its repeat inside "Minister Jasur Tashmatov"
    assert gold(store, doc) == [("Tashmatov", "PERSON")] * 2
    s.edge(text.index("Tashmatov"), "grow_start")  # the first one, fixed afterwards: alone
    assert gold(store, doc) == [("Jasur Tashmatov", "PERSON"), ("Tashmatov", "PERSON")]
