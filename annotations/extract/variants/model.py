"""The linker's public value types: mentions and judgements in, pairs and clusters out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity surface form."""

    form: str
    label: str
    doc_id: int
    start: int | None = None
    end: int | None = None
    gold: bool = False
    """True for an annotator's span: its label outranks the model's."""


@dataclass(frozen=True)
class Judgement:
    """An annotator's verdict on a pair of forms: "same", "different" or "unsure"."""

    a: str
    b: str
    label: str
    verdict: str


@dataclass
class Pair:
    a: str
    b: str
    label: str
    score: float
    reasons: list[str]
    forms: list[str] = field(default_factory=list)
    """Every spelling of both sides as it occurs (a's first), most frequent first."""

    def to_json(self) -> dict:
        # DESIGN's shape (`link suggest --json`); every spelling is in the clusters' forms
        return {"a": self.a, "b": self.b, "label": self.label, "score": self.score, "reasons": list(self.reasons)}


@dataclass
class Cluster:
    label: str
    forms: list[str]

    def to_json(self) -> dict:
        return {"label": self.label, "forms": list(self.forms)}


@dataclass
class Suggestions:
    pairs: list[Pair]
    clusters: list[Cluster]
    # every original spelling behind each reported form (most frequent first); not in to_json
    spellings: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # rejected candidate pairs with their reasons, only filled with suggest(..., debug=True)
    rejected: list[Pair] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"pairs": [p.to_json() for p in self.pairs], "clusters": [c.to_json() for c in self.clusters]}
