"""Character ranges asked whether they overlap a range, in log time: a long article has
thousands of spans and suggestions, and every suggestion is checked against the gold spans."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable


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
