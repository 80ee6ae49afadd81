"""The same decision across the corpus: after a decision on a suggestion in one document
(reject, accept with a label, an edge key: `edits.Decision`), the open suggestions with the same
text and model label in the other documents this annotator has not finished, counted first
(`find_elsewhere`), then decided in one undoable action (`apply_elsewhere`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotations.reading.commands import LIKE_NOTE
from annotations.reading.edits import Decision
from annotations.reading.tokens import Tokens
from annotations.reading.values import Row
from annotations.reading.writes import insert_span, touch
from annotations.store import Store, now
from annotations.suggestions.rules import open_suggestions, overlapping
from annotations.vocab import Extractor, Origin, RejectionKind, Status

__all__ = ["Elsewhere", "apply_elsewhere", "find_elsewhere"]

FINISHED = (Status.DONE, Status.REVIEWED, Status.SKIPPED)


@dataclass
class Elsewhere:
    """The suggestions a decision would take in other documents, by document id."""

    decision: Decision
    found: dict[int, list[Row]] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return len(self.found)

    @property
    def suggestions(self) -> int:
        return sum(len(rows) for rows in self.found.values())


def find_elsewhere(store: Store, annotator: str, decision: Decision, here: int) -> Elsewhere:
    """Open suggestions like the decided one in the documents other than `here` that the
    annotator has not marked done, reviewed or skipped."""
    candidates = store.query(
        "SELECT DISTINCT p.doc_id FROM predictions p JOIN documents d ON d.id = p.doc_id "
        "WHERE p.extractor = ? AND p.label IS ? AND p.doc_id != ? "
        "AND substr(d.text, p.start + 1, p.[end] - p.start) = ? ORDER BY p.doc_id",
        (str(Extractor.ENTITIES), decision.model_label, here, decision.text),
    )
    out = Elsewhere(decision)
    for (doc_id,) in ((r["doc_id"],) for r in candidates):
        if store.status(doc_id, annotator) in FINISHED:
            continue
        doc = store.document(doc_id)
        if doc is None:
            continue
        text = doc["text"]
        preds = open_suggestions(
            store.predictions(doc_id, Extractor.ENTITIES),
            store.spans(doc_id, annotator),
            store.rejections(doc_id, annotator),
        )
        like = [
            dict(p)
            for p in preds
            if p.get("label") == decision.model_label and text[p["start"] : p["end"]] == decision.text
        ]
        if like:
            out.found[doc_id] = like
    return out


def apply_elsewhere(store: Store, annotator: str, elsewhere: Elsewhere) -> int:
    """Make the decision on every suggestion found, in one action; returns how many."""
    decision, count = elsewhere.decision, 0
    docs = {doc_id: (store.document(doc_id) or {}).get("text", "") for doc_id in elsewhere.found}
    golds = {doc_id: store.spans(doc_id, annotator) for doc_id in elsewhere.found}
    with store.action(annotator, f"{decision.verb} “{decision.text}” everywhere", note=LIKE_NOTE) as act:
        for doc_id, preds in elsewhere.found.items():
            gold = golds[doc_id]
            tokens = Tokens(docs[doc_id]) if decision.verb == "edge" else None
            for pred in preds:
                if decision.verb == "reject":
                    act.insert(
                        "rejections",
                        {
                            "doc_id": doc_id,
                            "kind": str(RejectionKind.ENTITY),
                            "start": pred["start"],
                            "end": pred["end"],
                            "label": pred.get("label"),
                            "annotator": annotator,
                            "created_at": now(),
                        },
                    )
                else:
                    start, end = pred["start"], pred["end"]
                    label = decision.value if decision.verb == "label" else pred.get("label")
                    if tokens is not None:
                        moved = getattr(tokens, str(decision.value))(start, end)
                        if moved is None:
                            continue
                        start, end = moved
                    if overlapping(gold, start, end):
                        continue
                    origin = Origin.ACCEPTED if decision.verb == "label" else Origin.MANUAL
                    insert_span(act, doc_id, start, end, label or "ENTITY", annotator, origin=origin)
                count += 1
            touch(act, doc_id, annotator)
    return count
