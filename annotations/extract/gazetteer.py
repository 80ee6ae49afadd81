"""Confirmed canonical entities fed back into the pipeline as an EntityRuler.

    build_ruler(nlp, entries, exclude_doc_ids=(), *, attr="ORTH")  -> the ruler pipe
    gazetteer_version(entries, *, attr="ORTH")                      -> "gaz.<12 hex>"
    entries_excluding(entries, exclude_doc_ids)                     -> entries without those docs

An entry is a confirmed canonical entity: its name, label and aliases, and optionally its
canonical id and the documents its forms were confirmed in. Accepted shapes:

    ("Panjshir", "GPE", ["Panshir"])                                   no provenance: always kept
    ("Panjshir", "GPE", ["Panshir"], {"d1", "d7"})                     entity-level sources
    ("Panjshir", "GPE", ["Panshir"], {"Panshir": {"d7"}, "Panjshir": {"d1"}})   per-form sources
    {"name": ..., "label": ..., "aliases": [...], "id": "E12", "sources": ...}
    GazetteerEntry(...)

Every form (the name and each alias) becomes a phrase pattern matched on exact token text
(attr="ORTH"; "LOWER" ignores case) with the entity's label and, when known, its id (so the
prediction carries "entity": id). The ruler runs first in the pipeline and the statistical
`ner` respects the entities it sets, so a confirmed name is found with its confirmed label and
`ner` labels the rest of the text around it. A form confirmed with two different labels is
ambiguous and left out; a form shared by two entities with one label keeps the label, no id.

Evaluation without leakage
--------------------------
Predictions made with a gazetteer built from document D's annotations must never score D: the
ruler would simply find D's gold spans again. So:

1. `gazetteer_version` hashes exactly the patterns used, and LoadedPipeline.extractor_id gets
   "+gaz.<hash>": predictions cached by `newsmark predict` (full gazetteer) are a different
   extractor version from those made for evaluation, and evaluation must not reuse them.
2. To evaluate on a set of documents E (the documents marked done), build the ruler with
   `build_ruler(nlp, entries, exclude_doc_ids=E)` (or LoadedPipeline.add_gazetteer(...,
   exclude_doc_ids=E)) and predict E with it. For more gazetteer coverage, cross-fit: split E
   into k folds and, for each fold F, build the ruler with exclude_doc_ids=F and predict F.
3. Exclusion is by provenance, per form when given: a form is kept when at least one document it
   was confirmed in is not excluded. A form without its own sources inherits the entity's (the
   union over its forms). With entity-level sources only (which form came from which document is
   unknown), the whole entity is dropped as soon as one of its documents is excluded. An entry
   with no sources at all (an external list, a knowledge base) is always kept: it did not come
   from any document (so is one whose per-form mapping names no document: an entity imported
   with `newsmark entities import` and not yet linked). An entity left with no forms is dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

RULER_NAME = "newsmark_gazetteer"


@dataclass(frozen=True)
class GazetteerEntry:
    """A confirmed canonical entity. `sources`: None (no provenance), a frozenset of document
    ids for the whole entity, or a mapping form -> frozenset of document ids."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    id: str | None = None
    sources: frozenset[str] | Mapping[str, frozenset[str]] | None = None

    @property
    def forms(self) -> list[str]:
        seen: dict[str, None] = {}
        for form in (self.name, *self.aliases):
            form = (form or "").strip()
            if form and form not in seen:
                seen[form] = None
        return list(seen)


def _ids(values: Iterable[Hashable] | None) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, (str, int)):
        return frozenset({str(values)})
    return frozenset(str(v) for v in values)


def _sources(value: Any) -> frozenset[str] | dict[str, frozenset[str]] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {str(form).strip(): _ids(docs) for form, docs in value.items()}
    return _ids(value)


def coerce_entry(entry: Any) -> GazetteerEntry:
    """One entry in any accepted shape as a GazetteerEntry (ValueError when malformed)."""
    if isinstance(entry, GazetteerEntry):
        return entry
    if isinstance(entry, Mapping):
        name, label = entry.get("name"), entry.get("label")
        aliases, ent_id, sources = entry.get("aliases") or (), entry.get("id"), entry.get("sources")
    elif isinstance(entry, (tuple, list)) and 3 <= len(entry) <= 4:
        name, label, aliases = entry[0], entry[1], entry[2] or ()
        sources = entry[3] if len(entry) == 4 else None
        ent_id = None
    else:
        raise ValueError(f"gazetteer entry must be (name, label, aliases[, sources]), got {entry!r}")
    if not isinstance(name, str) or not name.strip() or not isinstance(label, str) or not label:
        raise ValueError(f"gazetteer entry needs a name and a label, got {entry!r}")
    if isinstance(aliases, str):
        aliases = (aliases,)
    return GazetteerEntry(
        name=name.strip(),
        label=label,
        aliases=tuple(str(a) for a in aliases),
        id=str(ent_id) if ent_id not in (None, "") else None,
        sources=_sources(sources),
    )


def coerce_entries(entries: Iterable[Any]) -> list[GazetteerEntry]:
    return [coerce_entry(e) for e in entries]


def entries_excluding(entries: Iterable[Any], exclude_doc_ids: Iterable[Hashable]) -> list[GazetteerEntry]:
    """The entries with every form that only excluded documents attest removed (see module doc)."""
    excluded = _ids(exclude_doc_ids)
    out: list[GazetteerEntry] = []
    for entry in coerce_entries(entries):
        src = entry.sources
        if not excluded or src is None or (isinstance(src, Mapping) and not any(src.values())):
            out.append(entry)  # no provenance at all (a known entity, imported): always kept
            continue
        if not isinstance(src, Mapping):
            if src & excluded:
                continue  # which form came from which doc is unknown: drop it all
            out.append(entry)
            continue
        union = frozenset().union(*src.values()) if src else frozenset()
        kept = [f for f in entry.forms if (src.get(f, union) - excluded)]
        if not kept:
            continue
        name = entry.name if entry.name in kept else kept[0]
        out.append(
            GazetteerEntry(
                name=name,
                label=entry.label,
                aliases=tuple(f for f in kept if f != name),
                id=entry.id,
                sources={f: src.get(f, union) - excluded for f in kept},
            )
        )
    return out


def ruler_patterns(entries: Iterable[Any]) -> list[dict[str, str]]:
    """EntityRuler phrase patterns, deterministic order, ambiguous forms left out."""
    by_form: dict[str, dict[str, set[str]]] = {}
    for entry in coerce_entries(entries):
        for form in entry.forms:
            by_form.setdefault(form, {}).setdefault(entry.label, set()).add(entry.id or "")
    patterns: list[dict[str, str]] = []
    for form in sorted(by_form):
        labels = by_form[form]
        if len(labels) != 1:
            continue  # one form, two labels: let the statistical model decide
        ((label, ids),) = labels.items()
        pattern = {"label": label, "pattern": form}
        if len(ids) == 1 and "" not in ids:
            pattern["id"] = next(iter(ids))
        patterns.append(pattern)
    return patterns


def gazetteer_version(entries: Iterable[Any], *, attr: str = "ORTH") -> str:
    """Stable hash of the patterns the entries produce (order and sources do not matter)."""
    payload = json.dumps(
        {"attr": attr.upper(), "patterns": ruler_patterns(entries)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "gaz." + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def build_ruler(
    nlp: Any,
    entries: Iterable[Any],
    exclude_doc_ids: Iterable[Hashable] = (),
    *,
    attr: str = "ORTH",
    name: str = RULER_NAME,
) -> Any:
    """Add (or replace) an EntityRuler of confirmed entities as the first pipe of `nlp`.

    `nlp` is a spacy Language (or a LoadedPipeline, whose .nlp is used). Forms attested only
    by documents in `exclude_doc_ids` are left out (see "Evaluation without leakage"). The
    returned ruler has `newsmark_version` (gazetteer_version of what it holds) set. With no
    patterns left, any previous ruler is removed and None is returned (no gazetteer at all).
    """
    nlp = getattr(nlp, "nlp", nlp)
    kept = entries_excluding(entries, exclude_doc_ids)
    patterns = ruler_patterns(kept)
    if name in nlp.component_names:
        nlp.remove_pipe(name)
    if not patterns:
        return None
    ruler = nlp.add_pipe(
        "entity_ruler",
        name=name,
        first=True,
        config={"phrase_matcher_attr": attr.upper(), "overwrite_ents": False},
    )
    # First in the pipeline, so only the tokenizer runs on the patterns while they are added.
    ruler.add_patterns(patterns)
    ruler.newsmark_version = gazetteer_version(kept, attr=attr)
    return ruler
