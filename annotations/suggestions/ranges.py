"""Character ranges asked whether they overlap a range, in log time: a long article has
thousands of spans and suggestions, and every suggestion is checked against the gold spans.
`Coverage` is a fixed set (built once, asked many times); `Ranges` changes one range at a time."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from typing import Any


class Coverage:
    """A fixed set of (start, end) ranges, end exclusive."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self.starts = [s for s, _ in ordered]
        self.reach: list[int] = []  # the furthest end among the ranges so far
        for _, end in ordered:
            self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect_left(self.starts, end)  # ranges starting before `end`
        return k > 0 and self.reach[k - 1] > start


class Ranges:
    """A changing set of ranges (start, end, tag), end exclusive, kept sorted: which meet a range
    and which is innermost at an offset, in log time plus what is found (the reading session
    keeps its open suggestions and gold spans in these, so a write costs what it changed).

    `tag` is any orderable value that tells equal ranges apart (a row id, a rank in text order).
    `longest` only grows (a bound for the scan back from a start, never too short)."""

    def __init__(self, items: Iterable[tuple[int, int, Any]] = ()) -> None:
        self.items: list[tuple[int, int, Any]] = sorted(items)
        self.longest = max((e - s for s, e, _ in self.items), default=0)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, start: int, end: int, tag: Any) -> None:
        insort(self.items, (start, end, tag))
        self.longest = max(self.longest, end - start)

    def remove(self, start: int, end: int, tag: Any) -> None:
        """Drop one range (nothing when it is not there)."""
        items = self.items
        i = bisect_left(items, (start, end, tag))
        if i < len(items) and items[i] == (start, end, tag):
            del items[i]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, Any]]:
        """The ranges meeting [start, end) (the rule of `Coverage.overlaps`), in order."""
        items = self.items
        lo = bisect_left(items, (start - self.longest,))
        hi = bisect_left(items, (end,))
        return [r for r in items[lo:hi] if r[1] > start]

    def overlaps(self, start: int, end: int) -> bool:
        items = self.items
        i = bisect_left(items, (end,)) - 1
        floor = start - self.longest
        while i >= 0 and items[i][0] >= floor:
            if items[i][1] > start:
                return True
            i -= 1
        return False

    def innermost(self, offset: int) -> tuple[int, int, Any] | None:
        """The shortest range covering `offset` (the first in order among equals), else None."""
        found = [r for r in self.overlapping(offset, offset + 1) if r[0] <= offset < r[1]]
        return min(found, key=lambda r: (r[1] - r[0], r)) if found else None
