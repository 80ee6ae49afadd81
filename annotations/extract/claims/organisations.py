"""Organisation descriptions resolved to a named organisation ("the agency", "the union", "a
spokesman for the regional health authority"): the nearest organisation the text so describes,
whose name fits the description's modifiers and is of no other family; else the claim's own
subject, a business the story is about, or the last organisation named. An unnamed "a university
spokesman" is only an organisation of its kind named before; "the FA" a name ending in it."""

from __future__ import annotations

import re
from typing import Any

from annotations.extract.claims.lexicon import (
    CONTINUES_CHARS,
    ORG_FAMILIES,
    ORG_LABELS,
    PERSON_LABELS,
    PERSON_PRONOUNS,
    PERSON_ROLE_NOUNS,
    QUANTIFIERS,
    ROLE_LOOKBACK_CHARS,
)
from annotations.extract.claims.mentions import GROUP, UNTAGGED, Mention
from annotations.extract.claims.referents import (
    a_company,
    described,
    fits,
    name_family,
    personlike,
    role_class,
    role_head,
    salient,
)

_WORD_RE = re.compile(r"[\w’'-]+")


def fits_found(text: str, found: Any, modifiers: list[str]) -> bool:
    """Whether what a description resolved to fits its modifiers, by its name or the name an
    acronym stands for ("BGT": "Baltic Gateway Terminals (BGT)" for "the terminal operator")."""
    if not modifiers:
        return True
    start, end = (
        (found.start, found.end) if isinstance(found, Mention) else (found["speaker_start"], found["speaker_end"])
    )
    if fits(text, start, end, modifiers):
        return True
    name = text[start:end]
    spelled = re.search(rf"((?:[A-Z][\w’'-]*\s+){{1,6}})\({re.escape(name)}\)", text) if name.isupper() else None
    return spelled is not None and fits(text, spelled.start(1), spelled.end(1) - 1, modifiers)


def modifiers_of(words: list[str]) -> list[str]:
    """The words before a description's head that say what kind it is ("regional", "health" of
    "regional health authority"); not an owner's possessive ("city's") or a quantifier."""
    head = role_head(words)
    k = words.index(head) if head in words else len(words)
    return [w for w in words[:k] if not w.endswith(("'s", "’s", "s'", "s’")) and w not in QUANTIFIERS]


def org_candidate(
    noun: str,
    text: str,
    before: list[Mention],
    speakers: list[dict[str, Any]],
    claim_start: int,
    labels: frozenset[str],
    own: list[Mention],
    modifiers: list[str],
) -> Any:
    """The organisation "the agency" stands for: the nearest one the text so describes (in its
    name or an appositive); else the nearer of the last organisation mentioned and the last
    named source that is no person (a name spaCy did not tag: "Northline Rail said ...")."""
    prior = next((p for p in reversed(speakers) if p.get("_described_as") == noun), None)
    for by_head in (True, False):  # "the university": University of Castlemere before University and College Union
        for m in reversed(before):  # "the authority" -> "Riverside Transit Authority"
            if (
                (m.label in labels or m.label == UNTAGGED)
                and described(text, m.start, m.end, noun, by_head=by_head)
                and fits(text, m.start, m.end, modifiers)  # "Maritime Authority" is no health authority
                and _may_be(text[m.start : m.end], noun)
            ):
                if prior is not None and m.start > prior["start"] and not m.subject:
                    return prior  # "the bank" stays the bank it meant ("an economist at Lindqvist Bank" is none)
                return m
    if role_class(noun) == "company":  # "the company": the business the story is about, named as a subject
        loose = (m for m in reversed(before) if m.subject and m.label != GROUP and a_company(text, m.start, m.end))
        found = next((m for m in loose if fits(text, m.start, m.end, modifiers)), None)
        if found is not None:
            return found
    recent = [p for p in speakers if p["speaker_start"] >= claim_start - ROLE_LOOKBACK_CHARS]
    for prev in reversed(recent):
        head = role_head(_WORD_RE.findall((prev.get("speaker") or "").lower())).rstrip("s")
        if head in PERSON_ROLE_NOUNS:
            continue  # "the museum's lawyers" are no museum
        if prev.get("_label") in (None, UNTAGGED) and described(text, prev["speaker_start"], prev["speaker_end"], noun):
            return prev
    subject = next((m for m in own if m.subject and m.label in labels), None)
    if subject is not None:  # "Redmere sold out their allocation, the club said": the report's own subject
        return subject
    pool = [m for m in before if m.label in labels and _may_be(text[m.start : m.end], noun)]
    ranked = [m for m in pool if m.gold] or pool
    last = ranked[salient(text, ranked)] if ranked else None  # the subject of the nearest sentence naming one
    source = next(
        (
            p
            for p in reversed(recent)
            if p.get("_label") in (None, UNTAGGED) and _orglike(p["speaker"]) and _may_be(p["speaker"], noun)
        ),
        None,
    )
    if source is not None and (last is None or source["speaker_start"] > last.start):
        return source
    return last


def represented(noun: str, text: str, before: list[Mention], speakers: list[dict[str, Any]], claim_start: int) -> Any:
    """The named organisation "a university spokesman" speaks for: the nearer of an organisation
    the text so describes ("University of Castlemere") and the organisation just quoted, if its
    name allows the noun ("Labour ... said. A party spokesman said"); for "a company spokesman",
    also a business named as a subject. None when none of that kind is named (kept as written)."""
    labels = ORG_LABELS - {"GPE"}
    found: Any = None
    for by_head in (True, False):  # "University of Castlemere" before "University and College Union"
        found = next(
            (
                m
                for m in reversed(before)
                if (m.label in labels or m.label == UNTAGGED)
                and described(text, m.start, m.end, noun, by_head=by_head)
                and _may_be(text[m.start : m.end], noun)
            ),
            None,
        )
        if found is not None:
            break
    if found is None and role_class(noun) == "company":
        found = next((m for m in reversed(before) if m.subject and a_company(text, m.start, m.end)), None)
    prev = speakers[-1] if speakers else None
    if (
        prev is not None
        and prev["end"] >= claim_start - CONTINUES_CHARS
        and (prev.get("speaker") or "")[:1].isupper()
        and (prev.get("_label") in labels | {UNTAGGED} or (prev.get("_label") is None and _orglike(prev["speaker"])))
        and _may_be(prev["speaker"], noun)
        and (found is None or prev["speaker_start"] > found.start)
    ):
        return prev  # "Northline Rail said ... a company spokesman said": the one just quoted
    return found


def acronym_name(acronym: str, text: str, before: list[Mention], speakers: list[dict[str, Any]]) -> Any:
    """The longer name "the FA" stands for: the nearest organisation named before whose name ends
    in it ("Westshire FA"), as a mention or an earlier source; None keeps it as written."""
    found = next(
        (
            m
            for m in reversed(before)
            if m.label not in PERSON_LABELS
            and text[m.start : m.end].split()[-1] == acronym
            and " " in text[m.start : m.end]
        ),
        None,
    )
    source = next(
        (p for p in reversed(speakers) if (p.get("speaker") or "").endswith(f" {acronym}")),
        None,
    )
    if source is not None and (found is None or source["speaker_start"] > found.start):
        return source
    return found


def _may_be(name: str, noun: str) -> bool:
    """Whether an organisation's name allows the description: not one whose name says it is of
    another family news never calls by that noun ("the union" is no "Varsund Post")."""
    family, wanted = name_family(name), ORG_FAMILIES.get(noun)
    return family is None or wanted is None or family == wanted


def _orglike(speaker: str) -> bool:
    """A named source that reads as an organisation's name: capitalised, no person's name."""
    return (
        speaker[:1].isupper()
        and speaker.lower() not in PERSON_PRONOUNS
        and not personlike(speaker)
        and (len(speaker.split()) > 1 or speaker.isupper())
    )
