"""Issue 25: quotation marks of every style, attribution, speaker resolution, the speaker ranker,
and the speaker scores of `evaluate` (real spaCy model; stores on real SQLite files)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from annotations.extract.claims import (
    RANKER_FILE,
    SpeakerRanker,
    claim_predictions,
    find_quotations,
    mentions_from_spans,
    resolve_speakers,
)
from annotations.extract.claims.ranker import FEATURES, Candidate
from annotations.learn.evaluate.speakers import entity_match, lenient_match, name_index, strict_match

DATA = Path(__file__).parent / "data" / "claims"


def claims(claims_nlp, text, **kw):
    out = claim_predictions(claims_nlp(text), **kw)
    for c in out:
        assert text[c["start"] : c["end"]] == c["text"]
        if c["speaker"] is not None:
            assert text[c["speaker_start"] : c["speaker_end"]] == c["speaker"]
    return out


def quotes(text):
    return [text[a:b] for a, b in find_quotations(text)]


# --------------------------------------------------------------------- 1. quotation marks


@pytest.mark.parametrize(
    "text, found",
    [
        ("‘We need more trucks,’ she said.", ["‘We need more trucks,’"]),
        ("'We need more trucks,' she said.", ["'We need more trucks,'"]),
        ("«Nous sommes prêts», dit-il.", ["«Nous sommes prêts»"]),
        ("« Nous sommes prêts », dit-il.", ["« Nous sommes prêts »"]),
        ("»Wir sind bereit«, sagte er.", ["»Wir sind bereit«"]),
        ("„Wir sind bereit“, sagte er.", ["„Wir sind bereit“"]),
        ("“He told me ‘no’ twice,” she said.", ["“He told me ‘no’ twice,”"]),
        ("‘He told me “no” twice,’ she said.", ["‘He told me “no” twice,’"]),
    ],
)
def test_every_common_style_of_quotation_marks(text, found):
    assert quotes(text) == found


@pytest.mark.parametrize(
    "text, found",
    [
        ("Don’t blame Ruiz’s team, it’s O’Brien’s call.", []),
        ("The workers’ union said ‘no’ on Monday.", ["‘no’"]),
        ("‘The fighters’ positions held,’ he said.", ["‘The fighters’ positions held,’"]),
        ("‘They blamed the teachers’ she said.", ["‘They blamed the teachers’"]),
        ("It was the '90s. 'Yes,' he said.", ["'Yes,'"]),
        ("He is 5'10\" tall and ‘fit’.", ["‘fit’"]),
    ],
)
def test_apostrophes_are_told_from_closing_single_quotes(text, found):
    assert quotes(text) == found


def test_single_quoted_claims_are_quotes(claims_nlp):
    text = "‘Every hour counts,’ she said. ‘The roads are open, but the convoys are not coming,’ Ruiz added."
    out = claims(claims_nlp, text)
    assert [c["type"] for c in out] == ["quote", "quote"]
    assert out[1]["speaker"] == "Ruiz"


# --------------------------------------------------------------------- 2. attribution


def test_inverted_attribution_with_a_title(claims_nlp):
    text = "‘We need more trucks,’ insisted Mayor Ana Ruiz. ‘The roads are open, but the convoys are not coming.’"
    (c,) = claims(claims_nlp, text)
    assert (c["speaker"], c["role"], c["type"], c["cue"]) == ("Ana Ruiz", "Mayor", "quote", "insisted")
    assert c["text"] == text


def test_a_name_inside_the_quotation_is_never_the_speaker(claims_nlp):
    (c,) = claims(claims_nlp, "“We came in good faith, and we trust Prime Minister Kato,” Ruiz said.")
    assert c["speaker"] == "Ruiz"
    (c,) = claims(claims_nlp, '"The convoys," Ruiz said, "are not coming to Calvera."')
    assert c["speaker"] == "Ruiz" and c["type"] == "quote"


def test_a_wrong_source_is_not_carried_past_a_new_name(claims_nlp):
    text = (
        '"The offer on the table is fair," a company spokesman said. '
        "Transport Minister David Okoro urged both sides to return to talks. "
        "He said the government would not intervene."
    )
    out = claims(claims_nlp, text)
    assert [c["speaker"] for c in out] == ["company spokesman", "David Okoro"]


def test_determiners_and_quantifiers_are_kept_as_written(claims_nlp):
    (c,) = claims(claims_nlp, "Some officials said the talks could collapse.")
    assert c["speaker"] == "Some officials"
    (c,) = claims(claims_nlp, "“The zone is not negotiable,” said a source close to the Chilean delegation.")
    assert c["speaker"] == "source close to the Chilean delegation"


# --------------------------------------------------------------------- 3. resolution


@pytest.mark.parametrize(
    "text, speaker, role",
    [
        (
            "Ambassador Elena Marsh met the team. The talks went on all day. "
            "According to the ambassador, a deal is close.",
            "Elena Marsh",
            "ambassador",
        ),
        (
            "Jorge Tallis, the head of the dockworkers’ union, met managers. "
            "According to the union leader, 400 workers have been sent home.",
            "Jorge Tallis",
            "union leader",
        ),
        (
            "The regional water agency, Hidrocal, issued a warning on Sunday. "
            "The agency notes that the river is still rising.",
            "Hidrocal",
            "agency",
        ),
        (
            "Kestrel Ferries, the island's main operator, has moved two boats. "
            "The operator said the delay would cost it 2 million pounds a year.",
            "Kestrel Ferries",
            "operator",
        ),
    ],
)
def test_descriptions_resolve_to_the_name_the_text_gives_them(claims_nlp, text, speaker, role):
    c = claims(claims_nlp, text)[-1]
    assert (c["speaker"], c["role"]) == (speaker, role)
    assert c["speaker_start"] < c["start"]


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "Tomas Reill was convicted of fraud on Friday. His lawyer, Mira Osei, said he would appeal. "
            "The defence had argued that Reill acted in good faith.",
            "Mira Osei",
        ),
        (
            "Prosecutor Ines Varga called six witnesses. The prosecution said the payments were bribes.",
            "Ines Varga",
        ),
        ("Judge Carla Mott jailed Pavel Dorn for six years. The defence had argued that Dorn was unwell.", "defence"),
        (
            "Kerrin Air grounded its fleet after the Kerrin Civil Aviation Authority ordered checks. "
            "The transport ministry said it would review the rules. "
            "The regulator said it had also alerted other countries.",
            "Kerrin Civil Aviation Authority",
        ),
    ],
)
def test_a_courts_sides_and_the_regulator(claims_nlp, text, speaker):
    """README: "the defence" / "the prosecution" stand for the counsel the text names as such (never
    merely the last person named: the judge or the defendant); "the regulator" for an authority."""
    assert claims(claims_nlp, text)[-1]["speaker"] == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "The Holmfirth School District will move to a four-day week. The district expects most of the "
            "savings to come from transport, according to a budget memo. "
            "The memo estimated that bus costs would fall by 380,000 dollars.",
            "Holmfirth School District",
        ),
        (
            "The Tarlow Institute published a report on Tuesday on rural schools. "
            "The report found that 40 percent of schools had cut a day.",
            "Tarlow Institute",
        ),
        ("Rain fell all week. The report found that 40 percent of schools had cut a day.", None),
    ],
)
def test_the_same_report_named_again_keeps_its_author(claims_nlp, text, speaker):
    """README: "the memo" / "the report" named again is the claim of the report's author: the source
    of the claim citing it, or the named subject of the sentence that introduced it."""
    assert claims(claims_nlp, text)[-1]["speaker"] == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "Ashcombe Borough Council met on Monday. "
            "The closures are expected to save about 1.1m pounds a year, according to council papers.",
            "Ashcombe Borough Council",
        ),
        ("Sales at Norvik fell 12 percent in the quarter, according to a Reuters report.", "Reuters"),
        ("Sales fell 12 percent, according to the May report.", None),
    ],
)
def test_a_report_named_by_its_authors_noun(claims_nlp, text, speaker):
    """README: a report is never the speaker; "council papers", "a Reuters report" -> their author
    (the council named before), a date before the report ("the May report") names no one."""
    assert claims(claims_nlp, text)[-1]["speaker"] == speaker


def test_a_pronoun_a_sentence_back_and_its_gender(claims_nlp):
    text = "Ambassador Elena Marsh met the team. She assured that the two sides would meet again."
    assert claims(claims_nlp, text)[-1]["speaker"] == "Elena Marsh"
    text = "Ms Helen Achebe met Mr Paul Grant on Monday. She said the sea wall was weak."
    assert claims(claims_nlp, text)[-1]["speaker"] == "Helen Achebe"


def test_an_undescribed_role_stays_as_written(claims_nlp):
    (c,) = claims(claims_nlp, "According to the ambassador, a deal is close.")
    assert c["speaker"] == "ambassador"


def test_role_descriptions_resolve_to_gold_spans_and_their_entity(claims_nlp):
    text = "Ambassador Elena Marsh met the team. According to the ambassador, a deal is close."
    (c,) = claims(claims_nlp, text)
    c = dict(c, speaker="ambassador", speaker_start=text.index("ambassador,"))
    c["speaker_end"] = c["speaker_start"] + len("ambassador")
    gold = [{"start": text.index("Elena"), "end": text.index(" met"), "label": "PERSON", "entity_id": 3}]
    (r,) = resolve_speakers([c], text, mentions_from_spans(gold))
    assert (r["speaker"], r["speaker_entity"]) == ("Elena Marsh", 3)


# --------------------------------------------------------------------- 4. the speaker ranker


def test_without_training_the_rules_choose(claims_nlp):
    text = "“We need more trucks,” insisted Mayor Ana Ruiz."
    untrained = SpeakerRanker(np.zeros(len(FEATURES)), 0.0)
    assert claims(claims_nlp, text, ranker=untrained) == claims(claims_nlp, text)


def _write_set(folder: Path, docs: dict[str, tuple[str, list[dict]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    gold = {}
    for name, (text, items) in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
        gold[name] = items
    (folder / "gold.yaml").write_text(json.dumps(gold), encoding="utf-8")  # JSON is YAML
    return folder / "gold.yaml"


def _speaker_docs(tmp_path, claims_nlp, gold_path, folder):
    from annotations.learn.evaluate.claims_gold import load_gold_set
    from annotations.learn.train.speakers import speaker_docs
    from annotations.store import Store

    store = Store(tmp_path / "gold.db")
    load_gold_set(store, gold_path, folder)
    try:
        return speaker_docs(store, claims_nlp)
    finally:
        store.close()


NAMES = [("Anna Berg", "Tom Reed"), ("Lena Marsh", "Omar Haddad"), ("Carla Diaz", "Ivan Petrov"),
         ("Yuki Tanaka", "Peter Novak"), ("Sara Lind", "Jonas Weber"), ("Maria Costa", "Ali Karim")]  # fmt: skip


def test_the_ranker_learns_the_teams_convention(claims_nlp, tmp_path):
    """A team that records who was told as the source (an odd convention, but its own): after
    four documents the ranker follows it where the rules never would."""
    docs = {}
    for k, (teller, told) in enumerate(NAMES):
        text = f"{teller} told {told} on Monday that the bridge would close in May. The council met later."
        docs[f"d{k}.md"] = (text, [{"text": text.split(" The council")[0], "speaker": told,
                                   "type": "statement", "stance": "reported"}])  # fmt: skip
    gold_path = _write_set(tmp_path / "set", docs)
    from annotations.learn.train.speakers import fit_ranker, speaker_scores

    parsed = _speaker_docs(tmp_path, claims_nlp, gold_path, tmp_path / "set")
    ranker = fit_ranker(parsed[:4])
    assert speaker_scores(parsed[4:])["accuracy"] == 0.0
    assert speaker_scores(parsed[4:], ranker)["accuracy"] == 1.0


def test_four_articles_of_training_never_do_worse_than_the_rules_on_a_fifth(claims_nlp, tmp_path):
    from annotations.learn.train.speakers import fit_ranker, speaker_scores

    parsed = _speaker_docs(tmp_path, claims_nlp, DATA / "heldout" / "gold.yaml", DATA / "heldout")
    assert len(parsed) >= 5
    for k in range(len(parsed)):
        train = [parsed[(k + j) % len(parsed)] for j in range(1, 5)]
        test = [parsed[k]]
        assert speaker_scores(test, fit_ranker(train))["accuracy"] >= speaker_scores(test)["accuracy"]


def test_a_ranker_saves_and_loads_and_refuses_other_files(tmp_path):
    ranker = SpeakerRanker(np.arange(len(FEATURES), dtype=float), 0.5, {"claims": 3})
    ranker.save(tmp_path / RANKER_FILE)
    back = SpeakerRanker.load(tmp_path / RANKER_FILE)
    assert np.allclose(back.weights, ranker.weights) and back.bias == 0.5 and back.meta["claims"] == 3
    (tmp_path / "bad.json").write_text('{"format": 1, "features": ["x"], "weights": [1], "bias": 0}')
    with pytest.raises(ValueError, match=r"bad\.json: not a speaker ranker"):
        SpeakerRanker.load(tmp_path / "bad.json")


def _cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


def test_train_speakers_only_registers_a_ranker_predict_uses(claims_nlp, tmp_path):
    from annotations.learn.evaluate.claims_gold import load_gold_set
    from annotations.store import Store

    store = Store(tmp_path / "n.db")
    load_gold_set(store, DATA / "heldout" / "gold.yaml", DATA / "heldout")
    store.close()
    cwd = tmp_path
    run = _cli("--db", str(tmp_path / "n.db"), "train", "--extractor", "claims", "--speakers-only", "--use",
               "--name", "spk", "--json", cwd=cwd)  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["name"] == "spk" and out["after"]["per_label"]["speaker accuracy"]["f"] is not None
    assert (tmp_path / "models" / "spk" / RANKER_FILE).is_file()
    run = _cli("--db", str(tmp_path / "n.db"), "predict", cwd=cwd)
    assert run.returncode == 0, run.stderr
    store = Store(tmp_path / "n.db")
    try:
        versions = {
            r["version"] for r in store.query("SELECT DISTINCT version FROM predictions WHERE extractor = 'claims'")
        }
    finally:
        store.close()
    assert versions and all("+ranker." in v for v in versions)
    run = _cli("--db", str(tmp_path / "n.db"), "train-curve", "--extractor", "claims", "--json", cwd=cwd)
    assert run.returncode == 0, run.stderr
    curve = json.loads(run.stdout)
    assert [p["share"] for p in curve["points"]] == [0.25, 0.5, 0.75, 1.0]
    assert curve["rules"]["claims"] > 0
    run = _cli("--db", str(tmp_path / "n.db"), "train", "--extractor", "ner", "--speakers-only", cwd=cwd)
    assert run.returncode == 2 and "--speakers-only: only with --extractor claims" in run.stderr


# --------------------------------------------------------------------- 5. evaluate


@pytest.mark.parametrize(
    "pred, gold, strict, lenient",
    [
        ("the source", ["source"], True, True),
        ("Some officials", ["officials"], False, True),
        ("Ruiz", ["Ana Ruiz"], False, True),
        ("head of the union", ["union head"], False, True),
        ("Kato", ["Ana Ruiz"], False, False),
        (None, ["Ana Ruiz"], False, False),
        ("Ruiz", ["Ana Ruiz", "Ruiz"], True, True),
    ],
)
def test_speaker_matching_strict_and_lenient(pred, gold, strict, lenient):
    assert strict_match(pred, gold) is strict
    assert lenient_match(pred, gold) is lenient


def test_speaker_to_canonical_entity():
    index = name_index({1: ["Ana Ruiz", "Ruiz"], 2: ["Daniel Ruiz", "Ruiz"], 3: ["Elena Marsh"]})
    assert entity_match("Elena Marsh", None, 3, index)
    assert not entity_match("Ruiz", None, 1, index)  # two entities are called Ruiz
    assert entity_match("anything", 1, 1, index) and not entity_match("Ana Ruiz", 2, 1, index)


def test_evaluate_reports_the_speaker_scores(claims_nlp):
    from annotations.config import load_config
    from annotations.learn.evaluate.claims_gold import score_gold_set

    c = score_gold_set(DATA / "sample_gold.yaml", Path(__file__).parents[1] / "annotations" / "data" / "sample",
                       load_config(), pipeline=claims_nlp)  # fmt: skip
    assert c["speaker_lenient"] >= c["speaker_accuracy"] > 0.9
    assert c["entity_pairs"] >= 5 and c["speaker_entity_accuracy"] > 0.8
    assert c["quote_type_recall"] == 1.0


def test_the_shapes_and_blind_sets(claims_nlp):
    """Figures README reports: the development shapes of issue 25, and the blind set."""
    from annotations.config import load_config
    from annotations.learn.evaluate.claims_gold import score_gold_set

    shapes = score_gold_set(DATA / "shapes" / "gold.yaml", DATA / "shapes", load_config(), pipeline=claims_nlp)
    assert shapes["speaker_accuracy"] >= 0.95 and shapes["quote_type_recall"] == 1.0
    blind = score_gold_set(DATA / "blind" / "gold.yaml", DATA / "blind", load_config(), pipeline=claims_nlp)
    assert blind["gold"] >= 60
    assert blind["exact"]["f"] >= 0.85 and blind["quote_type_recall"] >= 0.95
    # claims v8: 0.828 / 0.899 (v7 0.818 / 0.909: one more strict match, one fewer lenient)
    assert blind["speaker_accuracy"] >= 0.82 and blind["speaker_lenient"] >= 0.89


def test_the_blind_dev_set(claims_nlp):
    """The blind development set (tuning set for speakers, README): claims and speakers."""
    from annotations.config import load_config
    from annotations.learn.evaluate.claims_gold import score_gold_set

    dev = score_gold_set(DATA / "dev" / "gold.yaml", DATA / "dev", load_config(), pipeline=claims_nlp)
    assert dev["gold"] >= 100 and dev["exact"]["f"] >= 0.9 and dev["quote_type_recall"] == 1.0
    assert dev["speaker_accuracy"] >= 0.9 and dev["speaker_lenient"] >= 0.95


# --------------------------------------------------------------------- shapes found in development


@pytest.mark.parametrize(
    "text, speaker",
    [
        ('Ana Ruiz said the shelters were full. Ruiz visited the camp. "Every hour counts," she said.', "Ruiz"),
        ('"We cannot keep borrowing," Mr Hale said. Councillor Rosa Vance disagreed. "The numbers do not add up," '
         "Ms Vance said. He said her figures were wrong.", "Hale"),
        ('"It was a mistake," the 29-year-old striker said after training.', "29-year-old striker"),
        ('Matteo Varga, 29, joined from Ajax in June. "It was a mistake," the striker said after training.',
         "Matteo Varga"),
        ("The Kitchen Rules star, 46, fumed that the inspection was a stitch-up.", None),
        ('TV chef Rocco Vane hit back at inspectors. "I have never made anyone ill," raged Vane. But Vane insisted '
         'the droppings were old. Later the chef told fans: "We are clean."', "Vane"),
        ("The Ashcombe council's Labour leader, Councillor Denise Whitlow, said the cuts were needed. "
         + "Opposition councillors walked out. " * 12 + "Jenny Okoro, who chairs the Friends of the library, said "
         "the petition had 4,000 names. The council leader insisted the consultation had been thorough.", "Denise Whitlow"),
        ("Its port secretary, Jens Holmgaard, told CLR that the union wanted a guarantee. "
         '"Every terminal that automates says nobody will lose their job," Holmgaard said. "Then there are fewer of '
         'us. We have seen it." The union official added that drivers should be retrained.', "Holmgaard"),
        ("Finnish manufacturer Kovari Cargotec supplies the cranes for the Rendsholm terminal. According to the "
         "manufacturer, it is the largest order of its kind.", "Kovari Cargotec"),
        ("Commuters are angry. \u00abMinister Weyland should try it himself.\u00bb\n\nLorraine Rail\u2019s regional "
         "director, Antoine Mersch, said the company chose the summer.", "Antoine Mersch"),
    ],
)  # fmt: skip
def test_pronouns_and_roles_take_the_nearest_spelling_and_respect_gender(claims_nlp, text, speaker):
    """A pronoun takes the name as spelled at its nearest mention; a title on one mention ("Ms
    Vance") gives the person's gender everywhere; a description that names no one stays whole;
    a role finds the person given it anywhere before, or the person just quoted; a quotation mark
    is never a speaker."""
    found = claims(claims_nlp, text)[-1]["speaker"]
    assert found == speaker if speaker is not None else found == "Kitchen Rules star"


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "Meridian Health, which runs the clinic, said in a statement that it could not find midwives.",
            "Meridian Health",
        ),
        ("The clinic will close its ward, its owner said on Monday.", "owner"),
        ("A former colleague of Keane testified that the payments were well known.", "former colleague of Keane"),
        ("Outside court, Keane's daughter, Laura Keane, said the family was confident.", "Laura Keane"),
        (
            "Northline Rail said in a statement that it was disappointed. Union leaders met in Leeds. "
            "The company said the offer was fair.",
            "Northline Rail",
        ),
        ("Matteo Varga trained alone on Thursday. He said his knee was getting stronger.", "Matteo Varga"),
        ("Priya Nair leads the union. Nair told reporters the strike was on. She added that talks had failed.", "Nair"),
        (
            "A spokeswoman for Harcourt Engineering, which employed both, said the firm was cooperating.",
            "Harcourt Engineering",
        ),
        ("Officials at the department said the bridge had passed every check.", "Officials at the department"),
        ("A lawyer for Daniel Lowry said his client would appeal.", "lawyer for Daniel Lowry"),
        ("A council officer's report presented to the meeting warned that usage would fall.", "council officer"),
        ("The mayor of Millbrook, Peter Hale, said the budget was balanced.", "Peter Hale"),
        ("The city's transport department said it had spent 1.2 million pounds.", "city's transport department"),
        (
            "Sofia Marquez inspected the bridge in 2022. A spokeswoman for Harcourt said the firm was cooperating. "
            'Later, Marquez returned to the stand. "Nobody at Harcourt wanted to hear it," she told the chair.',
            "Marquez",
        ),
        (
            "Sofia Marquez, who inspected the bridge in 2022, told the panel that she had flagged corrosion.",
            "Sofia Marquez",
        ),
    ],
)
def test_sources_found_in_development(claims_nlp, text, speaker):
    assert claims(claims_nlp, text)[-1]["speaker"] == speaker


@pytest.mark.parametrize(
    "text, speakers, role",
    [
        ("Analysts at Nordbank said the merger would cut 400 jobs. They expect it to close in May.",
         ["Nordbank", "Nordbank"], "Analysts"),
        ("A spokesman for Kestrel Ferries said crossings would resume. He added that refunds would be paid.",
         ["Kestrel Ferries", "Kestrel Ferries"], "spokesman"),
        ("A spokeswoman for Harcourt Engineering said it was cooperating. Police searched the site. "
         '"We have nothing to hide," the spokeswoman added.', ["Harcourt Engineering", "Harcourt Engineering"],
         "spokeswoman"),
        ("Westmere Borough Council said the pool would close. A spokeswoman added: \"Repairs will take a year.\"",
         None, None),
        ("Harlow Buses cut six routes on Monday. Drivers protested at the depot. Harlow Buses insisted the cuts "
         'were needed. A spokesperson for the bus company said: "We have no choice."',
         ["Harlow Buses", "Harlow Buses"], None),
    ],
)  # fmt: skip
def test_a_representative_of_a_named_organisation_gives_the_organisation(claims_nlp, text, speakers, role):
    """README: "a spokeswoman for Harcourt" -> Harcourt, "spokeswoman" kept as role; a pronoun or the
    same description after it stands for the same source."""
    found = claims(claims_nlp, text)
    if speakers is None:  # "A spokeswoman added" after an organisation's claim is its spokeswoman
        assert found[-1]["speaker"] == found[-2]["speaker"] and found[-1]["role"] == "spokeswoman"
        return
    assert [c["speaker"] for c in found] == speakers
    assert role is None or found[0]["role"] == role


@pytest.mark.parametrize(
    "text, speaker, role",
    [
        ("The University of Brackley will close its physics department. Students marched on Monday. "
         "A university spokesman said the losses could not go on.", "University of Brackley", "university spokesman"),
        ("The Ministry of Transport is reviewing the toll. A ministry spokeswoman said a decision would come "
         "in June.", "Ministry of Transport", "ministry spokeswoman"),
        ('Tarnwick Logistics said it was disappointed. "The offer is fair," a company spokesman said.',
         "Tarnwick Logistics", "company spokesman"),
        ("The Green Party won the seat. Labour, which came third, said it had been squeezed. A party spokesman said "
         "the result was no verdict on the leader.", "Labour", "party spokesman"),
        ("Fourteen cars were broken into overnight on Elm Street. A police spokesman said officers were checking "
         "cameras.", "police spokesman", None),
        ("Voters went to the polls in Harlow on Thursday. A party spokesman said turnout was low.",
         "party spokesman", None),
    ],
)  # fmt: skip
def test_an_unnamed_spokesman_of_a_kind_named_before_is_that_organisation(claims_nlp, text, speaker, role):
    """README (claims v10): "a university spokesman" after the University of Brackley is that
    university, the description kept as role; with no organisation of its kind named before
    ("a police spokesman" where no police force is named) the description stays as written."""
    found = claims(claims_nlp, text)[-1]
    assert (found["speaker"], found["role"]) == (speaker, role)


def test_a_pronoun_after_an_unnamed_spokesman_continues_the_organisation(claims_nlp):
    text = (
        "The University of Brackley will close its physics department. A university spokesman denied that "
        "costs had been shared unfairly. \u201cEvery school pays the same,\u201d he said."
    )
    assert [c["speaker"] for c in claims(claims_nlp, text)] == ["University of Brackley", "University of Brackley"]


def test_a_one_word_name_the_text_gives_an_age_is_a_person_a_pronoun_can_mean(claims_nlp):
    """A name spaCy's small model tags as a place ("Sutrisno") that the text gives an age
    ("Sutrisno, 58,") is a person: a later "he" is his, not the last person tagged as one."""
    text = (
        "For a grower like Sutrisno, 58, the rules mean new maps. Ahmad bin Hasyim, who ships coffee from "
        "Medan, says collectors never wrote anything down. Sutrisno has heard such promises before. "
        "He says a surveyor came to the village in 2019 and never returned."
    )
    assert claims(claims_nlp, text)[-1]["speaker"] == "Sutrisno"


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("The Northmoor FA said the referee's decision was final. Fans gathered outside the ground. "
         "According to the FA, the final will be shown live on Sunday.", "Northmoor FA"),
        ("Fans gathered outside the ground on Saturday. According to the FA, the final will be shown live on "
         "Sunday.", "FA"),
    ],
)  # fmt: skip
def test_an_acronym_a_longer_name_ends_with_is_that_name(claims_nlp, text, speaker):
    """ "the FA" after "the Northmoor FA" is the Northmoor FA; with no such name it stays as written."""
    assert claims(claims_nlp, text)[-1]["speaker"] == speaker


def test_a_name_joining_two_plural_nouns_by_and_is_one_name(claims_nlp):
    """ "the Kenya Museums and Archives Board" (spaCy's small model: two names split at "and") is
    one organisation: "the board" is all of it, not "Archives Board"."""
    text = (
        "Kofi Mensah, a spokesman for the Kenya Museums and Archives Board, said the board had no objection. "
        "Crowds gathered at the palace. According to the board, it is the largest return of its kind."
    )
    assert claims(claims_nlp, text)[-1]["speaker"] == "Kenya Museums and Archives Board"


def test_an_agency_the_tagger_did_not_know_and_a_quotation_not_joined_to_a_new_report(claims_nlp):
    """'The agency notes' after 'Hidrocal, the regional water agency' (a word the tagger did not
    know); a quotation paragraph that goes on is its source's, but a reporting sentence with
    content of its own after it is a claim of its own."""
    text = (
        "Hidrocal, the regional water agency, issued a flood warning on Sunday. Residents were told to "
        "stay indoors. The agency notes that the river is rising by two centimetres an hour."
    )
    assert claims(claims_nlp, text)[-1]["speaker"] == "Hidrocal"
    text = (  # an organisation as spelled at its nearest mention: its acronym
        "Baltic Gateway Terminals (BGT) has ordered 40 cranes from Kovari. The order was welcomed by BGT staff "
        "at the port. The company said the cranes would arrive in 2027."
    )
    assert claims(claims_nlp, text)[-1]["speaker"] == "BGT"
    text = "“We trust Prime Minister Kato,” Ruiz said. “But trust has limits.” He said talks would resume."
    found = claims(claims_nlp, text)
    assert [c["text"] for c in found] == [
        "“We trust Prime Minister Kato,” Ruiz said. “But trust has limits.”",
        "He said talks would resume.",
    ]
    assert [c["speaker"] for c in found] == ["Ruiz", "Ruiz"]


@pytest.mark.parametrize(
    "text",
    [
        "Judge Miriam Shaw warned the jury not to read about the case online.",
        "Kestrel Ferries has threatened to move its fleet to Dover.",
        "The minister told residents to leave their homes before noon.",
    ],
)
def test_orders_warnings_and_threats_to_act_are_not_claims(claims_nlp, text):
    assert claims(claims_nlp, text) == []


def test_a_quotation_paragraph_without_attribution_continues_the_source(claims_nlp):
    text = (
        "Lee said the ward would close. Nurses were told on Friday.\n\n"
        '"We looked at every option and there was no safe way to keep it open."'
    )
    out = claims(claims_nlp, text)
    assert [(c["type"], c["speaker"]) for c in out] == [("statement", "Lee"), ("quote", "Lee")]
    text = 'Lee said the ward would close. Omar Haddad met nurses.\n\n"We looked at every option and found none."'
    assert claims(claims_nlp, text)[-1]["speaker"] is None


def test_a_quotation_after_a_lead_in_colon_is_its_subjects(claims_nlp):
    (c,) = claims(claims_nlp, "Mayor Ana Ruiz was blunt: “Nobody in this city will pay for their mistake.”")
    assert (c["type"], c["speaker"]) == ("quote", "Ana Ruiz")
    (c,) = claims(claims_nlp, 'The message was clear: "Nobody in this city will pay for their mistake."')
    assert c["speaker"] is None


def test_train_claims_fits_the_ranker_beside_the_span_model(claims_nlp, tmp_path):
    from annotations.config import load_config
    from annotations.learn.evaluate.claims_gold import load_gold_set
    from annotations.learn.train.claims import train_claims
    from annotations.learn.train.ner import TrainOptions
    from annotations.predict.run import run_predict
    from annotations.store import Store
    from annotations.store.models import use

    store = Store(tmp_path / "n.db")
    try:
        load_gold_set(store, DATA / "heldout" / "gold.yaml", DATA / "heldout")
        config = load_config(None)
        opts = TrainOptions(max_steps=2, name="both", output=str(tmp_path / "both"))
        outcome = train_claims(store, config, opts, annotator="gold")
        assert (tmp_path / "both" / "spancat").is_dir() and (tmp_path / "both" / RANKER_FILE).is_file()
        assert outcome.after["per_label"]["speaker accuracy"]["f"] is not None
        use(store, "both", "gold")
        report = run_predict(store, config, limit=1)
    finally:
        store.close()
    assert report.versions["claims"].startswith("spancat.") and "+ranker." in report.versions["claims"]


def test_pronouns_find_a_lone_surname_and_learn_genders(claims_nlp):
    text = 'Ruiz spoke to reporters after meeting Kato, the finance minister. "We agreed on nothing," she said.'
    assert claims(claims_nlp, text)[-1]["speaker"] == "Ruiz"
    text = (
        '"We will appeal," Ruiz said.\n\nHer lawyer, Tom Hale, was more cautious. '
        '"We will read the judgment first," he said.\n\n"Then we decide," she added.'
    )
    assert [c["speaker"] for c in claims(claims_nlp, text)] == ["Ruiz", "Tom Hale", "Ruiz"]


def test_they_stands_for_a_group_of_people_named_before(claims_nlp):
    text = "Residents of Calvera blocked the road on Monday. They said the convoys had not come for a week."
    assert claims(claims_nlp, text)[-1]["speaker"] == "Residents of Calvera"
    text = "Prices rose sharply in May. They said the convoys had not come for a week."
    assert claims(claims_nlp, text)[-1]["speaker"] == "They"


INTERVIEW = (
    "Harbour pilots guided 900 ships into Selwick last year, according to the port authority.\n\n"
    "Its chief pilot, Marta Lindqvist, has worked the estuary for 20 years. Lindqvist said the channel "
    "would be dredged in spring.\n\n"
    "Q: How busy was the winter?\n\n"
    "A: Busier than any I remember. We brought in 14 ships in one night in January.\n\n"
    "Q: Some captains say the pilots are too cautious.\n\n"
    "A: That is nonsense. Nobody has lost a day because of us.\n\n"
    "Q: What do you need?\n\n"
    "A: Two more boats and a night radar.\n"
)


def test_a_qa_interviews_answers_are_the_interviewees_quotations(claims_nlp):
    """README: answers printed without quotation marks are the interviewee's quotations (the person
    whose claim comes last before the first question); the markers are never part of a claim."""
    found = claims(claims_nlp, INTERVIEW)
    answers = [c for c in found if c["text"].startswith(("Busier", "That is", "Two more"))]
    assert [(c["speaker"], c["type"]) for c in answers] == [("Lindqvist", "quote")] * 3
    assert answers[0]["text"] == "Busier than any I remember. We brought in 14 ships in one night in January."
    assert answers[1]["stance"] == "denied"
    assert not any(c["text"].startswith(("Q:", "A:")) for c in found)
    asked = next(c for c in found if "captains say" in c["text"])
    assert asked["text"].startswith("Some captains say")


def test_answers_without_a_named_interviewee_are_left_alone(claims_nlp):
    """An organisation's claim before the questions does not make it the interviewee."""
    text = (
        "Harbour pilots guided 900 ships into Selwick last year, according to the Selwick Port Authority.\n\n"
        "Q: How busy was the winter?\n\nA: Busier than any I remember, and we had 14 ships in one night.\n\n"
        "Q: And now?\n\nA: Quieter, thank goodness.\n"
    )
    found = claims(claims_nlp, text)
    assert found and found[0]["speaker"] == "Selwick Port Authority"
    assert not [c for c in found if c["text"].startswith(("Busier", "Quieter"))]


def _candidate(rule: bool = False, **on: float) -> Candidate:
    x = np.zeros(len(FEATURES))
    for name, value in on.items():
        x[FEATURES.index(name)] = value
    x[FEATURES.index("rule")] = rule
    return Candidate(0, 1, None, x, rule)


def test_the_ranker_never_picks_a_report_nor_a_doubtful_source_the_rules_did_not_find():
    """README: a report never speaks, even when a ranker learnt to like it; where the rules found
    no source, the ranker gives one only when it scores it over 0.5."""
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("report_noun")] = 4.0
    weights[FEATURES.index("dep=nsubj")] = 1.0
    ranker = SpeakerRanker(weights, 0.0)
    memo, subject = _candidate(report_noun=1), _candidate(**{"dep=nsubj": 1})
    assert ranker.choose([memo, subject]) is subject
    assert SpeakerRanker(weights, -3.0).choose([memo, subject]) is None  # 0.12: not more likely than not
    rule = _candidate(rule=True)
    assert SpeakerRanker(weights, -3.0).choose([memo, rule]) is rule
