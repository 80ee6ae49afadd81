"""JSON Lines (.jsonl, .ndjson): one document a line, streamed, and the native line writer.

Formats recognised on each line: newsmark's native export, Prodigy NER tasks, doccano
(sequence labelling, with or without relations, and text classification) and plain
{"text", "title", ...} objects. Offsets are Python string indices into "text", end exclusive.
Every bad line is a Problem "FILE:LINE: reason"; memory stays constant however large the file.
`native_line` writes the lossless export line that this reader reads back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from ..vocab import Status
from .records import (
    _BOM,
    _DOC_FIELDS,
    _UTF16_BOMS,
    BINARY_SNIFF_BYTES,
    MAX_LINE_BYTES,
    ClaimIn,
    EntityIn,
    Invalid,
    Problem,
    ReadOptions,
    Record,
    SpanIn,
    bad_byte,
    lenient_str,
    plain_name,
)

SUFFIXES = (".jsonl", ".ndjson")
_STATUSES = tuple(s.value for s in Status)


def _lines(stream: Any) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, byte offset, line bytes) for each line; None for an over-long line."""
    offset = 0
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        start = offset
        offset += len(raw)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # skip the rest of the line without holding it
                chunk = stream.readline(1 << 20)
                offset += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield number, start, None
            continue
        yield number, start, raw


def read_jsonl(stream: Any, label: str, skip_invalid: bool) -> Iterator[Record | Problem]:
    """One JSON object a line; blank lines are ignored, every bad line is a Problem."""
    valid = 0
    content = False
    failed = False
    for number, start, raw in _lines(stream):
        if raw is None:
            content = failed = True
            yield Problem(label, number, f"line longer than {MAX_LINE_BYTES // 2**20} MiB")
            continue
        base = start
        if number == 1 and raw.startswith(_BOM):
            raw, base = raw[3:], start + 3
        elif number == 1 and raw.startswith(_UTF16_BOMS):
            yield Problem(label, None, "UTF-16 text is not supported: save the file as UTF-8")
            return
        if not raw.strip():
            continue
        content = True
        nul = raw.find(b"\0")
        if nul >= 0 and base + nul < BINARY_SNIFF_BYTES:
            yield Problem(label, None, "binary file, not text")
            return
        try:
            if nul >= 0:
                raise Invalid("binary data (a NUL byte) in the line")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Invalid(bad_byte(raw, exc, base)) from None
            record = _parse_line(line.rstrip("\r\n"), raw, f"{label}:{number}")
        except Invalid as exc:
            failed = True
            yield Problem(label, number, exc.reason)
            continue
        record.line = number
        valid += 1
        if skip_invalid or not failed:
            yield record
    if not content:
        yield Problem(label, None, "empty input" if label == "<stdin>" else "empty file")
    elif valid == 0:
        yield Problem(label, None, "no records")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)  # one decoder, not one per line


def _loads(line: str, raw: bytes) -> Any:
    try:
        value = _DECODER.decode(line)
    except json.JSONDecodeError as exc:  # msg may end in "at": "Unterminated string starting at"
        where = "column" if exc.msg.endswith(" at") else "at column"
        raise Invalid(f"invalid JSON: {exc.msg} {where} {exc.colno}") from None
    except RecursionError:
        raise Invalid("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # NaN / Infinity, integers too long to convert
        raise Invalid(f"invalid JSON: {str(exc).split(';')[0]}") from None
    if _SURROGATE_ESCAPE.search(raw):
        _check_surrogates(value)
    return value


def _check_surrogates(value: Any) -> None:
    """Reject strings holding an unpaired \\ud800-\\udfff escape: they are not text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                code = ord(item[exc.start])
                raise Invalid(f"invalid JSON: unpaired surrogate \\u{code:04x} in a string") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _json_type(value: Any) -> str:
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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or _is_int(value)


def _detect(obj: dict[str, Any]) -> str:
    """Which format a JSON line is in: doccano, prodigy, native or plain."""
    entities = obj.get("entities")
    spans = obj.get("spans")
    if (
        isinstance(obj.get("label"), list)
        or "relations" in obj
        or (isinstance(entities, list) and any(isinstance(e, dict) and "start_offset" in e for e in entities))
    ):
        return "doccano"
    if any(key in obj for key in ("_input_hash", "_task_hash", "answer", "tokens", "_view_id", "_session_id")) or (
        isinstance(spans, list) and any(isinstance(s, dict) and "token_start" in s for s in spans)
    ):
        return "prodigy"
    if any(key in obj for key in ("spans", "claims", "entities", "status", "annotator")):
        return "native"
    return "plain"


# Top-level keys each format consumes; any other key is kept in meta.
_CONSUMED = {
    "native": {"spans", "claims", "entities", "status", "annotator"},
    "prodigy": {"spans", "answer"},
    "doccano": {"label", "entities", "relations"},
    "plain": set(),
}
_COMMON = {"text", "meta", "id", "tokens", *_DOC_FIELDS}


def _parse_line(line: str, raw: bytes, source: str) -> Record:
    """One JSON line as a Record; raises Invalid naming what is wrong."""
    obj = _loads(line, raw)
    if not isinstance(obj, dict):
        raise Invalid(f"expected a JSON object, got {_json_type(obj)}")
    if "text" not in obj:
        raise Invalid('missing "text"')
    text = obj["text"]
    if not isinstance(text, str):
        raise Invalid(f'"text" must be a string, got {_json_type(text)}')
    if not text.strip():
        raise Invalid('"text" is empty')
    if "\0" in text:
        raise Invalid('"text" contains a NUL character')

    kind = _detect(obj)
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise Invalid(f'"meta" must be an object, got {_json_type(meta)}')
    else:
        meta = dict(meta)

    fields: dict[str, str | None] = {}
    for name in _DOC_FIELDS:
        if obj.get(name) is not None:
            fields[name] = _strict_str(obj[name], f'"{name}"')
        elif name in meta:
            fields[name] = lenient_str(meta[name])
            if fields[name] is not None or meta[name] is None:
                del meta[name]
        else:
            fields[name] = None
    if obj.get("id") is not None:
        meta["source_id"] = obj["id"]

    record = Record(
        text=text,
        title=fields["title"],
        source=source,
        url=fields["url"],
        date=fields["date"],
        outlet=fields["outlet"],
        author=fields["author"],
        meta=meta,
    )
    if kind == "native":
        _native(obj, record)
    elif kind == "prodigy":
        _prodigy(obj, record)
    elif kind == "doccano":
        _doccano(obj, record)
    consumed = _COMMON | _CONSUMED[kind]
    for key, value in obj.items():
        if key not in consumed:
            meta.setdefault(key, value)
    return record


def _strict_str(value: Any, what: str) -> str | None:
    """A document field: a string, a number, or a list of strings (joined); else Invalid."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    if _is_int(value) or isinstance(value, float):
        return str(value)
    raise Invalid(f"{what} must be a string, got {_json_type(value)}")


def _optional_str(value: Any, what: str, *, numbers: bool = False) -> str | None:
    """An annotation attribute: a string or null ("" counts as null)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if numbers and _is_int(value):
        return str(value)
    raise Invalid(f"{what} must be a string or null, got {_json_type(value)}")


def _items(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f'"{key}" must be an array, got {_json_type(value)}')
    return value


def _offsets(item: dict[str, Any], what: str, text: str, keys: tuple[str, str] = ("start", "end")) -> tuple[int, int]:
    """Validated (start, end) of a span or claim: integers, 0 <= start < end <= len(text)."""
    for key in keys:
        if key not in item:
            raise Invalid(f'{what} has no "{key}"')
        if not _is_int(item[key]):
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
            raise Invalid(f"{what} must be an object, got {_json_type(item)}")
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


def _native(obj: dict[str, Any], record: Record) -> None:
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
            raise Invalid(f"{what} must be an object, got {_json_type(item)}")
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
            raise Invalid(f"{what} must be an object, got {_json_type(item)}")
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
                cue=_optional_str(item.get("cue"), f"{what} cue"),
                stance=_optional_str(item.get("stance"), f"{what} stance"),
                group=group,
                checkworthy=bool(item.get("checkworthy", False)),
                note=_optional_str(item.get("note"), f"{what} note"),
                proposed_by=_proposed_by(item, what),
            )
        )


def _prodigy(obj: dict[str, Any], record: Record) -> None:
    """A Prodigy task: rejected or ignored answers keep the text but not the spans."""
    answer = obj.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore"):
        raise Invalid(f'"answer" must be "accept", "reject" or "ignore", got {_show(answer)}')
    if answer == "accept":
        record.spans = _spans(obj, record.text, None)
    else:
        record.meta["answer"] = answer


def _doccano(obj: dict[str, Any], record: Record) -> None:
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
            raise Invalid(f"{what} must be an object, got {_json_type(item)}")
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


def read_file(
    path: Path, label: str, options: ReadOptions, skip_invalid: bool, on_bytes: Any = None
) -> Iterator[Record | Problem]:
    """Every line of the file, streamed."""
    try:
        with open(path, "rb") as handle:
            yield from read_jsonl(handle, label, skip_invalid)
    except OSError as exc:
        yield Problem(label, None, f"cannot read: {exc.strerror or exc}")


# --------------------------------------------------------------------------- writing

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def native_line(
    export_id: Any,
    text: str,
    meta: dict[str, Any],
    status: str,
    annotator: str | None,
    spans: list[Any],
    claims: list[dict[str, Any]],
    entities: list[dict[str, Any]],
) -> str:
    """One native JSON line (with its newline), what `read_jsonl` reads back: spans may be JSON
    text already (SQLite builds them), claims and entities are dicts in the export shape."""
    head = _encode({"id": export_id, "text": text, "meta": meta, "status": status, "annotator": annotator})
    span_text = ",".join(s if isinstance(s, str) else _encode(s) for s in spans)
    ents = _encode(
        [
            {
                "id": e["id"],
                "name": e["name"],
                "label": e["label"],
                "aliases": list(e["aliases"]),
                "external_id": e["external_id"],
            }
            for e in entities
        ]
    )
    return f'{head[:-1]},"spans":[{span_text}],"claims":{_encode(claims)},"entities":{ents}}}\n'
