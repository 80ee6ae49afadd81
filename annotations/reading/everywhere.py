"""The same decision across the corpus: after a decision on a suggestion in one document
(reject, accept with a label, an edge key: `edits.Decision`), the open suggestions with the same
text and model label in the other documents this annotator has not finished, counted first
(`find_elsewhere`), then decided in one undoable action (`apply_elsewhere`).

When a document is marked done, its decisions are read back from the store
(`document_decisions`: every text and model label the annotator decided one way throughout
the document) and offered for the corpus the same way, all of them in one action.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from annotations.reading.commands import LIKE_NOTE
from annotations.reading.edits import Decision
from annotations.reading.tokens import Tokens
from annotations.reading.values import Row
from annotations.reading.writes import insert_span, touch
from annotations.store import Action, Store, now
from annotations.suggestions.rules import open_suggestions, overlapping
from annotations.vocab import Extractor, Origin, RejectionKind, Status

__all__ = ["Elsewhere", "apply_elsewhere", "document_decisions", "find_elsewhere", "steps_between"]

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


def steps_between(tokens: Tokens, have: tuple[int, int], want: tuple[int, int]) -> tuple[str, ...] | None:
    """The token steps (Tokens method names) turning span `have` into `want`, start edge
    first; None when token steps cannot."""
    steps: list[str] = []
    start, end = have
    while (start, end) != want and len(steps) < 12:
        if start != want[0]:
            step = "grow_start" if start > want[0] else "shrink_start"
        else:
            step = "grow_end" if end < want[1] else "shrink_end"
        moved = getattr(tokens, step)(start, end)
        if moved is None:
            return None
        start, end = moved
        steps.append(step)
    return tuple(steps) if (start, end) == want else None


def _outcome(pred: Row, gold: Sequence[Row], rejected: set[tuple[int, int]], tokens: Tokens, text: str) -> object:
    """What the annotator did with one suggestion: a Decision, "kept" (accepted as it was) or
    "other" (still open, split, or nothing token steps explain)."""
    start, end, label = pred["start"], pred["end"], pred.get("label")
    hits = overlapping(gold, start, end)
    if not hits:
        return Decision("reject", text, label) if (start, end) in rejected else "other"
    if len(hits) > 1:
        return "other"
    (g,) = hits
    if (g["start"], g["end"]) == (start, end):
        return "kept" if g["label"] == label else Decision("label", text, label, g["label"])
    steps = steps_between(tokens, (start, end), (g["start"], g["end"]))
    return "other" if steps is None else Decision("span", text, label, g["label"], steps)


def document_decisions(
    store: Store, annotator: str, doc_id: int, labels: Collection[str] | None = None
) -> list[Decision]:
    """The decisions the annotator made on the document's suggestions (of `labels`): for each
    text and model label decided one way everywhere in the document, that decision. A text
    accepted here and relabelled there, or still open, gives none."""
    doc = store.document(doc_id)
    if doc is None:
        return []
    text, tokens = doc["text"], Tokens(doc["text"])
    gold = store.spans(doc_id, annotator)
    rejected = {
        (r["start"], r["end"])
        for r in store.rejections(doc_id, annotator)
        if r.get("kind", RejectionKind.ENTITY) == RejectionKind.ENTITY
    }
    outcomes: dict[tuple[str, str | None], set[object]] = {}
    for pred in store.predictions(doc_id, Extractor.ENTITIES):
        if labels is not None and pred.get("label") not in labels:
            continue
        words = text[pred["start"] : pred["end"]]
        outcomes.setdefault((words, pred.get("label")), set()).add(_outcome(pred, gold, rejected, tokens, words))
    return [found for found, *rest in (list(o) for o in outcomes.values()) if not rest and isinstance(found, Decision)]


def apply_elsewhere(store: Store, annotator: str, elsewhere: Elsewhere | Sequence[Elsewhere]) -> int:
    """Make the decision(s) on every suggestion found, in one action; returns how many."""
    found = [elsewhere] if isinstance(elsewhere, Elsewhere) else list(elsewhere)
    if not found:
        return 0
    doc_ids = sorted({doc_id for e in found for doc_id in e.found})
    docs = {doc_id: (store.document(doc_id) or {}).get("text", "") for doc_id in doc_ids}
    golds = {doc_id: list(store.spans(doc_id, annotator)) for doc_id in doc_ids}
    first = found[0].decision
    name = f"{first.verb} “{first.text}” everywhere" if len(found) == 1 else f"{len(found)} decisions everywhere"
    count = 0
    with store.action(annotator, name, note=LIKE_NOTE) as act:
        for doc_id in doc_ids:
            tokens = Tokens(docs[doc_id])
            for one in found:
                count += _decide(act, annotator, one.decision, doc_id, one.found.get(doc_id, []), golds[doc_id], tokens)
            touch(act, doc_id, annotator)
    return count


def _decide(
    act: Action, annotator: str, decision: Decision, doc_id: int, preds: list[Row], gold: list[Row], tokens: Tokens
) -> int:
    """One decision on its suggestions in one document (`gold` grows with what it writes)."""
    count = 0
    steps = decision.steps if decision.verb == "span" else (str(decision.value),) if decision.verb == "edge" else ()
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
            count += 1
            continue
        start, end = pred["start"], pred["end"]
        label = decision.value if decision.verb in ("label", "span") else pred.get("label")
        moved: tuple[int, int] | None = (start, end)
        for step in steps:
            moved = getattr(tokens, step)(*moved) if moved is not None else None
        if moved is None or overlapping(gold, *moved):
            continue
        origin = Origin.ACCEPTED if decision.verb == "label" else Origin.MANUAL
        insert_span(act, doc_id, moved[0], moved[1], label or "ENTITY", annotator, origin=origin)
        gold.append({"start": moved[0], "end": moved[1]})
        count += 1
    return count
