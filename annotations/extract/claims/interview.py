"""Phase 5: a Q&A interview's answers, printed without quotation marks, are the interviewee's
quotations ("Q: How bad was this summer? | A: The worst I have seen.").

    interview_answers(doc, text, claims) -> claims    answers added, "Q: " / "A: " markers cut off

An interview is a text with at least two paragraphs opening "Q:" and two opening "A:" (or
"Question:" / "Answer:"). Each answer paragraph, its marker left out, is one claim of type quote
by the interviewee: the person whose claim comes last before the first question (the
introduction's "Hollerer said ..."). With no such person the answers are left alone: nobody
else may be guessed as their speaker. A claim the rules found inside an answer gives way to the
whole answer; a claim opening a question ("Q: Some hoteliers say ...") loses the marker.
"""

from __future__ import annotations

import re
from typing import Any

from annotations.extract.claims.lexicon import PERSON_LABELS
from annotations.extract.claims.referents import personlike
from annotations.extract.claims.stance import stance_of
from annotations.extract.claims.units import Unit

_PARAGRAPH_RE = re.compile(r"[^\n]*\S[^\n]*(?:\n[ \t]*\S[^\n]*)*")  # non-blank lines up to a blank one
_MARKER_RE = re.compile(r"(Q|A|Question|Answer)\s*[:.]\s+")
MIN_TURNS = 2  # questions and answers each, for a text to read as an interview


def _turns(text: str) -> list[tuple[str, int, int, int]]:
    """("Q" | "A", marker start, start after the marker, paragraph end) of each marked paragraph."""
    out = []
    for p in _PARAGRAPH_RE.finditer(text):
        start = p.start() + len(p.group()) - len(p.group().lstrip())
        m = _MARKER_RE.match(text, start)
        if m is not None and m.end() < p.end():
            out.append((m.group(1)[0], start, m.end(), p.start() + len(p.group().rstrip())))
    return out


def _interviewee(doc: Any, claims: list[dict[str, Any]], before: int) -> dict[str, Any] | None:
    """The last claim before the first question whose speaker is a person: tagged one, or the
    surname of a person the text names ("Its director, Sabine Hollerer ... Hollerer said")."""
    surnames = {e.text.split()[-1] for e in doc.ents if e.label_ in PERSON_LABELS and e.end_char <= before}
    for c in reversed([c for c in claims if c["start"] < before and c.get("speaker")]):
        name = c["speaker"].split()
        if c.get("_label") in PERSON_LABELS or name[-1] in surnames or personlike(c["speaker"]):
            return c
    return None


def _answer(doc: Any, text: str, start: int, end: int, source: dict[str, Any]) -> dict[str, Any] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    unit = Unit(span.start, span.end, -1)
    return {
        "start": start,
        "end": end,
        "type": "quote",
        "speaker": source["speaker"],
        "speaker_start": source["speaker_start"],
        "speaker_end": source["speaker_end"],
        "role": None,
        "cue": None,
        "cue_start": None,
        "cue_end": None,
        "stance": stance_of(doc, text, unit, span.start, span.end, None),
        "text": text[start:end],
        "_label": source.get("_label"),
    }


def interview_answers(doc: Any, text: str, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The claims with an interview's answers added as the interviewee's quotations (in text
    order); the claims unchanged when the text is no interview or names no interviewee."""
    turns = _turns(text)
    questions = [t for t in turns if t[0] == "Q"]
    answers = [t for t in turns if t[0] == "A"]
    if len(questions) < MIN_TURNS or len(answers) < MIN_TURNS:
        return claims
    source = _interviewee(doc, claims, questions[0][2])
    if source is None:
        return claims
    found = [a for _, _, s, e in answers if (a := _answer(doc, text, s, e, source)) is not None]
    kept = [c for c in claims if not any(a["start"] <= c["start"] < a["end"] for a in found)]
    for c in kept:
        for _, marker, s, _ in questions:
            if marker <= c["start"] < s < c["end"]:
                c["start"], c["text"] = s, text[s : c["end"]]  # "Q: Some hoteliers say ...": the marker cut
    return sorted(kept + found, key=lambda c: c["start"])
