"""The Reader's cursor model: where the cursor is, the selection's anchor, and where each
motion goes. Pure Python beside ``layout`` (no Textual): the article view keeps one `Caret`,
asks these functions for targets and only repaints and scrolls.

Selection rules (vim-like): ``v`` starts a *sticky* selection that plain motions extend;
shift+motion starts a non-sticky one that the next plain motion ends. While selecting, forward
word and sentence motions stop on the last character (so ``v w 1`` labels exactly one word);
the selection includes the grapheme under the cursor.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from annotations.reading.layout import Layout, next_word, prev_word, sentence_starts, word_end

__all__ = ["Caret", "sentence_index", "sentence_target", "word_target"]


@dataclass
class Caret:
    """Cursor offset, selection anchor, whether the selection is sticky, and the column that
    vertical motions keep."""

    offset: int = 0
    anchor: int | None = None
    sticky: bool = False
    goal_col: int | None = None

    def move(self, target: int, *, extend: bool = False, keep_goal: bool = False) -> None:
        """Move to `target` (already snapped), applying the selection rules."""
        if extend:
            if self.anchor is None:
                self.anchor, self.sticky = self.offset, False
        elif self.anchor is not None and not self.sticky:
            self.anchor = None  # shift-selection ends with a plain motion
        self.offset = target
        if not keep_goal:
            self.goal_col = None

    def selection(self, text_layout: Layout) -> tuple[int, int] | None:
        """(start, end), end exclusive, from the anchor to the cursor's grapheme, or None."""
        if self.anchor is None:
            return None
        low, high = sorted((self.anchor, self.offset))
        return low, text_layout.grapheme_end(high)

    def reset(self, offset: int) -> None:
        self.offset, self.anchor, self.sticky, self.goal_col = offset, None, False, None


def word_target(text: str, offset: int, delta: int, selecting: bool) -> int:
    """`delta` words on (forward while selecting: to the word's last character)."""
    for _ in range(abs(delta)):
        if delta > 0:
            offset = word_end(text, offset) if selecting else next_word(text, offset)
        else:
            offset = prev_word(text, offset)
    return offset


def sentence_index(text: str) -> tuple[list[int], list[int]]:
    """Sentence starts and last-character offsets (trailing white space excluded)."""
    starts = sentence_starts(text)
    ends = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else len(text)
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        ends.append(max(start, stop - 1))
    return starts, ends


def sentence_target(index: tuple[list[int], list[int]], offset: int, delta: int, selecting: bool, last: int) -> int:
    """`delta` sentences on: next start (while selecting: next end), previous start."""
    starts, ends = index
    for _ in range(abs(delta)):
        if delta > 0:
            points = ends if selecting else starts
            i = bisect_right(points, offset)
            offset = points[i] if i < len(points) else last
        else:
            i = bisect_left(starts, offset) - 1
            offset = starts[i] if i >= 0 else 0
    return offset
