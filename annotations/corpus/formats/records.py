"""What every reader yields: `Record`s to import and `Problem`s that say why not, plus the
decoding and limits the text formats share. Pure data, no database, no parsing of any format."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_LINE_BYTES = 32 * 1024 * 1024  # one JSON line (one article and its annotations)
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024  # one .txt / .md / .html document
MAX_SKIP_BYTES = 256 * 1024 * 1024  # an over-long line is skipped up to this, then the stream is given up
BINARY_SNIFF_BYTES = 8192  # a NUL byte this early means "binary file"
MAX_TITLE_CHARS = 200

BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DOC_FIELDS = ("title", "url", "date", "outlet", "author")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


@dataclass
class ReadOptions:
    """How to read sources whose shape is not in the file itself: which CSV columns hold what,
    a format forced over the suffix (`--format conll`), the tag scheme of a CoNLL file."""

    format: str | None = None
    text_col: str | None = None
    title_col: str | None = None
    id_col: str | None = None
    meta_cols: list[str] | None = None
    scheme: str | None = None
    date_col: str | None = None
    favor_precision: bool = False  # web pages: trafilatura's favor_precision (drops more, credits too)


def plain_name(value: str) -> bool:
    """A label or claim type that is safe anywhere it is shown: letters, digits, _ . - only."""
    return bool(_PLAIN_NAME.match(value))


@dataclass
class SpanIn:
    """An imported entity span; `entity` is the source's entity id (native jsonl only)."""

    start: int
    end: int
    label: str
    entity: str | int | None = None
    line: int | None = None  # the source line it came from, when not the record's (CoNLL)
    proposed_by: list[str] | None = None  # the reviewed layer's provenance (native jsonl)


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
    role: str | None = None  # the speaker's role or title as written (native jsonl)
    checkworthy: bool = False
    note: str | None = None
    proposed_by: list[str] | None = None  # the reviewed layer's provenance (native jsonl)


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
    keeps: bool = False  # damage after good records (a truncated WARC): they are kept, not rejected

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


class Invalid(Exception):
    """Raised inside the parsers; becomes a Problem for the current line or file."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


# --------------------------------------------------------------------------- text documents


def decode(data: bytes) -> str:
    """Strict UTF-8 with the BOM stripped and line endings made LF; raises Invalid."""
    base = 0
    if data.startswith(BOM):
        data, base = data[3:], 3
    elif data.startswith(UTF16_BOMS):
        raise Invalid("UTF-16 text is not supported: save the file as UTF-8")
    if b"\0" in data:
        raise Invalid("binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Invalid(f"{bad_byte(data, exc, base)} (line {line})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def bad_byte(data: bytes, exc: UnicodeDecodeError, base: int) -> str:
    return f"not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at byte offset {base + exc.start}"


def lenient_str(value: Any) -> str | None:
    """A scalar (or a list of scalars, joined) as a stripped string; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)):
        return str(value)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value)
    ):
        return ", ".join(str(v).strip() for v in value if str(v).strip()) or None
    return None


def too_large(size: int) -> str:
    return (
        f"file too large for one document ({size / 2**20:.1f} MiB, the limit is "
        f"{MAX_DOCUMENT_BYTES // 2**20} MiB): split it, or use .jsonl with one article a line"
    )


def read_whole(path: Path, label: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes | Problem:
    """A one-document file's bytes, or the Problem that refuses it (unreadable, or over `limit`,
    found from its size before anything is read)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                return Problem(label, None, too_large(size))
            data = handle.read(limit + 1)
    except OSError as exc:
        return Problem(label, None, f"cannot read: {exc.strerror or exc}")
    if len(data) > limit:  # grew while being read, or a device with no size
        return Problem(label, None, too_large(len(data)))
    return data
