"""Claims v6 (issue 25, second round): sources in wire copy the rules were not written on, each
shape in invented sentences (real spaCy model): organisations the tagger mistakes for people or
places, descriptions that keep meaning what they meant, unnamed sources kept as written, and
quotations attributed by the sentence before."""

from __future__ import annotations

import pytest

from annotations.extract.claims import claim_predictions


def last_claim(claims_nlp, text):
    found = claim_predictions(claims_nlp(text))
    assert found, text
    c = found[-1]
    if c["speaker"] is not None:
        assert text[c["speaker_start"] : c["speaker_end"]] == c["speaker"]
    return c


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a name spaCy tags a person or a place, which its last word or an appositive says is an organisation
        ("Ostrava Steelworks cut 300 jobs on Tuesday. The company said demand from carmakers had collapsed.",
         "Ostrava Steelworks"),
        ("Velaris, the country's second-largest airline, cancelled 60 flights. The carrier said the strike had left "
         "it short of crews.", "Velaris"),
        # a description keeps meaning the organisation it meant, past one named in passing
        ("The Bank of Ostmark held rates on Thursday. The bank said inflation had eased. According to Ana Perez, "
         "chief economist at Fennel Bank, a cut is unlikely before June. Growth will slow to 1 percent, the bank "
         "estimated.", "Bank of Ostmark"),
        # the organisation whose name says what it is, before one that only has the word
        ("The University of Castlebridge will close its music school, according to the University and College "
         "Union. Current students will be allowed to finish, the university said.", "University of Castlebridge"),
        ("The Pine Hollow School District approved the budget. The district said class sizes would fall.",
         "Pine Hollow School District"),
        # "X did Y, the club said": the report's own subject
        ("Dunmore Athletic sold all 4,000 tickets within an hour, the club said.", "Dunmore Athletic"),
        # a possessive name makes a description a name of its own; a description continues its own kind only
        ("The mines ministry revoked the licence. Norway's foreign ministry said it was concerned.",
         "Norway's foreign ministry"),
        ("The mines ministry revoked the licence. Norway's foreign ministry said it was concerned. The company "
         "can appeal, the mines ministry said.", "mines ministry"),
    ],
)  # fmt: skip
def test_organisations_the_tagger_mistakes_and_descriptions_that_keep_their_meaning(claims_nlp, text, speaker):
    assert last_claim(claims_nlp, text)["speaker"] == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("One former driver told the paper that the brakes were worn.", "One former driver"),
        ("Officials in Tallinn said the crossing would reopen on Monday.", "Officials in Tallinn"),
        ("Two nurses who work at the clinic said the ward was understaffed.", "Two nurses who work at the clinic"),
        ("The company, which employs 4,000 people, said profits had risen.", "company"),
        ("Officials in March said the plan was ready.", "Officials"),
        # "the engineer" continues the unnamed source of that head noun; "the official" too
        ("An engineer involved in the project said the valve had failed. The engineer said it had been replaced "
         "twice.", "engineer involved in the project"),
        ("A senior official at the energy ministry, speaking on condition of anonymity, said the pipeline was "
         'damaged. "Nobody expected this," the official said. The energy ministry said repairs would take a week.',
         "energy ministry"),
    ],
)  # fmt: skip
def test_unnamed_sources_keep_their_description_as_written(claims_nlp, text, speaker):
    assert last_claim(claims_nlp, text)["speaker"] == speaker


@pytest.mark.parametrize(
    "text, speaker, role",
    [
        ('Mayor Julia Fenwick toured the flooded streets on Monday. "It will take months to repair the damage."',
         "Julia Fenwick", "Mayor"),
        ('Mayor Julia Fenwick toured the flooded streets on Monday.\n\n"It will take months to repair the damage."',
         "Julia Fenwick", "Mayor"),
        ('The river burst its banks on Monday. "It will take months to repair the damage."', None, None),
        ("Striker Marco Bellini scored twice. The 24-year-old said he was delighted.", "Marco Bellini",
         "24-year-old"),
        ("Baroness Hartley, a former minister, said the plan was reckless.", "Hartley", "Baroness"),
        ("Dunmore manager Petra Lowell praised her side. Ashby manager Tom Riggs was furious. \"The referee "
         "missed it,\" the Ashby manager said.", "Tom Riggs", "Ashby manager"),
        ("Ashby manager Tom Riggs was furious. Riggs said that after the match, adding that his side had been "
         "unlucky.", "Riggs", None),
        # a nationality for the person just named (sports and wire copy)
        ('Carlos Mendez won the title in straight sets. "I played my best tennis," the Spaniard said.',
         "Carlos Mendez", "Spaniard"),
        ("Kenyan runner Faith Chebet broke the record. The 24-year-old Kenyan said she had trained at altitude.",
         "Faith Chebet", "24-year-old Kenyan"),
        ("Police said two men were arrested. They said the men were aged 19 and 23.", "Police", None),
        # a participle opening the sentence is no source; "one of them" gives way to the name after it
        ("Speaking to reporters in Geneva, the UN envoy, Marta Ruiz, said talks would resume.", "Marta Ruiz",
         "UN envoy"),
        ('Lawyers for the family said they would appeal. "The fight is not over," one of them, Amal Haddad, said.',
         "Amal Haddad", None),
    ],
)  # fmt: skip
def test_people_named_the_sentence_before_or_by_their_role(claims_nlp, text, speaker, role):
    c = last_claim(claims_nlp, text)
    assert (c["speaker"], c["role"]) == (speaker, role)


def test_a_surname_spacy_did_not_tag_still_stops_a_pronoun_from_going_further_back(claims_nlp):
    text = (
        "Coach Siobhan Keely praised her players. A source at the league said a charge was likely. "
        'Keely was asked whether the final would be a mismatch. "Ask me again after the final," she said.'
    )
    assert last_claim(claims_nlp, text)["speaker"] == "Keely"


def test_the_second_blind_dev_set(claims_nlp):
    """dev2, the second tuning set (README): claims and speakers."""
    from pathlib import Path

    from annotations.config import load_config
    from annotations.learn.evaluate.claims_gold import score_gold_set

    data = Path(__file__).parent / "data" / "claims" / "dev2"
    dev2 = score_gold_set(data / "gold.yaml", data, load_config(), pipeline=claims_nlp)
    assert dev2["gold"] >= 100 and dev2["exact"]["f"] >= 0.9 and dev2["quote_type_recall"] == 1.0
    assert dev2["speaker_accuracy"] >= 0.9 and dev2["speaker_lenient"] >= 0.92


def test_a_common_first_name_gives_a_pronoun_its_gender(claims_nlp):
    text = (
        "Interior Minister Karl Brenner defended the law on Tuesday.\n\n"
        '"We have no choice," he told parliament.\n\n'
        "Opposition leader Maria Sandoval called the law a disgrace.\n\n"
        "He said the police would need more money."
    )
    assert last_claim(claims_nlp, text)["speaker"] == "Karl Brenner"
