"""The reading session without Textual: the open-suggestion rule, Correct-mode commands,
boundary edits, no overlapping gold, and undo restoring every row and reference."""

from __future__ import annotations

import re

import pytest
from conftest import add_document, add_entity

from annotations.reading import claims as claim_actions
from annotations.reading.session import ReadingSession
from annotations.store import Store
from annotations.suggestions.rules import open_claim_suggestions, open_suggestions

ME = "rania"

TEXT = (
    "Viktor Soloviev’s delegation arrived in Tbilisi on Tuesday, hours after the Georgian "
    "Interior Ministry said the border crossing at Larsi would stay closed.\n"
    "“We came to talk about trucks, not politics,” Soloviev told reporters outside the "
    "Marriott hotel, adding that 400 lorries were stranded.\n"
    "Subscribe to the Caucasus Ledger · Follow us on Telegram · Contact the newsroom"
)


def find(word: str, nth: int = 0) -> tuple[int, int]:
    m = [m for m in re.finditer(re.escape(word), TEXT)][nth]
    return m.start(), m.end()


# What the model said: right, wrong boundary, wrong label, spurious footer entities.
PREDICTIONS = [
    (*find("Viktor Soloviev’s"), "PERSON"),
    (*find("Tbilisi"), "GPE"),
    (*find("Tuesday"), "DATE"),
    (*find("Georgian Interior Ministry"), "ORG"),
    (*find("Larsi"), "PERSON"),
    (*find("Soloviev", 1), "PERSON"),
    (*find("Marriott"), "ORG"),
    (*find("400"), "CARDINAL"),
    (*find("Caucasus Ledger"), "ORG"),
    (*find("Telegram"), "ORG"),
]


@pytest.fixture
def session(store: Store) -> ReadingSession:
    doc = add_document(store, TEXT, title="Soloviev in Tbilisi", outlet="Caucasus Ledger")
    store.save_predictions(
        "entities", "t1", [(doc, [{"start": s, "end": e, "label": lab} for s, e, lab in PREDICTIONS])]
    )
    start, end = find("“We came")[0], find("stranded.")[1]
    store.save_predictions(
        "claims", "t1", [(doc, [{"start": start, "end": end, "label": None, "type": "quote", "speaker": "Soloviev"}])]
    )
    s = ReadingSession(store, ME)
    assert s.open(doc)
    return s


def tables(store: Store) -> dict[str, list[dict]]:
    return {
        t: store.query(f"SELECT * FROM [{t}] ORDER BY id")
        for t in ("spans", "claims", "entities", "aliases", "judgements", "doc_status", "rejections", "claim_groups")
    }


def test_open_rule_is_pure_and_label_aware():
    preds = [
        {"start": 0, "end": 5, "label": "ORG"},
        {"start": 10, "end": 15, "label": "PERSON"},
        {"start": 20, "end": 25, "label": "GPE"},
        {"start": 30, "end": 35, "label": "DATE"},
    ]
    gold = [{"start": 3, "end": 8}]
    rejections = [
        {"kind": "ent", "start": 10, "end": 15, "label": "ORG"},
        {"kind": "ent", "start": 20, "end": 25, "label": None},
        {"kind": "claim", "start": 30, "end": 35, "label": None},
    ]
    left = open_suggestions(preds, gold, rejections)
    assert [p["start"] for p in left] == [10, 30]  # overlap closes; other-label rejection does not
    claims = [{"start": 0, "end": 9, "label": None}, {"start": 30, "end": 35}]
    assert open_claim_suggestions(claims, [{"start": 0, "end": 9}], rejections) == []


def test_accept_advances_to_the_next_open_suggestion(session):
    start = find("Tbilisi")[0]
    fb = session.accept(start)
    assert fb.changed and fb.cursor == find("Tuesday")[0]
    assert "Accepted GPE" in fb.message and "9 open suggestions left" in fb.message
    fb = session.delete(fb.cursor)  # x rejects the suggestion and moves on
    assert fb.cursor == find("Georgian Interior Ministry")[0]
    assert session.open_count == 8


def test_motions_skip_decided_and_say_when_none_remain(session):
    session.accept(find("Tbilisi")[0])
    fb = session.next_open(0)
    assert fb.cursor == find("Tuesday")[0]  # Tbilisi, decided, is skipped
    assert fb.message.startswith("“Tuesday” DATE? · ")  # the words it stopped at, then its label
    assert session.next_open(find("Telegram")[0]).cursor == 0
    assert "(wrapped)" in session.next_open(find("Telegram")[0]).message
    assert session.next_open(find("Tuesday")[0], -1).cursor == 0
    session.accept_all()
    fb = session.next_open(0)
    assert fb.cursor is None and fb.message == "All 10 suggestions reviewed"


def test_accept_all_is_one_action_and_one_undo(session, store):
    before = tables(store)
    fb = session.accept_all()
    assert "Accepted 10 suggestions in the document" in fb.message
    assert len(store.spans(session.doc_id, ME)) == 10
    assert store.status(session.doc_id, ME) == "in progress"
    store.undo(ME)
    assert tables(store) == before


def test_reject_all_takes_the_cursor_paragraph(session, store):
    footer = find("Subscribe")[0]
    fb = session.reject_all(footer + 3)
    assert fb.message.startswith("Rejected 2 suggestions in this paragraph")
    assert session.open_count == 8
    store.undo(ME)
    session.refresh()
    assert session.open_count == 10


def test_one_token_boundary_fix_makes_gold(session):
    fb = session.edge(2, "shrink_end")
    gold = list(session.now.gold.values())
    assert [(g["text"], g["label"], g["origin"]) for g in gold] == [("Viktor Soloviev", "PERSON", "manual")]
    assert "“Viktor Soloviev”" in fb.message
    assert session.pred_at(2) is None  # the suggestion is decided
    session.edge(2, "shrink_start")
    assert [g["text"] for g in session.now.gold.values()] == ["Soloviev"]
    session.edge(find("Soloviev")[0], "grow_start")
    session.edge(find("Soloviev")[0], "grow_end")
    assert [g["text"] for g in session.now.gold.values()] == ["Viktor Soloviev’s"]


def test_split_and_merge(session):
    start = find("Georgian Interior Ministry")[0]
    session.split(find("Interior")[0])
    assert sorted(g["text"] for g in session.now.gold.values()) == ["Georgian", "Interior Ministry"]
    session.merge(start)
    assert [g["text"] for g in session.now.gold.values()] == ["Georgian Interior Ministry"]


def test_labelling_over_gold_replaces_it_in_one_action(session, store):
    session.accept(find("Georgian Interior Ministry")[0])
    session.accept(find("Tbilisi")[0])
    before = tables(store)
    s, _ = find("Tbilisi")
    fb = session.label(0, "EVENT", selection=(s, find("Georgian Interior Ministry")[1]))
    assert "replaced 2 overlapping spans" in fb.message
    assert [g["label"] for g in session.now.gold.values()] == ["EVENT"]
    store.undo(ME)
    assert tables(store) == before


def test_done_accepts_the_rest_in_one_action(session, store):
    session.accept(find("Tbilisi")[0])
    fb = session.finish("done", accept_open=True)
    assert fb.message == "Marked done · accepted 9 suggestions"
    assert store.status(session.doc_id, ME) == "done" and session.open_count == 0
    store.undo(ME)
    assert store.status(session.doc_id, ME) == "in progress" and len(store.spans(session.doc_id, ME)) == 1
    fb = session.finish("done", accept_open=False)
    assert fb.message.startswith("Marked done · 9 suggestions left open")


def test_undo_restores_a_deleted_speakers_claim_link(session, store):
    session.accept(find("Soloviev", 1)[0])
    span = next(iter(session.now.gold.values()))
    s, e = find("“We came")[0], find("stranded.")[1]
    claim = claim_actions.add_claim(store, session.doc_id, s, e, ME, speaker="Soloviev", speaker_span_id=span["id"])
    before = tables(store)
    session.refresh()
    session.delete(span["start"])
    assert store.query("SELECT speaker_span_id FROM claims WHERE id = ?", (claim,))[0]["speaker_span_id"] is None
    store.undo(ME)
    assert tables(store) == before
    store.redo(ME)
    store.undo(ME)
    assert tables(store) == before


def test_accept_all_links_known_spellings(session, store):
    add_entity(store, "Viktor Soloviev", "PERSON", aliases=["Soloviev"])
    session.accept_all()
    linked = {g["text"]: g["entity_id"] for g in session.now.gold.values() if g["entity_id"]}
    assert set(linked) == {"Viktor Soloviev’s", "Soloviev"}  # the possessive is the same spelling


def test_claim_suggestion_motion(session):
    fb = session.next_claim_suggestion(0)
    assert fb.cursor == find("“We came")[0] and "1 claim suggestion open" in fb.message


def test_resizing_gold_does_not_count_itself_as_replaced(session):
    session.accept(find("Tbilisi")[0])
    fb = session.edge(find("Tbilisi")[0], "grow_end")
    assert fb.message == "GPE “Tbilisi on”"
    session.accept(find("Georgian Interior Ministry")[0])
    fb = session.label(0, "ORG", selection=(find("Tbilisi")[0], find("Georgian")[1]))
    assert "replaced 2 overlapping spans" in fb.message


def test_split_leaves_the_punctuation_between_the_parts_out():
    from annotations.reading.tokens import Tokens

    text = "OSLO, Norway — talks resumed in Bergen."
    tokens = Tokens(text)
    left, right = tokens.split(0, 12, text.index("Norway"))
    assert (text[left[0] : left[1]], text[right[0] : right[1]]) == ("OSLO", "Norway")
    assert tokens.split(0, 12, 0) is None  # nothing left of the cursor
    possessive = "Soloviev’s team"
    left, right = Tokens(possessive).split(0, 15, possessive.index("team"))
    assert possessive[left[0] : left[1]] == "Soloviev’s"  # a possessive is no punctuation


def test_a_selection_inside_a_word_labels_the_whole_word():
    from annotations.reading.tokens import Tokens

    text = "OSLO, Norway — talks resumed in Bergen."
    tokens = Tokens(text)
    assert tokens.snap(0, 1) == (0, 4)  # v then a label key: the word, not "O"
    assert tokens.snap(2, text.index("Norway") + 2) == (0, 12)  # both edges inside words
    assert tokens.snap(0, 4) == (0, 4)  # whole tokens stay as they are
    assert tokens.snap(4, 5) == (4, 5)  # the comma alone


def test_labelling_a_one_letter_selection_labels_the_word(session):
    s, _e = find("Larsi")
    fb = session.label(0, "GPE", selection=(s, s + 1))
    assert not fb.error
    assert [g["text"] for g in session.now.gold.values() if g["label"] == "GPE"] == ["Larsi"]


def test_reject_all_takes_a_footer_of_single_lines_as_one_paragraph(tmp_path):
    """Where the text separates paragraphs with blank lines, X's paragraph is a blank-line
    block: an outlet's footer of single lines goes with one key."""
    text = (
        "Oslo talks resumed on Monday, officials in Bergen said.\n\n"
        "Related: Norway and Sweden sign grid deal\n"
        "Related: Bergen port strike ends\n"
        "© 2026 Nordic Ledger. Contact the Ledger newsroom."
    )
    with Store(tmp_path / "f.db") as store:
        doc = add_document(store, text)
        preds = [(m.start(), m.end(), "GPE") for m in re.finditer(r"Oslo|Bergen|Norway|Sweden", text)]
        preds.append((text.index("Nordic Ledger"), text.index("Nordic Ledger") + 13, "ORG"))
        store.save_predictions(
            "entities", "t-1", [(doc, [{"start": s, "end": e, "label": lab, "text": text[s:e]} for s, e, lab in preds])]
        )
        session = ReadingSession(store, ME)
        session.open(doc)
        fb = session.reject_all(text.index("Related"))
        assert fb.message.startswith("Rejected 4 suggestions in this paragraph")
        assert sorted(p["text"] for p in session.now.preds.values()) == ["Bergen", "Oslo"]
