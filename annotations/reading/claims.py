"""Claims: tag, edit, delete and group across documents; each call one logged, undoable action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotations.errors import StoreError
from annotations.extract.normalize import plain_line
from annotations.store import Store, now
from annotations.store.documents import touch
from annotations.vocab import Origin

CLAIM_FIELDS = (
    "type",
    "speaker",
    "role",
    "speaker_span_id",
    "speaker_entity_id",
    "cue",
    "stance",
    "checkworthy",
    "note",
    "group_id",
)


def add_claim(
    store: Store, doc_id: int, start: int, end: int, annotator: str, *, origin: str = Origin.MANUAL, **fields: Any
) -> int:
    bad = set(fields) - set(CLAIM_FIELDS)
    if bad:
        raise StoreError(f"unknown claim field {sorted(bad)[0]}")
    with store.action(annotator, "tag claim", doc_id=doc_id) as act:
        row = act.execute("SELECT length(text) FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"document {doc_id} does not exist")
        if not (0 <= start < end <= row[0]):
            raise StoreError(f"claim {start}-{end} is outside the text ({row[0]} chars)")
        claim_id = act.insert(
            "claims",
            {
                "doc_id": doc_id,
                "start": start,
                "end": end,
                "annotator": annotator,
                "origin": str(origin),
                "created_at": now(),
                "checkworthy": int(bool(fields.pop("checkworthy", False))),
                **fields,
            },
        )
        touch(act, doc_id, annotator)
        return claim_id


def update_claim(store: Store, claim_id: int, annotator: str, **fields: Any) -> None:
    bad = set(fields) - set(CLAIM_FIELDS) - {"start", "end"}
    if bad:
        raise StoreError(f"unknown claim field {sorted(bad)[0]}")
    doc_id = store.scalar("SELECT doc_id FROM claims WHERE id = ?", (claim_id,))
    with store.action(annotator, "edit claim", doc_id=doc_id) as act:
        act.update("claims", claim_id, fields)


def delete_claim(store: Store, claim_id: int, annotator: str) -> None:
    doc_id = store.scalar("SELECT doc_id FROM claims WHERE id = ?", (claim_id,))
    with store.action(annotator, "delete claim", doc_id=doc_id) as act:
        act.delete("claims", claim_id)


def speaker_and_role(claim: Mapping[str, Any]) -> str:
    """How a claim's speaker is shown: "Siri Nygaard (Meteorologist)"; the role alone in
    brackets when there is no speaker, nor it when the speaker's words hold it already ("the
    spokesman"); "" when there is neither. One plain line (callers still escape it)."""
    speaker = plain_line(str(claim.get("speaker") or ""))
    role = plain_line(str(claim.get("role") or ""))
    if not role or role.casefold() in speaker.casefold():
        return speaker
    return f"{speaker} ({role})" if speaker else f"({role})"


def claims(store: Store, doc_id: int, annotator: str) -> list[dict[str, Any]]:
    return store.query(
        'SELECT * FROM claims WHERE doc_id = ? AND annotator = ? ORDER BY start, "end"', (doc_id, annotator)
    )


def group_claims(store: Store, claim_ids: list[int], annotator: str, *, name: str | None = None) -> int:
    """Put claims (the same claim reported by several outlets) into one claim group."""
    if len(claim_ids) < 2:
        raise StoreError("a claim group needs at least two claims")
    with store.action(annotator, "group claims") as act:
        group_id = act.insert("claim_groups", {"name": name, "created_by": annotator, "created_at": now()})
        for claim_id in claim_ids:
            act.update("claims", claim_id, {"group_id": group_id})
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


def speaker_span_for(
    store: Store, doc_id: int, annotator: str, start: int | None, end: int | None
) -> dict[str, Any] | None:
    """The annotator's gold span a suggested claim's speaker points at (`speaker_start` /
    `speaker_end`): the same span, else the one overlapping it most; with its `entity_id`.
    What the claim form links as speaker_span_id / speaker_entity_id; None when there is none."""
    if start is None or end is None or end <= start:
        return None
    rows = store.query(
        'SELECT * FROM spans WHERE doc_id = ? AND annotator = ? AND start < ? AND "end" > ? ORDER BY start, id',
        (doc_id, annotator, end, start),
    )
    if not rows:
        return None
    return max(
        rows, key=lambda r: (r["start"] == start and r["end"] == end, min(r["end"], end) - max(r["start"], start))
    )
