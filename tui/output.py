"""The one place CLI output is built: every string from outside is data, never a control.

Titles, outlets, dates, labels, annotator names, file names and error messages come from
imported files, the database or the command line, any of which may hold an escape sequence
(OSC 52 writes the clipboard, OSC 2 the window title), a C1 control, a bidi override or Rich
markup. Commands print through these helpers, so such text reaches the terminal as visible
placeholders (``annotations.reading.layout.sanitize``) and Rich never parses it as markup.
JSON keeps the exact data: suspect characters are written as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import json
import re
import sys
from typing import IO, Any

from rich.text import Text

from annotations.reading.layout import sanitize

# What JSON output must escape beyond what json.dumps does: C1 controls, DEL, bidi and other
# invisible format characters, line separators, lone surrogates (the sanitizer's set).
_JSON_SUSPECT = re.compile(
    "[\x7f-\x9f\xad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)


def clean(value: Any) -> str:
    """One line of terminal-safe text: controls shown as placeholders, whitespace runs
    (line breaks included) as one space."""
    return " ".join(sanitize(str("" if value is None else value)).split())


def clean_lines(value: Any) -> str:
    """Terminal-safe text that keeps its line breaks and indents (a multi-line message)."""
    lines = str(value).splitlines()
    return "\n".join(" " * (len(line) - len(line.lstrip(" "))) + clean(line) for line in lines)


def say(*parts: Any, sep: str = " ", file: IO[str] | None = None) -> None:
    """print() for text holding outside strings: each line is cleaned before it is written."""
    print(clean_lines(sep.join(str(p) for p in parts)), file=file or sys.stdout)


def tsv(fields: list[Any]) -> str:
    """One tab-separated line of cleaned fields (a field never holds a tab or a line break)."""
    return "\t".join(clean(f) for f in fields)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells an astral character as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def to_json(data: Any) -> str:
    """JSON text that is safe on a terminal and decodes to exactly `data`."""
    return _JSON_SUSPECT.sub(_escape, json.dumps(data, ensure_ascii=False))


def print_json(data: Any, file: IO[str] | None = None) -> None:
    """The one writer of every `--json`: one line of `to_json` (valid JSON, exact data, C0/C1
    controls and bidi characters as \\uXXXX escapes so nothing acts on a terminal)."""
    print(to_json(data), file=file or sys.stdout)


def clean_tree(data: Any) -> Any:
    """A copy of nested dicts and lists with every string (keys too) cleaned, for renderers
    (Rich tables) that print what they are given."""
    if isinstance(data, str):
        return clean(data)
    if isinstance(data, dict):
        return {clean_tree(k): clean_tree(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(clean_tree(v) for v in data)
    return data


def rich_text(value: Any, style: str = "") -> Any:
    """A Rich Text of cleaned outside text: never parsed as markup."""

    return Text(clean(value), style=style)


def clock(seconds: float) -> str:
    """A duration as h:mm:ss (active time in `stats --time` and on the Team screen)."""
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
