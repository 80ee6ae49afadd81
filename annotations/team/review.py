"""Review (adjudication): every annotator's spans and claims of a document grouped into
conflict sets, and the decisions that build the reviewed layer.

A conflict set is a run of overlapping items (spans, or claims) from any annotator; each
annotator's *version* of it is the tuple of their items inside it (possibly empty). A set whose
versions are all equal and non-empty is unanimous and pre-accepted; any other is a conflict.

The reviewed layer is ordinary gold under annotator `review` (vocab.REVIEW_ANNOTATOR): each
item keeps in `proposed_by` (a JSON list) the annotators whose version held it. Taking a
version, or none (`x`, kept as a `review` rejection of the region so "none" is told apart from
"not decided yet"), is one `store.action` under the `review` annotator, so undo and history
work and the Reader opened on the review layer undoes the same stack. The reviewer's own name
goes in the action's note. No Textual here: the Review screen only maps keys to these verbs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotations.config import Config
from annotations.errors import StoreError
from annotations.store import Action, Store, now
from annotations.vocab import REVIEW_ANNOTATOR, Extractor, Origin, RejectionKind, Status

MODEL = "model"
"""The pseudo-annotator name of the extractors' predictions, when asked for."""

KINDS = ("span", "claim")
TABLE = {"span": "spans", "claim": "claims"}
REJECTION = {"span": RejectionKind.ENTITY, "claim": RejectionKind.CLAIM}
CLAIM_COPY = ("type", "speaker", "role", "speaker_entity_id", "cue", "stance", "checkworthy", "note", "group_id")


@dataclass(frozen=True)
class Item:
    """One annotator's span or claim; `key` is what must be equal for two to agree."""

    kind: str
    start: int
    end: int
    key: tuple[Any, ...]
    row: dict[str, Any]

    @property
    def label(self) -> str:
        """What to show: the label of a span, the type and stance of a claim."""
        if self.kind == "span":
            return str(self.row.get("label") or "")
        return "/".join(str(v) for v in (self.row.get("type"), self.row.get("stance")) if v)


@dataclass
class ConflictSet:
    kind: str
    start: int
    end: int
    versions: dict[str, tuple[Item, ...]]

    @property
    def unanimous(self) -> bool:
        keys = {tuple(i.key for i in v) for v in self.versions.values()}
        return len(keys) == 1 and all(self.versions.values())

    def keys_of(self, annotator: str) -> tuple[tuple[Any, ...], ...]:
        return tuple(i.key for i in self.versions.get(annotator, ()))

    def proposed_by(self, key: tuple[Any, ...]) -> list[str]:
        return sorted(a for a, items in self.versions.items() if any(i.key == key for i in items))


def _span_item(row: dict[str, Any]) -> Item:
    return Item("span", row["start"], row["end"], (row["start"], row["end"], row["label"]), row)


def _claim_item(row: dict[str, Any]) -> Item:
    key = (row["start"], row["end"], row.get("type"), row.get("stance"), row.get("speaker"))
    return Item("claim", row["start"], row["end"], key, row)


def annotators_of(store: Store, doc_id: int) -> list[str]:
    """Everyone (but `review`) who annotated the document or marked it done."""
    rows = store.query(
        "SELECT annotator FROM spans WHERE doc_id = ? UNION SELECT annotator FROM claims WHERE doc_id = ? "
        "UNION SELECT annotator FROM doc_status WHERE doc_id = ? AND status = ?",
        (doc_id, doc_id, doc_id, Status.DONE),
    )
    return sorted(r["annotator"] for r in rows if r["annotator"] != REVIEW_ANNOTATOR)


def _items(store: Store, doc_id: int, annotator: str, kind: str) -> list[Item]:
    if annotator == MODEL:
        extractor = Extractor.ENTITIES if kind == "span" else Extractor.CLAIMS
        rows = [dict(p, origin=Origin.ACCEPTED) for p in store.predictions(doc_id, extractor)]
        if kind == "span":
            text = store.scalar("SELECT text FROM documents WHERE id = ?", (doc_id,)) or ""
            rows = [dict(r, text=text[r["start"] : r["end"]], entity_id=None) for r in rows if r.get("label")]
    else:
        rows = store.query(
            f'SELECT * FROM {TABLE[kind]} WHERE doc_id = ? AND annotator = ? ORDER BY start, "end"', (doc_id, annotator)
        )
    return [(_span_item if kind == "span" else _claim_item)(r) for r in rows]


def _group(kind: str, by_annotator: dict[str, list[Item]]) -> list[ConflictSet]:
    """Connected runs of overlapping items, across annotators."""
    tagged = sorted(
        ((i.start, i.end, a, i) for a, items in by_annotator.items() for i in items), key=lambda t: (t[0], t[1])
    )
    sets: list[ConflictSet] = []
    for start, end, annotator, item in tagged:
        if sets and start < sets[-1].end:
            cs = sets[-1]
            cs.end = max(cs.end, end)
        else:
            cs = ConflictSet(kind, start, end, {a: () for a in by_annotator})
            sets.append(cs)
        cs.versions[annotator] = (*cs.versions[annotator], item)
    return sets


def conflict_sets(
    store: Store, doc_id: int, *, with_model: bool = False, annotators: Sequence[str] | None = None
) -> list[ConflictSet]:
    """Every span and claim set of the document, in text order (spans before claims at a tie)."""
    names = list(annotators) if annotators is not None else annotators_of(store, doc_id)
    if with_model and MODEL not in names:
        names.append(MODEL)
    out: list[ConflictSet] = []
    for kind in KINDS:
        out += _group(kind, {a: _items(store, doc_id, a, kind) for a in names})
    return sorted(out, key=lambda cs: (cs.start, KINDS.index(cs.kind), cs.end))


# -- the reviewed layer ------------------------------------------------------------------------


def _review_rows(store: Store, doc_id: int, cs: ConflictSet) -> list[dict[str, Any]]:
    return store.query(
        f"SELECT * FROM {TABLE[cs.kind]} WHERE doc_id = ? AND annotator = ? "
        f'AND start < ? AND "end" > ? ORDER BY start, "end"',
        (doc_id, REVIEW_ANNOTATOR, cs.end, cs.start),
    )


def decision(store: Store, doc_id: int, cs: ConflictSet) -> str | None:
    """What the reviewed layer holds for the set: an annotator's name (their version), "none",
    "edited" (a version of the reviewer's own), or None when still open."""
    rows = _review_rows(store, doc_id, cs)
    if rows:
        make = _span_item if cs.kind == "span" else _claim_item
        keys = tuple(make(r).key for r in rows)
        for annotator in sorted(cs.versions):
            if cs.keys_of(annotator) == keys:
                return annotator
        return "edited"
    none = store.scalar(
        'SELECT count(*) FROM rejections WHERE doc_id = ? AND annotator = ? AND kind = ? AND start = ? AND "end" = ?',
        (doc_id, REVIEW_ANNOTATOR, REJECTION[cs.kind], cs.start, cs.end),
    )
    return "none" if none else None


def _clear(act: Action, doc_id: int, cs: ConflictSet) -> None:
    """Remove the reviewed layer's items and "none" marks in the set's region."""
    table = TABLE[cs.kind]
    ids = [
        r[0]
        for r in act.execute(
            f'SELECT id FROM {table} WHERE doc_id = ? AND annotator = ? AND start < ? AND "end" > ?',
            (doc_id, REVIEW_ANNOTATOR, cs.end, cs.start),
        )
    ]
    ids_rej = [
        r[0]
        for r in act.execute(
            'SELECT id FROM rejections WHERE doc_id = ? AND annotator = ? AND kind = ? AND start < ? AND "end" > ?',
            (doc_id, REVIEW_ANNOTATOR, REJECTION[cs.kind], cs.end, cs.start),
        )
    ]
    for row_id in ids:
        act.delete(table, row_id)
    for row_id in ids_rej:
        act.delete("rejections", row_id)


def _copy(act: Action, doc_id: int, cs: ConflictSet, item: Item) -> None:
    row = item.row
    base = {
        "doc_id": doc_id,
        "start": item.start,
        "end": item.end,
        "annotator": REVIEW_ANNOTATOR,
        "origin": row.get("origin") or Origin.MANUAL,
        "created_at": now(),
        "proposed_by": json.dumps(cs.proposed_by(item.key)),
    }
    if cs.kind == "span":
        act.insert("spans", {**base, "label": row["label"], "text": row["text"], "entity_id": row.get("entity_id")})
    else:
        fields = {k: row.get(k) for k in CLAIM_COPY}
        fields["checkworthy"] = int(bool(fields["checkworthy"]))
        act.insert("claims", {**base, **fields})


def _write(act: Action, doc_id: int, cs: ConflictSet, annotator: str | None) -> None:
    _clear(act, doc_id, cs)
    if annotator is not None and annotator not in cs.versions:
        raise StoreError(f"{annotator} has no version of this conflict")
    if annotator is None or not cs.versions[annotator]:
        act.insert(
            "rejections",
            {
                "doc_id": doc_id,
                "kind": REJECTION[cs.kind],
                "start": cs.start,
                "end": cs.end,
                "label": None,
                "annotator": REVIEW_ANNOTATOR,
                "created_at": now(),
            },
        )
        return
    for item in cs.versions[annotator]:
        _copy(act, doc_id, cs, item)


def take(store: Store, reviewer: str, doc_id: int, cs: ConflictSet, annotator: str | None) -> None:
    """Make `annotator`'s version of the set the reviewed one (None: nothing there), as one action."""
    name = f"review: take {annotator}" if annotator else "review: take none"
    with store.action(REVIEW_ANNOTATOR, name, doc_id=doc_id, note=f"reviewer {reviewer}") as act:
        _write(act, doc_id, cs, annotator)


def accept_unanimous(store: Store, reviewer: str, doc_id: int, sets: Sequence[ConflictSet]) -> int:
    """Pre-accept every unanimous set not yet decided (one action); returns how many."""
    todo = [cs for cs in sets if cs.unanimous and decision(store, doc_id, cs) is None]
    if not todo:
        return 0
    with store.action(REVIEW_ANNOTATOR, "review: accept unanimous", doc_id=doc_id, note=f"reviewer {reviewer}") as act:
        for cs in todo:
            _write(act, doc_id, cs, next(iter(cs.versions)))
    return len(todo)


def mark_reviewed(store: Store, reviewer: str, doc_id: int) -> None:
    """The document's reviewed layer is complete: status `reviewed` for annotator `review`.

    Refused while no annotator has marked the document done: the reviewed layer is the gold
    that counts, and an empty review of unfinished work would export as gold with nothing in it."""
    with store.action(REVIEW_ANNOTATOR, "review: mark reviewed", doc_id=doc_id, note=f"reviewer {reviewer}") as act:
        if not act.execute(
            "SELECT 1 FROM doc_status WHERE doc_id = ? AND annotator != ? AND status = ?",
            (doc_id, REVIEW_ANNOTATOR, Status.DONE),
        ).fetchone():
            raise StoreError("nothing to review yet: no annotator has marked this document done")
        row = act.execute(
            "SELECT id FROM doc_status WHERE doc_id = ? AND annotator = ?", (doc_id, REVIEW_ANNOTATOR)
        ).fetchone()
        if row:
            act.update("doc_status", row[0], {"status": Status.REVIEWED, "updated_at": now()})
        else:
            act.insert(
                "doc_status",
                {"doc_id": doc_id, "annotator": REVIEW_ANNOTATOR, "status": Status.REVIEWED, "updated_at": now()},
            )


# -- blind annotation ----------------------------------------------------------------------------


def is_involved(store: Store, viewer: str, doc_id: int) -> bool:
    """Whether `viewer` annotates this document (assigned, or has started it)."""
    return bool(
        store.scalar(
            "SELECT EXISTS (SELECT 1 FROM assignments WHERE doc_id = ?1 AND annotator = ?2) "
            "OR EXISTS (SELECT 1 FROM spans WHERE doc_id = ?1 AND annotator = ?2) "
            "OR EXISTS (SELECT 1 FROM claims WHERE doc_id = ?1 AND annotator = ?2) "
            "OR EXISTS (SELECT 1 FROM doc_status WHERE doc_id = ?1 AND annotator = ?2 AND status != 'todo')",
            (doc_id, viewer),
        )
    )


def may_see_others(store: Store, config: Config, viewer: str, doc_id: int) -> bool:
    """Config `review.blind`: an annotator of a document sees no one else's work on it until the
    document is reviewed; a reviewer (not one of its annotators) always may."""
    if not config.review.blind or viewer == REVIEW_ANNOTATOR:
        return True
    reviewed = store.scalar(
        "SELECT count(*) FROM doc_status WHERE doc_id = ? AND annotator = ? AND status = ?",
        (doc_id, REVIEW_ANNOTATOR, Status.REVIEWED),
    )
    return bool(reviewed) or not is_involved(store, viewer, doc_id)


def blind_documents(store: Store, config: Config, viewer: str) -> set[int]:
    """The documents whose other annotators' work `viewer` may not see yet (config
    `review.blind`): the ones they annotate that are not reviewed. Empty when not blind."""
    if not config.review.blind or viewer == REVIEW_ANNOTATOR:
        return set()
    mine = {
        r["doc_id"]
        for r in store.query(
            "SELECT doc_id FROM assignments WHERE annotator = ?1 UNION SELECT doc_id FROM spans WHERE annotator = ?1 "
            "UNION SELECT doc_id FROM claims WHERE annotator = ?1 "
            "UNION SELECT doc_id FROM doc_status WHERE annotator = ?1 AND status != 'todo'",
            (viewer,),
        )
    }
    reviewed = {
        r["doc_id"]
        for r in store.query(
            "SELECT doc_id FROM doc_status WHERE annotator = ? AND status = ?", (REVIEW_ANNOTATOR, Status.REVIEWED)
        )
    }
    return mine - reviewed


def visible(rows: Sequence[dict[str, Any]], viewer: str, blind: set[int]) -> list[dict[str, Any]]:
    """The rows (spans, claims: with doc_id and annotator) `viewer` may see under blind review."""
    if not blind:
        return list(rows)
    return [r for r in rows if r.get("annotator") == viewer or r.get("doc_id") not in blind]


def next_to_review(store: Store) -> int | None:
    """The first document done by two or more annotators whose reviewed layer is not complete."""
    return store.scalar(
        "SELECT doc_id FROM doc_status WHERE status = ? AND annotator != ? GROUP BY doc_id "
        "HAVING count(*) >= 2 AND doc_id NOT IN (SELECT doc_id FROM doc_status WHERE annotator = ? "
        "AND status = ?) ORDER BY doc_id LIMIT 1",
        (Status.DONE, REVIEW_ANNOTATOR, REVIEW_ANNOTATOR, Status.REVIEWED),
    )
