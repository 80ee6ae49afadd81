"""Wrapping a sanitized text into rows: paragraphs, breaking spaces, hard breaks of long words.

The Reader re-wraps on every resize and document open (bench/bench_reader.py measures it), so
a paragraph of plain one-cell characters takes an arithmetic fast path without grapheme maps.
"""

from __future__ import annotations

import re

from rich.cells import split_graphemes

from annotations.reading.layout.rows import Layout, Row
from annotations.reading.layout.safe_text import sanitize

MIN_WIDTH = 2
"""Narrowest wrap width: a wide character must always fit on a row."""

# Characters rich measures as exactly one cell without a table look-up (mirrors
# rich.cells' fast path).  A paragraph made only of these is laid out with plain
# arithmetic: offset - row start == column.
_NOT_SIMPLE = re.compile("[^\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff]")
_SIMPLE_TOKEN = re.compile(r"[^ ]+| +")

# Breaking spaces (a row may wrap after them).  NBSP, figure space and narrow NBSP
# are deliberately absent: they glue.
BREAKING_SPACES = frozenset(" \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")


def layout(text: str, width: int) -> Layout:
    """Wrap ``text`` into rows at most ``width`` cells wide.

    Paragraphs split at ``\\n`` (a blank line is a blank row), wrap at breaking
    spaces, and words longer than the width are hard-broken at grapheme
    boundaries.  Trailing spaces hang (they belong to the row but are not
    counted in ``cells``).  The text is sanitized first; ``Layout.text`` holds
    the sanitized copy the widget draws.
    """
    width = max(MIN_WIDTH, int(width))
    clean = sanitize(text)
    rows: list[Row] = []
    length = len(clean)
    if not length:
        rows.append(Row(0, 0, 0, 0, 0))
    pos = 0
    while pos < length:
        newline = clean.find("\n", pos)
        if newline == -1:
            para_end = end = length
        else:
            para_end, end = newline, newline + 1
        _wrap_paragraph(clean, pos, para_end, end, width, rows)
        pos = end
    return Layout(clean, width, rows)


def _wrap_paragraph(text: str, start: int, para_end: int, end: int, width: int, rows: list[Row]) -> None:
    """Append the rows of ``text[start:para_end]`` (whose newline, if any, ends at ``end``)."""
    para = text[start:para_end]
    if not para:
        rows.append(Row(start, end, para_end, 0, 0))
        return
    tokens, cluster_starts, widths = _tokens(para)
    count = len(para) if cluster_starts is None else len(cluster_starts)
    breaks = _breaks(tokens, widths, width, count)
    _append_rows(rows, breaks, para, start, end, cluster_starts, widths)


_Token = tuple[int, int, int, bool]
"""(first cluster, end cluster, cells, is breaking space)."""


def _tokens(para: str) -> tuple[list[_Token], list[int] | None, list[int] | None]:
    """Runs of breaking spaces and of everything else, in cluster units, with the clusters'
    start offsets and widths (both None on the fast path: one cluster per character, one
    cell each)."""
    if _NOT_SIMPLE.search(para) is None:
        tokens = [
            (m.start(), m.end(), m.end() - m.start(), para[m.start()] == " ") for m in _SIMPLE_TOKEN.finditer(para)
        ]
        return tokens, None, None
    spans, _ = split_graphemes(para)
    cluster_starts = [s for s, _, _ in spans]
    widths = [w for _, _, w in spans]
    count = len(spans)
    tokens = []
    i = 0
    while i < count:
        space = para[cluster_starts[i]] in BREAKING_SPACES
        j, w = i, 0
        while j < count and (para[cluster_starts[j]] in BREAKING_SPACES) == space:
            w += widths[j]
            j += 1
        tokens.append((i, j, w, space))
        i = j
    return tokens, cluster_starts, widths


def _breaks(tokens: list[_Token], widths: list[int] | None, width: int, count: int) -> list[tuple[int, int, int, int]]:
    """Greedy wrap in cluster units: (first cluster, end cluster, cells, natural) per row."""
    breaks: list[tuple[int, int, int, int]] = []
    row_start, col, content = 0, 0, 0
    for c0, c1, w, space in tokens:
        if space:
            col += w  # spaces may hang past the width
            continue
        if col + w <= width:
            col += w
            content = col
            continue
        if c0 > row_start:
            breaks.append((row_start, c0, content, col))
            row_start, col, content = c0, 0, 0
        while w > width:  # hard-break a word longer than a row
            if widths is None:
                k, kw = c0 + width, width
            else:
                k, kw = c0, 0
                while k < c1 and (kw + widths[k] <= width or k == c0):
                    kw += widths[k]
                    k += 1
            breaks.append((c0, k, kw, kw))
            c0 = row_start = k
            w -= kw
        col = content = w
    breaks.append((row_start, count, content, col))
    return breaks


def _append_rows(
    rows: list[Row],
    breaks: list[tuple[int, int, int, int]],
    para: str,
    start: int,
    end: int,
    cluster_starts: list[int] | None,
    widths: list[int] | None,
) -> None:
    """Turn cluster-unit breaks into Rows of document offsets (the last row owns the newline)."""
    last = len(breaks) - 1
    count = len(para) if cluster_starts is None else len(cluster_starts)
    for n, (c0, c1, cells, natural) in enumerate(breaks):
        if cluster_starts is None or widths is None:
            a, b = start + c0, start + c1
            offs = cols = None
        else:
            a = start + cluster_starts[c0]
            b = start + (cluster_starts[c1] if c1 < count else len(para))
            offs = [start + cluster_starts[k] for k in range(c0, c1)]
            cols = []
            acc = 0
            for k in range(c0, c1):
                cols.append(acc)
                acc += widths[k]
        rows.append(Row(a, end if n == last else b, b, cells, natural, offs, cols))
