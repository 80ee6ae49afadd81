"""Scoring an alignment of two forms: the score and the reasons shown for it."""

from __future__ import annotations

from collections.abc import Callable

from annotations.extract.variants.analysis import Node, top_label
from annotations.extract.variants.syllables import chinese_pair
from annotations.extract.variants.tuning import CROSS_LABEL_PENALTY, EVENT_SLIP_PENALTY, SLIP_PENALTY
from annotations.extract.variants.verdict import Comparison

__all__ = ["Describe", "score_alignment"]

Describe = Callable[[str, str, float, bool], str]
"""The reason for one aligned token pair: (a, b, similarity, both forms Chinese) -> text."""


def score_alignment(
    fa: Node,
    fb: Node,
    items: list[tuple[int, int, float]],
    joined: list,
    describe: Describe,
    slip: tuple[str, str] | None = None,
    event: list[str] | None = None,
) -> Comparison:
    """Score an alignment: items are (index in fa.core, index in fb.core, similarity)
    in fa order; `describe` gives the reason for one aligned token pair (a, b, similarity,
    both forms Chinese); a one-letter `slip` and the `event` that vouches for it cost score."""
    A, B = fa.core, fb.core
    num = den = 0.0
    reasons: list[str] = []
    chinese = chinese_pair(fa, fb)
    in_join = {c for cov_a, _, _, _, _ in joined for c in cov_a} if joined else ()
    same_tokens = not joined
    disorder = False
    last_j = -1
    for i, j, s in items:
        if j < last_j:
            disorder = True
        last_j = j
        if i in in_join:
            continue
        a, b = A[i], B[j]
        w = len(a) if len(a) > len(b) else len(b)
        num += w * s
        den += w
        if s < 1.0:
            same_tokens = False
            if slip and (a, b) == slip:
                continue
            reasons.append(describe(a, b, s, chinese))
    for cov_a, cov_b, sa, sb, s in joined:
        w = max(len(sa), len(sb))
        num += w * s
        den += w
        ta = " ".join(A[c] for c in cov_a) if len(cov_a) > 1 else A[cov_a[0]]
        tb = " ".join(B[c] for c in cov_b) if len(cov_b) > 1 else B[cov_b[0]]
        if len(cov_a) == 1 and len(cov_b) == 1:  # a particle joined on (al Qaeda ~ Alqaeda)
            ta, tb = sa, sb
        reasons.append(f"joined tokens: {ta}~{tb} ({s:.2f})")
    score = 100.0 * num / den if den else 0.0
    if slip:
        score -= _slip_reason(slip, event, reasons)
    if fa.group != fb.group:
        score -= CROSS_LABEL_PENALTY
        reasons.append(f"labelled {_kind(fa)} and {_kind(fb)}: compared across labels")
    if disorder:
        score -= 5.0
        reasons.append("token order differs (surname first?)")
    _overall(fa, fb, same_tokens, reasons)
    return Comparison.accept(round(min(score, 100.0), 1), reasons)


def _slip_reason(slip: tuple[str, str], event: list[str] | None, reasons: list[str]) -> float:
    """The reason for a one-letter slip (and the event that vouches for it), and its cost."""
    if event is None:
        reasons.append(f"one-letter slip in a given name: {slip[0]}~{slip[1]}, same surname")
        return SLIP_PENALTY
    named = ", ".join(event[:3]) + (f" and {len(event) - 3} more" if len(event) > 3 else "")
    reasons.append(
        f"one-letter slip in a given name: {slip[0]}~{slip[1]} beside a variant surname, "
        f"linked by context: both forms' documents name {named}"
    )
    return SLIP_PENALTY + EVENT_SLIP_PENALTY


def _overall(fa: Node, fb: Node, same_tokens: bool, reasons: list[str]) -> None:
    """The reasons that describe the whole alignment (first when the tokens are the same)."""
    if same_tokens:
        if fa.key.replace(" ", "") == fb.key.replace(" ", ""):
            reasons.insert(0, "same after removing spaces and hyphens")
        elif fa.dropped or fb.dropped:
            drops = sorted(set(fa.dropped) ^ set(fb.dropped))
            reasons.insert(0, "same after dropping " + ", ".join(drops) if drops else "same tokens")
        else:
            reasons.insert(0, "same tokens")
    else:
        na, nb = len(fa.core), len(fb.core)
        reasons.append(
            f"{na}/{na} tokens aligned one-to-one" if na == nb else f"all tokens aligned ({na} vs {nb} with joins)"
        )
    if fa.marks or fb.marks:
        reasons.append("same after normalising diacritics" if same_tokens else "diacritics normalised")


def _kind(node: Node) -> str:
    """The label a node is taken to carry (gold first), for reasons."""
    return top_label(node.gold or node.labels, node.group)
