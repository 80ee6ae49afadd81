"""Word motions (vim ``w``, ``b``, ``e``) over text in any script."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    """Word = letters/digits with their combining marks, hyphen-joined.

    ``\\w`` alone splits Arabic, Devanagari or decomposed Latin at every mark, so
    the class adds every Unicode mark (categories Mn/Mc/Me) found in the BMP and
    the supplementary planes that carry scripts.  Built once, lazily.
    """

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
