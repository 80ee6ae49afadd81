"""A teammate's decisions in the very document on screen count for what is known (seen by a
new-user trial with two SSH sessions): the team's decisions are read for the other
documents, and the open document's part is its own annotator's, so a teammate's rejection
there left the text known. README: decided against "in any document"; confirmed when
"accepted explicitly once"."""

from __future__ import annotations

from conftest import add_document

from annotations.reading.session import ReadingSession
from annotations.store import Store

TEXT = "Kystlinjen Ferries ran the route. Later Kystlinjen Ferries cut it, and Vardholm waited."
NAME = "Kystlinjen Ferries"


def setup(tmp_path) -> tuple[Store, Store, int, int]:
    alice = Store(tmp_path / "team.db")
    one, two = add_document(alice, TEXT), add_document(alice, TEXT + " Again.")
    spans = [{"start": m, "end": m + len(NAME), "label": "ORG"} for m in (0, TEXT.index(NAME, 1))]
    alice.save_predictions("entities", "m1", [(one, spans), (two, spans)])
    return alice, Store(tmp_path / "team.db"), one, two  # bob: a second connection, another SSH session


def known_texts(s: ReadingSession) -> set[str]:
    return {s.text[s.now.preds[i]["start"] : s.now.preds[i]["end"]] for i in s.now.known}


def test_a_teammates_rejection_in_the_open_document_unknows_it(tmp_path):
    alice, bob, one, two = setup(tmp_path)
    a = ReadingSession(alice, "alice")
    a.open(one)
    a.accept(0)  # explicit: known everywhere
    b = ReadingSession(bob, "bob")
    b.open(two)
    assert NAME in known_texts(b)
    b.edits.delete(0)  # bob rejects it in document two
    a.open(two)
    assert NAME not in known_texts(a)  # was known: the rejection sat in the open document
    a.open(one)
    assert NAME not in known_texts(a)  # and in the document where alice accepted it


def test_a_teammates_explicit_accept_in_the_open_document_makes_it_known(tmp_path):
    alice, bob, _, two = setup(tmp_path)
    b = ReadingSession(bob, "bob")
    b.open(two)
    b.accept(0)
    a = ReadingSession(alice, "alice")
    a.open(two)
    assert NAME in known_texts(a)  # the other mention of it, still open for alice
