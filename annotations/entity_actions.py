"""Canonical entities, linking mentions to them, and variant judgements: each call one logged action.

Judgements are pair edges (same / different / unsure); canonical groups are derived from them
(see extract.variants.canonical_groups), never stored twice.
"""

from __future__ import annotations

from typing import Any

from .errors import StoreError
from .extract.normalize import strip_possessive
from .store import Store, now


VERDICTS = ("same", "different", "unsure")


def create_entity(store: Store, name: str, label: str, annotator: str, *,
                  external_id: str | None = None, notes: str | None = None) -> int:
    name = name.strip()
    if not name:
        raise StoreError("an entity needs a name")
    with store.transaction():
        group = store._group(annotator, f"create entity {name}")
        return store._insert(group, "entities", {
            "name": name, "label": label, "external_id": external_id, "notes": notes,
            "created_by": annotator, "created_at": now(),
        })


def update_entity(store: Store, entity_id: int, annotator: str, **changes: Any) -> None:
    """Edit name, label, external_id or notes."""
    allowed = {"name", "label", "external_id", "notes"}
    bad = set(changes) - allowed
    if bad:
        raise StoreError(f"cannot change {sorted(bad)[0]} of an entity")
    with store.transaction():
        group = store._group(annotator, "edit entity")
        store._update(group, "entities", entity_id, changes)


def entities(store: Store) -> list[dict[str, Any]]:
    """Canonical entities with alias and mention counts, most mentioned first; `forms` counts
    the spellings `aliases()` lists (aliases and linked mention texts)."""
    return store.query(
        """SELECT e.*, (SELECT count(*) FROM spans s WHERE s.entity_id = e.id) AS mentions,
                  (SELECT count(*) FROM (SELECT form FROM aliases a WHERE a.entity_id = e.id
                                         UNION SELECT text FROM spans s WHERE s.entity_id = e.id)) AS forms,
                  (SELECT count(*) FROM aliases a WHERE a.entity_id = e.id) AS aliases
           FROM entities e ORDER BY mentions DESC, e.name"""
    )


def aliases(store: Store, entity_id: int) -> list[str]:
    """Explicit aliases plus every distinct linked surface form (a possessive 's dropped)."""
    rows = store.query(
        "SELECT form FROM aliases WHERE entity_id = ? UNION SELECT text FROM spans WHERE entity_id = ?",
        (entity_id, entity_id),
    )
    return sorted({strip_possessive(r["form"].strip()) for r in rows} - {""})


def link_span(store: Store, span_id: int, entity_id: int | None, annotator: str) -> None:
    """Link one gold span to a canonical entity (None unlinks); its spelling becomes an alias."""
    with store.transaction():
        doc_id, text = store.conn.execute("SELECT doc_id, text FROM spans WHERE id = ?", (span_id,)).fetchone()
        group = store._group(annotator, "link" if entity_id else "unlink", doc_id=doc_id)
        store._update(group, "spans", span_id, {"entity_id": entity_id})
        if entity_id:
            _record_alias(store, group, entity_id, text)


def link_form(store: Store, form: str, label: str | None, entity_id: int, annotator: str, *,
              doc_id: int | None = None) -> int:
    """Link every unlinked gold span of this annotator with this exact form, in one document or
    the whole corpus, as one undoable action. Returns how many spans were linked."""
    with store.transaction():
        return _link_form(store, None, form, label, entity_id, annotator, doc_id=doc_id)


def link(store: Store, span_id: int | None, annotator: str, *, entity_id: int | None = None,
         new: tuple[str, str] | None = None, scope: str = "mention",
         accept: dict[str, Any] | None = None) -> tuple[int, int]:
    """One undoable action: create the entity when `new` = (name, label) is given, link the
    span, and with scope "doc" or "corpus" every identical unlinked form too.
    With `accept` (a prediction: doc_id, start, end, label) instead of a span id, the
    prediction becomes a gold span in the same action, so one undo takes all of it back.
    Returns (entity id, spans linked)."""
    if (entity_id is None) == (new is None):
        raise StoreError("link needs an existing entity or a new name, not both")
    with store.transaction():
        if accept is not None:
            group = store._group(annotator, "link", doc_id=accept["doc_id"])
            span_id = _accept_prediction(store, group, accept, annotator)
        span = store._row("spans", span_id)
        if span is None:
            raise StoreError(f"span {span_id} does not exist (deleted by someone else?)")
        if accept is None:
            group = store._group(annotator, "link", doc_id=span["doc_id"])
        if new is not None:
            name = new[0].strip()
            if not name:
                raise StoreError("an entity needs a name")
            entity_id = store._insert(group, "entities", {
                "name": name, "label": new[1], "created_by": annotator, "created_at": now(),
            })
        linked = 0
        if span["entity_id"] != entity_id:
            store._update(group, "spans", span_id, {"entity_id": entity_id})
            linked = 1
        _record_alias(store, group, entity_id, span["text"])
        if scope in ("doc", "corpus"):
            linked += _link_form(store, group, span["text"], span["label"], entity_id, annotator,
                                 doc_id=span["doc_id"] if scope == "doc" else None)
        _adopt_label(store, group, entity_id, annotator)
        return entity_id, linked


def _adopt_label(store: Store, group: int, entity_id: int, annotator: str) -> None:
    """Inside a transaction: the annotator's mentions of an entity whose label is of another
    kind (a PERSON span linked to a GPE) take the entity's label, so the export never pairs a
    PERSON entity with a place's knowledge-base id. GPE / LOC / FAC stay as they are."""
    from .extract.variants import label_group

    label = store.scalar("SELECT label FROM entities WHERE id = ?", (entity_id,))
    if not label:
        return
    for span_id, span_label in store.conn.execute(
            "SELECT id, label FROM spans WHERE entity_id = ? AND annotator = ? AND label != ?",
            (entity_id, annotator, label)).fetchall():
        if label_group(span_label) != label_group(label):
            store._update(group, "spans", span_id, {"label": label})


def accept(store: Store, doc_id: int, start: int, end: int, label: str, annotator: str) -> tuple[int, str | None]:
    """Accept a suggestion as a gold span; when exactly one canonical entity of a compatible
    label already knows its spelling (name, alias or linked mention), link it too, in the same
    action: "link every Hemedti in the corpus" then also covers the ones accepted later.
    Returns (span id, the linked entity's name or None)."""
    from .extract.variants import label_group

    with store.transaction():
        group = store._group(annotator, f"label {label}", doc_id=doc_id)
        span_id = _accept_prediction(store, group, {"doc_id": doc_id, "start": start, "end": end,
                                                    "label": label}, annotator)
        text = store.scalar("SELECT text FROM spans WHERE id = ?", (span_id,))
        known = [(e, name) for e in _entities_knowing(store, strip_possessive(text.strip()))
                 for name, elabel in store.conn.execute("SELECT name, label FROM entities WHERE id = ?", (e,))
                 if label_group(elabel) == label_group(label)]
        if len(known) != 1:
            return span_id, None
        entity_id, name = known[0]
        store._update(group, "spans", span_id, {"entity_id": entity_id})
        return span_id, name


def _accept_prediction(store: Store, group: int, pred: dict[str, Any], annotator: str) -> int:
    """Inside a transaction: a prediction as a gold span of this annotator; returns its id."""
    doc_id, start, end = pred["doc_id"], pred["start"], pred["end"]
    text = store.scalar("SELECT substr(text, ?, ?) FROM documents WHERE id = ?", (start + 1, end - start, doc_id))
    if not text:
        raise StoreError(f"document {doc_id} has no text at {start}-{end}")
    span_id = store._insert(group, "spans", {
        "doc_id": doc_id, "start": start, "end": end, "label": pred["label"], "text": text,
        "annotator": annotator, "origin": "accepted-prediction", "entity_id": None, "created_at": now(),
    })
    store._touch(doc_id, annotator, group)
    return span_id


def _link_form(store: Store, group: int | None, form: str, label: str | None, entity_id: int,
               annotator: str, *, doc_id: int | None) -> int:
    """Inside a transaction: link the annotator's unlinked spans of `form`; record the alias."""
    conn = store.conn
    where = ["text = ?", "annotator = ?", "entity_id IS NULL"]
    params: list[Any] = [form, annotator]
    if label:
        where.append("label = ?")
        params.append(label)
    if doc_id is not None:
        where.append("doc_id = ?")
        params.append(doc_id)
    ids = [r[0] for r in conn.execute(f"SELECT id FROM spans WHERE {' AND '.join(where)}", params)]
    if not ids:
        return 0
    group = group or store._group(annotator, f"link every {form}", doc_id=doc_id)
    for span_id in ids:
        store._update(group, "spans", span_id, {"entity_id": entity_id})
    _record_alias(store, group, entity_id, form)
    return len(ids)


def _record_alias(store: Store, group: int, entity_id: int, form: str) -> None:
    """Inside a transaction: remember a spelling of the entity (the gazetteer and the links
    export read aliases), unless it is its name or already known."""
    form = strip_possessive(form.strip())  # Al-Burhan's is a spelling of Al-Burhan
    if not form or store.conn.execute(
        "SELECT 1 FROM entities WHERE id = ? AND name = ? UNION ALL "
        "SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (entity_id, form, entity_id, form)
    ).fetchone():
        return
    store._insert(group, "aliases", {"entity_id": entity_id, "form": form})


def add_alias(store: Store, entity_id: int, form: str, annotator: str) -> None:
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (entity_id, form)).fetchone():
            return
        group = store._group(annotator, f"alias {form}")
        store._insert(group, "aliases", {"entity_id": entity_id, "form": form})


def merge_entities(store: Store, keep: int, drop: int, annotator: str) -> None:
    """Move every mention and alias of `drop` to `keep`, then delete `drop`: one undoable action."""
    if keep == drop:
        raise StoreError("cannot merge an entity with itself")
    with store.transaction() as conn:
        name = conn.execute("SELECT name FROM entities WHERE id = ?", (drop,)).fetchone()
        if name is None:
            raise StoreError(f"entity {drop} does not exist")
        group = store._group(annotator, f"merge {name[0]}")
        for (span_id,) in conn.execute("SELECT id FROM spans WHERE entity_id = ?", (drop,)).fetchall():
            store._update(group, "spans", span_id, {"entity_id": keep})
        for (alias_id, form) in conn.execute("SELECT id, form FROM aliases WHERE entity_id = ?", (drop,)).fetchall():
            store._delete(group, "aliases", alias_id)
            if not conn.execute("SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (keep, form)).fetchone():
                store._insert(group, "aliases", {"entity_id": keep, "form": form})
        if not conn.execute("SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (keep, name[0])).fetchone():
            store._insert(group, "aliases", {"entity_id": keep, "form": name[0]})
        store._delete(group, "entities", drop)


def split_form(store: Store, entity_id: int, form: str, annotator: str, *, new_name: str | None = None) -> int:
    """Move every mention with this surface form into a new entity: one undoable action."""
    with store.transaction() as conn:
        label = conn.execute("SELECT label FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if label is None:
            raise StoreError(f"entity {entity_id} does not exist")
        group = store._group(annotator, f"split {form}")
        new_id = store._insert(group, "entities", {
            "name": new_name or form, "label": label[0], "created_by": annotator, "created_at": now(),
        })
        for (span_id,) in conn.execute(
            "SELECT id FROM spans WHERE entity_id = ? AND text = ?", (entity_id, form)
        ).fetchall():
            store._update(group, "spans", span_id, {"entity_id": new_id})
        for (alias_id,) in conn.execute(
            "SELECT id FROM aliases WHERE entity_id = ? AND form = ?", (entity_id, form)
        ).fetchall():
            store._delete(group, "aliases", alias_id)
        return new_id


def mentions(store: Store, entity_id: int, *, width: int = 40) -> list[dict[str, Any]]:
    """Every mention of an entity across the corpus with `width` characters of context each side."""
    return store.query(
        f"""SELECT s.id, s.doc_id, s.start, s."end", s.text, s.label, s.annotator, d.title, d.outlet,
                  substr(d.text, max(1, s.start - {width} + 1), min(s.start, {width})) AS left,
                  substr(d.text, s."end" + 1, {width}) AS right
           FROM spans s JOIN documents d ON d.id = s.doc_id
           WHERE s.entity_id = ? ORDER BY d.outlet, d.id, s.start""",
        (entity_id,),
    )


def judge(store: Store, a: str, b: str, label: str | None, verdict: str, annotator: str) -> int:
    """Record a same / different / unsure judgement on a pair of forms (latest one wins).

    "same" also teaches the canonical entities: when exactly one entity knows one of the two
    spellings (its name, an alias or a linked mention), the other becomes its alias, in the
    same action, so the gazetteer finds it next time."""
    if verdict not in VERDICTS:
        raise StoreError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    a, b = sorted((a, b))
    with store.transaction():
        group = store._group(annotator, f"judge {verdict}")
        judgement = store._insert(group, "judgements", {
            "a": a, "b": b, "label": label, "verdict": verdict, "annotator": annotator, "created_at": now(),
        })
        if verdict == "same":
            owners = {form: _entities_knowing(store, form) for form in (a, b)}
            known = owners[a] | owners[b]
            if len(known) == 1:
                (entity_id,) = known
                for form in (a, b):
                    _record_alias(store, group, entity_id, form)
        return judgement


def _entities_knowing(store: Store, form: str) -> set[int]:
    """Entities that have this spelling as their name, an alias or a linked mention."""
    return {r[0] for r in store.conn.execute(
        "SELECT id FROM entities WHERE name = ? UNION SELECT entity_id FROM aliases WHERE form = ? "
        "UNION SELECT entity_id FROM spans WHERE text = ? AND entity_id IS NOT NULL", (form, form, form))}
