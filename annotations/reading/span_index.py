"""Spans of an article bucketed by the wrapped rows they touch, and the entity starts the
``]`` / ``[`` motions jump between. Pure Python beside ``layout`` (no Textual): the Reader's
article view paints a row from its bucket alone, and an accept in a 20,000-word article
re-indexes the one span that changed, not thousands.

A span is anything with ``start``, ``end`` (character offsets, end exclusive) and ``kind``
(``annotations.reading.Mark``); only ``gold`` and ``pred`` spans are entity starts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from annotations.reading.layout import Layout

__all__ = ["ENTITY_KINDS", "SpanIndex"]

ENTITY_KINDS = ("gold", "pred")


class SpanIndex:
    """Row buckets and entity starts for one layout; `update` says which spans changed."""

    def __init__(self, text_layout: Layout, spans: Iterable[Any] = ()) -> None:
        self.layout = text_layout
        self.spans: set[Any] = set(spans)  # (a set: one change costs what changed)
        self.rebuild()

    def rebuild(self, text_layout: Layout | None = None) -> None:
        """Index every span again (a new layout, or a large change)."""
        if text_layout is not None:
            self.layout = text_layout
        self.rows: dict[int, list[Any]] = {}
        self._starts: Counter[int] = Counter()
        self.entity_starts: list[int] = []
        self._sorted = False  # entity_starts is sorted once after a rebuild, then kept by insort
        for span in self.spans:
            self._add(span)
        self.entity_starts = sorted(self._starts)
        self._sorted = True

    def update(self, spans: Iterable[Any]) -> set[Any]:
        """Replace the spans; returns those removed or added (the rows to repaint)."""
        new = set(spans)
        removed, added = self.spans - new, new - self.spans
        self.spans = new
        if len(removed) + len(added) > max(32, len(new) // 8):
            self.rebuild()
        else:
            self._apply(removed, added)
        return removed | added

    def change(self, removed: Iterable[Any], added: Iterable[Any]) -> set[Any]:
        """Remove and add spans, when the caller knows which changed (the reading session does:
        `ReadingSession.mark_changes`); costs what changed, not a diff of every span. Returns
        the spans actually removed or added (the rows to repaint)."""
        gone = {s for s in removed if s in self.spans}
        come = {s for s in added if s not in self.spans} - gone
        self.spans -= gone
        self.spans |= come
        self._apply(gone, come)
        return gone | come

    def _apply(self, removed: Iterable[Any], added: Iterable[Any]) -> None:
        for span in removed:
            self._remove(span)
        for span in added:
            self._add(span)

    def rows_of(self, span: Any) -> range:
        text_layout = self.layout
        start, end = max(0, span.start), min(len(text_layout.text), span.end)
        if end <= start:
            return range(0)
        return range(text_layout.row_of(start), text_layout.row_of(end - 1) + 1)

    def in_row(self, row: int) -> Sequence[Any]:
        return self.rows.get(row, ())

    def at(self, offset: int, kinds: Iterable[str] | None = None, order: Sequence[str] = ()) -> list[Any]:
        """Spans covering `offset`, innermost (shortest) first, then in `order` of kind."""
        wanted = set(kinds) if kinds is not None else None
        found = [
            s
            for s in self.in_row(self.layout.row_of(offset))
            if s.start <= offset < s.end and (wanted is None or s.kind in wanted)
        ]
        rank = {kind: i for i, kind in enumerate(order)}
        return sorted(found, key=lambda s: (s.end - s.start, rank.get(s.kind, len(order))))

    def next_entity(self, offset: int, delta: int) -> int:
        """The entity start `delta` steps from `offset` (stops at the first / last)."""
        starts = self.entity_starts
        for _ in range(abs(delta)):
            if delta > 0:
                i = bisect_right(starts, offset)
                if i >= len(starts):
                    break
                offset = starts[i]
            else:
                i = bisect_left(starts, offset) - 1
                if i < 0:
                    break
                offset = starts[i]
        return offset

    def _add(self, span: Any) -> None:
        rows = self.rows_of(span)
        for row in rows:
            self.rows.setdefault(row, []).append(span)
        if rows and span.kind in ENTITY_KINDS:
            start = self.layout.snap(max(0, span.start))
            self._starts[start] += 1
            if self._starts[start] == 1 and self._sorted:
                insort(self.entity_starts, start)

    def _remove(self, span: Any) -> None:
        rows = self.rows_of(span)
        for row in rows:
            bucket = self.rows.get(row)
            if bucket is not None and span in bucket:
                bucket.remove(span)
        if rows and span.kind in ENTITY_KINDS:
            start = self.layout.snap(max(0, span.start))
            self._starts[start] -= 1
            if self._starts[start] <= 0:
                del self._starts[start]
                i = bisect_left(self.entity_starts, start)
                if i < len(self.entity_starts) and self.entity_starts[i] == start:
                    del self.entity_starts[i]
