"""Wrapped rows and their offset <-> cell maps: where each offset is drawn and back.

A :class:`Layout` is built by :func:`annotations.reading.layout.wrap.layout`; every cursor motion and
every paint of the Reader asks it where an offset sits, so look-ups are O(log rows).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass


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

    __slots__ = ("_starts", "rows", "text", "width")

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
        elif row.offs is None or row.cols is None:
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
        offs, cols = row.offs, row.cols
        if offs is None or cols is None:
            offset = row.start + cell
            if offset < row.text_end:
                return offset
            return self.last_position_in_row(row)
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
        if row.offs is None or row.cols is None:
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
        offs, cols = row.offs, row.cols
        if offs is None or cols is None:
            return [(o, o + 1, o - row.start, 1) for o in range(row.start, row.text_end)]
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
        offs, cols = row.offs, row.cols
        if offs is None or cols is None:
            stop = min(row.text_end, row.start + width)
            return stop, stop - row.start
        i = bisect_left(cols, width)  # first grapheme starting at or past the width
        end_col = cols[i] if i < len(cols) else row.natural
        if i and end_col > width:  # a wide hanging space straddling the edge
            i -= 1
            end_col = cols[i]
        return (offs[i] if i < len(cols) else row.text_end), end_col

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
