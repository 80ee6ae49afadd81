"""JSON Lines (.jsonl, .ndjson): one document a line, streamed, and the native line writer.

Formats recognised on each line: newsmark's native export, Prodigy NER tasks, doccano
(sequence labelling, with or without relations, and text classification) and plain
{"text", "title", ...} objects. Offsets are Python string indices into "text", end exclusive.
Every bad line is a Problem "FILE:LINE: reason"; memory stays constant however large the file.
`native_line` writes the lossless export line that this reader reads back.
Each format's annotations (spans, claims, entities) are validated in jsonl_annotations.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotations.corpus.formats.jsonl_annotations import _doccano, _is_int, _json_type, _native, _prodigy
from annotations.corpus.formats.records import (
    _BOM,
    _DOC_FIELDS,
    _UTF16_BOMS,
    BINARY_SNIFF_BYTES,
    MAX_LINE_BYTES,
    MAX_SKIP_BYTES,
    Invalid,
    Problem,
    ReadOptions,
    Record,
    bad_byte,
    lenient_str,
)

SUFFIXES = (".jsonl", ".ndjson")


class EndlessLine(Exception):
    """A line that goes on past MAX_SKIP_BYTES (/dev/zero, an endless pipe): not JSON Lines."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _lines(stream: Any) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, byte offset, line bytes) for each line; None for an over-long line, whose
    rest is skipped unread up to MAX_SKIP_BYTES (then EndlessLine: an endless stream)."""
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
            if number == 1 and b"\0" in raw[:BINARY_SNIFF_BYTES]:
                raise Invalid("binary file, not text")
            while offset - start <= MAX_SKIP_BYTES:  # skip the rest of the line without holding it
                chunk = stream.readline(1 << 20)
                offset += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            else:
                raise EndlessLine(number)
            yield number, start, None
            continue
        yield number, start, raw


def read_jsonl(stream: Any, label: str, skip_invalid: bool) -> Iterator[Record | Problem]:
    """One JSON object a line; blank lines are ignored, every bad line is a Problem."""
    try:
        yield from _read_lines(stream, label, skip_invalid)
    except Invalid as exc:
        yield Problem(label, None, exc.reason)
    except EndlessLine as exc:
        yield Problem(
            label,
            exc.number,
            f"line longer than {MAX_SKIP_BYTES // 2**20} MiB and still going: not JSON Lines (an endless stream?)",
        )


def _read_lines(stream: Any, label: str, skip_invalid: bool) -> Iterator[Record | Problem]:
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
    _no_overlaps(record.spans)
    consumed = _COMMON | _CONSUMED[kind]
    for key, value in obj.items():
        if key not in consumed:
            meta.setdefault(key, value)
    return record


def _no_overlaps(spans: list[Any]) -> None:
    """One line is one annotator's version, and one annotator's gold spans never overlap
    (DESIGN; spaCy's doc.ents cannot hold them): refuse the line naming the two spans."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i].start, spans[i].end))
    for before, after in zip(order, order[1:]):
        a, b = spans[before], spans[after]
        if b.start < a.end:
            raise Invalid(
                f"span {after + 1} ({b.start}-{b.end} {b.label}) overlaps span {before + 1} "
                f"({a.start}-{a.end} {a.label}): one annotator's spans never overlap"
            )


def _strict_str(value: Any, what: str) -> str | None:
    """A document field: a string, a number, or a list of strings (joined); else Invalid."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    if _is_int(value) or isinstance(value, float):
        return str(value)
    raise Invalid(f"{what} must be a string, got {_json_type(value)}")


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
