"""Text layout for the reader: sanitising, wrapping, offset <-> cell maps, motions.

Pure Python (``rich.cells`` only, no Textual) so every rule here is unit- and
property-testable on its own.  The Textual widget (``tui/widgets/article_view``)
only paints what this module computes.

Vocabulary:

* **offset**: a Python ``str`` index into the document text (what the store keeps).
* **cell**: a terminal column.  Wide characters (CJK, most emoji) take 2 cells,
  combining marks take 0 and ride on the character before them.
* **position**: an offset the cursor may rest on: the start of a grapheme
  cluster, or a paragraph's newline (shown as the cell after the text).

Article text is untrusted, so :func:`sanitize` runs first and keeps offsets valid
by replacing exactly one code point with one code point.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from rich.cells import get_character_cell_size, split_graphemes

__all__ = [
    "Layout",
    "Row",
    "layout",
    "sanitize",
    "next_word",
    "prev_word",
    "word_end",
    "next_sentence",
    "prev_sentence",
    "sentence_starts",
    "sentence_span",
    "MIN_WIDTH",
]

MIN_WIDTH = 2
"""Narrowest wrap width: a wide character must always fit on a row."""

# --------------------------------------------------------------------------- sanitize

ESC_PLACEHOLDER = "\u241b"  # ␛
DEL_PLACEHOLDER = "\u2421"  # ␡
REPLACEMENT = "\ufffd"  # �
ISOLATED_MARK_BASE = "\u25cc"  # ◌ : the conventional base for showing a lone mark

# Every character that may need replacing.  Built from the Unicode categories Cc
# (controls), Cf (format), Cs (lone surrogates), Zl/Zp (line/paragraph separators)
# plus U+FE0F; a test checks this class against ``unicodedata`` for the whole range.
_SUSPECT = re.compile(
    "["
    "\x00-\x09\x0b-\x1f\x7f-\x9f"  # C0 except "\n", DEL, C1
    "\xad"  # soft hyphen
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f"  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    "\u2028-\u202e"  # LS, PS, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates
    "\ufe0f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff"  # lone surrogates (cannot even be encoded to UTF-8)
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)

# Replacements chosen per character; anything matched by _SUSPECT that is not in
# this table becomes U+FFFD.
_KEEP = {
    "\u200c": "\u200c",  # ZWNJ: needed by Persian/Arabic/Indic text, zero width everywhere
    "\u200e": "\u200e",  # LRM / RLM / ALM: weak marks, no state that outlives the line
    "\u200f": "\u200f",
    "\u061c": "\u061c",
}
_MAP = {
    "\t": " ",
    "\x1b": ESC_PLACEHOLDER,
    "\x7f": DEL_PLACEHOLDER,
    # Line-ish separators become the one line break the layout knows.
    "\x0b": "\n",
    "\x0c": "\n",
    "\x85": "\n",
    "\u2028": "\n",
    "\u2029": "\n",
    # Soft hyphen: most terminals print it as a hyphen anyway; make that explicit.
    "\xad": "-",
    # Zero-width space is a break opportunity; a visible space reveals it honestly.
    "\u200b": " ",
    # Joiners that make rich and the terminal disagree about widths: ZWJ emoji
    # sequences and VS16 are drawn in 2 cells by some terminals and 4 / 1 by
    # others.  Neutral equivalents keep every row exactly as wide as computed.
    "\u200d": "\u200c",  # ZWJ -> ZWNJ
    "\ufe0f": "\ufe0e",  # VS16 (emoji presentation) -> VS15 (text presentation)
    **_KEEP,
}


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    mapped = _MAP.get(char)
    if mapped is not None:
        return mapped
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␀ ␁ ... ␟
    return REPLACEMENT


_PARA_START = re.compile(r"(?:^|(?<=\n))[^\n]", re.MULTILINE)


def sanitize(text: str) -> str:
    """Return ``text`` made safe to write to a terminal, with the same length.

    One code point in, one out, so character offsets from the store stay valid.
    Controls (C0 except ``\\n``, DEL, C1), ESC, bidi embeddings / overrides /
    isolates, lone surrogates and invisible format characters become visible
    placeholders (``␛``, ``␀``..``␟``, ``␡``, ``\\ufffd``); tab becomes a space;
    CR before LF becomes a space and other line separators become ``\\n``.
    A zero-width mark at the start of a paragraph (nothing to combine with)
    becomes ``◌`` so every grapheme the cursor can visit has a visible cell.
    Markup such as ``[bold]`` is left alone: it is never parsed downstream.
    """
    if not text:
        return text
    if "\r" in text:
        # CRLF: the CR is invisible trailing space; a lone CR is a line break.
        text = re.sub("\r(?=\n)", " ", text).replace("\r", "\n")
    text = _SUSPECT.sub(_replace, text)
    # Paragraph-initial zero-width characters would have no cell of their own.
    fixes = [
        m.start()
        for m in _PARA_START.finditer(text)
        if get_character_cell_size(m.group()) == 0
    ]
    if fixes:
        chars = list(text)
        for index in fixes:
            chars[index] = ISOLATED_MARK_BASE
        text = "".join(chars)
    return text


# --------------------------------------------------------------------------- layout

# Characters rich measures as exactly one cell without a table look-up (mirrors
# rich.cells' fast path).  A paragraph made only of these is laid out with plain
# arithmetic: offset - row start == column.
_NOT_SIMPLE = re.compile("[^\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff]")
_SIMPLE_TOKEN = re.compile(r"[^ ]+| +")

# Breaking spaces (a row may wrap after them).  NBSP, figure space and narrow NBSP
# are deliberately absent: they glue.
_BREAKING_SPACES = frozenset(
    " \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
)


@dataclass(slots=True)
class Row:
    """One screen row of wrapped text.

    ``start``..``end`` is the half-open slice of the document this row owns
    (the last row of a paragraph also owns its ``\\n``); ``text_end`` is where the
    drawable text stops (before the newline).  ``cells`` is the drawn width
    without trailing spaces (always <= the layout width); ``natural`` includes
    trailing spaces, which may hang past the width.  ``offs``/``cols`` list each
    grapheme's start offset and column; they are ``None`` for rows of plain
    one-cell characters where ``col == offset - start``.
    """

    start: int
    end: int
    text_end: int
    cells: int
    natural: int
    offs: list[int] | None = None
    cols: list[int] | None = None

    @property
    def has_newline(self) -> bool:
        return self.text_end < self.end


class Layout:
    """Wrapped rows for one (text, width) pair, with offset <-> cell maps.

    Build it with :func:`layout`.  All lookups are O(log rows) or O(row length).
    """

    __slots__ = ("text", "width", "rows", "_starts")

    def __init__(self, text: str, width: int, rows: list[Row]) -> None:
        self.text = text
        """The sanitized text (same length as the original)."""
        self.width = width
        """The effective wrap width in cells."""
        self.rows = rows
        self._starts = [row.start for row in rows]

    def __len__(self) -> int:
        return len(self.rows)

    # -- offsets -> rows / cells

    def row_of(self, offset: int) -> int:
        """Index of the row that owns ``offset`` (clamped to the text)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def cell_of(self, offset: int) -> int:
        """Column of ``offset`` in its row (offsets inside a grapheme map to its start).

        Trailing spaces that hang past the wrap width, and the newline after
        them, are clamped to column ``width`` (the cell just right of the text).
        """
        row = self.rows[self.row_of(offset)]
        offset = min(max(offset, row.start), row.text_end)
        if offset >= row.text_end:
            col = row.natural
        elif row.offs is None:
            col = offset - row.start
        else:
            col = row.cols[bisect_right(row.offs, offset) - 1]
        return min(col, self.width)

    def offset_at(self, row_index: int, cell: int) -> int:
        """The position drawn at ``cell`` in row ``row_index``.

        Cells left of the text give the row's first position, cells right of it
        the row's last position (its newline if it has one), so moving the cursor
        vertically with a remembered column always lands somewhere sensible.
        """
        row = self.rows[max(0, min(row_index, len(self.rows) - 1))]
        width = self.width
        cell = max(0, min(cell, width))
        if row.offs is None:
            offset = row.start + cell
            if offset < row.text_end:
                return offset
            return self.last_position_in_row(row)
        offs, cols = row.offs, row.cols
        if cell >= width:
            # Everything hanging past the width is drawn at column `width`.
            hanging = bisect_left(cols, width)
            if hanging < len(cols):
                return offs[hanging]
            return self.last_position_in_row(row)
        index = bisect_right(cols, cell) - 1
        if index < 0:
            return offs[0] if offs else row.text_end
        next_col = cols[index + 1] if index + 1 < len(cols) else row.natural
        if cell < next_col:
            return offs[index]
        return self.last_position_in_row(row)

    def last_position_in_row(self, row: Row) -> int:
        """The right-most cursor position of ``row``."""
        if row.has_newline or row.text_end == row.start:
            return row.text_end
        if row.offs is None:
            # First hanging space past the width, else the last character.
            return min(row.text_end - 1, row.start + self.width)
        index = bisect_right(row.cols, self.width) - 1
        return row.offs[max(index, 0)]

    # -- positions (grapheme starts and newlines)

    def positions(self, row_index: int) -> list[tuple[int, int, int, int]]:
        """``(start, end, col, cells)`` for each drawable grapheme of a row.

        Columns are natural (not clamped); callers stop drawing at the width.
        """
        row = self.rows[row_index]
        if row.offs is None:
            return [(o, o + 1, o - row.start, 1) for o in range(row.start, row.text_end)]
        offs, cols = row.offs, row.cols
        out = []
        for i, off in enumerate(offs):
            end = offs[i + 1] if i + 1 < len(offs) else row.text_end
            next_col = cols[i + 1] if i + 1 < len(cols) else row.natural
            out.append((off, end, cols[i], next_col - cols[i]))
        return out

    def drawn_extent(self, row_index: int) -> tuple[int, int]:
        """``(stop, cells)``: graphemes from the row start up to offset ``stop`` fit
        within the width and take ``cells`` columns; the rest are hanging spaces."""
        row = self.rows[row_index]
        width = self.width
        if row.offs is None:
            stop = min(row.text_end, row.start + width)
            return stop, stop - row.start
        cols = row.cols
        i = bisect_left(cols, width)  # first grapheme starting at or past the width
        end_col = cols[i] if i < len(cols) else row.natural
        if i and end_col > width:  # a wide hanging space straddling the edge
            i -= 1
            end_col = cols[i]
        return (row.offs[i] if i < len(cols) else row.text_end), end_col

    def ceil_position(self, row_index: int, offset: int) -> int:
        """The first grapheme start at or after ``offset`` within the row (or its text end)."""
        row = self.rows[row_index]
        if offset <= row.start:
            return row.start
        if offset >= row.text_end or row.offs is None:
            return min(offset, row.text_end)
        i = bisect_left(row.offs, offset)
        return row.offs[i] if i < len(row.offs) else row.text_end

    @property
    def last_position(self) -> int:
        """The last offset the cursor may rest on."""
        row = self.rows[-1]
        if row.has_newline or row.text_end == row.start:
            return row.text_end
        if row.offs is None:
            return row.text_end - 1
        return row.offs[-1]

    def snap(self, offset: int) -> int:
        """The position at or before ``offset`` (start of its grapheme), clamped."""
        offset = max(0, min(offset, self.last_position))
        row = self.rows[self.row_of(offset)]
        if offset >= row.text_end:
            return row.text_end  # the newline (or the empty text)
        if row.offs is None:
            return offset
        return row.offs[bisect_right(row.offs, offset) - 1]

    def next_position(self, offset: int) -> int:
        """The position after the one at ``offset`` (or the last position)."""
        offset = self.snap(offset)
        row = self.rows[self.row_of(offset)]
        if offset >= row.text_end:
            nxt = row.end
        elif row.offs is None:
            nxt = offset + 1
        else:
            i = bisect_right(row.offs, offset)
            nxt = row.offs[i] if i < len(row.offs) else row.text_end
        return min(nxt, self.last_position)

    def prev_position(self, offset: int) -> int:
        """The position before the one at ``offset`` (or 0)."""
        offset = self.snap(offset)
        if offset <= 0:
            return 0
        return self.snap(offset - 1)

    def grapheme_end(self, offset: int) -> int:
        """End offset (exclusive) of the grapheme starting at position ``offset``."""
        offset = self.snap(offset)
        row = self.rows[self.row_of(offset)]
        if offset >= row.text_end:
            return min(offset + 1, len(self.text))
        if row.offs is None:
            return offset + 1
        i = bisect_right(row.offs, offset)
        return row.offs[i] if i < len(row.offs) else row.text_end


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

    if _NOT_SIMPLE.search(para) is None:
        # Fast path: one cluster per character, one cell each.
        tokens = [
            (m.start(), m.end(), m.end() - m.start(), para[m.start()] == " ")
            for m in _SIMPLE_TOKEN.finditer(para)
        ]
        cluster_starts = None
        widths = None
        count = len(para)
    else:
        spans, _ = split_graphemes(para)
        cluster_starts = [s for s, _, _ in spans]
        widths = [w for _, _, w in spans]
        count = len(spans)
        tokens = []
        i = 0
        while i < count:
            space = para[cluster_starts[i]] in _BREAKING_SPACES
            j, w = i, 0
            while j < count and (para[cluster_starts[j]] in _BREAKING_SPACES) == space:
                w += widths[j]
                j += 1
            tokens.append((i, j, w, space))
            i = j

    # Greedy wrap in cluster units: (first cluster, end cluster, cells, natural).
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

    last = len(breaks) - 1
    for n, (c0, c1, cells, natural) in enumerate(breaks):
        if cluster_starts is None:
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


# --------------------------------------------------------------------------- words

@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    """Word = letters/digits with their combining marks, hyphen-joined.

    ``\\w`` alone splits Arabic, Devanagari or decomposed Latin at every mark, so
    the class adds every Unicode mark (categories Mn/Mc/Me) found in the BMP and
    the supplementary planes that carry scripts.  Built once, lazily.
    """
    import unicodedata

    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x20000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    for code in range(0xE0100, 0xE01F0):  # variation selectors supplement
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    marks = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    word = rf"[\w{marks}\u200c]"
    return re.compile(rf"{word}+(?:-{word}+)*")


def next_word(text: str, offset: int) -> int:
    """Start of the next word after ``offset`` (``len(text)`` when there is none)."""
    pattern = _word_re()
    match = pattern.search(text, max(0, offset))
    if match and match.start() <= offset:
        match = pattern.search(text, match.end())
    return match.start() if match else len(text)


def prev_word(text: str, offset: int) -> int:
    """Start of the word before ``offset``, or of the word ``offset`` is inside."""
    pattern = _word_re()
    offset = min(max(0, offset), len(text))
    span = 256
    while True:
        lo = max(0, offset - span)
        last = None
        for match in pattern.finditer(text, lo):
            if match.start() >= offset:
                break
            last = match
        if last is not None and (last.start() > lo or lo == 0):
            return last.start()
        if lo == 0:
            return 0
        span *= 4


def word_end(text: str, offset: int) -> int:
    """Offset of the last character of the word at or after ``offset`` (vim ``e``).

    If ``offset`` already sits on a word's last character, the next word's end.
    """
    pattern = _word_re()
    match = pattern.search(text, max(0, offset))
    if match and match.end() - 1 <= offset:
        match = pattern.search(text, match.end())
    if match is None:
        return max(0, len(text) - 1)
    return match.end() - 1


# --------------------------------------------------------------------------- sentences

_CANDIDATE = re.compile(
    r"""(?P<p>[.!?\u2026]+)(?P<q>["'\u201d\u2019\u00bb)\]]*)(?P<ws>\s+)"""
    r"""|(?P<cjk>[\u3002\uff01\uff1f]+[\u201d\u2019\u300d\u300f\uff09]*)\s*"""
    r"""|(?P<nl>\n)\s*"""
)
# Abbreviations that never end a sentence (titles, "No. 5").
_TITLES = frozenset(
    "mr mrs ms mx dr prof sen rep gov gen col lt sgt capt cpt maj adm cmdr cdr insp det "
    "rev hon pres supt st mt messrs mme mlle fr sr no nos vol fig op e.g i.e cf viz".split()
)
# Abbreviations that end a sentence only when a typical sentence opener follows.
_ABBREVIATIONS = frozenset(
    "jr inc corp ltd co bros etc vs al approx est dept univ assn ave blvd rd "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun".split()
)
_OPENERS = frozenset(
    "the a an he she it they we i you but and so yet in on at by for from this that these "
    "those there his her their its our my however meanwhile officials some many according "
    "after before when while if as no one two".split()
)
_SENTENCE_TAIL = ".!?\u2026\"'\u201d\u2019\u00bb)]\u3002\uff01\uff1f"
_OPENING_PUNCT = "\"'\u201c\u2018\u00ab([\u2014-"


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    """Decide whether a candidate end-of-sentence really ends one."""
    end = match.end()
    if end >= len(text):
        return False
    if match.group("nl") is not None or match.group("cjk") is not None:
        return True
    if "\n" in match.group("ws"):
        return True
    # First letter of what follows, skipping opening quotes and brackets.
    k = end
    while k < len(text) and text[k] in _OPENING_PUNCT:
        k += 1
    if k < len(text) and text[k].islower():
        return False
    punct = match.group("p")
    if punct != ".":
        return True
    # The token before the period: letters, digits and inner dots ("U.S", "Mr").
    j = match.start()
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    token = text[j : match.start()]
    if not token:
        return True
    lowered = token.lower()
    if lowered in _TITLES:
        return False
    initialism = re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", token) is not None
    if len(token) == 1 and token.isupper():
        return False  # an initial: "Ahmad S. Massoud"
    if initialism or lowered in _ABBREVIATIONS:
        following = re.match(r"\w+", text[k : k + 40])
        return bool(following) and following.group().lower() in _OPENERS
    return True


def _iter_sentence_starts(text: str, pos: int = 0) -> Iterator[int]:
    for match in _CANDIDATE.finditer(text, pos):
        if _is_boundary(text, match):
            yield match.end()


def _first_start(text: str) -> int:
    match = re.search(r"\S", text)
    return match.start() if match else 0


def sentence_starts(text: str) -> list[int]:
    """Every sentence start offset in ``text``, ascending (the first included)."""
    first = _first_start(text)
    return [first, *(s for s in _iter_sentence_starts(text, first) if s > first)]


def next_sentence(text: str, offset: int) -> int:
    """Start of the next sentence after ``offset`` (``len(text)`` when there is none)."""
    first = _first_start(text)
    if offset < first:
        return first
    # Back up over the punctuation and space that may end the current sentence.
    pos = min(max(0, offset), len(text))
    while pos > 0 and (text[pos - 1].isspace() or text[pos - 1] in _SENTENCE_TAIL):
        pos -= 1
    for start in _iter_sentence_starts(text, pos):
        if start > offset:
            return start
    return len(text)


def prev_sentence(text: str, offset: int) -> int:
    """Start of the sentence containing ``offset`` if before it, else the previous one."""
    offset = min(max(0, offset), len(text))
    first = _first_start(text)
    span = 2048
    while True:
        lo = max(0, offset - span)
        best = None
        for start in _iter_sentence_starts(text, lo):
            if start >= offset:
                break
            best = start
        if best is not None:
            return best
        if lo == 0:
            return first if first < offset else 0
        span *= 4


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """``(start, end)`` of the sentence around ``offset``, trailing space excluded."""
    start = prev_sentence(text, offset + 1) if offset < len(text) else prev_sentence(text, offset)
    end = next_sentence(text, offset)
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
