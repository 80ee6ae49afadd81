"""Known entities in and out: `newsmark entities import FILE` / `entities export`.

A known entity is a canonical entity from outside the corpus (a knowledge base, a list an
editor keeps): a name, a label, an optional external id (a Wikidata QID such as Q4695925) and
aliases. Once imported they are ordinary canonical entities: the link picker offers them, the
linker proposes corpus spellings against their names (`linking.known_mentions`), the
gazetteer finds their names and aliases in new text, and exports carry the external id.

Files (UTF-8), one entity a row:

* JSONL: ``{"name": "Ahmad Shah Massoud", "label": "PERSON", "external_id": "Q4695925",
  "aliases": ["Massoud", "Ahmad Shah Masood"]}`` (``external_id``, ``aliases``, ``notes``
  optional; ``kb_id`` is accepted for ``external_id``);
* CSV / TSV with a header row: ``name,label,external_id,aliases`` with aliases separated by
  ``|``.

Every row is checked before anything is written: a bad row (a label outside the config among
them, unless --new-labels) is reported as ``FILE:LINE: reason`` and nothing is imported.

Import is one undoable action, and a correction, not a copy: a row updates the entity with its
external id; else one with its name and a compatible label (and no other external id); else,
when the row has an external id, one with its name and label whose external id the file no
longer names (a corrected id, never a second entity). The row's name, label, external id and
notes are then the entity's, each change listed (`ImportResult.changes`); an entity already as
the file has it counts as unchanged, never as updated. Two entities of one name and label with
different ids are kept apart when both are rows of one file.

Existing entities are indexed once per import (external id, name, aliases), so matching costs
the same per row however many there are: 100,000 rows with external ids took 324 s (a scan of
the entities per row, all of it inside one write transaction); see bench/bench_known_import.py.
A long file commits every `BATCH` rows, so other annotators' writes wait for one batch only;
all batches are one logged action, so one undo still takes the whole import back (an import
stopped half way keeps the batches it committed, and undo takes those back).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from annotations.entities.actions import aliases
from annotations.errors import UserInputError
from annotations.extract.variants.labels import compatible
from annotations.store import Action, Store, now

FIELDS = ("name", "label", "external_id", "aliases")
_OPTIONAL = {"external_id", "aliases", "notes", "kb_id"}
_LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
ALIAS_SEPARATOR = "|"


@dataclass(frozen=True)
class KnownEntity:
    name: str
    label: str
    external_id: str | None = None
    aliases: tuple[str, ...] = ()
    notes: str | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    """Entities whose name, label, external id or notes the file changed (see `changes`)."""
    unchanged: int = 0
    """Entities already here as the file has them (no field changed, no alias added)."""
    aliases: int = 0
    names: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    """One line per updated entity: 'NAME: label GPE -> LOC, external id Q1 -> Q2'."""


class _Bad(Exception):
    """A reason a row is rejected (the caller adds FILE:LINE)."""


class _RowError(Exception):
    """A row that cannot even be read, with its line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


# --------------------------------------------------------------------------- reading


def read_known(path: str | Path, *, labels: Collection[str] | None = None) -> list[KnownEntity]:
    """Every entity in a JSONL or CSV/TSV file; UserInputError "FILE:LINE: reason" on the
    first bad row (nothing is returned then). `labels`: the config's, which every row's label
    must be one of (None: any label-shaped name)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserInputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UserInputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise UserInputError(f"{path}: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    rows = _csv_rows(text, "\t" if suffix == ".tsv" else ",") if suffix in (".csv", ".tsv") else _jsonl_rows(text)
    out: list[KnownEntity] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, str], tuple[int, str | None]] = {}
    try:
        for line, row in rows:
            try:
                entity = _entity(row)
                if labels is not None and entity.label not in labels:
                    raise _Bad(
                        f"label {entity.label!r} is not in the config ({', '.join(sorted(labels))}); "
                        "add it to config.yaml, or import with --new-labels to keep it"
                    )
                _unique(entity, line, seen_ids, seen_names)
            except _Bad as exc:
                raise _RowError(line, str(exc)) from None
            out.append(entity)
    except _RowError as exc:
        raise UserInputError(f"{path}:{exc.line}: {exc.reason}") from None
    if not out:
        raise UserInputError(f"{path}: no entities (expected JSONL objects or a CSV header {','.join(FIELDS)})")
    return out


def _jsonl_rows(text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise _RowError(number, f"not JSON ({exc.msg})") from None


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, Any]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip().lower() for h in header]
    missing = [f for f in ("name", "label") if f not in header]
    if missing:
        raise _RowError(1, f"the header has no {missing[0]!r} column (expected {','.join(FIELDS)})")
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise _RowError(reader.line_num, f"{len(values)} fields, the header has {len(header)}")
        row: dict[str, Any] = {k: v for k, v in zip(header, values) if v.strip() or k in ("name", "label")}
        if "aliases" in row:
            row["aliases"] = [a for a in row["aliases"].split(ALIAS_SEPARATOR)]
        yield reader.line_num, row


def _entity(row: Any) -> KnownEntity:
    if not isinstance(row, dict):
        raise _Bad(f"expected an object with name and label, got {type(row).__name__}")
    unknown = sorted(set(row) - {"name", "label"} - _OPTIONAL)
    if unknown:
        raise _Bad(f"unknown key {unknown[0]!r} (known: {', '.join(FIELDS)}, notes)")
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Bad("name must be a non-empty string")
    label = row.get("label")
    if not isinstance(label, str) or not _LABEL_RE.match(label.strip()):
        raise _Bad(f"label must be a label such as PERSON or GPE, got {json.dumps(label, ensure_ascii=False)[:40]}")
    ext = row.get("external_id", row.get("kb_id"))
    if ext is not None and not (isinstance(ext, str) and ext.strip()):
        raise _Bad("external_id must be a non-empty string when given")
    aliases = row.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _Bad("aliases must be a list of strings")
    notes = row.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise _Bad("notes must be a string")
    name = " ".join(name.split())
    clean = tuple(dict.fromkeys(" ".join(a.split()) for a in aliases if a.strip() and a.strip() != name))
    return KnownEntity(name, label.strip().upper(), ext.strip() if ext else None, clean, notes)


def _unique(
    entity: KnownEntity, line: int, ids: dict[str, int], names: dict[tuple[str, str], tuple[int, str | None]]
) -> None:
    if entity.external_id:
        if entity.external_id in ids:
            raise _Bad(f"external id {entity.external_id} is already on line {ids[entity.external_id]}")
        ids[entity.external_id] = line
    key = (entity.name, entity.label)
    if key in names and not (entity.external_id and names[key][1]):  # two ids: two entities of one name
        raise _Bad(f"{entity.name} ({entity.label}) is already on line {names[key][0]}")
    names[key] = (line, entity.external_id)


# --------------------------------------------------------------------------- writing


@dataclass
class _Existing:
    """The canonical entities already here, indexed once, so each row is matched in constant
    time (a query per row without an index on external ids made 100,000 rows quadratic)."""

    rows: dict[int, dict[str, Any]]
    by_ext: dict[str, int]
    by_name: dict[str, list[int]]
    forms: set[tuple[int, str]]

    @classmethod
    def load(cls, act: Action) -> _Existing:
        rows = {
            r[0]: {"name": r[1], "label": r[2], "external_id": r[3], "notes": r[4]}
            for r in act.execute("SELECT id, name, label, external_id, notes FROM entities ORDER BY id")
        }
        by_ext: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        for eid, r in rows.items():
            if r["external_id"]:
                by_ext.setdefault(r["external_id"], eid)
            by_name.setdefault(r["name"], []).append(eid)
        forms = {(r[0], r[1]) for r in act.execute("SELECT entity_id, form FROM aliases")}
        return cls(rows, by_ext, by_name, forms)

    def add(self, eid: int, values: dict[str, Any]) -> None:
        self.rows[eid] = values
        if values.get("external_id"):
            self.by_ext.setdefault(values["external_id"], eid)
        self.by_name.setdefault(values["name"], []).append(eid)

    def change(self, eid: int, changes: dict[str, Any]) -> None:
        old = self.rows[eid]
        if "name" in changes:
            self.by_name[old["name"]].remove(eid)
            self.by_name.setdefault(changes["name"], []).append(eid)
        if "external_id" in changes:
            if old["external_id"] and self.by_ext.get(old["external_id"]) == eid:
                del self.by_ext[old["external_id"]]
            self.by_ext.setdefault(changes["external_id"], eid)
        old.update(changes)


BATCH = 2_000
"""Rows per transaction: a long import lets other writers in between (about a second each)."""


def import_known(store: Store, entities: list[KnownEntity], annotator: str, *, source: str = "") -> ImportResult:
    """Create or update canonical entities for every known entity: one undoable action.

    A row updates the entity with its external id; else one with its name and a compatible
    label (and no other external id); else, when the row has an external id, one with its name
    and label whose external id this file does not name (a corrected id). Its label, name,
    external id and notes are then set from the row; `changes` says what changed."""
    result = ImportResult()
    file_ids = {e.external_id for e in entities if e.external_id}
    claimed: set[int] = set()
    with store.action(annotator, f"import entities{' from ' + source if source else ''}") as first:
        here = _Existing.load(first)
        for entity in entities[:BATCH]:
            _import_one(first, here, entity, annotator, result, file_ids, claimed)
    for i in range(BATCH, len(entities), BATCH):
        with store.continue_action(first) as act:
            for entity in entities[i : i + BATCH]:
                _import_one(act, here, entity, annotator, result, file_ids, claimed)
    return result


def _import_one(
    act: Action,
    here: _Existing,
    entity: KnownEntity,
    annotator: str,
    result: ImportResult,
    file_ids: set[str],
    claimed: set[int],
) -> None:
    entity_id = _match(here, entity, file_ids, claimed)
    changed = False
    if entity_id is None:
        values = {
            "name": entity.name,
            "label": entity.label,
            "external_id": entity.external_id,
            "notes": entity.notes,
            "created_by": annotator,
            "created_at": now(),
        }
        entity_id = act.insert("entities", values)
        here.add(entity_id, values)
        result.created += 1
        changed = True
    else:
        current = here.rows[entity_id]
        fields = (("name", entity.name), ("label", entity.label), ("external_id", entity.external_id))
        changes = {k: v for k, v in (*fields, ("notes", entity.notes)) if v is not None and v != current[k]}
        if changes:
            result.changes.append(_diff(current, changes))
            act.update("entities", entity_id, changes)
            here.change(entity_id, changes)
            result.updated += 1
            changed = True
    claimed.add(entity_id)
    added = sum(_alias(act, here, entity_id, alias) for alias in entity.aliases)
    result.aliases += added
    if not changed and not added:
        result.unchanged += 1
    result.names.append(entity.name)


def _match(here: _Existing, entity: KnownEntity, file_ids: set[str], claimed: set[int]) -> int | None:
    """The entity this row updates (see `import_known`), or None for a new one."""
    if entity.external_id and entity.external_id in here.by_ext:
        return here.by_ext[entity.external_id]
    named = [e for e in here.by_name.get(entity.name, ()) if e not in claimed]
    for eid in sorted(named, key=lambda e: here.rows[e]["label"] != entity.label):  # the same label first
        ext = here.rows[eid]["external_id"]
        if compatible(here.rows[eid]["label"], entity.label) and (
            not ext or not entity.external_id or ext == entity.external_id
        ):
            return eid
    if entity.external_id:
        for eid in named:
            ext = here.rows[eid]["external_id"]
            if here.rows[eid]["label"] == entity.label and ext and ext not in file_ids:
                return eid  # its id corrected: the file names this one instead
    return None


def _diff(current: dict[str, Any], changes: dict[str, Any]) -> str:
    """'Panjshir: label GPE -> LOC, external id Q1 -> Q185301'."""
    parts = [f"{k.replace('_', ' ')} {current[k] or '(none)'} -> {v}" for k, v in changes.items()]
    return f"{current['name']}: {', '.join(parts)}"


def _alias(act: Action, here: _Existing, entity_id: int, form: str) -> int:
    if form == here.rows[entity_id]["name"] or (entity_id, form) in here.forms:
        return 0
    act.insert("aliases", {"entity_id": entity_id, "form": form})
    here.forms.add((entity_id, form))
    return 1


def export_rows(store: Store) -> list[dict[str, Any]]:
    """Every canonical entity as an import row: name, label, external id, aliases (explicit
    aliases and linked spellings, possessives dropped), in id order."""

    out = []
    for r in store.query("SELECT id, name, label, external_id FROM entities ORDER BY id"):
        forms = [a for a in aliases(store, r["id"]) if a != r["name"]]
        out.append({"name": r["name"], "label": r["label"], "external_id": r["external_id"], "aliases": forms})
    return out


def write_known(rows: list[dict[str, Any]], out: TextIO, fmt: str) -> None:
    """Rows as JSONL (one object a line) or CSV (header, aliases joined by |)."""
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for r in rows:
            writer.writerow(
                [
                    r["name"],
                    r["label"],
                    r["external_id"] or "",
                    ALIAS_SEPARATOR.join(a for a in r["aliases"] if ALIAS_SEPARATOR not in a),
                ]
            )
        return
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
