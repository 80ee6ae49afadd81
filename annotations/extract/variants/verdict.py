"""What comparing two forms decides: a verdict and its evidence (compare.TokenIndex.compare)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    ACCEPT = "accept"  # the same entity, with a score and the reasons for it
    REJECT = "reject"  # different entities (a cannot-link when `cannot_link`), or no evidence
    SHORT = "short"  # one form is a short form of the other: context decides (short.py)


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of aligning two forms.

    ACCEPT: `score` (0-100) and `reasons`. REJECT: `reasons` (spelled out only with debug)
    and `cannot_link`. SHORT: node indices `short` and `long`, `kind` ("surname only", "given
    names only") and the token similarity `sim`."""

    verdict: Verdict
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    cannot_link: bool = False
    short: int = -1
    long: int = -1
    kind: str = ""
    sim: float = 0.0

    @classmethod
    def accept(cls, score: float, reasons: list[str]) -> Comparison:
        return cls(Verdict.ACCEPT, score=score, reasons=reasons)

    @classmethod
    def reject(cls, reason: str, cannot_link: bool) -> Comparison:
        return cls(Verdict.REJECT, reasons=[reason], cannot_link=cannot_link)

    @classmethod
    def short_form(cls, short: int, long: int, kind: str, sim: float) -> Comparison:
        return cls(Verdict.SHORT, short=short, long=long, kind=kind, sim=sim)
