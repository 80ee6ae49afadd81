"""The Reader's writes: each function is one `store.action` (one transaction, one undo).

No Textual here: the reading session calls these and turns their results into feedback.
Gold spans of one annotator never overlap (spaCy's ``doc.ents`` cannot hold overlaps):
`put_spans` replaces what a new span overlaps in the same action.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.errors import StoreError
from annotations.extract.normalize import strip_possessive
from annotations.extract.variants import label_group
from annotations.reading.known import BULK_NOTE
from annotations.reading.writes import delete_row, insert_span, set_status, touch
from annotations.store import Store, now
from annotations.store.gold import review_provenance
from annotations.suggestions.rules import overlapping
from annotations.vocab import REVIEW_ANNOTATOR, Origin, RejectionKind

__all__ = [
    "LIKE_NOTE",
    "Put",
    "accept_many",
    "delete_span",
    "finish",
    "known_entity",
    "put_spans",
    "reject_many",
    "siblings",
]

LIKE_NOTE = "like"
"""The note on an action that applied one decision to several suggestions alike: the spans it
wrote are siblings, and an edge key on one of them moves the others' edge too."""

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Put:
    """What `put_spans` did: the new (or relabelled) span ids and the ids of the old spans it replaced."""

    ids: list[int]
    replaced: list[int]
    relabelled: bool = False


def known_entity(act_or_store: Any, text: str, label: str) -> int | None:
    """The one canonical entity of a compatible label that knows this spelling (its name, an
    alias or a linked mention), else None: accepting "Hemedti" links it when that is sure."""

    form = strip_possessive(text.strip())
    rows = act_or_store.execute(
        "SELECT e.id, e.label FROM entities e WHERE e.id IN (SELECT id FROM entities WHERE name = ? "
        "UNION SELECT entity_id FROM aliases WHERE form = ? "
        "UNION SELECT entity_id FROM spans WHERE text = ? AND entity_id IS NOT NULL)",
        (form, form, form),
    ).fetchall()
    found = [r[0] for r in rows if label_group(r[1]) == label_group(label)]
    return found[0] if len(found) == 1 else None


def accept_many(
    store: Store,
    doc_id: int,
    annotator: str,
    preds: Sequence[Row],
    *,
    name: str = "accept suggestions",
    status: str | None = None,
    note: str | None = None,
) -> int:
    """Accept suggestions as gold in one action (each linked when one entity knows its
    spelling); suggestions overlapping one accepted earlier in the batch are skipped.
    With `status`, the document gets it in the same action. Returns how many were accepted."""
    taken: list[Row] = []
    with store.action(annotator, name, doc_id=doc_id, note=note) as act:
        for pred in sorted(preds, key=lambda p: (p["start"], p["end"])):
            if overlapping(taken, pred["start"], pred["end"]):
                continue
            label = pred.get("label") or "ENTITY"
            span_id = insert_span(act, doc_id, pred["start"], pred["end"], label, annotator, origin=Origin.ACCEPTED)
            text = act.row("spans", span_id)["text"]  # type: ignore[index]
            entity = known_entity(act, text, label)
            if entity is not None:
                act.update("spans", span_id, {"entity_id": entity})
            taken.append(pred)
        touch(act, doc_id, annotator)
        if status is not None:
            set_status(act, doc_id, annotator, status)
    return len(taken)


def reject_many(
    store: Store,
    doc_id: int,
    annotator: str,
    preds: Iterable[Row],
    *,
    kind: str = RejectionKind.ENTITY,
    name: str = "reject suggestions",
) -> int:
    """Reject suggestions in one action so they are not offered again; returns how many."""
    count = 0
    with store.action(annotator, name, doc_id=doc_id) as act:
        for pred in preds:
            act.insert(
                "rejections",
                {
                    "doc_id": doc_id,
                    "kind": str(kind),
                    "start": pred["start"],
                    "end": pred["end"],
                    "label": pred.get("label") if kind == RejectionKind.ENTITY else None,
                    "annotator": annotator,
                    "created_at": now(),
                },
            )
            count += 1
        touch(act, doc_id, annotator)
    return count


def delete_span(
    store: Store, span_id: int, annotator: str, *, reject: bool = True, predictions: Sequence[Row] = ()
) -> Row:
    """Delete a gold span (claims naming it as speaker lose the link, logged, so undo restores
    it); with `reject`, the `predictions` on the same characters are rejected in the same
    action (else deleting an accepted suggestion offers it again). Returns the deleted row."""
    doc_id = store.scalar("SELECT doc_id FROM spans WHERE id = ?", (span_id,))
    with store.action(annotator, "delete span", doc_id=doc_id) as act:
        span = act.row("spans", span_id)
        if span is None:
            raise StoreError(f"span {span_id} does not exist (deleted by someone else?)")
        delete_row(act, "spans", span_id)
        if reject:
            labels = {p.get("label") for p in predictions if (p["start"], p["end"]) == (span["start"], span["end"])}
            for label in sorted(labels, key=str):
                act.insert(
                    "rejections",
                    {
                        "doc_id": span["doc_id"],
                        "kind": str(RejectionKind.ENTITY),
                        "start": span["start"],
                        "end": span["end"],
                        "label": label,
                        "annotator": annotator,
                        "created_at": now(),
                    },
                )
    return span


def put_spans(
    store: Store,
    doc_id: int,
    annotator: str,
    spans: Sequence[tuple[int, int, str]],
    *,
    gold: Sequence[Row],
    name: str,
    origin: str = Origin.MANUAL,
    note: str | None = None,
) -> Put:
    """Make `spans` (start, end, label) this annotator's gold in one action, replacing every gold
    span of theirs they overlap. One span on exactly one old span's characters relabels it
    instead (its id, entity link and claim references stay). A single replaced span's entity
    link carries over to a single new span that overlaps it."""
    hits = {g["id"]: g for s, e, _ in spans for g in overlapping(gold, s, e)}
    with store.action(annotator, name, doc_id=doc_id, note=note) as act:
        if len(spans) == 1 and len(hits) == 1:
            (old,) = hits.values()
            start, end, label = spans[0]
            if (old["start"], old["end"]) == (start, end):
                if old["label"] != label:
                    changes: dict[str, Any] = {"label": label}
                    if annotator == REVIEW_ANNOTATOR:  # provenance follows the label (Review's `e`)
                        changes["proposed_by"] = review_provenance(act, doc_id, start, end, label)
                    act.update("spans", old["id"], changes)
                return Put([old["id"]], [], relabelled=True)
        linked = {g["entity_id"] for g in hits.values() if g.get("entity_id") is not None}
        for old_id in hits:
            delete_row(act, "spans", old_id)
        entity = linked.pop() if len(linked) == 1 and len(spans) == 1 else None
        ids = [
            insert_span(act, doc_id, s, e, label, annotator, origin=origin, entity_id=entity) for s, e, label in spans
        ]
        touch(act, doc_id, annotator)
    return Put(ids, list(hits))


def finish(store: Store, doc_id: int, annotator: str, status: str, *, accept: Sequence[Row] = ()) -> int:
    """Give the document `status`; with `accept`, those suggestions become gold in the same
    action (one undo takes both back). Returns how many suggestions were accepted."""
    if accept:
        return accept_many(
            store, doc_id, annotator, accept, name=f"accept and mark {status}", status=status, note=BULK_NOTE
        )
    current = store.scalar("SELECT status FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))
    if current == status:
        return 0
    with store.action(annotator, f"mark {status}", doc_id=doc_id) as act:
        set_status(act, doc_id, annotator, status)
    return 0


def siblings(store: Store, span: Row, gold: Iterable[Row]) -> list[Row]:
    """The other spans in `gold` written by the same propagated action as `span` (note
    LIKE_NOTE) that still have its text and label; [] when it was written alone."""
    found = store.query(
        "SELECT e.group_id FROM events e JOIN action_groups g ON g.id = e.group_id "
        "WHERE e.tbl = 'spans' AND e.row_id = ? AND e.before IS NULL AND g.note = ? ORDER BY e.id DESC LIMIT 1",
        (span["id"], LIKE_NOTE),
    )
    if not found:
        return []
    ids = {
        r["row_id"]
        for r in store.query(
            "SELECT row_id FROM events WHERE group_id = ? AND tbl = 'spans' AND before IS NULL", (found[0]["group_id"],)
        )
    }
    return [
        g
        for g in gold
        if g["id"] in ids and g["id"] != span["id"] and g["text"] == span["text"] and g["label"] == span["label"]
    ]
