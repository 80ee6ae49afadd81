"""Gold annotations: an annotator's spans and the predictions they rejected. Each change is
one logged, undoable action (`store.action`); the first annotation moves a document from todo
to in progress (`documents.touch`)."""

from __future__ import annotations

import json
from typing import Any

from annotations.errors import StoreError
from annotations.store import documents, history
from annotations.store.history import Action, StoreHandle
from annotations.vocab import REVIEW_ANNOTATOR, Extractor, Origin, RejectionKind, Status


def spans(store: StoreHandle, doc_id: int, annotator: str) -> list[dict[str, Any]]:
    return store.query(
        'SELECT * FROM spans WHERE doc_id = ? AND annotator = ? ORDER BY start, "end"', (doc_id, annotator)
    )


def span_at(store: StoreHandle, doc_id: int, annotator: str, start: int, end: int) -> dict[str, Any] | None:
    """This annotator's gold span with exactly these offsets, if any (to relabel, not duplicate)."""
    rows = store.query(
        'SELECT * FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND "end" = ? ORDER BY id LIMIT 1',
        (doc_id, annotator, start, end),
    )
    return rows[0] if rows else None


def insert_span(
    act: Action,
    doc_id: int,
    start: int,
    end: int,
    label: str,
    annotator: str,
    *,
    origin: str = Origin.MANUAL,
    entity_id: int | None = None,
) -> int:
    """A gold span on the document's own characters, inside the caller's action; returns its id."""
    row = act.execute(
        "SELECT substr(text, ?, ?), length(text) FROM documents WHERE id = ?", (start + 1, end - start, doc_id)
    ).fetchone()
    if row is None:
        raise StoreError(f"document {doc_id} does not exist")
    if not (0 <= start < end <= row[1]):
        raise StoreError(f"span {start}-{end} is outside the text ({row[1]} chars)")
    values = {
        "doc_id": doc_id,
        "start": start,
        "end": end,
        "label": label,
        "text": row[0],
        "annotator": annotator,
        "origin": str(origin),
        "entity_id": entity_id,
        "created_at": history.now(),
    }
    if annotator == REVIEW_ANNOTATOR:  # an edit in the reviewed layer (Review's `e`)
        values["proposed_by"] = review_provenance(act, doc_id, start, end, label)
    return act.insert("spans", values)


def review_provenance(act: Action, doc_id: int, start: int, end: int, label: str) -> str | None:
    """The reviewed layer's `proposed_by` for a span: the annotators (done with the document)
    whose version holds exactly this span and label, as Review writes it (a JSON list); None
    when it is nobody's."""
    rows = act.execute(
        "SELECT DISTINCT s.annotator FROM spans s JOIN doc_status d ON d.doc_id = s.doc_id AND d.annotator = "
        's.annotator AND d.status = ? WHERE s.doc_id = ? AND s.start = ? AND s."end" = ? AND s.label = ? '
        "AND s.annotator != ? ORDER BY s.annotator",
        (Status.DONE, doc_id, start, end, label, REVIEW_ANNOTATOR),
    ).fetchall()
    return json.dumps([r[0] for r in rows]) if rows else None


def add_span(
    store: StoreHandle,
    doc_id: int,
    start: int,
    end: int,
    label: str,
    annotator: str,
    *,
    origin: str = Origin.MANUAL,
    entity_id: int | None = None,
) -> int:
    """StoreHandle a gold span; the document moves from todo to in progress."""
    with store.action(annotator, f"label {label}", doc_id=doc_id) as act:
        span_id = insert_span(act, doc_id, start, end, label, annotator, origin=origin, entity_id=entity_id)
        documents.touch(act, doc_id, annotator)
        return span_id


def relabel_span(store: StoreHandle, span_id: int, label: str, annotator: str) -> None:
    doc_id = store.scalar("SELECT doc_id FROM spans WHERE id = ?", (span_id,))
    with store.action(annotator, f"relabel {label}", doc_id=doc_id) as act:
        act.update("spans", span_id, {"label": label})


def delete_span(store: StoreHandle, span_id: int, annotator: str, *, reject: bool = False) -> None:
    """Delete a gold span; with `reject`, an entity prediction on the same characters is
    rejected in the same action (else deleting an accepted suggestion offers it again)."""
    doc_id = store.scalar("SELECT doc_id FROM spans WHERE id = ?", (span_id,))
    with store.action(annotator, "delete span", doc_id=doc_id) as act:
        span = act.delete("spans", span_id)
        if not reject:
            return
        labels = {
            r[0]
            for r in act.execute(
                'SELECT label FROM predictions WHERE doc_id = ? AND extractor = ? AND start = ? AND "end" = ?',
                (span["doc_id"], Extractor.ENTITIES.value, span["start"], span["end"]),
            )
        }
        for label in sorted(labels, key=str):
            _reject(act, span["doc_id"], span["start"], span["end"], label, annotator, RejectionKind.ENTITY.value)


def reject_prediction(
    store: StoreHandle,
    doc_id: int,
    start: int,
    end: int,
    label: str | None,
    annotator: str,
    *,
    kind: str = RejectionKind.ENTITY,
) -> int:
    """Remember that this annotator rejected a prediction so it is not offered again."""
    with store.action(annotator, "reject prediction", doc_id=doc_id) as act:
        rid = _reject(act, doc_id, start, end, label, annotator, str(kind))
        documents.touch(act, doc_id, annotator)
        return rid


def _reject(act: Action, doc_id: int, start: int, end: int, label: str | None, annotator: str, kind: str) -> int:
    return act.insert(
        "rejections",
        {
            "doc_id": doc_id,
            "kind": kind,
            "start": start,
            "end": end,
            "label": label,
            "annotator": annotator,
            "created_at": history.now(),
        },
    )


def rejections(store: StoreHandle, doc_id: int, annotator: str) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM rejections WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))
