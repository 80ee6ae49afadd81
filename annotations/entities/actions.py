"""Canonical entities, linking mentions to them, and variant judgements: each call one logged action.

Every write goes through the store's unit of work (`store.action`): one transaction, one undo.
Judgements are pair edges (same / different / unsure); canonical groups are derived from them
(see extract.variants.canonical_groups), never stored twice. A "same" judgement also does the
linking it implies (`judge`): every gold mention of both spellings goes to one entity.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from annotations.errors import StoreError
from annotations.extract.normalize import name_from_form, normalize, plain_line, strip_possessive
from annotations.extract.variants.labels import compatible
from annotations.store import Action, Store, now
from annotations.store.documents import touch
from annotations.suggestions.rules import is_rejected
from annotations.vocab import Origin, RejectionKind, Verdict

VERDICTS = tuple(v.value for v in Verdict)


def create_entity(
    store: Store, name: str, label: str, annotator: str, *, external_id: str | None = None, notes: str | None = None
) -> int:
    name = name.strip()
    if not name:
        raise StoreError("an entity needs a name")
    with store.action(annotator, f"create entity {name}") as act:
        return act.insert(
            "entities",
            {
                "name": name,
                "label": label,
                "external_id": external_id,
                "notes": notes,
                "created_by": annotator,
                "created_at": now(),
            },
        )


def update_entity(store: Store, entity_id: int, annotator: str, **changes: Any) -> None:
    """Edit name, label, external_id or notes."""
    allowed = {"name", "label", "external_id", "notes"}
    bad = set(changes) - allowed
    if bad:
        raise StoreError(f"cannot change {sorted(bad)[0]} of an entity")
    with store.action(annotator, "edit entity") as act:
        act.update("entities", entity_id, changes)


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
    row = store.query("SELECT doc_id, text FROM spans WHERE id = ?", (span_id,))
    if not row:
        raise StoreError(f"span {span_id} does not exist (deleted by someone else?)")
    with store.action(annotator, "link" if entity_id else "unlink", doc_id=row[0]["doc_id"]) as act:
        act.update("spans", span_id, {"entity_id": entity_id})
        if entity_id:
            _record_alias(act, entity_id, row[0]["text"])


def link_form(
    store: Store, form: str, label: str | None, entity_id: int, annotator: str, *, doc_id: int | None = None
) -> int:
    """Link every unlinked gold span of this annotator with this exact form, in one document or
    the whole corpus, as one undoable action. Returns how many spans were linked."""
    with store.action(annotator, f"link every {form}", doc_id=doc_id) as act:
        return _link_form(act, form, label, entity_id, annotator, doc_id=doc_id)


def link(
    store: Store,
    span_id: int | None,
    annotator: str,
    *,
    entity_id: int | None = None,
    new: tuple[str, str] | None = None,
    scope: str = "mention",
    accept: dict[str, Any] | None = None,
) -> tuple[int, int]:
    """One undoable action: create the entity when `new` = (name, label) is given, link the
    span, and with scope "doc" or "corpus" every identical unlinked form too.
    With `accept` (a prediction: doc_id, start, end, label) instead of a span id, the
    prediction becomes a gold span in the same action, so one undo takes all of it back.
    Returns (entity id, spans linked)."""
    if (entity_id is None) == (new is None):
        raise StoreError("link needs an existing entity or a new name, not both")
    if accept is not None:
        doc_id = accept["doc_id"]
    else:
        doc_id = store.scalar("SELECT doc_id FROM spans WHERE id = ?", (span_id,))
    with store.action(annotator, "link", doc_id=doc_id) as act:
        if accept is not None:
            span_id = _accept_prediction(act, accept, annotator)
        span = act.row("spans", span_id) if span_id is not None else None
        if span is None:
            raise StoreError(f"span {span_id} does not exist (deleted by someone else?)")
        if new is not None:
            entity_id = _new_entity(act, new[0], new[1], annotator)
        assert entity_id is not None
        linked = 0
        if span["entity_id"] != entity_id:
            act.update("spans", span["id"], {"entity_id": entity_id})
            linked = 1
        _record_alias(act, entity_id, span["text"])
        if scope in ("doc", "corpus"):
            linked += _link_form(
                act,
                span["text"],
                span["label"],
                entity_id,
                annotator,
                doc_id=span["doc_id"] if scope == "doc" else None,
            )
        _adopt_label(act, entity_id, annotator)
        return entity_id, linked


def _new_entity(act: Action, name: str, label: str, annotator: str) -> int:
    name = plain_line(name)  # a page's control characters never reach a name (the alias keeps the form)
    if not name:
        raise StoreError("an entity needs a name")
    return act.insert("entities", {"name": name, "label": label, "created_by": annotator, "created_at": now()})


def _adopt_label(act: Action, entity_id: int, annotator: str) -> None:
    """Inside an action: the annotator's mentions of an entity whose label is of another
    kind (a PERSON span linked to a GPE) take the entity's label, so the export never pairs a
    PERSON entity with a place's knowledge-base id. GPE / LOC / FAC stay as they are."""
    row = act.execute("SELECT label FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if not row or not row[0]:
        return
    label = row[0]
    for span_id, span_label in act.execute(
        "SELECT id, label FROM spans WHERE entity_id = ? AND annotator = ? AND label != ?",
        (entity_id, annotator, label),
    ).fetchall():
        if not compatible(span_label, label):
            act.update("spans", span_id, {"label": label})


def accept(store: Store, doc_id: int, start: int, end: int, label: str, annotator: str) -> tuple[int, str | None]:
    """Accept a suggestion as a gold span; when exactly one canonical entity of a compatible
    label already knows its spelling (name, alias or linked mention), link it too, in the same
    action: "link every Hemedti in the corpus" then also covers the ones accepted later.
    Returns (span id, the linked entity's name or None)."""
    with store.action(annotator, f"label {label}", doc_id=doc_id) as act:
        span_id = _accept_prediction(act, {"doc_id": doc_id, "start": start, "end": end, "label": label}, annotator)
        text = act.execute("SELECT text FROM spans WHERE id = ?", (span_id,)).fetchone()[0]
        known = [
            (e, name)
            for e in _entities_knowing(act, strip_possessive(text.strip()))
            for name, elabel in act.execute("SELECT name, label FROM entities WHERE id = ?", (e,))
            if compatible(elabel, label)
        ]
        if len(known) != 1:
            return span_id, None
        entity_id, name = known[0]
        act.update("spans", span_id, {"entity_id": entity_id})
        return span_id, name


def _accept_prediction(act: Action, pred: dict[str, Any], annotator: str) -> int:
    """Inside an action: a prediction as a gold span of this annotator; returns its id."""
    doc_id, start, end = pred["doc_id"], pred["start"], pred["end"]
    row = act.execute(
        "SELECT substr(text, ?, ?) FROM documents WHERE id = ?", (start + 1, end - start, doc_id)
    ).fetchone()
    if not row or not row[0]:
        raise StoreError(f"document {doc_id} has no text at {start}-{end}")
    span_id = act.insert(
        "spans",
        {
            "doc_id": doc_id,
            "start": start,
            "end": end,
            "label": pred["label"],
            "text": row[0],
            "annotator": annotator,
            "origin": Origin.ACCEPTED.value,
            "entity_id": None,
            "created_at": now(),
        },
    )
    touch(act, doc_id, annotator)
    return span_id


def _link_form(act: Action, form: str, label: str | None, entity_id: int, annotator: str, *, doc_id: int | None) -> int:
    """Inside an action: link the annotator's unlinked spans of `form`; record the alias."""
    where = ["text = ?", "annotator = ?", "entity_id IS NULL"]
    params: list[Any] = [form, annotator]
    if label:
        where.append("label = ?")
        params.append(label)
    if doc_id is not None:
        where.append("doc_id = ?")
        params.append(doc_id)
    ids = [r[0] for r in act.execute(f"SELECT id FROM spans WHERE {' AND '.join(where)}", params)]
    for span_id in ids:
        act.update("spans", span_id, {"entity_id": entity_id})
    if ids:
        _record_alias(act, entity_id, form)
    return len(ids)


def _record_alias(act: Action, entity_id: int, form: str) -> None:
    """Inside an action: remember a spelling of the entity (the gazetteer and the links
    export read aliases), unless it is its name or already known."""
    form = strip_possessive(form.strip())  # Al-Burhan's is a spelling of Al-Burhan
    if (
        not form
        or act.execute(
            "SELECT 1 FROM entities WHERE id = ? AND name = ? UNION ALL "
            "SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?",
            (entity_id, form, entity_id, form),
        ).fetchone()
    ):
        return
    act.insert("aliases", {"entity_id": entity_id, "form": form})


def add_alias(store: Store, entity_id: int, form: str, annotator: str) -> None:
    if store.scalar("SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (entity_id, form)):
        return
    with store.action(annotator, f"alias {form}") as act:
        if not act.execute("SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (entity_id, form)).fetchone():
            act.insert("aliases", {"entity_id": entity_id, "form": form})


def merge_entities(store: Store, keep: int, drop: int, annotator: str) -> None:
    """Move every mention and alias of `drop` to `keep`, then delete `drop`: one undoable action."""
    if keep == drop:
        raise StoreError("cannot merge an entity with itself")
    name = store.scalar("SELECT name FROM entities WHERE id = ?", (drop,))
    if name is None:
        raise StoreError(f"entity {drop} does not exist")
    with store.action(annotator, f"merge {name}") as act:
        if act.execute("SELECT 1 FROM entities WHERE id = ?", (keep,)).fetchone() is None:
            # a kept id that an earlier merge deleted: refuse (the spans' foreign key would)
            raise StoreError(f"entity {keep} does not exist (merged into another or deleted?)")
        merge_into(act, keep, drop, name)


def merge_into(act: Action, keep: int, drop: int, name: str, *, at: str | None = None) -> None:
    """Inside an action: move `drop`'s mentions and aliases (and its name, as an alias) to
    `keep`, then delete `drop`, its tombstone naming `keep` (so a merge of another copy that
    still has `drop` maps it to `keep`); `at`: when (default now; a merge passes the other copy's time)."""

    def known(form: str) -> bool:
        return (
            act.execute("SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?", (keep, form)).fetchone() is not None
        )

    for (span_id,) in act.execute("SELECT id FROM spans WHERE entity_id = ?", (drop,)).fetchall():
        act.update("spans", span_id, {"entity_id": keep})
    for alias_id, form in act.execute("SELECT id, form FROM aliases WHERE entity_id = ?", (drop,)).fetchall():
        act.delete("aliases", alias_id)
        if not known(form):
            act.insert("aliases", {"entity_id": keep, "form": form})
    if not known(name):
        act.insert("aliases", {"entity_id": keep, "form": name})
    act.delete("entities", drop, at=at, successor=act.row("entities", keep))


def split_form(store: Store, entity_id: int, form: str, annotator: str, *, new_name: str | None = None) -> int:
    """Move every mention with this surface form into a new entity: one undoable action."""
    label = store.scalar("SELECT label FROM entities WHERE id = ?", (entity_id,))
    if label is None:
        raise StoreError(f"entity {entity_id} does not exist")
    with store.action(annotator, f"split {form}") as act:
        new_id = _new_entity(act, new_name or name_from_form(form), label, annotator)
        for (span_id,) in act.execute(
            "SELECT id FROM spans WHERE entity_id = ? AND text = ?", (entity_id, form)
        ).fetchall():
            act.update("spans", span_id, {"entity_id": new_id})
        for (alias_id,) in act.execute(
            "SELECT id FROM aliases WHERE entity_id = ? AND form = ?", (entity_id, form)
        ).fetchall():
            act.delete("aliases", alias_id)
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


# --------------------------------------------------------------------------- judgements


@dataclass(frozen=True)
class Judged:
    """What a judgement did: its row, and for "same" the entity both spellings now name."""

    judgement: int
    entity_id: int | None = None
    entity: str | None = None
    created: bool = False
    linked: int = 0
    note: str | None = None


def judge(store: Store, a: str, b: str, label: str | None, verdict: str, annotator: str) -> int:
    """Record a same / different / unsure judgement on a pair of forms (latest one wins);
    "same" links as `judge_pair` does. Returns the judgement's id."""
    return judge_pair(store, a, b, label, verdict, annotator).judgement


def judge_pair(store: Store, a: str, b: str, label: str | None, verdict: str, annotator: str) -> Judged:
    """Record a judgement on a pair of forms, as one undoable action.

    "same" does the linking it means: every unlinked gold span of this annotator whose text
    normalises to either form (KABUL and Kabul alike), and every open suggestion of either
    spelling (accepted as this annotator's gold span), is linked to one canonical entity, the
    one that already knows either spelling (its name, an alias or a linked mention) or else a
    new one named by the more frequent form and labelled `label` (the proposal's gold or
    majority label); both spellings become its aliases. When each spelling already names an
    entity, they are merged into the one with more mentions (the judgement says they are one)."""
    if verdict not in VERDICTS:
        raise StoreError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    first, second = sorted((a, b))
    with store.action(annotator, f"judge {verdict}") as act:
        judgement = act.insert(
            "judgements",
            {
                "a": first,
                "b": second,
                "label": label,
                "verdict": verdict,
                "annotator": annotator,
                "created_at": now(),
            },
        )
        if verdict != Verdict.SAME:
            return Judged(judgement)
        return _link_same(act, judgement, (a, b), label, annotator)


def _link_same(act: Action, judgement: int, forms: tuple[str, str], label: str | None, annotator: str) -> Judged:
    """Inside a "same" judgement's action: one entity for both forms, every mention linked."""
    keys = {normalize(f) for f in forms} - {""}
    spans = _unlinked_spans(act, keys, annotator)
    known = set().union(*(_entities_knowing(act, f.strip()) for f in forms))
    merged = 0
    if len(known) > 1:  # each spelling already names an entity: "same" makes them one
        order = sorted(known, key=lambda e: (-_mention_count(act, e), e))
        for other in order[1:]:
            name = act.execute("SELECT name FROM entities WHERE id = ?", (other,)).fetchone()[0]
            merge_into(act, order[0], other, name)
        known, merged = {order[0]}, len(order) - 1
    suggested = _open_predictions(act, keys, annotator)
    created = not known
    if known:
        entity_id = known.pop()
    else:
        by_key = Counter(normalize(text) for _, text, _ in spans)
        by_key.update(normalize(p["text"]) for p in suggested)
        name = max(forms, key=lambda f: by_key.get(normalize(f), 0))  # ties: the first (the linker's)
        labels = Counter(lab for _, _, lab in spans) + Counter(p["label"] for p in suggested)
        chosen = label or (labels.most_common(1)[0][0] if labels else "ENTITY")
        entity_id = _new_entity(act, name_from_form(name), chosen, annotator)
    elabel = act.execute("SELECT label FROM entities WHERE id = ?", (entity_id,)).fetchone()[0]
    for span_id, _, _ in spans:
        act.update("spans", span_id, {"entity_id": entity_id})
    for pred in suggested:  # a suggestion of either spelling becomes a linked gold span
        span_id = _accept_prediction(act, {**pred, "label": elabel}, annotator)
        act.update("spans", span_id, {"entity_id": entity_id})
    texts = {text for _, text, _ in spans} | {p["text"] for p in suggested}
    for form in {*forms, *texts}:
        _record_alias(act, entity_id, form)
    _adopt_label(act, entity_id, annotator)
    name = act.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()[0]
    note = f"merged {merged} other entit{'y' if merged == 1 else 'ies'} into it" if merged else None
    return Judged(judgement, entity_id, name, created, len(spans) + len(suggested), note)


def _mention_count(act: Action, entity_id: int) -> int:
    return int(act.execute("SELECT count(*) FROM spans WHERE entity_id = ?", (entity_id,)).fetchone()[0])


def _open_predictions(act: Action, keys: set[str], annotator: str) -> list[dict[str, Any]]:
    """The latest entity suggestions whose text normalises to a key and that are still open
    for this annotator by the open-suggestion rule (annotations.suggestions.rules): not rejected
    with their label, not overlapping one of their gold spans."""
    texts = [
        t
        for (t,) in act.execute(
            "SELECT DISTINCT json_extract(data, '$.text') FROM predictions WHERE extractor = 'entities'"
        )
        if t and normalize(t) in keys
    ]
    out: list[dict[str, Any]] = []
    taken: dict[int, list[tuple[int, int]]] = {}  # the annotator's gold spans, and what is taken here
    rejected: dict[int, set[tuple[int, int, str | None]]] = {}  # their rejections (open-suggestion rule)
    for i in range(0, len(texts), 500):
        chunk = texts[i : i + 500]
        marks = ",".join("?" for _ in chunk)
        rows = act.execute(
            f"""SELECT p.doc_id, p.start, p."end", p.label, json_extract(p.data, '$.text') FROM predictions p
                WHERE p.extractor = 'entities' AND json_extract(p.data, '$.text') IN ({marks})
                AND p.version = (SELECT r.version FROM prediction_runs r WHERE r.doc_id = p.doc_id
                                 AND r.extractor = 'entities' ORDER BY r.rowid DESC LIMIT 1)
                ORDER BY p.doc_id, p.start""",
            chunk,
        ).fetchall()
        for doc_id, start, end, label, text in rows:
            if doc_id not in taken:
                taken[doc_id] = [
                    tuple(r)
                    for r in act.execute(
                        'SELECT start, "end" FROM spans WHERE doc_id = ? AND annotator = ?', (doc_id, annotator)
                    )
                ]
                rejected[doc_id] = {
                    tuple(r)
                    for r in act.execute(
                        'SELECT start, "end", label FROM rejections WHERE doc_id = ? AND annotator = ? AND kind = ?',
                        (doc_id, annotator, RejectionKind.ENTITY),
                    )
                }
            pred = {"start": start, "end": end, "label": label}
            if is_rejected(pred, rejected[doc_id]):
                continue
            if all(e <= start or end <= s for s, e in taken[doc_id]):
                out.append({"doc_id": doc_id, "start": start, "end": end, "label": label, "text": text})
                taken[doc_id].append((start, end))
    return out


def _unlinked_spans(act: Action, keys: set[str], annotator: str) -> list[tuple[int, str, str]]:
    """(id, text, label) of the annotator's unlinked gold spans whose text normalises to a key."""
    texts = [
        t
        for (t,) in act.execute(
            "SELECT DISTINCT text FROM spans WHERE annotator = ? AND entity_id IS NULL", (annotator,)
        )
        if normalize(t) in keys
    ]
    out: list[tuple[int, str, str]] = []
    for i in range(0, len(texts), 500):
        chunk = texts[i : i + 500]
        marks = ",".join("?" for _ in chunk)
        out += act.execute(
            f"SELECT id, text, label FROM spans WHERE annotator = ? AND entity_id IS NULL "
            f"AND text IN ({marks}) ORDER BY id",
            (annotator, *chunk),
        ).fetchall()
    return out


def _entities_knowing(act: Action, form: str) -> set[int]:
    """Entities that have this spelling as their name, an alias or a linked mention."""
    return {
        r[0]
        for r in act.execute(
            "SELECT id FROM entities WHERE name = ? UNION SELECT entity_id FROM aliases WHERE form = ? "
            "UNION SELECT entity_id FROM spans WHERE text = ? AND entity_id IS NOT NULL",
            (form, form, form),
        )
    }
