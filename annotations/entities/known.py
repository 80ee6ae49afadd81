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

Every row is checked before anything is written: a bad row is reported as ``FILE:LINE: reason``
and nothing is imported. Import is one undoable action. An entity with the same external id,
else the same name and a compatible label, is updated (aliases added, external id filled in)
instead of created twice.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

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
    aliases: int = 0
    names: list[str] = field(default_factory=list)


class _Bad(Exception):
    """A reason a row is rejected (the caller adds FILE:LINE)."""


class _RowError(Exception):
    """A row that cannot even be read, with its line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


# --------------------------------------------------------------------------- reading


def read_known(path: str | Path) -> list[KnownEntity]:
    """Every entity in a JSONL or CSV/TSV file; UserInputError "FILE:LINE: reason" on the
    first bad row (nothing is returned then)."""
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
    seen_names: dict[tuple[str, str], int] = {}
    try:
        for line, row in rows:
            try:
                entity = _entity(row)
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


def _unique(entity: KnownEntity, line: int, ids: dict[str, int], names: dict[tuple[str, str], int]) -> None:
    if entity.external_id:
        if entity.external_id in ids:
            raise _Bad(f"external id {entity.external_id} is already on line {ids[entity.external_id]}")
        ids[entity.external_id] = line
    key = (entity.name, entity.label)
    if key in names:
        raise _Bad(f"{entity.name} ({entity.label}) is already on line {names[key]}")
    names[key] = line


# --------------------------------------------------------------------------- writing


def import_known(store: Store, entities: list[KnownEntity], annotator: str, *, source: str = "") -> ImportResult:
    """Create or update canonical entities for every known entity: one undoable action."""
    result = ImportResult()
    with store.action(annotator, f"import entities{' from ' + source if source else ''}") as act:
        for entity in entities:
            _import_one(act, entity, annotator, result)
    return result


def _import_one(act: Action, entity: KnownEntity, annotator: str, result: ImportResult) -> None:
    match = _existing(act, entity)
    if match is None:
        entity_id = act.insert(
            "entities",
            {
                "name": entity.name,
                "label": entity.label,
                "external_id": entity.external_id,
                "notes": entity.notes,
                "created_by": annotator,
                "created_at": now(),
            },
        )
        result.created += 1
    else:
        entity_id, current_ext, current_name = match
        changes: dict[str, Any] = {}
        if entity.external_id and not current_ext:
            changes["external_id"] = entity.external_id
        if changes:
            act.update("entities", entity_id, changes)
        result.updated += 1
        if current_name != entity.name:
            result.aliases += _alias(act, entity_id, entity.name)
    for alias in entity.aliases:
        result.aliases += _alias(act, entity_id, alias)
    result.names.append(entity.name)


def _existing(act: Action, entity: KnownEntity) -> tuple[int, str | None, str] | None:
    """The entity this row updates: same external id, else same name and a compatible label."""
    if entity.external_id:
        row = act.execute(
            "SELECT id, external_id, name FROM entities WHERE external_id = ? ORDER BY id LIMIT 1",
            (entity.external_id,),
        ).fetchone()
        if row:
            return row[0], row[1], row[2]
    for eid, ext, name, label in act.execute(
        "SELECT id, external_id, name, label FROM entities WHERE name = ? ORDER BY id", (entity.name,)
    ):
        if compatible(label, entity.label) and (not ext or not entity.external_id or ext == entity.external_id):
            return eid, ext, name
    return None


def _alias(act: Action, entity_id: int, form: str) -> int:
    if act.execute(
        "SELECT 1 FROM entities WHERE id = ? AND name = ? UNION ALL "
        "SELECT 1 FROM aliases WHERE entity_id = ? AND form = ?",
        (entity_id, form, entity_id, form),
    ).fetchone():
        return 0
    act.insert("aliases", {"entity_id": entity_id, "form": form})
    return 1


def export_rows(store: Store) -> list[dict[str, Any]]:
    """Every canonical entity as an import row: name, label, external id, aliases (explicit
    aliases and linked spellings, possessives dropped), in id order."""
    from annotations.entities.actions import aliases

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
