"""The role a claim keeps beside its speaker (README: "the description then kept as `role`"):
a description resolved to an organisation keeps the description ("the cooperative said" ->
Harlen Dairy Cooperative, role cooperative), and a role loses a leading article or "its" /
"their" but keeps a possessor that names someone. Invented sentences (real spaCy model)."""

from __future__ import annotations

import pytest

from annotations.extract.claims import claim_predictions
from annotations.extract.claims.roles import bare_role


def last_source(claims_nlp, text):
    claims = [c for c in claim_predictions(claims_nlp(text)) if c["speaker"]]
    assert claims, text
    return claims[-1]["speaker"], claims[-1]["role"]


@pytest.mark.parametrize(
    "text, speaker, role",
    [
        (
            "The Harlen Dairy Cooperative cut its milk price on Monday. "
            "Prices would stay low until spring, the cooperative said.",
            "Harlen Dairy Cooperative",
            "cooperative",
        ),
        (
            "Brackwell Council approved the budget on Tuesday. "
            '"We had no other choice," the council said in a statement.',
            "Brackwell Council",
            "council",
        ),
    ],
)
def test_a_description_resolved_to_an_organisation_is_kept_as_role(claims_nlp, text, speaker, role):
    assert last_source(claims_nlp, text) == (speaker, role)


def test_an_explicit_name_gets_no_description_role(claims_nlp):
    assert last_source(claims_nlp, "Prices would stay low until spring, the Harlen Dairy Cooperative said.")[1] is None


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Their leader", "leader"),
        ("its treasurer", "treasurer"),
        ("the chief economist", "chief economist"),
        ("Voltara's chief executive", "Voltara's chief executive"),
        ("his lawyer", "his lawyer"),
        ("The", "The"),
        (None, None),
        ("", ""),
    ],
)
def test_bare_role(written, kept):
    assert bare_role(written) == kept
