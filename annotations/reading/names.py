"""Names no span covers: runs of capitalised words the model missed, for the Reader's `'`
motion (the next one) and for a label key on plain text (label the run under the cursor).

A run is one or more words that start with an upper-case letter, joined by single spaces or
hyphens; a trailing possessive ('s, ’s) stays outside. A lone capitalised word that opens a
sentence ("The", "Officials") is not a run unless the same word stands capitalised inside the
sentence elsewhere in the text ("Uzbekistan" opening a paragraph, when "in Uzbekistan" is
there too); month and weekday names are not runs. Plain string rules, no model: cheap on every
key.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

__all__ = ["CALENDAR", "HONORIFICS", "free_runs", "name_at", "name_runs", "next_name", "occurrences"]

_WORD = re.compile(r"[^\W_][\w'’.-]*")
_POSSESSIVE = ("'s", "’s", "'", "’")
CALENDAR = frozenset(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
"""Words that are capitalised but are dates, not names: a run of only these is not a name."""
OPENERS = frozenset(
    "a an and as at after before but by for from he her his i if in it its on our she so that the their "
    "they this to we when while with".split()
)
"""Small words that are capitalised only because they open a sentence."""
HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Sir", "Dame"})
# what stands before a sentence's first word: a sentence end or a line start, then maybe an
# opening quote or bracket; or a quotation opening after a comma ('he said, "We ...')
_SENTENCE_END = re.compile(r"((^|[.!?:][\"”’)]?\s+|\n\s*)[\"“‘(]?|,\s+[\"“‘])$")


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """The run without a trailing possessive or full stop."""
    for suffix in _POSSESSIVE:
        if text[start:end].endswith(suffix) and end - len(suffix) > start:
            end -= len(suffix)
            break
    while end > start and text[end - 1] in ".-'’":
        end -= 1
    return start, end


def name_runs(text: str) -> tuple[tuple[int, int], ...]:
    """Every run of capitalised words in the text, in order (see the module docstring)."""
    return _runs(text)[0]


def _opens_sentence(text: str, start: int) -> bool:
    return _SENTENCE_END.search(text, max(0, start - 6), start) is not None


@lru_cache(maxsize=8)
def _runs(text: str) -> tuple[tuple[tuple[int, int], ...], frozenset[str]]:
    """(the name runs, the words capitalised inside a sentence: names wherever they stand)."""
    runs: list[tuple[int, int]] = []
    lone: list[tuple[int, int]] = []  # single capitalised words opening a sentence
    named: set[str] = set()
    run: list[tuple[int, int]] = []

    def close() -> None:
        if not run:
            return
        start, end = _clean(text, run[0][0], run[-1][1])
        while len(run) > 1 and text[run[0][0] : run[0][1]].rstrip(".") in HONORIFICS:
            run.pop(0)  # "Mr Sadyrkulov": the name, not the title
            start = run[0][0]
        opens_sentence = _opens_sentence(text, start)
        if opens_sentence and len(run) > 1 and text[run[0][0] : run[0][1]].lower() in OPENERS:
            run.pop(0)  # "On Monday", "The Taliban": the sentence's first word is not the name's
            start, opens_sentence = run[0][0], False
        calendar = all(text[a:b].rstrip(".") in CALENDAR for a, b in run)
        named.update(text[a:b] for a, b in run[1 if opens_sentence else 0 :])
        if end > start and not calendar:
            (lone if len(run) == 1 and opens_sentence else runs).append((start, end))
        run.clear()

    for m in _WORD.finditer(text):
        word = m.group()
        if not _capitalised(word):
            close()
            continue
        if run and text[run[-1][1] : m.start()] not in (" ", "-"):
            close()
        run.append((m.start(), m.end()))
        if word.endswith(_POSSESSIVE[:2]) or word.endswith("."):
            close()
    close()
    runs += [(a, b) for a, b in lone if text[a:b] in named and text[a:b].lower() not in OPENERS]
    return tuple(sorted(runs)), frozenset(named)


def _free(start: int, end: int, spans: Iterable[Mapping[str, Any]]) -> bool:
    return not any(s["start"] < end and start < s["end"] for s in spans)


def _pieces(text: str, start: int, end: int, spans: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """The whole words of the run [start, end) that no span covers, as runs of their own
    ("Kyrgyz Emergency Situations Minister" when "Bakytbek Sadyrkulov" after it is a span)."""
    cuts = sorted((max(start, s["start"]), min(end, s["end"])) for s in spans if s["start"] < end and start < s["end"])
    if not cuts:
        return [(start, end)]
    out, pos = [], start
    for a, b in [*cuts, (end, end)]:
        a0, b0 = pos, a
        while a0 < b0 and not text[a0].isalnum():
            a0 += 1
        while b0 > a0 and not text[b0 - 1].isalnum():
            b0 -= 1
        bounded = a0 < b0 and (a0 == 0 or not text[a0 - 1].isalnum()) and (b0 == len(text) or not text[b0].isalnum())
        one_word = bounded and not any(c in " -" for c in text[a0:b0])
        if one_word and _opens_sentence(text, a0) and text[a0:b0] not in _runs(text)[1]:
            bounded = False  # "Later" before a span: a sentence opener, as for whole runs
        if bounded and text[a0].isupper():
            out.append((a0, b0))
        pos = max(pos, b)
    return out


def free_runs(text: str, spans: Iterable[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """The name runs, or their whole-word pieces, that no span overlaps, in order. Each run is
    cut only by the spans near it (sorted once), so a long article's thousands of runs and
    suggestions cost a sort, not their product."""
    ordered = sorted((int(s["start"]), int(s["end"])) for s in spans)
    starts = [a for a, _ in ordered]
    longest = max((b - a for a, b in ordered), default=0)
    out: list[tuple[int, int]] = []
    for start, end in name_runs(text):
        near = ordered[bisect_left(starts, start - longest) : bisect_left(starts, end)]
        cutting = [{"start": a, "end": b} for a, b in near if a < end and start < b]
        out += _pieces(text, start, end, cutting)
    return out


def name_at(text: str, cursor: int, spans: Iterable[Mapping[str, Any]]) -> tuple[int, int] | None:
    """The run (or the piece of it) no span overlaps under the cursor, else None. Only the runs
    around the cursor are looked at: the status line asks on every cursor move."""
    runs = name_runs(text)
    i = bisect_right(runs, (cursor, len(text) + 1))
    around = [(a, b) for a, b in runs[max(0, i - 8) : i] if a <= cursor < b]
    if not around:
        return None
    spans = list(spans)
    for start, end in around:
        cutting = [s for s in spans if s["start"] < end and start < s["end"]]
        for a, b in _pieces(text, start, end, cutting):
            if a <= cursor < b:
                return a, b
    return None


def occurrences(text: str, start: int, end: int, spans: Iterable[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """Other places the same words stand alone (word-bounded) and no span overlaps."""
    needle = text[start:end]
    if not needle.strip():
        return []
    spans = list(spans)
    out = []
    for m in re.finditer(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", text):
        if m.start() != start and _free(m.start(), m.end(), spans):
            out.append((m.start(), m.end()))
    return out


def next_name(text: str, cursor: int, spans: Iterable[Mapping[str, Any]], delta: int = 1) -> int | None:
    """The start of the next (delta > 0) or previous run no span overlaps, else None."""
    starts = [s for s, _ in free_runs(text, spans)]
    after = [s for s in starts if (s > cursor if delta > 0 else s < cursor)]
    if not after:
        return None
    return after[min(abs(delta), len(after)) - 1] if delta > 0 else after[-min(abs(delta), len(after))]
