"""The annotations on one JSON line, read and validated per format: newsmark's native export
(spans, claims, entities, status, annotator), a Prodigy task, a doccano line.

Split from jsonl.py, which reads the lines, decodes the JSON and detects the format; each
function here fills a Record or raises Invalid naming the item ("span 2", "claim 1") at fault.
"""

from __future__ import annotations

import json
from typing import Any, cast

from annotations.corpus.formats.records import ClaimIn, EntityIn, Invalid, Record, SpanIn, plain_name
from annotations.vocab import Status

_STATUSES = tuple(s.value for s in Status)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _show(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or is_int(value)


def _optional_str(value: Any, what: str, *, numbers: bool = False) -> str | None:
    """An annotation attribute: a string or null ("" counts as null)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if numbers and is_int(value):
        return str(value)
    raise Invalid(f"{what} must be a string or null, got {json_type(value)}")


def _items(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f'"{key}" must be an array, got {json_type(value)}')
    return value


def _offsets(item: dict[str, Any], what: str, text: str, keys: tuple[str, str] = ("start", "end")) -> tuple[int, int]:
    """Validated (start, end) of a span or claim: integers, 0 <= start < end <= len(text)."""
    for key in keys:
        if key not in item:
            raise Invalid(f'{what} has no "{key}"')
        if not is_int(item[key]):
            raise Invalid(f"{what} {key} must be an integer, got {_show(item[key])}")
    start, end = item[keys[0]], item[keys[1]]
    if start < 0:
        raise Invalid(f"{what} {keys[0]} {start} is negative")
    if end > len(text):
        raise Invalid(f"{what} {keys[1]} {end} is past the end of the text ({len(text)} chars)")
    if end <= start:
        raise Invalid(f"{what} {keys[1]} {end} is not after its {keys[0]} {start}")
    copy = item.get("text")
    if isinstance(copy, str) and copy != text[start:end]:
        raise Invalid(f"{what} text {_show(copy)} does not match the text at {start}:{end} ({_show(text[start:end])})")
    return start, end


def _label(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        got = "missing" if value is None else _show(value)
        raise Invalid(f"{what} label must be a non-empty string, got {got}")
    if not plain_name(value):
        raise Invalid(f"{what} label {_show(value)} is not a plain name (letters, digits, _ . -)")
    return value


def _spans(obj: dict[str, Any], text: str, entity_ids: set[Any] | None) -> list[SpanIn]:
    """Native / Prodigy "spans": [{start, end, label, text?, entity?}] (spans numbered from 1)."""
    spans = []
    for number, item in enumerate(_items(obj, "spans"), 1):
        what = f"span {number}"
        if not isinstance(item, dict):
            raise Invalid(f"{what} must be an object, got {json_type(item)}")
        start, end = _offsets(item, what, text)
        label = _label(item.get("label"), what)
        entity = None
        if entity_ids is not None:
            entity = item.get("entity")
            if entity is not None:
                if not _is_id(entity):
                    raise Invalid(f"{what} entity must be an id (string or integer), got {_show(entity)}")
                if entity not in entity_ids:
                    raise Invalid(f'{what} entity {_show(entity)} is not among the line\'s "entities"')
        spans.append(SpanIn(start, end, label, entity, proposed_by=_proposed_by(item, what)))
    return spans


def _proposed_by(item: dict[str, Any], what: str) -> list[str] | None:
    """A reviewed item's provenance: the annotators who proposed it (plain names)."""
    value = item.get("proposed_by")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and plain_name(v) for v in value):
        raise Invalid(f"{what} proposed_by must be an array of annotator names, got {_show(value)}")
    return value


def native_annotations(obj: dict[str, Any], record: Record) -> None:
    """newsmark's own export: spans, claims, entities, status and annotator."""
    text = record.text
    record.status = _optional_str(obj.get("status"), '"status"')
    if record.status is not None and record.status not in _STATUSES:
        raise Invalid(f'"status" must be one of {", ".join(_STATUSES)}, got {_show(record.status)}')
    record.annotator = _optional_str(obj.get("annotator"), '"annotator"')
    seen: set[Any] = set()
    for number, item in enumerate(_items(obj, "entities"), 1):
        what = f"entity {number}"
        if not isinstance(item, dict):
            raise Invalid(f"{what} must be an object, got {json_type(item)}")
        ent_id = item.get("id")
        if not _is_id(ent_id):
            raise Invalid(f"{what} id must be a string or integer, got {_show(ent_id)}")
        if ent_id in seen:
            raise Invalid(f"{what} id {_show(ent_id)} is used twice")
        seen.add(ent_id)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise Invalid(f"{what} name must be a non-empty string, got {_show(name)}")
        aliases = item.get("aliases")
        if aliases is None:
            aliases = []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise Invalid(f"{what} aliases must be an array of strings")
        external = _optional_str(item.get("external_id"), f"{what} external_id")
        record.entities.append(
            EntityIn(
                cast("str | int", ent_id),
                name,
                _label(item.get("label"), what),
                [a for a in aliases if a.strip()],
                external,
            )
        )
    record.spans = _spans(obj, text, seen)
    for number, item in enumerate(_items(obj, "claims"), 1):
        what = f"claim {number}"
        if not isinstance(item, dict):
            raise Invalid(f"{what} must be an object, got {json_type(item)}")
        start, end = _offsets(item, what, text)
        group = item.get("group")
        if group is not None and not _is_id(group):
            raise Invalid(f"{what} group must be a string, an integer or null, got {_show(group)}")
        record.claims.append(
            ClaimIn(
                start,
                end,
                type=_claim_type(item.get("type"), f"{what} type"),
                speaker=_optional_str(item.get("speaker"), f"{what} speaker", numbers=True),
                role=_optional_str(item.get("role"), f"{what} role"),
                cue=_optional_str(item.get("cue"), f"{what} cue"),
                stance=_optional_str(item.get("stance"), f"{what} stance"),
                group=group,
                checkworthy=bool(item.get("checkworthy", False)),
                note=_optional_str(item.get("note"), f"{what} note"),
                proposed_by=_proposed_by(item, what),
            )
        )


def prodigy_annotations(obj: dict[str, Any], record: Record) -> None:
    """A Prodigy task: rejected or ignored answers keep the text but not the spans."""
    answer = obj.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore"):
        raise Invalid(f'"answer" must be "accept", "reject" or "ignore", got {_show(answer)}')
    if answer == "accept":
        record.spans = _spans(obj, record.text, None)
    else:
        record.meta["answer"] = answer


def doccano_annotations(obj: dict[str, Any], record: Record) -> None:
    """doccano: "label" [[start, end, "LABEL"]] or ["CAT"], or "entities" with "relations"."""
    text = record.text
    labels = _items(obj, "label")
    if labels and all(isinstance(item, str) for item in labels):
        record.meta["cats"] = labels
        labels = []
    for number, item in enumerate(labels, 1):
        what = f"span {number}"
        if not (isinstance(item, list) and len(item) == 3):
            raise Invalid(f'{what} must be [start, end, "LABEL"], got {_show(item)}')
        start, end = _offsets({"start": item[0], "end": item[1]}, what, text)
        record.spans.append(SpanIn(start, end, _label(item[2], what)))
    offset = len(record.spans)
    ids = []
    for number, item in enumerate(_items(obj, "entities"), offset + 1):
        what = f"span {number}"
        if not isinstance(item, dict):
            raise Invalid(f"{what} must be an object, got {json_type(item)}")
        start, end = _offsets(item, what, text, ("start_offset", "end_offset"))
        record.spans.append(SpanIn(start, end, _label(item.get("label"), what)))
        ids.append(item.get("id"))
    relations = obj.get("relations")
    if relations:
        record.meta["relations"] = relations
        if ids:  # doccano span ids, aligned with the "entities" spans, so relations resolve
            record.meta["entity_ids"] = ids


def _claim_type(value: Any, what: str) -> str | None:
    """A claim type: null, or a plain name (it is shown in the Reader and on the terminal)."""
    kind = _optional_str(value, what)
    if kind is not None and not plain_name(kind):
        raise Invalid(f"{what} {_show(kind)} is not a plain name (letters, digits, _ . -)")
    return kind
