"""Entities, linking, judgements and claims against a real SQLite file; every action undoable."""

from __future__ import annotations

import pytest
from conftest import add_document

from annotations.entities import actions as ea
from annotations.entities.queue import suggest_for_store
from annotations.errors import StoreError
from annotations.reading import claims as ca

T1 = "Ahmad Massoud met Masood's envoys. Ahmad Shah Massoud was his father."
T2 = "Masood said 600 fighters died. Ahmad Masood denied it."


def test_create_link_every_form_in_corpus_and_undo(store):
    d1, d2 = add_document(store, T1), add_document(store, T2)
    s1 = store.add_span(d1, 0, 13, "PERSON", "alice")
    s2 = store.add_span(d2, 0, 6, "PERSON", "alice")
    s3 = store.add_span(d2, 31, 43, "PERSON", "alice")  # "Ahmad Masood"
    assert store.document(d2)["text"][31:43] == "Ahmad Masood"
    ent = ea.create_entity(store, "Ahmad Massoud", "PERSON", "alice", external_id="Q4695925")
    ea.link_span(store, s1, ent, "alice")
    assert ea.link_form(store, "Masood", "PERSON", ent, "alice") == 1
    assert {r["id"] for r in store.query("SELECT id FROM spans WHERE entity_id = ?", (ent,))} == {s1, s2}
    assert "Masood" in ea.aliases(store, ent)
    store.undo("alice")  # the whole "link every Masood" goes at once
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (s2,)) is None
    assert "Masood" not in ea.aliases(store, ent)
    store.redo("alice")
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (s2,)) == ent
    ea.link_span(store, s3, ent, "alice")
    assert "Ahmad Masood" in ea.aliases(store, ent)  # linking one mention records its spelling
    store.undo("alice")
    assert "Ahmad Masood" not in ea.aliases(store, ent)
    store.redo("alice")
    ctx = ea.mentions(store, ent)
    assert len(ctx) == 3 and all(m["left"] is not None and m["right"] is not None for m in ctx)


def test_merge_and_split_are_undoable(store):
    d1 = add_document(store, T1)
    s1 = store.add_span(d1, 0, 13, "PERSON", "alice")
    s2 = store.add_span(d1, 18, 24, "PERSON", "alice")
    a = ea.create_entity(store, "Ahmad Massoud", "PERSON", "alice")
    b = ea.create_entity(store, "Masood", "PERSON", "alice")
    ea.link_span(store, s1, a, "alice")
    ea.link_span(store, s2, b, "alice")
    ea.merge_entities(store, a, b, "alice")
    assert store.scalar("SELECT count(*) FROM entities") == 1
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (s2,)) == a
    store.undo("alice")
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (s2,)) == b
    new = ea.split_form(store, a, "Ahmad Massoud", "alice", new_name="Ahmad Massoud (son)")
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (s1,)) == new


def test_different_judgement_keeps_pair_out_of_suggestions(store):
    d1, d2 = add_document(store, T1), add_document(store, T2)
    store.add_span(d1, 0, 13, "PERSON", "alice")
    store.add_span(d2, 31, 43, "PERSON", "alice")
    pairs = {frozenset((p.a, p.b)) for p in suggest_for_store(store).pairs}
    assert frozenset(("Ahmad Massoud", "Ahmad Masood")) in pairs
    ea.judge(store, "Ahmad Massoud", "Ahmad Masood", "PERSON", "different", "alice")
    assert not suggest_for_store(store).pairs
    with pytest.raises(StoreError):
        ea.judge(store, "a", "b", "PERSON", "maybe", "alice")


def test_claims_tag_edit_group_delete_undo(store):
    d1, d2 = add_document(store, T2), add_document(store, "Officials said 600 fighters died in the valley.")
    c1 = ca.add_claim(store, d1, 0, 30, "alice", type="quantity", speaker="Masood", cue="said", stance="reported")
    assert store.status(d1, "alice") == "in progress"
    c2 = ca.add_claim(store, d2, 0, 47, "alice", type="quantity", speaker="Officials", stance="reported")
    ca.update_claim(store, c1, "alice", stance="asserted", checkworthy=1)
    assert ca.claims(store, d1, "alice")[0]["stance"] == "asserted"
    group = ca.group_claims(store, [c1, c2], "alice")
    assert {c["group_id"] for c in ca.all_claims(store)} == {group}
    store.undo("alice")
    assert {c["group_id"] for c in ca.all_claims(store)} == {None}
    ca.delete_claim(store, c2, "alice")
    assert len(ca.all_claims(store)) == 1
    store.undo("alice")
    assert len(ca.all_claims(store)) == 2
    with pytest.raises(StoreError, match="outside"):
        ca.add_claim(store, d1, 10, 9999, "alice")


def test_create_and_link_every_form_is_one_undo_step(store):
    d1, d2 = add_document(store, T1), add_document(store, T2)
    s1 = store.add_span(d1, 18, 24, "PERSON", "alice")  # "Masood" in T1
    s2 = store.add_span(d2, 0, 6, "PERSON", "alice")  # "Masood" in T2
    ent, linked = ea.link(store, s1, "alice", new=("Ahmad Massoud", "PERSON"), scope="corpus")
    assert linked == 2
    assert {r["entity_id"] for r in store.query("SELECT entity_id FROM spans")} == {ent}
    assert store.undo("alice")["name"] == "link"
    assert store.scalar("SELECT count(*) FROM entities") == 0
    assert {r["entity_id"] for r in store.query("SELECT entity_id FROM spans")} == {None}
    assert store.scalar("SELECT count(*) FROM spans WHERE id IN (?, ?)", (s1, s2)) == 2


def test_same_judgement_teaches_the_one_entity_that_knows_a_spelling(store):
    d1 = add_document(store, T1)
    s1 = store.add_span(d1, 0, 13, "PERSON", "alice")
    ent = ea.create_entity(store, "Ahmad Massoud", "PERSON", "alice")
    ea.link_span(store, s1, ent, "alice")
    ea.judge(store, "Ahmad Masood", "Ahmad Massoud", "PERSON", "same", "alice")
    assert "Ahmad Masood" in ea.aliases(store, ent)
    store.undo("alice")  # the judgement and the alias are one action
    assert "Ahmad Masood" not in ea.aliases(store, ent)
    assert store.query("SELECT * FROM judgements") == []
    # "different" teaches nothing; "same" between two entities' spellings merges them
    ea.judge(store, "Ahmad Masood", "Ahmad Massoud", "PERSON", "different", "alice")
    assert "Ahmad Masood" not in ea.aliases(store, ent)
    other = ea.create_entity(store, "Ahmad Masood", "PERSON", "alice")
    done = ea.judge_pair(store, "Ahmad Masood", "Ahmad Massoud", "PERSON", "same", "alice")
    assert done.entity_id == ent and "merged 1" in done.note  # the one with mentions is kept
    assert store.scalar("SELECT count(*) FROM entities WHERE id = ?", (other,)) == 0
    assert "Ahmad Masood" in ea.aliases(store, ent)
    store.undo("alice")
    assert store.scalar("SELECT count(*) FROM entities") == 2


def test_linking_a_mention_to_an_entity_of_another_kind_takes_its_label(store):
    d1 = add_document(store, "Shelling hit Al-Fashir on Monday; El Fasher is besieged.")
    wrong = store.add_span(d1, 13, 22, "PERSON", "alice")  # the model called the town a person
    loc = store.add_span(d1, 34, 43, "LOC", "alice")
    town = ea.create_entity(store, "El Fasher", "GPE", "alice")
    ea.link(store, wrong, "alice", entity_id=town)
    ea.link(store, loc, "alice", entity_id=town)
    labels = {s["text"]: s["label"] for s in store.spans(d1, "alice")}
    assert labels == {"Al-Fashir": "GPE", "El Fasher": "LOC"}  # LOC is a kind of place: kept
    store.undo("alice")
    store.undo("alice")  # the relabel goes with its link
    assert {s["text"]: s["label"] for s in store.spans(d1, "alice")} == {"Al-Fashir": "PERSON", "El Fasher": "LOC"}


def test_an_alias_is_the_spelling_without_a_possessive(store):
    d1 = add_document(store, "Al-Burhan's army held the airport.")
    span = store.add_span(d1, 0, 11, "PERSON", "alice")
    ent = ea.create_entity(store, "Abdel Fattah al-Burhan", "PERSON", "alice")
    ea.link(store, span, "alice", entity_id=ent)
    assert ea.aliases(store, ent) == ["Al-Burhan"]


def test_suggestions_follow_the_annotators_not_the_model(store):
    from annotations.entities.queue import store_mentions

    d1 = add_document(store, "Fighting near El Fasher. Al-Fashir is besieged. Hemedti spoke.")
    d2 = add_document(store, "Hemeti denied it. El-Fasher was calm.")
    store.save_predictions(
        "entities",
        "m-1",
        [
            (
                d1,
                [
                    {"start": 14, "end": 23, "label": "ORG", "text": "El Fasher"},
                    {"start": 25, "end": 34, "label": "ORG", "text": "Al-Fashir"},
                    {"start": 48, "end": 55, "label": "ORG", "text": "Hemedti"},
                ],
            ),
            (
                d2,
                [
                    {"start": 0, "end": 6, "label": "PERSON", "text": "Hemeti"},
                    {"start": 18, "end": 27, "label": "ORG", "text": "El-Fasher"},
                ],
            ),
        ],
    )
    store.add_span(d1, 14, 23, "GPE", "alice")  # the annotator says El Fasher is a GPE
    store.add_span(d1, 48, 55, "PERSON", "alice")  # and Hemedti a PERSON
    store.reject_prediction(d1, 25, 34, "ORG", "alice")  # and Al-Fashir here is no entity
    mentions = {(m.form, m.label, m.doc_id) for m in store_mentions(store)}
    assert ("El Fasher", "GPE", d1) in mentions and ("El Fasher", "ORG", d1) not in mentions
    assert not any(m[0] == "Al-Fashir" for m in mentions)
    assert ("Hemedti", "PERSON", d1) in mentions and ("Hemeti", "PERSON", d2) in mentions
    assert ("El-Fasher", "GPE", d2) in mentions  # the gold label of the same normalised form
    pairs = {(p.a, p.b, p.label) for p in suggest_for_store(store).pairs}
    assert ("Hemedti", "Hemeti", "PERSON") in pairs
    # once both spellings are linked to one entity, the pair is not asked about again
    ent = ea.create_entity(store, "Mohamed Hamdan Dagalo", "PERSON", "alice")
    hemeti = store.add_span(d2, 0, 6, "PERSON", "alice")
    ea.link(store, hemeti, "alice", entity_id=ent)
    ea.add_alias(store, ent, "Hemedti", "alice")
    assert not any({p.a, p.b} == {"Hemedti", "Hemeti"} for p in suggest_for_store(store).pairs)


def test_accepting_a_suggestion_links_it_when_one_entity_knows_the_spelling(store):
    d1 = add_document(store, T1)
    d2 = add_document(store, T2)
    ent = ea.create_entity(store, "Ahmad Massoud", "PERSON", "alice")
    ea.add_alias(store, ent, "Ahmad Masood", "alice")
    span, linked = ea.accept(store, d2, 31, 43, "PERSON", "alice")  # "Ahmad Masood"
    assert linked == "Ahmad Massoud"
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (span,)) == ent
    assert store.status(d2, "alice") == "in progress"
    store.undo("alice")  # one action: no span left
    assert store.spans(d2, "alice") == []
    # a place called the same is not that person; two people who know the form are ambiguous
    assert ea.accept(store, d2, 31, 43, "GPE", "alice")[1] is None
    store.undo("alice")
    other = ea.create_entity(store, "Ahmad Masood (cousin)", "PERSON", "alice")
    ea.add_alias(store, other, "Ahmad Masood", "alice")
    assert ea.accept(store, d2, 31, 43, "PERSON", "alice")[1] is None
    assert ea.accept(store, d1, 0, 13, "PERSON", "alice")[1] == "Ahmad Massoud"  # only one knows this


def test_speaker_span_for_finds_the_gold_span_a_suggestion_points_at(store):
    from conftest import add_document

    text = "Ahmad Massoud met elders. He said the valley would hold."
    doc = add_document(store, text)
    span_id = store.add_span(doc, 0, 13, "PERSON", "alice")
    row = ca.speaker_span_for(store, doc, "alice", 0, 13)
    assert row is not None and row["id"] == span_id
    assert ca.speaker_span_for(store, doc, "alice", 6, 13)["id"] == span_id  # "Massoud" inside it
    assert ca.speaker_span_for(store, doc, "bob", 0, 13) is None  # another annotator's gold
    assert ca.speaker_span_for(store, doc, "alice", None, None) is None
    assert ca.speaker_span_for(store, doc, "alice", 26, 28) is None  # "He": no span there


def test_same_judgement_links_every_mention_of_both_spellings_in_one_undo(store):
    d1 = add_document(store, "KABUL — Masood spoke in Kabul on Monday.")
    d2 = add_document(store, "In Kabul, Massoud's envoy met Masood's aides.")
    text1, text2 = store.document(d1)["text"], store.document(d2)["text"]
    spans = [
        store.add_span(d1, text1.index("Masood"), text1.index("Masood") + 6, "PERSON", "alice"),
        store.add_span(d2, text2.index("Massoud's"), text2.index("Massoud's") + 9, "ORG", "alice"),
        store.add_span(d2, text2.index("Masood"), text2.index("Masood") + 6, "PERSON", "alice"),
        store.add_span(d1, 0, 5, "ORG", "alice"),
        store.add_span(d1, text1.index("Kabul"), text1.index("Kabul") + 5, "GPE", "alice"),
    ]
    bob = store.add_span(d2, text2.index("Masood"), text2.index("Masood") + 6, "PERSON", "bob")
    done = ea.judge_pair(store, "Masood", "Massoud", "PERSON", "same", "alice")
    assert done.created and done.entity == "Masood" and done.linked == 3  # the more frequent form names it
    linked = {r["id"] for r in store.query("SELECT id FROM spans WHERE entity_id = ?", (done.entity_id,))}
    assert linked == set(spans[:3])  # alice's mentions of both spellings, possessive included
    assert store.scalar("SELECT label FROM spans WHERE id = ?", (spans[1],)) == "PERSON"  # the entity's label
    assert store.scalar("SELECT entity_id FROM spans WHERE id = ?", (bob,)) is None
    assert set(ea.aliases(store, done.entity_id)) >= {"Massoud"}
    store.undo("alice")  # one action: judgement, entity, links, aliases, relabel
    assert store.scalar("SELECT count(*) FROM entities") == 0
    assert store.query("SELECT * FROM judgements") == []
    assert store.scalar("SELECT label FROM spans WHERE id = ?", (spans[1],)) == "ORG"
    # an entity that knows one spelling takes the other's mentions; case variants go along
    town = ea.create_entity(store, "Kabul", "GPE", "alice")
    done = ea.judge_pair(store, "KABUL", "Kabul", "GPE", "same", "alice")
    assert done.entity_id == town and not done.created and done.linked == 2
    assert ea.judge_pair(store, "Masood", "Massoud", "PERSON", "different", "alice").entity_id is None
    assert store.scalar("SELECT count(*) FROM spans WHERE entity_id IS NOT NULL AND text LIKE 'Mas%'") == 0


def test_variant_queue_never_asks_an_implied_pair():
    from annotations.entities.queue import VariantQueue
    from annotations.extract.variants import Judgement, Pair

    def pair(a, b, score=90.0):
        return Pair(a, b, "PERSON", score, [])

    ab, bc, ac, cd, ad, xy = (
        pair("Masood", "Massoud", 95),
        pair("Massoud", "Masud", 94),
        pair("Masood", "Masud", 93),
        pair("Masud", "Mashud", 92),
        pair("Masood", "Mashud", 91),
        pair("Hemedti", "Hemeti", 90),
    )
    queue = VariantQueue([xy, ac, ab, bc, cd, ad])
    assert queue.current is ab  # best first
    queue.decide(ab, "same")
    queue.decide(bc, "same")
    assert ac not in queue.pairs  # A=B and B=C: A~C follows
    queue.decide(cd, "different")
    assert ad not in queue.pairs  # the group {A, B, C} is kept apart from D
    assert queue.pairs == [xy]
    queue.skip()
    assert queue.current is None and len(queue.skipped) == 1
    assert queue.take_back() is cd and queue.current is cd and ad in queue.pairs
    # stored judgements (and entity links) settle pairs the same way, whatever the label
    stored = VariantQueue(
        [ac, xy], [Judgement("Masood", "MASSOUD", "ORG", "same"), Judgement("Massoud", "Masud", "PERSON", "same")]
    )
    assert stored.pairs == [xy]


def test_same_judgement_accepts_and_links_the_open_suggestions_of_both_spellings(store):
    d1 = add_document(store, "Masood spoke on Monday. Massoud's envoy left.")
    d2 = add_document(store, "Massoud denied it.")
    store.save_predictions(
        "entities",
        "m-1",
        [
            (
                d1,
                [
                    {"start": 0, "end": 6, "label": "PERSON", "text": "Masood"},
                    {"start": 24, "end": 33, "label": "ORG", "text": "Massoud's"},
                ],
            ),
            (d2, [{"start": 0, "end": 7, "label": "GPE", "text": "Massoud"}]),
        ],
    )
    store.reject_prediction(d2, 0, 7, "GPE", "alice")  # alice said this one is no entity
    done = ea.judge_pair(store, "Massoud", "Masood", "PERSON", "same", "alice")
    assert done.linked == 2 and done.created
    rows = store.query("SELECT text, label, origin, entity_id FROM spans ORDER BY start")
    assert [(r["text"], r["label"], r["entity_id"]) for r in rows] == [
        ("Masood", "PERSON", done.entity_id),
        ("Massoud's", "PERSON", done.entity_id),
    ]
    assert store.status(d1, "alice") == "in progress"
    store.undo("alice")
    assert store.query("SELECT * FROM spans") == [] and store.status(d1, "alice") == "todo"


def test_the_linker_and_the_reader_share_one_open_suggestion_rule(store):
    """A rejection closes the suggestion it was made on (same characters, same label), not a
    later model's different reading of the same words: the Reader's rule, and the linker's."""
    from annotations.entities.queue import store_mentions
    from annotations.suggestions.rules import open_suggestions

    d = add_document(store, "Masood spoke. Kabul was calm.")
    store.reject_prediction(d, 0, 6, "ORG", "alice")
    store.save_predictions(
        "entities",
        "m-2",
        [
            (
                d,
                [
                    {"start": 0, "end": 6, "label": "PERSON", "text": "Masood"},
                    {"start": 14, "end": 19, "label": "GPE", "text": "Kabul"},
                ],
            )
        ],
    )
    preds = store.predictions(d, "entities")
    still_open = open_suggestions(preds, store.spans(d, "alice"), store.rejections(d, "alice"))
    linker = {(m.start, m.end) for m in store_mentions(store) if not m.gold}
    assert {(p["start"], p["end"]) for p in still_open} == linker == {(0, 6), (14, 19)}
    store.reject_prediction(d, 14, 19, "GPE", "alice")
    still_open = open_suggestions(
        store.predictions(d, "entities"), store.spans(d, "alice"), store.rejections(d, "alice")
    )
    linker = {(m.start, m.end) for m in store_mentions(store) if not m.gold}
    assert {(p["start"], p["end"]) for p in still_open} == linker == {(0, 6)}
