"""Direct quotations found by their marks, tolerant of stray and unbalanced marks."""

from __future__ import annotations

import re
from bisect import bisect_right

_OPENERS = "“„«‹"
_CLOSERS = "”»›"
QUOTE_MARKS = frozenset('"' + _OPENERS + _CLOSERS)
_OPEN_CONTEXT = set("([{—–-/") | set(_OPENERS)
_CLOSE_CONTEXT = set(".,;:!?)]}—–-…") | set(_CLOSERS)
_MARK_RE = re.compile(r'["“”„«»‹›]')
_PARA_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
MAX_QUOTE_CHARS = 3000


def _classify_mark(text: str, p: int) -> str | None:
    """'open', 'close', 'either' or None (not a quotation mark, e.g. 5'10")."""
    ch = text[p]
    prev = text[p - 1] if p > 0 else " "
    nxt = text[p + 1] if p + 1 < len(text) else " "
    left = (prev.isspace() or prev in _OPEN_CONTEXT) and not nxt.isspace()
    right = not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_CONTEXT)
    if left and not right:
        return "open"
    if right and not left:
        if ch == '"' and prev.isdigit():
            return None  # inches, seconds
        return "close"
    if ch in _OPENERS:
        return "open"
    if ch in _CLOSERS:
        return "close"
    return "either"


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans (including the marks) of direct quotations; tolerant of odd counts.

    A quotation still open at a paragraph break is kept up to the break when the next
    paragraph opens a quotation (the newspaper convention for multi-paragraph quotes); an
    opening mark that is never closed is ignored. Single quotation marks are not used: ’ is
    far more often an apostrophe ("the fighters’ positions") than a closing quote.
    """
    marks = [(m.start(), _classify_mark(text, m.start())) for m in _MARK_RE.finditer(text)]
    breaks = [m.start() for m in _PARA_RE.finditer(text)]
    out: list[tuple[int, int]] = []
    open_at: int | None = None

    def break_between(a: int, b: int) -> int | None:
        k = bisect_right(breaks, a)
        return breaks[k] if k < len(breaks) and breaks[k] < b else None

    for pos, kind in marks:
        if kind is None:
            continue
        if open_at is not None:
            br = break_between(open_at, pos)
            if br is not None:
                # Unclosed at a paragraph end: a continued quotation if this paragraph opens one.
                para_start = _PARA_RE.match(text, br)
                first = para_start.end() if para_start else br
                while first < len(text) and text[first].isspace():
                    first += 1
                if kind in ("open", "either") and first == pos:
                    end = br
                    while end > open_at and text[end - 1].isspace():
                        end -= 1
                    if end - open_at > 1:
                        out.append((open_at, end))
                open_at = None
            elif pos - open_at > MAX_QUOTE_CHARS:
                open_at = None
        if open_at is None:
            if kind in ("open", "either"):
                open_at = pos
            continue
        if kind in ("close", "either"):
            if pos - open_at > 1:
                out.append((open_at, pos + 1))
            open_at = None
        else:  # a second opener: the first one was stray
            open_at = pos
    return out
