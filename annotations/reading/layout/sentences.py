"""Sentence boundaries for news prose: abbreviations, initials, quotes, CJK stops."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
        return following is not None and following.group().lower() in _OPENERS
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
