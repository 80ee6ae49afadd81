"""The agreement measures themselves, as plain functions over plain values.

Written out here (not taken from scikit-learn or `krippendorff`) so the core needs neither;
the tests check every figure against those libraries and against hand-worked examples.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from itertools import permutations

TOKEN = re.compile(r"\w+|[^\w\s]")
"""Tokens for Cohen's kappa: runs of word characters, and each other visible character."""


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of every token in `text`."""
    return [(m.start(), m.end()) for m in TOKEN.finditer(text)]


def token_labels(
    toks: Sequence[tuple[int, int]], spans: Iterable[tuple[int, int, str]], outside: str = "O"
) -> list[str]:
    """The label of each token: the label of a span it overlaps, else `outside`.

    One annotator's spans do not overlap (DESIGN), so a token has at most one label; if
    imported data breaks that, the span starting first wins.
    """
    labels = [outside] * len(toks)
    ends = [te for _ts, te in toks]
    for start, end, label in sorted(spans, key=lambda s: (s[0], s[1]), reverse=True):
        i = bisect_right(ends, start)  # first token ending after the span starts
        while i < len(toks) and toks[i][0] < end:
            labels[i] = label
            i += 1
    return labels


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when it is undefined (no items,
    or both raters used one and the same category throughout: chance agreement is 1)."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    n = len(a)
    if not n:
        return None
    observed = sum(1 for x, y in zip(a, b) if x == y) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha (nominal) from the values each unit received.

    Units with fewer than two values are not pairable and are left out (as Krippendorff
    does). Built from the coincidence matrix: alpha = 1 - (n - 1) * D_o / D_e sums.
    None when undefined (no pairable unit, or a single value used throughout).
    """
    coincidence: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, j in permutations(range(m), 2):
            coincidence[(values[i], values[j])] += 1.0 / (m - 1)
    if not coincidence:
        return None
    marginals: dict[Hashable, float] = defaultdict(float)
    for (c, _k), w in coincidence.items():
        marginals[c] += w
    n = sum(marginals.values())
    disagree_observed = sum(w for (c, k), w in coincidence.items() if c != k)
    disagree_expected = sum(marginals[c] * marginals[k] for c in marginals for k in marginals if c != k)
    if disagree_expected == 0:
        return None
    return 1.0 - (n - 1) * disagree_observed / disagree_expected


def prf(matched_b: int, total_b: int, matched_a: int, total_a: int) -> dict[str, float | None]:
    """Precision of B against A, recall of A by B, and their F1. P or R is None where it is
    undefined; F1 only when neither annotator has anything (one side empty is disagreement: 0)."""
    p = matched_b / total_b if total_b else None
    r = matched_a / total_a if total_a else None
    if not total_a and not total_b:
        f = None
    elif p is None or r is None:
        f = 0.0
    else:
        f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f}


def overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]
