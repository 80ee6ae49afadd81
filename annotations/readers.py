"""Readers: turn .txt, .md, .jsonl files (and stdin) into plain records, streaming.

Pure parsing, no database. `expand_paths` resolves what the user typed (files, directories,
globs, "-") before anything is imported; `read_source` yields `Record`s and `Problem`s for one
source, a line at a time for JSON Lines, so memory stays constant however large the file.

Formats recognised on each JSON line: newsmark's native export, Prodigy NER tasks, doccano
(sequence labelling, with or without relations, and text classification) and plain
{"text", "title", ...} objects. Offsets are Python string indices into "text", end exclusive.
Every failure is a `Problem` ("FILE:LINE: reason" for a bad JSON line, "FILE: reason" for a
whole file, a one-document .txt / .md naming its line in the reason); no input makes a reader raise.
"""

from __future__ import annotations

import base64
import codecs
import datetime as _dt
import glob
import io
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from .errors import UserInputError

__all__ = [
    "SUFFIXES", "SpanIn", "ClaimIn", "EntityIn", "Record", "Problem",
    "expand_paths", "read_source", "total_bytes", "guess_title",
]

SUFFIXES = (".txt", ".md", ".markdown", ".jsonl", ".ndjson")
TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".ndjson")

MAX_LINE_BYTES = 32 * 1024 * 1024      # one JSON line (one article and its annotations)
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024  # one .txt / .md document
BINARY_SNIFF_BYTES = 8192              # a NUL byte this early means "binary file"
MAX_TITLE_CHARS = 200
SHORT_LINE_CHARS = 70                  # a first line this short is a headline even with a full stop

_SUFFIX_LIST = ".txt, .md, .markdown, .jsonl or .ndjson"
_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DOC_FIELDS = ("title", "url", "date", "outlet", "author")


# --------------------------------------------------------------------------- records


@dataclass
class SpanIn:
    """An imported entity span; `entity` is the source's entity id (native jsonl only)."""

    start: int
    end: int
    label: str
    entity: str | int | None = None


@dataclass
class ClaimIn:
    """An imported claim; `group` is the source's claim-group key."""

    start: int
    end: int
    type: str | None = None
    speaker: str | None = None
    cue: str | None = None
    stance: str | None = None
    group: str | int | None = None
    checkworthy: bool = False
    note: str | None = None


@dataclass
class EntityIn:
    """A canonical entity from a native export; spans point at it by `id`."""

    id: str | int
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)
    external_id: str | None = None


@dataclass
class Record:
    """One document to import. `text` is kept exactly; every offset indexes into it."""

    text: str
    title: str | None
    source: str  # file path (or "<stdin>"), plus ":LINE" for JSON Lines
    url: str | None = None
    date: str | None = None
    outlet: str | None = None
    author: str | None = None
    meta: dict = field(default_factory=dict)
    spans: list[SpanIn] = field(default_factory=list)
    claims: list[ClaimIn] = field(default_factory=list)
    entities: list[EntityIn] = field(default_factory=list)
    status: str | None = None
    annotator: str | None = None
    line: int | None = None


@dataclass
class Problem:
    """Why a file or a line was not read. `line` is set for a bad line of a JSON Lines file (which
    --skip-invalid can skip) and None for whole-file problems: a .txt / .md file is one document,
    so its problems name their line in `reason` instead."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


class _Invalid(Exception):
    """Raised inside the parsers; becomes a Problem for the current line or file."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


# --------------------------------------------------------------------------- paths


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(root: Path) -> list[Path]:
    """Every supported, non-hidden file under `root`, sorted."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
        for name in filenames:
            path = Path(dirpath, name)
            if not _hidden(name) and _supported(path):
                found.append(path)
    return sorted(found)


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path | str]:
    """Resolve files, directories, globs and "-" into the list of sources to import.

    Directories are walked recursively (supported suffixes only, hidden files and directories
    skipped); globs use `glob.glob(recursive=True)`. Each argument's files come sorted, in the
    order the arguments were given, each file once. Raises UserInputError, before anything is
    read, for a missing path, a glob that matches nothing, a named file of an unsupported type,
    or a directory with nothing to import.
    """
    out: list[Path | str] = []
    seen: set[str] = set()

    def add(item: Path | str) -> None:
        key = item if item == "-" else os.path.normcase(os.path.abspath(item))
        if key not in seen:
            seen.add(key)
            out.append(item)

    for arg in paths:
        raw = os.fspath(arg)
        if raw == "-":
            add("-")
            continue
        if not raw:
            raise UserInputError("empty path: name a file, a directory, a glob or '-' for stdin")
        path = Path(os.path.expanduser(raw))
        if path.is_dir():
            files = _walk(path)
            if not files:
                raise UserInputError(f"{raw}: no {_SUFFIX_LIST} files in this directory")
        elif path.exists():
            if not _supported(path):
                kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
                raise UserInputError(f"{raw}: unsupported file type {kind} (expected {_SUFFIX_LIST})")
            files = [path]
        elif re.search(r"[*?[]", raw):
            matches = glob.glob(os.path.expanduser(raw), recursive=True)
            if not matches:
                raise UserInputError(f"{raw}: no such file or directory")
            files = []
            for match in matches:
                mpath = Path(match)
                if mpath.is_dir():
                    files.extend(_walk(mpath))
                elif _supported(mpath):
                    files.append(mpath)
            if not files:
                raise UserInputError(f"{raw}: matches no {_SUFFIX_LIST} files")
            files = sorted(set(files))
        else:
            raise UserInputError(f"{raw}: no such file or directory")
        for file in files:
            if not os.access(file, os.R_OK):
                raise UserInputError(f"{file}: permission denied")
            add(file)
    return out


def total_bytes(paths: Iterable[Path | str]) -> int | None:
    """Total size of the sources, for a progress bar; None when stdin ("-") is among them.

    Takes expanded paths or what the user typed (directories and globs are expanded here).
    """
    total = 0
    for path in paths:
        if path == "-":
            return None
        try:
            if os.path.isfile(path):
                total += os.stat(path).st_size
            else:
                total += sum(os.stat(p).st_size for p in expand_paths([path]))
        except (OSError, UserInputError):
            pass
    return total


# --------------------------------------------------------------------------- entry point


def read_source(
    path: Path | str, *, skip_invalid: bool = False, stdin: Any = None
) -> Iterator[Record | Problem]:
    """Yield the records and problems of one source ("-" is stdin), streaming.

    Problems never stop the reading: every bad line is reported. With skip_invalid=False the
    caller rejects the whole file on any Problem, so records after the first problem are not
    yielded (they would be thrown away); with skip_invalid=True every good record is yielded.
    """
    if path == "-" or path == Path("-"):
        yield from _read_stdin(stdin, skip_invalid)
        return
    path = Path(path)
    label = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield Problem(label, None, f"unsupported file type '{suffix}' (expected {_SUFFIX_LIST})")
        return
    try:
        with open(path, "rb") as handle:
            if suffix in JSONL_SUFFIXES:
                yield from _read_jsonl(handle, label, skip_invalid)
                return
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_DOCUMENT_BYTES:
                yield Problem(label, None, _too_large(size))
                return
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        yield Problem(label, None, f"cannot read: {exc.strerror or exc}")
        return
    if len(data) > MAX_DOCUMENT_BYTES:
        yield Problem(label, None, _too_large(len(data)))
        return
    yield _read_document(data, label, markdown=suffix in MARKDOWN_SUFFIXES)


def _too_large(size: int) -> str:
    return (f"file too large for one document ({size / 2**20:.1f} MiB, the limit is "
            f"{MAX_DOCUMENT_BYTES // 2**20} MiB): split it, or use .jsonl with one article a line")


# --------------------------------------------------------------------------- stdin


class _Rewound:
    """A binary stream with bytes already read put back in front of it."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def readline(self, limit: int = -1) -> bytes:
        if not self.head:
            return self.stream.readline(limit)
        cut = self.head.find(b"\n") + 1 or len(self.head)
        if limit >= 0:
            cut = min(cut, limit)
        line, self.head = self.head[:cut], self.head[cut:]
        if self.head or line.endswith(b"\n") or (limit >= 0 and len(line) >= limit):
            return line
        return line + self.stream.readline(-1 if limit < 0 else limit - len(line))

    def read(self, size: int = -1) -> bytes:
        head, self.head = self.head, b""
        if size < 0:
            return head + self.stream.read()
        if len(head) >= size:
            self.head = head[size:]
            return head[:size]
        return head + self.stream.read(size - len(head))


def _binary_stream(stream: Any) -> Any:
    """The byte stream behind `stream` (sys.stdin by default; text streams are encoded)."""
    if stream is None:
        stream = sys.stdin
    if isinstance(stream, io.TextIOBase):
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            return buffer
        return io.BytesIO(stream.read().encode("utf-8", "surrogateescape"))
    return stream


def _read_stdin(stdin: Any, skip_invalid: bool) -> Iterator[Record | Problem]:
    """Stdin is JSON Lines when its first non-blank character is "{", else one document."""
    label = "<stdin>"
    try:
        stream = _binary_stream(stdin)
        head: list[bytes] = []
        first = b""
        size = 0
        while True:
            line = stream.readline(MAX_LINE_BYTES)
            if not line:
                break
            head.append(line)
            size += len(line)
            first = line[3:] if len(head) == 1 and line.startswith(_BOM) else line
            first = first.lstrip()
            if first or size > MAX_DOCUMENT_BYTES:
                break
        rest = _Rewound(b"".join(head), stream)
        if first.startswith(b"{"):
            yield from _read_jsonl(rest, label, skip_invalid)
            return
        data = rest.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, ValueError) as exc:  # a closed or unreadable stream
        yield Problem(label, None, f"cannot read: {exc}")
        return
    if len(data) > MAX_DOCUMENT_BYTES:
        yield Problem(label, None, _too_large(len(data)))
        return
    if not data.strip():
        yield Problem(label, None, "empty input")
        return
    # Front matter on stdin (`cat article.md | newsmark import -`) is read as Markdown would be.
    markdown = re.match(rb"(\xef\xbb\xbf)?---[ \t]*\r?\n", data) is not None
    yield _read_document(data, label, markdown=markdown)


# --------------------------------------------------------------------------- text documents


def _decode(data: bytes) -> str:
    """Strict UTF-8 with the BOM stripped and line endings made LF; raises _Invalid."""
    base = 0
    if data.startswith(_BOM):
        data, base = data[3:], 3
    elif data.startswith(_UTF16_BOMS):
        raise _Invalid("UTF-16 text is not supported: save the file as UTF-8")
    if b"\0" in data:
        raise _Invalid("binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _Invalid(f"{_bad_byte(data, exc, base)} (line {line})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bad_byte(data: bytes, exc: UnicodeDecodeError, base: int) -> str:
    return f"not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at byte offset {base + exc.start}"


def _read_document(data: bytes, label: str, *, markdown: bool) -> Record | Problem:
    """One .txt or .md document: a Record, or the Problem that rejects it."""
    try:
        text = _decode(data)
        if not text.strip():
            raise _Invalid("empty file")
        if markdown:
            return _markdown_record(text, label)
        return Record(text=text, title=guess_title(text), source=label)
    except _Invalid as exc:
        return Problem(label, None, exc.reason if exc.line is None else f"{exc.reason} (line {exc.line})")


_CLOSING = "\"'”’»)]*_ "
_CONTINUES = (",", ";", ":", "—", "–", "-")


def guess_title(text: str) -> str | None:
    """The first non-empty line, when it looks like a headline; else None.

    A headline is at most 200 characters, is not the whole document, does not run on into
    the next line (ending in a comma or dash, or followed directly by a lower-case line) and is
    followed by a blank line, or lacks sentence-final punctuation, or is short anyway.
    """
    lines = text.split("\n")
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        return None
    first = lines[index].strip()
    if len(first) > MAX_TITLE_CHARS:
        return None
    rest = lines[index + 1:]
    if not any(line.strip() for line in rest):
        return None  # a one-line document has no headline, it is all body
    following = rest[0].strip()
    core = first.rstrip(_CLOSING)
    if core.endswith(_CONTINUES):
        return None
    if following and following[0].islower():
        return None  # a hard-wrapped sentence, not a headline
    sentence = core.endswith((".", "!", "?", "…"))
    if not following or not sentence or len(first) <= SHORT_LINE_CHARS:
        return first
    return None


_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX_H1 = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_LEADING_BLANK_LINES = re.compile(r"(?:[ \t\f\v]*\n)+")


def _markdown_heading(body: str) -> str | None:
    """The first level-1 heading (`# Title`, or a Setext `Title` over `===`), outside code."""
    fenced = False
    previous = ""
    for line in body.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            previous = ""
            continue
        if fenced:
            continue
        match = _ATX_H1.match(line)
        if match and match.group(1).strip():
            return match.group(1).strip()
        if _SETEXT_H1.match(line) and previous.strip():
            return previous.strip()
        previous = line
    return None


def _markdown_record(text: str, label: str) -> Record:
    """Front matter (optional), then the body: leading blank lines dropped, kept as written."""
    front: dict[str, Any] = {}
    had_front = False
    lines = text.split("\n")
    body = text
    if lines[0].rstrip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if close is None:
            raise _Invalid("front matter opened by '---' on line 1 is never closed by a '---' line")
        had_front = True
        front = _front_matter("\n".join(lines[1:close]))
        body = "\n".join(lines[close + 1:])
    match = _LEADING_BLANK_LINES.match(body)
    if match:
        body = body[match.end():]
    if not body.strip():
        raise _Invalid("no text after the front matter" if had_front else "empty file")

    fields = _take_front_fields(front)
    title = fields["title"] or _markdown_heading(body) or guess_title(body)
    return Record(
        text=body, title=title, source=label, url=fields["url"], date=fields["date"],
        outlet=fields["outlet"], author=fields["author"], meta=front,
    )


# Front-matter keys (case-insensitive) that fill a document field, first found wins.
_FRONT_ALIASES = {
    "title": ("title", "headline"),
    "date": ("date", "published", "pubdate"),
    "url": ("url", "link"),
    "outlet": ("outlet", "publisher"),
    "author": ("author", "authors", "byline"),
}


def _take_front_fields(front: dict[str, Any]) -> dict[str, str | None]:
    """Move title/date/url/outlet/author out of `front`; what stays is meta.

    `source` stays in meta and stands in for a missing outlet (or url, when it is one).
    """
    keys = {key.lower(): key for key in front}
    fields: dict[str, str | None] = {}
    for name, aliases in _FRONT_ALIASES.items():
        fields[name] = None
        for alias in aliases:
            key = keys.get(alias)
            if key is None or key not in front:
                continue
            value = _lenient_str(front[key])
            if value is None and front[key] is not None:
                continue  # a structure: leave it in meta
            del front[key]
            if value is not None:
                fields[name] = value
                break
    source = _lenient_str(front.get(keys.get("source", ""), None))
    if source:
        if re.match(r"https?://", source):
            fields["url"] = fields["url"] or source
        else:
            fields["outlet"] = fields["outlet"] or source
    return fields


def _lenient_str(value: Any) -> str | None:
    """A scalar (or a list of scalars, joined) as a stripped string; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and value and all(
        isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
    ):
        return ", ".join(str(v).strip() for v in value if str(v).strip()) or None
    return None


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader whose dates come out as ISO strings, and impossible dates as errors."""


def _iso_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    try:
        value = yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"invalid date {node.value!r} ({exc})", node.start_mark
        ) from None
    return value.isoformat()


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _iso_timestamp)


# Characters PyYAML refuses ("unacceptable character") or breaks a line at: C0 controls but tab
# and line ends, DEL, C1 controls (NEL included), U+2028/2029 and the non-characters U+FFFE/FFFF.
_YAML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _front_matter(source: str) -> dict[str, Any]:
    """Parse YAML front matter (which starts on line 2 of the file); raises _Invalid.

    Metadata is untrusted but must import: characters YAML cannot read become U+FFFD (one for
    one, so YAML's line numbers stay the file's; the app sanitises what it displays anyway)."""
    source = _YAML_UNSAFE.sub("\ufffd", source)
    try:
        data = yaml.load(source, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = (exc.problem or exc.context or "not valid YAML").replace(
            "<stream end>", "the end of the front matter")
        raise _Invalid(f"invalid YAML front matter: {reason}", 2 + mark.line if mark else None) from None
    except RecursionError:
        raise _Invalid("invalid YAML front matter: nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - an untrusted file must never raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _Invalid(f"invalid YAML front matter: {reason}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _Invalid("front matter must be YAML 'key: value' lines", 2)
    budget = [0]
    return {_json_key(k): _jsonable(v, 1, budget) for k, v in data.items()}


def _json_key(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return key if isinstance(key, str) else str(key)


def _jsonable(value: Any, depth: int, budget: list[int]) -> Any:
    """Front-matter values as JSON-ready data; refuses alias bombs and cycles."""
    budget[0] += 1
    if budget[0] > 10_000 or depth > 50:
        raise _Invalid("front matter is too large or nested too deeply")
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {_json_key(k): _jsonable(v, depth + 1, budget) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, depth + 1, budget) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v, depth + 1, budget) for v in value), key=str)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


# --------------------------------------------------------------------------- JSON Lines


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


def _read_jsonl(stream: Any, label: str, skip_invalid: bool) -> Iterator[Record | Problem]:
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
                raise _Invalid("binary data (a NUL byte) in the line")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _Invalid(_bad_byte(raw, exc, base)) from None
            record = _parse_line(line.rstrip("\r\n"), raw, f"{label}:{number}")
        except _Invalid as exc:
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
        raise _Invalid(f"invalid JSON: {exc.msg} {where} {exc.colno}") from None
    except RecursionError:
        raise _Invalid("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # NaN / Infinity, integers too long to convert
        raise _Invalid(f"invalid JSON: {str(exc).split(';')[0]}") from None
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
                raise _Invalid(f"invalid JSON: unpaired surrogate \\u{code:04x} in a string") from None
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
    """One JSON line as a Record; raises _Invalid naming what is wrong."""
    obj = _loads(line, raw)
    if not isinstance(obj, dict):
        raise _Invalid(f"expected a JSON object, got {_json_type(obj)}")
    if "text" not in obj:
        raise _Invalid('missing "text"')
    text = obj["text"]
    if not isinstance(text, str):
        raise _Invalid(f'"text" must be a string, got {_json_type(text)}')
    if not text.strip():
        raise _Invalid('"text" is empty')
    if "\0" in text:
        raise _Invalid('"text" contains a NUL character')

    kind = _detect(obj)
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise _Invalid(f'"meta" must be an object, got {_json_type(meta)}')
    else:
        meta = dict(meta)

    fields: dict[str, str | None] = {}
    for name in _DOC_FIELDS:
        if obj.get(name) is not None:
            fields[name] = _strict_str(obj[name], f'"{name}"')
        elif name in meta:
            fields[name] = _lenient_str(meta[name])
            if fields[name] is not None or meta[name] is None:
                del meta[name]
        else:
            fields[name] = None
    if obj.get("id") is not None:
        meta["source_id"] = obj["id"]

    record = Record(text=text, title=fields["title"], source=source, url=fields["url"],
                    date=fields["date"], outlet=fields["outlet"], author=fields["author"], meta=meta)
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
    """A document field: a string, a number, or a list of strings (joined); else _Invalid."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    if _is_int(value) or isinstance(value, float):
        return str(value)
    raise _Invalid(f"{what} must be a string, got {_json_type(value)}")


def _optional_str(value: Any, what: str, *, numbers: bool = False) -> str | None:
    """An annotation attribute: a string or null ("" counts as null)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if numbers and _is_int(value):
        return str(value)
    raise _Invalid(f"{what} must be a string or null, got {_json_type(value)}")


def _items(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Invalid(f'"{key}" must be an array, got {_json_type(value)}')
    return value


def _offsets(item: dict[str, Any], what: str, text: str, keys: tuple[str, str] = ("start", "end")) -> tuple[int, int]:
    """Validated (start, end) of a span or claim: integers, 0 <= start < end <= len(text)."""
    for key in keys:
        if key not in item:
            raise _Invalid(f'{what} has no "{key}"')
        if not _is_int(item[key]):
            raise _Invalid(f"{what} {key} must be an integer, got {_show(item[key])}")
    start, end = item[keys[0]], item[keys[1]]
    if start < 0:
        raise _Invalid(f"{what} {keys[0]} {start} is negative")
    if end > len(text):
        raise _Invalid(f"{what} {keys[1]} {end} is past the end of the text ({len(text)} chars)")
    if end <= start:
        raise _Invalid(f"{what} {keys[1]} {end} is not after its {keys[0]} {start}")
    copy = item.get("text")
    if isinstance(copy, str) and copy != text[start:end]:
        raise _Invalid(f'{what} text {_show(copy)} does not match the text at {start}:{end} '
                       f"({_show(text[start:end])})")
    return start, end


def _label(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        got = "missing" if value is None else _show(value)
        raise _Invalid(f"{what} label must be a non-empty string, got {got}")
    return value


def _spans(obj: dict[str, Any], text: str, entity_ids: set[Any] | None) -> list[SpanIn]:
    """Native / Prodigy "spans": [{start, end, label, text?, entity?}] (spans numbered from 1)."""
    spans = []
    for number, item in enumerate(_items(obj, "spans"), 1):
        what = f"span {number}"
        if not isinstance(item, dict):
            raise _Invalid(f"{what} must be an object, got {_json_type(item)}")
        start, end = _offsets(item, what, text)
        label = _label(item.get("label"), what)
        entity = None
        if entity_ids is not None:
            entity = item.get("entity")
            if entity is not None:
                if not _is_id(entity):
                    raise _Invalid(f"{what} entity must be an id (string or integer), got {_show(entity)}")
                if entity not in entity_ids:
                    raise _Invalid(f'{what} entity {_show(entity)} is not among the line\'s "entities"')
        spans.append(SpanIn(start, end, label, entity))
    return spans


def _native(obj: dict[str, Any], record: Record) -> None:
    """newsmark's own export: spans, claims, entities, status and annotator."""
    text = record.text
    record.status = _optional_str(obj.get("status"), '"status"')
    record.annotator = _optional_str(obj.get("annotator"), '"annotator"')
    seen: set[Any] = set()
    for number, item in enumerate(_items(obj, "entities"), 1):
        what = f"entity {number}"
        if not isinstance(item, dict):
            raise _Invalid(f"{what} must be an object, got {_json_type(item)}")
        ent_id = item.get("id")
        if not _is_id(ent_id):
            raise _Invalid(f"{what} id must be a string or integer, got {_show(ent_id)}")
        if ent_id in seen:
            raise _Invalid(f"{what} id {_show(ent_id)} is used twice")
        seen.add(ent_id)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _Invalid(f"{what} name must be a non-empty string, got {_show(name)}")
        aliases = item.get("aliases")
        if aliases is None:
            aliases = []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise _Invalid(f"{what} aliases must be an array of strings")
        external = _optional_str(item.get("external_id"), f"{what} external_id")
        record.entities.append(EntityIn(ent_id, name, _label(item.get("label"), what),
                                        [a for a in aliases if a.strip()], external))
    record.spans = _spans(obj, text, seen)
    for number, item in enumerate(_items(obj, "claims"), 1):
        what = f"claim {number}"
        if not isinstance(item, dict):
            raise _Invalid(f"{what} must be an object, got {_json_type(item)}")
        start, end = _offsets(item, what, text)
        group = item.get("group")
        if group is not None and not _is_id(group):
            raise _Invalid(f"{what} group must be a string, an integer or null, got {_show(group)}")
        record.claims.append(ClaimIn(
            start, end,
            type=_optional_str(item.get("type"), f"{what} type"),
            speaker=_optional_str(item.get("speaker"), f"{what} speaker", numbers=True),
            cue=_optional_str(item.get("cue"), f"{what} cue"),
            stance=_optional_str(item.get("stance"), f"{what} stance"),
            group=group,
            checkworthy=bool(item.get("checkworthy", False)),
            note=_optional_str(item.get("note"), f"{what} note"),
        ))


def _prodigy(obj: dict[str, Any], record: Record) -> None:
    """A Prodigy task: rejected or ignored answers keep the text but not the spans."""
    answer = obj.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore"):
        raise _Invalid(f'"answer" must be "accept", "reject" or "ignore", got {_show(answer)}')
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
            raise _Invalid(f'{what} must be [start, end, "LABEL"], got {_show(item)}')
        start, end = _offsets({"start": item[0], "end": item[1]}, what, text)
        record.spans.append(SpanIn(start, end, _label(item[2], what)))
    offset = len(record.spans)
    ids = []
    for number, item in enumerate(_items(obj, "entities"), offset + 1):
        what = f"span {number}"
        if not isinstance(item, dict):
            raise _Invalid(f"{what} must be an object, got {_json_type(item)}")
        start, end = _offsets(item, what, text, ("start_offset", "end_offset"))
        record.spans.append(SpanIn(start, end, _label(item.get("label"), what)))
        ids.append(item.get("id"))
    relations = obj.get("relations")
    if relations:
        record.meta["relations"] = relations
        if ids:  # doccano span ids, aligned with the "entities" spans, so relations resolve
            record.meta["entity_ids"] = ids
