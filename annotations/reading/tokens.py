"""Token steps for keyboard boundary editing: grow or shrink a span's edge by one token,
split a span at a token.

Tokens are cut the way spaCy's English tokenizer cuts the cases that matter for entity
boundaries: a possessive ('s, ’s) is its own token ("Soloviev’s" -> "Soloviev" + "’s"), a
hyphenated word stays whole ("al-Sisi"), and other punctuation is one token a character.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

__all__ = ["Tokens"]

_TOKEN = re.compile(r"[’'][sS]\b|\w+(?:[-‐]\w+)*|[^\w\s]")


class Tokens:
    """The token ranges of one text, with edge steps (None when there is no step to take)."""

    def __init__(self, text: str) -> None:
        found = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]
        self.punct = [not text[s].isalnum() and text[s] not in "’'" for s, _ in found]

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """The whole tokens covering [start, end): a selection that starts or ends inside a word
        takes the word (a label key right after `v` labels the word, not one letter)."""
        i = bisect_right(self.starts, start) - 1
        if i >= 0 and self.ends[i] > start:
            start = self.starts[i]
        j = bisect_left(self.ends, end)
        if j < len(self.starts) and self.starts[j] < end:
            end = self.ends[j]
        return start, end

    def grow_end(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect_left(self.starts, end)
        return (start, self.ends[i]) if i < len(self.starts) else None

    def shrink_end(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect_left(self.ends, end) - 1  # the last token ending before `end`
        return (start, self.ends[i]) if i >= 0 and self.ends[i] > start else None

    def grow_start(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect_right(self.ends, start) - 1
        return (self.starts[i], end) if i >= 0 else None

    def shrink_start(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect_right(self.starts, start)  # the first token starting after `start`
        return (self.starts[i], end) if i < len(self.starts) and self.starts[i] < end else None

    def split(self, start: int, end: int, at: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """Two spans: up to the token before `at`, and from the token at `at` (None if either is
        empty); punctuation between them belongs to neither ("OSLO, Norway" -> "OSLO", "Norway")."""
        i = bisect_right(self.starts, at) - 1  # the token under (or before) `at`
        if i < 0 or self.starts[i] <= start or self.starts[i] >= end:
            return None
        j = i - 1
        while j >= 0 and self.punct[j] and self.ends[j] > start:
            j -= 1
        if j < 0 or self.ends[j] <= start:
            return None
        return (start, self.ends[j]), (self.starts[i], end)
