"""`newsmark agree`: each figure against a hand count or an independent library
(scikit-learn's cohen_kappa_score, the `krippendorff` package), on a real SQLite file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from team_support import (
    ALICE_1,
    ALICE_2,
    BOB_1,
    BOB_2,
    BRIEF,
    DISPATCH,
    add_claim,
    add_document,
    add_spans,
    find,
    judge,
    mark,
)

from annotations.store import Store
from annotations.team.agreement import (
    NoSharedDocuments,
    agreement,
    cohen_kappa,
    krippendorff_alpha_nominal,
)
from annotations.vocab import REVIEW_ANNOTATOR, Status, Verdict

ROOT = Path(__file__).resolve().parents[1]
# Every label the fixture uses: the hand counts below score them all (by default agree leaves
# out NORP and LOC, which only one annotator ever marks; test_default_labels_leave_out_one_annotators_labels)
FIXTURE_LABELS = ["PERSON", "GPE", "DATE", "ORG", "LOC", "NORP"]


@pytest.fixture
def team(tmp_path):
    """Two documents alice and bob both finished; a third only alice finished; a reviewed layer."""
    store = Store(tmp_path / "team.db")
    d1 = add_document(store, DISPATCH, title="Resistance leader vows to hold the valley")
    d2 = add_document(store, BRIEF, title="Islamabad denies drone strikes")
    d3 = add_document(store, "Amrullah Saleh spoke from Panjshir.", title="Saleh speaks")
    add_spans(store, d1, "alice", ALICE_1, DISPATCH)
    add_spans(store, d1, "bob", BOB_1, DISPATCH)
    add_spans(store, d2, "alice", ALICE_2, BRIEF)
    add_spans(store, d2, "bob", BOB_2, BRIEF)
    add_spans(store, d3, "alice", [("Amrullah Saleh", "PERSON")], "Amrullah Saleh spoke from Panjshir.")
    add_spans(store, d1, REVIEW_ANNOTATOR, ALICE_1, DISPATCH)
    # claims: one identical, one overlapping with another stance, one only alice has
    add_claim(
        store, d1, "alice", DISPATCH, "the National Resistance Front would hold Panjshir", "statement", "reported"
    )
    add_claim(store, d1, "bob", DISPATCH, "the National Resistance Front would hold Panjshir", "statement", "reported")
    add_claim(
        store,
        d2,
        "alice",
        BRIEF,
        "Officials in Islamabad denied on Tuesday that Pakistani drones had struck the valley",
        "statement",
        "denied",
    )
    add_claim(store, d2, "bob", BRIEF, "Pakistani drones had struck the valley", "statement", "reported")
    add_claim(store, d2, "alice", BRIEF, "calling the reports baseless", "quote", "asserted")
    for doc in (d1, d2):
        mark(store, doc, "alice")
        mark(store, doc, "bob")
    mark(store, d3, "alice")
    mark(store, d1, REVIEW_ANNOTATOR, Status.REVIEWED)
    yield store, (d1, d2, d3)
    store.close()


def test_span_f1_matches_a_hand_count(team):
    store, _ = team
    report = agreement(store, labels=FIXTURE_LABELS)
    assert report["documents"] == 2 and report["annotators"] == ["alice", "bob"]
    pair = report["entities"]["pairs"][0]
    assert (pair["a"], pair["b"], pair["docs"]) == ("alice", "bob", 2)
    # strict: Ahmad Massoud, Kabul, Doha, Islamabad, Tuesday agree; alice 9 spans, bob 7
    strict = pair["strict"]
    assert (strict["a"], strict["b"], strict["matched_a"]) == (9, 7, 5)
    assert strict["p"] == pytest.approx(5 / 7) and strict["r"] == pytest.approx(5 / 9)
    assert strict["f"] == pytest.approx(2 * 5 / 16) and strict["docs"] == 2
    # partial adds "the National Resistance Front" ~ "National Resistance Front" (same label);
    # Panjshir GPE vs LOC still differs
    partial = pair["partial"]
    assert partial["p"] == pytest.approx(6 / 7) and partial["r"] == pytest.approx(6 / 9)
    assert partial["f"] == pytest.approx(2 * (6 / 7) * (6 / 9) / (6 / 7 + 6 / 9))
    gpe = strict["per_label"]["GPE"]
    assert (gpe["a"], gpe["b"], gpe["matched_a"]) == (4, 3, 3)
    assert gpe["f"] == pytest.approx(2 * 3 / 7)
    assert strict["per_label"]["LOC"]["p"] == 0.0 and strict["per_label"]["LOC"]["r"] is None
    assert report["entities"]["overall"]["strict"]["f"] == pytest.approx(strict["f"])


def _independent_token_labels(text: str, spans: list[tuple[str, str]]) -> list[str]:
    """Token labels computed another way: per token, look the characters up in a char map."""
    chars = ["O"] * len(text)
    for phrase, label in spans:
        s, e = find(text, phrase)
        for i in range(s, e):
            chars[i] = label
    out = []
    for m in re.finditer(r"\w+|[^\w\s]", text):
        labels = [chars[i] for i in range(m.start(), m.end()) if chars[i] != "O"]
        out.append(labels[0] if labels else "O")
    return out


def test_kappa_over_all_and_labelled_tokens_matches_scikit_learn(team):
    store, _ = team
    pair = agreement(store, labels=FIXTURE_LABELS)["entities"]["pairs"][0]
    la = _independent_token_labels(DISPATCH, ALICE_1) + _independent_token_labels(BRIEF, ALICE_2)
    lb = _independent_token_labels(DISPATCH, BOB_1) + _independent_token_labels(BRIEF, BOB_2)
    k_all = pair["kappa"]["all_tokens"]
    assert k_all["tokens"] == len(la) and k_all["docs"] == 2
    assert k_all["kappa"] == pytest.approx(cohen_kappa_score(la, lb))
    keep = [i for i in range(len(la)) if la[i] != "O" or lb[i] != "O"]
    k_lab = pair["kappa"]["labelled_tokens"]
    assert k_lab["tokens"] == len(keep)
    assert k_lab["kappa"] == pytest.approx(cohen_kappa_score([la[i] for i in keep], [lb[i] for i in keep]))
    # the two figures differ, which is why both are named
    assert k_lab["kappa"] < k_all["kappa"]


def test_cohen_kappa_hand_worked():
    # 10 items: agree on 7 (4 yes, 3 no); a says yes 6 times, b 5 times.
    a = ["y"] * 4 + ["n"] * 3 + ["y", "y", "n"]
    b = ["y"] * 4 + ["n"] * 3 + ["n", "n", "y"]
    po, pe = 0.7, (6 * 5 + 4 * 5) / 100
    assert cohen_kappa(a, b) == pytest.approx((po - pe) / (1 - pe))
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None


def test_claims_exact_overlap_and_stance(team):
    store, _ = team
    claims = agreement(store, labels=FIXTURE_LABELS)["claims"]["pairs"][0]
    # alice 3 claims, bob 2; exact: 1; overlapping: alice 2 of 3, bob 2 of 2
    assert claims["exact"]["f"] == pytest.approx(2 * 1 / 5)
    assert claims["overlap"]["p"] == pytest.approx(1.0) and claims["overlap"]["r"] == pytest.approx(2 / 3)
    assert claims["type"]["matched"] == 2 and claims["type"]["agreement"] == 1.0
    assert claims["stance"]["agreement"] == 0.5 and claims["stance"]["docs"] == 2


def test_variant_alpha_matches_krippendorff_package(team):
    store, _ = team
    votes = {
        ("Masood", "Massoud"): {"alice": Verdict.SAME, "bob": Verdict.SAME, "carol": Verdict.SAME},
        ("Panshir", "Panjshir"): {"alice": Verdict.SAME, "bob": Verdict.UNSURE},
        ("Ahmad Massoud", "Ahmad Shah Massoud"): {
            "alice": Verdict.DIFFERENT,
            "bob": Verdict.SAME,
            "carol": Verdict.DIFFERENT,
        },
        ("Saleh", "Salih"): {"bob": Verdict.SAME},  # judged once: not pairable
        ("Taliban", "Taleban"): {"alice": Verdict.SAME, "carol": Verdict.SAME},
    }
    for (a, b), by in votes.items():
        for who, verdict in by.items():
            judge(store, a, b, verdict, who)
    judge(store, "Massoud", "Masood", Verdict.DIFFERENT, "carol")  # reversed pair, carol's later verdict
    votes[("Masood", "Massoud")]["carol"] = Verdict.DIFFERENT
    report = agreement(store, labels=FIXTURE_LABELS)
    raters = ["alice", "bob", "carol"]
    code = {v: i for i, v in enumerate(Verdict)}
    matrix = np.array([[code[by[r]] if r in by else np.nan for by in votes.values()] for r in raters], dtype=float)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert report["variants"]["alpha"] == pytest.approx(expected)
    assert report["variants"]["pairs"] == 4 and report["variants"]["annotators"] == raters
    assert krippendorff_alpha_nominal([["a", "a"], ["b", "b"]]) == pytest.approx(1.0)


def test_lowest_documents_and_review_is_not_a_rater(team):
    store, (d1, d2, d3) = team
    report = agreement(store, labels=FIXTURE_LABELS)
    lowest = report["lowest"]
    assert [r["doc_id"] for r in lowest] == [d1, d2]  # 6/11 < 4/5
    assert lowest[0]["strict_f"] == pytest.approx(2 * 3 / 11)
    assert lowest[1]["strict_f"] == pytest.approx(2 * 2 / 5)
    assert REVIEW_ANNOTATOR not in report["annotators"]
    assert d3 not in [r["doc_id"] for r in lowest]


def test_labels_and_annotators_filters(team):
    store, _ = team
    report = agreement(store, labels=["GPE"])
    strict = report["entities"]["pairs"][0]["strict"]
    assert set(strict["per_label"]) == {"GPE"} and strict["f"] == pytest.approx(6 / 7)
    with pytest.raises(NoSharedDocuments):
        agreement(store, annotators=["alice", "carol"])


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_json_and_text(team, tmp_path):
    store, _ = team
    db = str(store.path)
    proc = run_cli("agree", "--json", "--labels", ",".join(FIXTURE_LABELS), "--db", db, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["entities"]["pairs"][0]["strict"]["f"] == pytest.approx(10 / 16)
    text = run_cli("agree", "--db", db, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Left out, used by one annotator only: LOC (only bob), NORP (only alice)" in text.stdout
    assert "Cohen's kappa over all tokens" in text.stdout and "over labelled tokens" in text.stdout
    assert "(2 docs)" in text.stdout and "Resistance leader" in text.stdout


def test_default_labels_leave_out_one_annotators_labels(team):
    store, _ = team
    report = agreement(store)
    assert report["labels"] == ["DATE", "GPE", "ORG", "PERSON"]
    assert report["labels_left_out"] == {"LOC": ["bob"], "NORP": ["alice"]}
    scored = agreement(store, labels=report["labels"])["entities"]["pairs"][0]
    assert report["entities"]["pairs"][0]["strict"] == scored["strict"]


def test_cli_none_shared_and_bad_input(tmp_path):
    store = Store(tmp_path / "solo.db")
    d = add_document(store, DISPATCH, title="\x1b[31mred\x1b[0m")
    mark(store, d, "alice")
    store.close()
    db = str(tmp_path / "solo.db")
    for args, needle in (
        (("agree",), "no document is marked done by two or more"),
        (("agree", "--labels", "PERSN"), "--labels: unknown label 'PERSN'"),
        (("agree", "--annotators", "alice"), "--annotators: name two or more"),
    ):
        proc = run_cli(*args, "--db", db, cwd=tmp_path)
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], proc.stderr
        assert proc.stdout == ""


def test_escape_sequences_in_titles_never_reach_the_terminal(team, tmp_path):
    store, (d1, _, _) = team
    with store.transaction() as conn:
        conn.execute("UPDATE documents SET title = ? WHERE id = ?", ("\x1b]0;pwned\x07Kabul [bold]x[/]", d1))
    proc = run_cli("agree", "--db", str(store.path), cwd=tmp_path)
    assert proc.returncode == 0 and "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "[bold]x[/]" in proc.stdout


def test_a_label_only_one_annotator_used_is_f1_zero_not_undefined():
    from annotations.team.agreement.measures import prf

    assert prf(0, 0, 0, 1)["f"] == 0.0  # A labelled one GPE, B none: they disagree
    assert prf(0, 1, 0, 0)["f"] == 0.0
    assert prf(0, 0, 0, 0)["f"] is None  # neither used the label: nothing to agree on
    assert prf(1, 2, 1, 1) == {"p": 0.5, "r": 1.0, "f": 2 * 0.5 / 1.5}
