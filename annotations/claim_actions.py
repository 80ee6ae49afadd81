"""Claims: tag, edit, delete and group across documents; each call one logged, undoable action."""

from __future__ import annotations

from typing import Any

from .errors import StoreError
from .store import Store, now

CLAIM_FIELDS = ("type", "speaker", "speaker_span_id", "speaker_entity_id", "cue", "stance",
                "checkworthy", "note", "group_id")


def add_claim(store: Store, doc_id: int, start: int, end: int, annotator: str, *,
              origin: str = "manual", **fields: Any) -> int:
    bad = set(fields) - set(CLAIM_FIELDS)
    if bad:
        raise StoreError(f"unknown claim field {sorted(bad)[0]}")
    with store.transaction():
        length = store.scalar("SELECT length(text) FROM documents WHERE id = ?", (doc_id,))
        if length is None:
            raise StoreError(f"document {doc_id} does not exist")
        if not (0 <= start < end <= length):
            raise StoreError(f"claim {start}-{end} is outside the text ({length} chars)")
        group = store._group(annotator, "tag claim", doc_id=doc_id)
        claim_id = store._insert(group, "claims", {
            "doc_id": doc_id, "start": start, "end": end, "annotator": annotator, "origin": origin,
            "created_at": now(), "checkworthy": int(bool(fields.pop("checkworthy", False))), **fields,
        })
        store._touch(doc_id, annotator, group)
        return claim_id


def update_claim(store: Store, claim_id: int, annotator: str, **fields: Any) -> None:
    bad = set(fields) - set(CLAIM_FIELDS) - {"start", "end"}
    if bad:
        raise StoreError(f"unknown claim field {sorted(bad)[0]}")
    with store.transaction():
        doc_id = store.scalar("SELECT doc_id FROM claims WHERE id = ?", (claim_id,))
        group = store._group(annotator, "edit claim", doc_id=doc_id)
        store._update(group, "claims", claim_id, fields)


def delete_claim(store: Store, claim_id: int, annotator: str) -> None:
    with store.transaction():
        doc_id = store.scalar("SELECT doc_id FROM claims WHERE id = ?", (claim_id,))
        group = store._group(annotator, "delete claim", doc_id=doc_id)
        store._delete(group, "claims", claim_id)


def claims(store: Store, doc_id: int, annotator: str) -> list[dict[str, Any]]:
    return store.query(
        'SELECT * FROM claims WHERE doc_id = ? AND annotator = ? ORDER BY start, "end"', (doc_id, annotator)
    )


def group_claims(store: Store, claim_ids: list[int], annotator: str, *, name: str | None = None) -> int:
    """Put claims (the same claim reported by several outlets) into one claim group."""
    if len(claim_ids) < 2:
        raise StoreError("a claim group needs at least two claims")
    with store.transaction():
        group = store._group(annotator, "group claims")
        group_id = store._insert(group, "claim_groups", {"name": name, "created_by": annotator,
                                                        "created_at": now()})
        for claim_id in claim_ids:
            store._update(group, "claims", claim_id, {"group_id": group_id})
        return group_id


def all_claims(store: Store, *, annotator: str | None = None) -> list[dict[str, Any]]:
    """Every claim in the corpus with its outlet and text, for the Claims screen and grouping."""
    where = "WHERE c.annotator = ?" if annotator else ""
    params: tuple[Any, ...] = (annotator,) if annotator else ()
    return store.query(
        f"""SELECT c.*, d.outlet, d.title, d.date, substr(d.text, c.start + 1, c."end" - c.start) AS text
            FROM claims c JOIN documents d ON d.id = c.doc_id {where}
            ORDER BY coalesce(c.group_id, 1e18), d.date, d.id, c.start""",
        params,
    )
