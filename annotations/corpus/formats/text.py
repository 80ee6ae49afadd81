"""Plain text (.txt) and Markdown (.md, .markdown): one file is one document.

The text is kept exactly (offsets index into it): UTF-8, BOM stripped, line ends made LF.
A .txt title is guessed from the first line (`guess_title`); a .md title comes from YAML front
matter, else the first level-1 heading, else the same guess. Front matter becomes the
document's fields (title, date, url, outlet, author) and meta.
"""

from __future__ import annotations

import base64
import datetime as _dt
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from annotations.corpus.formats.records import (
    MAX_DOCUMENT_BYTES,
    MAX_TITLE_CHARS,
    Invalid,
    Problem,
    ReadOptions,
    Record,
    decode,
    lenient_str,
    read_whole,
)

SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
SHORT_LINE_CHARS = 70  # a first line this short is a headline even with a full stop


def read_document(data: bytes, label: str, *, markdown: bool) -> Record | Problem:
    """One .txt or .md document: a Record, or the Problem that rejects it."""
    try:
        text = decode(data)
        if not text.strip():
            raise Invalid("empty file")
        if markdown:
            return _markdown_record(text, label)
        return Record(text=text, title=guess_title(text), source=label)
    except Invalid as exc:
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
    rest = lines[index + 1 :]
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
            raise Invalid("front matter opened by '---' on line 1 is never closed by a '---' line")
        had_front = True
        front = _front_matter("\n".join(lines[1:close]))
        body = "\n".join(lines[close + 1 :])
    match = _LEADING_BLANK_LINES.match(body)
    if match:
        body = body[match.end() :]
    if not body.strip():
        raise Invalid("no text after the front matter" if had_front else "empty file")

    fields = _take_front_fields(front)
    title = fields["title"] or _markdown_heading(body) or guess_title(body)
    return Record(
        text=body,
        title=title,
        source=label,
        url=fields["url"],
        date=fields["date"],
        outlet=fields["outlet"],
        author=fields["author"],
        meta=front,
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
            value = lenient_str(front[key])
            if value is None and front[key] is not None:
                continue  # a structure: leave it in meta
            del front[key]
            if value is not None:
                fields[name] = value
                break
    source = lenient_str(front.get(keys.get("source", ""), None))
    if source:
        if re.match(r"https?://", source):
            fields["url"] = fields["url"] or source
        else:
            fields["outlet"] = fields["outlet"] or source
    return fields


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader whose dates come out as ISO strings, and impossible dates as errors."""


def _iso_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
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
    """Parse YAML front matter (which starts on line 2 of the file); raises Invalid.

    Metadata is untrusted but must import: characters YAML cannot read become U+FFFD (one for
    one, so YAML's line numbers stay the file's; the app sanitises what it displays anyway)."""
    source = _YAML_UNSAFE.sub("\ufffd", source)
    try:
        data = yaml.load(source, Loader=_FrontMatterLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = (exc.problem or exc.context or "not valid YAML").replace("<stream end>", "the end of the front matter")
        raise Invalid(f"invalid YAML front matter: {reason}", 2 + mark.line if mark else None) from None
    except RecursionError:
        raise Invalid("invalid YAML front matter: nested too deeply") from None
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Invalid(f"invalid YAML front matter: {reason}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Invalid("front matter must be YAML 'key: value' lines", 2)
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
        raise Invalid("front matter is too large or nested too deeply")
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


def read_file(
    path: Path, label: str, options: ReadOptions, skip_invalid: bool, on_bytes: Any = None
) -> Iterator[Record | Problem]:
    """The whole file, one document (Markdown when its suffix or --format says so)."""
    markdown = path.name.lower().endswith(MARKDOWN_SUFFIXES) or options.format == "md"
    data = read_whole(path, label, MAX_DOCUMENT_BYTES)
    yield data if isinstance(data, Problem) else read_document(data, label, markdown=markdown)
