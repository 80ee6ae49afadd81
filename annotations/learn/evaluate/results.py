"""What `evaluate` returns, as dataclasses; `as_dict()` gives the `evaluate --json` shape.

A score is None (null in JSON) when it is undefined: nothing predicted and nothing in gold.
Field order is the JSON key order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class PRF:
    """Precision, recall and F1."""

    p: float | None = None
    r: float | None = None
    f: float | None = None

    @classmethod
    def of(cls, tp: int, n_pred: int, n_gold: int) -> PRF:
        """From counts: tp of n_pred predictions right, tp of n_gold gold items found."""
        p = tp / n_pred if n_pred else None
        r = tp / n_gold if n_gold else None
        if p is None and r is None:
            return cls()
        p0, r0 = p or 0.0, r or 0.0
        return cls(p, r, 2 * p0 * r0 / (p0 + r0) if p0 + r0 else 0.0)

    def as_dict(self) -> dict[str, float | None]:
        return {"p": self.p, "r": self.r, "f": self.f}


@dataclass
class LabelScore:
    """One label's exact-match scores and counts."""

    p: float | None
    r: float | None
    f: float | None
    gold: int
    pred: int


@dataclass
class NerResult:
    """Entities: exact span and label, micro-averaged over the configured labels."""

    p: float | None
    r: float | None
    f: float | None
    per_label: dict[str, LabelScore]
    docs: int
    examples: int
    gold: int
    pred: int
    labels: list[str]
    source: str
    gazetteer: str
    skipped: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ClaimsResult:
    """Claims: exact and overlapping span matches; speaker, type and stance on matched claims.

    speaker_accuracy (strict: the same name once normalised, or another name of its canonical
    entity) and speaker_lenient (also the same head word, or one phrase inside the other once
    determiners and quantifiers are dropped) are over matched gold claims with a speaker
    (speaker_pairs of them); speaker_entity_accuracy over those whose speaker is linked to a
    canonical entity (entity_pairs): the predicted speaker names that entity. quote_type_recall:
    of matched gold quotations, the share typed quote. Type and stance agreement are over
    matched gold claims that have a type / a stance (matched: how many gold claims an
    overlapping prediction matched). role_accuracy: over matched gold claims with a role
    (role_pairs of them), the predicted role is the same once normalised as a speaker is.
    """

    exact: PRF
    overlap: PRF
    speaker_accuracy: float | None
    speaker_pairs: int
    type_agreement: float | None
    stance_agreement: float | None
    matched: int
    docs: int
    examples: int
    gold: int
    pred: int
    source: str
    skipped: int
    notes: list[str] = field(default_factory=list)
    speaker_lenient: float | None = None
    speaker_entity_accuracy: float | None = None
    entity_pairs: int = 0
    quote_type_recall: float | None = None
    role_accuracy: float | None = None
    role_pairs: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class VariantsResult:
    """The variant linker: pairwise P/R/F1 over gold pairs and B-cubed over gold forms.

    tp / fp / fn are absent from the dict when there were no gold pairs to count them over.
    """

    p: float | None
    r: float | None
    f: float | None
    pairs: int
    same: int
    different: int
    unsure: int
    sources: dict[str, dict[str, int]]
    threshold: float
    linker: str
    notes: list[str]
    bcubed: PRF
    forms: int
    mentions: int
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("tp", "fp", "fn"):
            if out[key] is None:
                del out[key]
        return out
