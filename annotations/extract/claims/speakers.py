"""Phase 4: speakers resolved to names. A pronoun ("he", "they") or a definite description ("the
agency", "the spokesperson") follows to the nearest compatible named mention before it.

Works on character offsets over the text, so the same step runs on spaCy's entities (predict)
or on a document's gold spans and their canonical entities (`resolve_speakers(..., mentions)`
with the gold spans: a speaker then carries the span's entity id as `speaker_entity`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from annotations.extract.claims.lexicon import (
    CONTINUES_CHARS,
    GROUP_PRONOUNS,
    ORG_LABELS,
    ORG_NOUNS,
    ORG_PRONOUNS,
    PERSON_LABELS,
    PERSON_PRONOUNS,
    STATE_NOUNS,
)
from annotations.extract.normalize import TITLES

_WORD_RE = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class Mention:
    """A named mention: character offsets, label, and its canonical entity when known."""

    start: int
    end: int
    label: str
    entity: int | None = None
    gold: bool = False


def mentions_from_doc(doc: Any, offset: int = 0, text: str | None = None) -> list[Mention]:
    """spaCy's person and organisation entities, except those in an opening dateline ("KABUL —").
    Pass `text` (doc.text) when you have it: spaCy rebuilds it on every access."""
    from annotations.extract.claims.units import dateline_end

    text = doc.text if text is None else text
    skip = dateline_end(text, 0) if offset == 0 else 0
    return [
        Mention(e.start_char + offset, e.end_char + offset, e.label_)
        for e in doc.ents
        if e.label_ in PERSON_LABELS | ORG_LABELS and e.start_char >= skip
    ]


def mentions_from_spans(spans: list[dict[str, Any]]) -> list[Mention]:
    """Gold spans (dicts with start, end, label, entity_id) as mentions that win over predictions."""
    return [
        Mention(int(s["start"]), int(s["end"]), str(s["label"]), s.get("entity_id"), True)
        for s in spans
        if s.get("label") in PERSON_LABELS | ORG_LABELS
    ]


def needs_mentions(claims: list[dict[str, Any]], text: str) -> bool:
    """Whether any speaker is a pronoun or description to resolve (else spaCy's entities, which
    cost a doc.ents, are not needed)."""
    return any(_kind(text, c) is not None for c in claims)


def _kind(text: str, claim: dict[str, Any]) -> tuple[str, str] | None:
    """('person' | 'group' | 'org' | 'same', noun) for a speaker that stands for a name, else None."""
    speaker = (claim.get("speaker") or "").strip()
    if not speaker or claim.get("speaker_start") is None:
        return None
    low = speaker.lower()
    if low in PERSON_PRONOUNS:
        return "person", low
    if low in GROUP_PRONOUNS:
        return "group", low
    if low in ORG_PRONOUNS:
        return "org", ""
    before = text[max(0, claim["speaker_start"] - 6) : claim["speaker_start"]].lower()
    if not re.search(r"\b(?:the|its|their)\s+$", before) or (speaker[:1].isupper() and " " not in speaker):
        return None  # only definite descriptions ("the agency"); "Reuters" or "a spokesman" stay
    words = _WORD_RE.findall(low)
    if not words or any(w[:1].isupper() for w in _WORD_RE.findall(speaker)[1:]):
        return None
    if len(words) > 2 or (len(words) == 2 and not speaker[:1].isupper()):
        return None  # "the regional interior ministry" is specific enough to stand as it is
    noun = words[-1]
    return ("org", noun) if noun in ORG_NOUNS else ("same", noun)


def _name(text: str, m: Mention) -> tuple[int, int]:
    """The mention without leading titles ("Mr Mujahid" -> "Mujahid") or "the"."""
    start, end = m.start, m.end
    while True:
        word = _WORD_RE.match(text, start)
        if word is None or word.end() >= end:
            return start, end
        w = word.group().lower().rstrip(".")
        if w not in TITLES and w != "the":
            return start, end
        nxt = word.end() + (1 if text[word.end() : word.end() + 1] == "." else 0)
        while nxt < end and text[nxt].isspace():
            nxt += 1
        start = nxt


def _candidate(
    kind: str, noun: str, text: str, before: list[Mention], speakers: list[dict[str, Any]], claim_start: int
) -> Any:
    """The source a pronoun or description stands for: a pronoun right after a claim by a
    compatible source continues it; else the nearest compatible named mention before the claim
    (gold spans first); a description with its noun in a name ("the authority") takes that name."""
    if kind == "same":  # "the spokesperson": the earlier source described with the same noun
        for prev in reversed(speakers):
            if (prev.get("speaker") or "").lower().split()[-1:] == [noun]:
                return prev
        return None
    labels = {"person": PERSON_LABELS, "group": PERSON_LABELS | ORG_LABELS}.get(kind) or (
        ORG_LABELS if not noun or noun in STATE_NOUNS else ORG_LABELS - {"GPE"}
    )
    pronoun = kind != "org" or not noun
    if (
        pronoun
        and speakers
        and _continues(speakers[-1], kind, labels)
        and speakers[-1]["end"] >= claim_start - CONTINUES_CHARS
    ):
        return speakers[-1]
    if noun and kind == "org":
        for m in reversed(before):  # "the authority" -> "Riverside Transit Authority"
            if m.label in labels and noun in text[m.start : m.end + len(noun) + 2].lower():
                return m
    pool = [m for m in before if m.label in labels]
    gold = [m for m in pool if m.gold]
    return (gold or pool)[-1] if pool else None


def _continues(prev: dict[str, Any], kind: str, labels: frozenset[str]) -> bool:
    """Whether a pronoun can stand for the last source: a named one of a compatible label, or an
    unnamed one ("a shopkeeper", "the commander") of the right number."""
    label = prev.get("_label")
    if label is not None:
        return label in labels
    if kind == "org":
        return False
    last = (prev.get("speaker") or " ").split()[-1].lower()
    plural = last.endswith("s") and not last.endswith("ss")
    return plural == (kind == "group")


def resolve_speakers(claims: list[dict[str, Any]], text: str, mentions: list[Mention]) -> list[dict[str, Any]]:
    """Resolve pronoun and description speakers in place (and return the claims).

    `mentions` are the named mentions of the text (from spaCy's entities, or a document's gold
    spans, which are preferred where both are given). A resolved claim's speaker, speaker_start
    and speaker_end point at the mention it resolved to; `speaker_entity` is set when the
    mention is linked to a canonical entity."""
    ordered = sorted(mentions, key=lambda m: (m.start, not m.gold))
    starts = [m.start for m in ordered]
    seen: list[dict[str, Any]] = []
    for claim in claims:
        kind = _kind(text, claim)
        if kind is not None:
            before = ordered[: bisect_left(starts, min(claim["start"], claim["speaker_start"]))]
            found = _candidate(*kind, text, before, seen, claim["start"])
            if isinstance(found, Mention):
                s, e = _name(text, found)
                claim.update(speaker=text[s:e], speaker_start=s, speaker_end=e, _label=found.label)
                if found.entity is not None:
                    claim["speaker_entity"] = found.entity
            elif found is not None:
                claim.update(
                    speaker=found["speaker"],
                    speaker_start=found["speaker_start"],
                    speaker_end=found["speaker_end"],
                    _label=found.get("_label"),
                )
        elif claim.get("speaker_start") is not None:
            claim.setdefault("_label", _label_at(ordered, claim["speaker_start"], claim["speaker_end"]))
        if claim.get("speaker"):
            seen.append(claim)
    for claim in claims:
        claim.pop("_label", None)
    return claims


def _label_at(mentions: list[Mention], start: int, end: int) -> str | None:
    for m in mentions:
        if m.start < end and start < m.end:
            return m.label
    return None
