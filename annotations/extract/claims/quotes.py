"""Direct quotations found by their marks, tolerant of stray and unbalanced marks.

Two levels of marks are scanned apart: double ("…" “…” „…“ «…» »…«) and single ('…' ‘…’ ‹…›).
Outlets quote with either; the other level nests inside (‘He said “no”,’ she said), so a
quotation inside another is dropped. A single mark is far more often an apostrophe than a
quotation mark: one between letters (don’t, Ruiz’s) or before a year ('90s) never counts, and a
possessive s’ ("the workers’ union") closes a quotation only when no other closing mark follows
before the next opening one in the paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_OPENERS = "“„«‹‘"
_CLOSERS = "”»›’"
DOUBLE_MARKS = '"“”„«»'
SINGLE_MARKS = "'‘’‹›"
QUOTE_MARKS = frozenset(DOUBLE_MARKS + SINGLE_MARKS)
_OPEN_CONTEXT = set("([{—–-/") | set(_OPENERS) | set('"')
_CLOSE_CONTEXT = set(".,;:!?)]}—–-…") | set(_CLOSERS) | set('"')
_DOUBLE_RE = re.compile(r'["“”„«»]')
_SINGLE_RE = re.compile(r"['‘’‹›]")
_PARA_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
MAX_QUOTE_CHARS = 3000


def _classify_mark(text: str, p: int) -> str | None:
    """'open', 'close', 'either' or None (not a quotation mark, e.g. 5'10")."""
    ch = text[p]
    prev = text[p - 1] if p > 0 else " "
    nxt = text[p + 1] if p + 1 < len(text) else " "
    left = (prev.isspace() or prev in _OPEN_CONTEXT) and not nxt.isspace() and nxt not in ".,;:!?)]}"
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


def _classify_single(text: str, p: int) -> str | None:
    """A single mark's kind; None for an apostrophe; 'poss' for a possessive s’ that may close."""
    prev = text[p - 1] if p > 0 else " "
    nxt = text[p + 1] if p + 1 < len(text) else " "
    if prev.isalnum() and nxt.isalnum():
        return None  # don’t, Ruiz’s, O’Brien, 5'10
    if text[p] != "‘" and nxt.isdigit() and not prev.isalnum():
        return None  # '90s, ’24
    kind = _classify_mark(text, p)
    if kind == "either":
        return None
    if kind == "close" and prev.lower() == "s" and text[p] in "’'" and nxt.isspace():
        return "poss"
    if kind == "close" and text[p] == "‘":
        return None
    return kind


def _settle_possessives(text: str, marks: list[tuple[int, str | None]], breaks: list[int]) -> None:
    """A possessive s’ is an apostrophe when a closing mark follows it in the paragraph before
    any opening one (a later possessive one included); else it closes the quotation
    (‘… the fighters’ she said)."""
    for k, (pos, kind) in enumerate(marks):
        if kind != "poss":
            continue
        para_end = breaks[bisect_right(breaks, pos)] if bisect_right(breaks, pos) < len(breaks) else len(text)
        later = next((kd for p2, kd in marks[k + 1 :] if p2 < para_end and kd is not None), None)
        marks[k] = (pos, None if later in ("close", "poss") else "close")


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans (including the marks) of direct quotations; tolerant of odd counts.

    A quotation still open at a paragraph break is kept up to the break when the next
    paragraph opens a quotation (the newspaper convention for multi-paragraph quotes); an
    opening mark that is never closed is ignored. Both levels of marks count; a quotation
    nested inside another, or crossing one, is dropped.
    """
    breaks = [m.start() for m in _PARA_RE.finditer(text)]
    double = _pair(text, [(m.start(), _classify_mark(text, m.start())) for m in _DOUBLE_RE.finditer(text)], breaks)
    singles = [(m.start(), _classify_single(text, m.start())) for m in _SINGLE_RE.finditer(text)]
    _settle_possessives(text, singles, breaks)
    single = _pair(text, singles, breaks)
    # A single-level span crossing a double one pairs an apostrophe: the double one stands.
    single = [(s, e) for s, e in single if not any(a < s < b < e or s < a < e < b for a, b in double)]
    out: list[tuple[int, int]] = []
    for s, e in sorted(double + single, key=lambda x: (x[0], -x[1])):
        if not any(a <= s and e <= b for a, b in out):  # nested in a quotation kept
            out.append((s, e))
    return out


def _pair(text: str, marks: list[tuple[int, str | None]], breaks: list[int]) -> list[tuple[int, int]]:
    """Opening and closing marks of one level paired into quotations."""
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
