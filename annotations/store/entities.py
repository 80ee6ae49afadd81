"""Canonical-entity reads the screens need (the link picker, the Reader's side panel, the
Entities concordance), kept here so tui/ runs no SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annotations.vocab import Extractor

if TYPE_CHECKING:
    from annotations.store.database import Store


def entity_names(store: Store, ids: Sequence[int]) -> dict[int, str]:
    """Canonical names of these entities (id -> name); ids that do not exist are left out."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    return {r["id"]: r["name"] for r in store.query(f"SELECT id, name FROM entities WHERE id IN ({marks})", list(ids))}


def entities_with_mentions(store: Store) -> list[dict[str, Any]]:
    """Every canonical entity (id, name, label) with how many gold spans link to it, by id."""
    return store.query("""SELECT e.id, e.name, e.label,
                                 (SELECT count(*) FROM spans s WHERE s.entity_id = e.id) AS mentions
                          FROM entities e ORDER BY e.id""")


def entity_forms(store: Store) -> list[dict[str, Any]]:
    """(entity_id, form) for every explicit alias and every linked span's text, sorted."""
    return store.query("""SELECT entity_id, form FROM aliases
                          UNION SELECT entity_id, text FROM spans WHERE entity_id IS NOT NULL
                          ORDER BY 1, 2""")


def canonical_forms(store: Store, *, annotator: str | None = None) -> dict[int, tuple[str, set[str]]]:
    """{entity id: (label, forms)}: each canonical entity's name, aliases and the text of the
    spans linked to it (only `annotator`'s spans when given), stripped, empty ones left out.

    This is the variant linker's gold from entity links, shared by `export --format links`
    and `evaluate`: two forms of one entity name the same thing; forms of two entities whose
    labels compare (`label_group`) name different things."""
    out: dict[int, tuple[str, set[str]]] = {}
    for r in store.query("SELECT id, name, label FROM entities ORDER BY id"):
        out[r["id"]] = (r["label"], {r["name"].strip()})
    rows = store.query("SELECT entity_id, form FROM aliases")
    who, params = ("", []) if annotator is None else (" AND annotator = ?", [annotator])
    rows += store.query(f"SELECT DISTINCT entity_id, text AS form FROM spans WHERE entity_id IS NOT NULL{who}", params)
    for r in rows:
        if r["entity_id"] in out:
            out[r["entity_id"]][1].add(r["form"].strip())
    for _label, forms in out.values():
        forms.discard("")
    return out


def form_context(store: Store, form: str, *, width: int) -> dict[str, Any] | None:
    """One occurrence of a surface form (a gold span, else an entity prediction) with up to
    `width` characters of text either side (`left`, `right`), its document's outlet and title."""
    width = int(width)
    rows = store.query(
        f"""SELECT s.doc_id, s.start, s."end", d.outlet, d.title,
                   substr(d.text, max(1, s.start - {width} + 1), min(s.start, {width})) AS left,
                   substr(d.text, s."end" + 1, {width}) AS right
            FROM spans s JOIN documents d ON d.id = s.doc_id WHERE s.text = ? ORDER BY s.id LIMIT 1""",
        (form,),
    )
    if not rows:
        rows = store.query(
            f"""SELECT p.doc_id, p.start, p."end", d.outlet, d.title,
                       substr(d.text, max(1, p.start - {width} + 1), min(p.start, {width})) AS left,
                       substr(d.text, p."end" + 1, {width}) AS right
                FROM predictions p JOIN documents d ON d.id = p.doc_id
                WHERE p.extractor = ? AND json_extract(p.data, '$.text') = ? LIMIT 1""",
            (Extractor.ENTITIES.value, form),
        )
    return rows[0] if rows else None


def confirmed_entries(store: Store) -> list[dict[str, Any]]:
    """Canonical entities with their aliases and the documents each name was confirmed in."""
    entries: dict[int, dict[str, Any]] = {}
    for row in store.query("SELECT id, name, label FROM entities"):
        entries[row["id"]] = {"id": row["id"], "name": row["name"], "label": row["label"], "aliases": [], "sources": {}}
    for row in store.query("SELECT entity_id, form FROM aliases"):
        if row["entity_id"] in entries:
            entries[row["entity_id"]]["aliases"].append(row["form"])
    for row in store.query("SELECT DISTINCT entity_id, text, doc_id FROM spans WHERE entity_id IS NOT NULL"):
        entry = entries.get(row["entity_id"])
        if entry is None:
            continue
        if row["text"] not in entry["aliases"] and row["text"] != entry["name"]:
            entry["aliases"].append(row["text"])
        entry["sources"].setdefault(row["text"], set()).add(row["doc_id"])
    return list(entries.values())
