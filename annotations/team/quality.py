"""Annotator quality against the reviewed layer, and agreement with the model.

For each annotator, over the documents they finished that have a reviewed layer (annotator
`review`): strict F1 (same start, end and label) and partial F1 (overlapping, same label), in
all and per label; the **kept rate**, how many of their spans the reviewed layer kept as theirs
(its `proposed_by` names them; a review span without provenance counts when it equals theirs);
and on every document they finished, **model agreement**, the share of the model's
suggestions they kept exactly as suggested (near 1.0 while the team's is lower: someone may be
pressing `A` without reading). **Gold checks** (`assign --gold-rate`: reviewed documents mixed
into a queue) are scored apart as well as in all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotations.store import Store
from annotations.vocab import REVIEW_ANNOTATOR, Extractor, Status

Span = tuple[int, int, str]


@dataclass
class Counts:
    """Strict and partial match counts of an annotator's spans against the reviewed layer."""

    mine: int = 0
    review: int = 0
    strict: int = 0
    mine_overlapping: int = 0  # my spans overlapping a review span of the same label
    review_overlapping: int = 0  # review spans overlapping one of mine of the same label

    def add(self, other: Counts) -> None:
        for k in ("mine", "review", "strict", "mine_overlapping", "review_overlapping"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def scores(self) -> dict[str, float | None]:
        """Strict F1 = 2 x exact matches / (mine + review); partial F1 from the overlap
        precision and recall. None when neither side has a span; 0 when only one has."""
        if not self.mine and not self.review:
            return {"strict_f": None, "partial_f": None}
        strict = 2 * self.strict / (self.mine + self.review)
        p = self.mine_overlapping / self.mine if self.mine else 0.0
        r = self.review_overlapping / self.review if self.review else 0.0
        partial = 2 * p * r / (p + r) if p + r else 0.0
        return {"strict_f": round(strict, 4), "partial_f": round(partial, 4)}


def compare(mine: Iterable[Span], review: Iterable[Span]) -> Counts:
    """Counts of one document's spans against its reviewed layer."""
    mine, review = sorted(set(mine)), sorted(set(review))

    def touches(a: Span, others: list[Span]) -> bool:
        return any(b[2] == a[2] and b[0] < a[1] and a[0] < b[1] for b in others)

    return Counts(
        mine=len(mine),
        review=len(review),
        strict=len(set(mine) & set(review)),
        mine_overlapping=sum(touches(a, review) for a in mine),
        review_overlapping=sum(touches(b, mine) for b in review),
    )


@dataclass
class AnnotatorQuality:
    annotator: str
    reviewed_docs: int = 0
    overall: Counts = field(default_factory=Counts)
    per_label: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    kept: int = 0
    gold_check_docs: int = 0
    gold_check: Counts = field(default_factory=Counts)
    suggestions: int = 0
    suggestions_kept: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "reviewed_docs": self.reviewed_docs,
            **self.overall.scores(),
            "per_label": {lab: c.scores() for lab, c in sorted(self.per_label.items())},
            "kept_rate": round(self.kept / self.overall.mine, 4) if self.overall.mine else None,
            "gold_check_docs": self.gold_check_docs,
            "gold_check_f": self.gold_check.scores()["strict_f"] if self.gold_check_docs else None,
            "model_agreement": round(self.suggestions_kept / self.suggestions, 4) if self.suggestions else None,
            "suggestions": self.suggestions,
        }


def _spans(store: Store, doc_id: int, annotator: str, labels: set[str]) -> list[dict[str, Any]]:
    return [s for s in store.spans(doc_id, annotator) if s["label"] in labels]


def _key(s: dict[str, Any]) -> Span:
    return (s["start"], s["end"], s["label"])


def _kept(mine: list[dict[str, Any]], review: list[dict[str, Any]], annotator: str) -> int:
    keys = {_key(s) for s in mine}
    count = 0
    for r in review:
        try:
            proposed = json.loads(r.get("proposed_by") or "null")
        except ValueError:
            proposed = None
        if (annotator in proposed) if isinstance(proposed, list) else (_key(r) in keys):
            count += 1
    return min(count, len(keys))


def quality_report(
    store: Store, *, labels: Iterable[str], annotators: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """One entry per annotator who finished a document, in name order."""
    labels = set(labels)
    finished: dict[str, list[int]] = defaultdict(list)
    for r in store.query(
        "SELECT doc_id, annotator FROM doc_status WHERE status IN (?, ?) AND annotator != ? ORDER BY doc_id",
        [Status.DONE, Status.REVIEWED, REVIEW_ANNOTATOR],
    ):
        if not annotators or r["annotator"] in annotators:
            finished[r["annotator"]].append(r["doc_id"])
    reviewed = {
        r["doc_id"]
        for r in store.query(
            "SELECT doc_id FROM doc_status WHERE annotator = ? AND status = ?", [REVIEW_ANNOTATOR, Status.REVIEWED]
        )
    }
    checks = {
        (r["doc_id"], r["annotator"]) for r in store.query("SELECT doc_id, annotator FROM assignments WHERE gold_check")
    }
    out = []
    for annotator, docs in sorted(finished.items()):
        q = AnnotatorQuality(annotator)
        for doc_id in docs:
            mine = _spans(store, doc_id, annotator, labels)
            _model_agreement(store, q, doc_id, mine, labels)
            if doc_id not in reviewed:
                continue
            review = _spans(store, doc_id, REVIEW_ANNOTATOR, labels)
            q.reviewed_docs += 1
            counts = compare(map(_key, mine), map(_key, review))
            q.overall.add(counts)
            for label in labels:
                q.per_label[label].add(
                    compare(
                        (_key(s) for s in mine if s["label"] == label), (_key(s) for s in review if s["label"] == label)
                    )
                )
            q.kept += _kept(mine, review, annotator)
            if (doc_id, annotator) in checks:
                q.gold_check_docs += 1
                q.gold_check.add(counts)
        q.per_label = {k: v for k, v in q.per_label.items() if v.mine or v.review}
        out.append(q.as_dict())
    return out


def _model_agreement(
    store: Store, q: AnnotatorQuality, doc_id: int, mine: list[dict[str, Any]], labels: set[str]
) -> None:
    preds = {
        (p["start"], p["end"], p["label"])
        for p in store.predictions(doc_id, Extractor.ENTITIES)
        if p.get("label") in labels
    }
    q.suggestions += len(preds)
    q.suggestions_kept += len(preds & {_key(s) for s in mine})
