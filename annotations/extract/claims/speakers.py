"""Phase 4: speakers resolved to names. A pronoun ("he", "they") or a definite description ("the
agency", "the spokesperson") follows to the nearest compatible named mention before it.

Works on character offsets over the text, so the same step runs on spaCy's entities (predict)
or on a document's gold spans and their canonical entities (`resolve_speakers(..., mentions)`
with the gold spans: a speaker then carries the span's entity id as `speaker_entity`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from annotations.extract.claims.lexicon import (
    CONTINUES_CHARS,
    COURT_SIDES,
    DEMONYMS,
    GROUP_PRONOUNS,
    NEWS_TITLES,
    ORG_LABELS,
    ORG_NOUNS,
    ORG_PRONOUNS,
    PERSON_LABELS,
    PERSON_PRONOUNS,
    PERSON_ROLE_NOUNS,
    REPORT_NOUNS,
    REPRESENTATIVE_NOUNS,
    ROLE_LOOKBACK_CHARS,
    SPOKES_NOUNS,
    STATE_NOUNS,
)
from annotations.extract.claims.mentions import GROUP, UNTAGGED, Mention, org_name
from annotations.extract.claims.organisations import (
    acronym_name,
    fits_found,
    modifiers_of,
    org_candidate,
    represented,
)
from annotations.extract.claims.quotes import find_quotations
from annotations.extract.claims.referents import (
    described,
    fits,
    gender,
    named_after,
    nearest_spelling,
    personlike,
    role_class,
    role_head,
    salient,
)
from annotations.extract.claims.roles import bare_role
from annotations.extract.normalize import TITLES

_WORD_RE = re.compile(r"[\w’'-]+")
_AGED_RE = re.compile(r"\d+-year-old")  # "the 34-year-old"
_AGE_GIVEN_RE = re.compile(r"\b([^\W\d_]+), (?:1[5-9]|[2-9]\d|10\d),")  # "Sutrisno, 58,": a person's age
_SENTENCE_END_RE = re.compile(r"[.!?][’'”\"]?\s")


def needs_mentions(claims: list[dict[str, Any]], text: str) -> bool:
    """Whether any speaker is a pronoun or description to resolve (else spaCy's entities, which
    cost a doc.ents, are not needed)."""
    return any(_kind(text, c) is not None for c in claims)


def _kind(text: str, claim: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, noun) for a speaker that stands for a name, else None: kind is 'person', 'group', 'org',
    'same', 'described', 'role', 'spokes' ("a spokeswoman") or 'rep' ("a university spokesman")."""
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
    words = low.split()
    if len(words) == 2 and words[1] in SPOKES_NOUNS and words[0] in ORG_NOUNS and re.search(r"\b(?:a|an)\s+$", before):
        return "rep", words[0]  # "a university spokesman": the university named before, if any
    if low in SPOKES_NOUNS and re.search(r"\b(?:a|an)\s+$", before):
        return "spokes", low  # "A spokeswoman added": the organisation just quoted, if any
    after = _WORD_RE.findall(text[claim["speaker_end"] : claim["speaker_end"] + 20].lower())[:1]
    if low in ORG_NOUNS and after and (after[0] in REPORT_NOUNS or after[0].rstrip("s") in REPORT_NOUNS):
        return "org", low  # "according to council papers": the council named before
    last = (_WORD_RE.findall(low) or [""])[-1]
    if last in DEMONYMS and re.search(r"\bthe\s+$", before) and len(speaker.split()) <= 2:
        return "role", last  # "the Spaniard", "the 24-year-old Kenyan": the person just named
    if speaker.isupper() and speaker.isalpha() and 2 <= len(speaker) <= 5 and re.search(r"\bthe\s+$", before):
        return "acronym", speaker  # "the FA": the "Westshire FA" named before, if any
    if not re.search(r"\b(?:the|its|their)\s+$", before) or (speaker[:1].isupper() and " " not in speaker):
        return None  # only definite descriptions ("the agency"); "Reuters" or "a spokesman" stay
    words = _WORD_RE.findall(low)
    if not words:
        return None
    head = role_head(words)
    original = _WORD_RE.findall(speaker)
    named = any(w[:1].isupper() for w in original[1:])  # "the Foreign Office spokesperson" speaks for it
    if (
        (head in PERSON_ROLE_NOUNS or _AGED_RE.fullmatch(head))
        and len(words) <= 6
        and not (named and (head in REPRESENTATIVE_NOUNS or not original[-1].islower()))
    ):
        return "role", head  # "the ambassador", "the head of the union", "the Kitchen Rules star"
    if named or original[0][:1].isupper():  # "the Netherlands' foreign ministry" is named
        return None
    if len(words) > 3:
        return None
    if len(words) > 1 and not speaker[:1].isupper():
        if head in ORG_NOUNS and claim.get("_represents"):
            return "org", " ".join(words)  # "a spokesperson for the terminal operator": the operator before
        return ("described", " ".join(words)) if head in ORG_NOUNS else None  # "the bus operator": only if so described
    return ("org", head) if head in ORG_NOUNS else ("same", head)


def _role_candidate(
    noun: str, text: str, before: list[Mention], speakers: list[dict[str, Any]], claim_start: int, qualifier: str = ""
) -> Any:
    """The person a role description stands for: an earlier claim's source described with the
    same role, else the nearest person mention the text gives that role (with the description's
    own names, when it has some: "the Calder Vale manager" is not "Redmere manager Siobhan
    Keely"); None keeps it as written."""
    wanted = role_class(noun)
    for prev in reversed(speakers):
        speaker = prev.get("speaker") or ""
        words = _WORD_RE.findall(speaker.lower())
        unnamed = prev.get("_label") is None or not speaker[:1].isupper()  # "senior official at the ministry"
        if words and role_class(role_head(words)) == wanted and unnamed:
            return prev
        if prev.get("_represents") and role_class(prev["_represents"]) == wanted:
            return prev  # "A spokeswoman for Harcourt said ... the spokeswoman added"
    people = [m for m in before if m.label in PERSON_LABELS or _maybe_person(text, m)]  # "Matteo Varga" as ORG
    window = [m for m in people if m.start >= claim_start - ROLE_LOOKBACK_CHARS]
    if qualifier:
        people = [m for m in people if qualifier in text[max(0, m.start - 80) : m.end + 80]] or people
        window = [m for m in window if qualifier in text[max(0, m.start - 80) : m.end + 80]] or window
    for m in reversed(window):
        if described(text, m.start, m.end, noun):
            return m
    # Described further back ("The council's Labour leader, Councillor Denise Whitlow" at the top):
    # that person's nearest mention.
    so = {_surname(text, m) for m in people if described(text, m.start, m.end, noun)}
    found = next((m for m in reversed(people) if _surname(text, m) in so), None)
    if found is not None or noun in COURT_SIDES:
        return found
    prev = speakers[-1] if speakers else None
    if (
        prev is not None
        and prev["end"] >= claim_start - CONTINUES_CHARS
        and (prev.get("_label") in PERSON_LABELS or personlike(prev["speaker"]))
        and not any(m.start >= prev["end"] for m in people)
    ):  # '"...," Holmgaard said. ... The union official added': the source just quoted
        return prev
    # No one is so described: the one person named in the last two sentences ("the striker").
    recent = [m for m in window if m.start >= _sentences_back(text, claim_start, 2)]
    surnames = {_surname(text, m) for m in recent}
    return recent[-1] if len(surnames) == 1 else None


def _surname(text: str, m: Mention) -> str:
    words = text[m.start : m.end].split()
    return words[-1] if words else ""


def _sentences_back(text: str, pos: int, n: int) -> int:
    """Where the sentence `n` sentences before the one at `pos` starts (roughly: by end marks)."""
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text, max(0, pos - 1200), pos)]
    return ends[-n - 1] if len(ends) > n else max(0, pos - 1200)


def _name(text: str, m: Mention, personal: bool) -> tuple[int, int]:
    """The mention without leading titles ("Mr Mujahid" -> "Mujahid", a person's "Striker Marco
    Bellini" -> "Marco Bellini") or "the"."""
    start, end = m.start, m.end
    while True:
        word = _WORD_RE.match(text, start)
        if word is None or word.end() >= end:
            return start, end
        w = word.group().lower().rstrip(".")
        if w not in TITLES and w not in NEWS_TITLES and w != "the" and not (personal and w in PERSON_ROLE_NOUNS):
            return start, end
        nxt = word.end() + (1 if text[word.end() : word.end() + 1] == "." else 0)
        while nxt < end and text[nxt].isspace():
            nxt += 1
        start = nxt


def _described_candidate(
    noun: str, text: str, before: list[Mention], speakers: list[dict[str, Any]], claim_start: int
) -> Any:
    """The source "the spokesperson" or "the regional health authority" stands for: an earlier
    source of that noun whose words fit, else the nearest mention the text describes so."""
    phrase = set(noun.split())
    modifiers = modifiers_of(noun.split())  # "regional health" of "the regional health authority"
    noun = role_head(noun.split())
    for prev in reversed(speakers):
        words = _WORD_RE.findall((prev.get("speaker") or "").lower())
        head = role_head(words)
        if noun in ORG_NOUNS and head in PERSON_ROLE_NOUNS:
            continue  # "a senior official at the transport ministry" is no ministry
        if noun in words and not phrase <= set(words):
            continue  # "the mines ministry" is not "the Netherlands' foreign ministry"
        if (
            head == noun
            or (
                prev["speaker_start"] >= claim_start - ROLE_LOOKBACK_CHARS
                and described(text, prev["speaker_start"], prev["speaker_end"], noun)
            )
        ) and fits(text, prev["speaker_start"], prev["speaker_end"], modifiers):
            return prev
    window = [m for m in before if m.start >= claim_start - ROLE_LOOKBACK_CHARS]
    return next(
        (
            m
            for m in reversed(window)
            if described(text, m.start, m.end, noun) and fits(text, m.start, m.end, modifiers)
        ),
        None,
    )


def _candidate(
    kind: str,
    noun: str,
    text: str,
    before: list[Mention],
    speakers: list[dict[str, Any]],
    claim_start: int,
    genders: dict[str, str],
    qualifier: str = "",
    own: list[Mention] | None = None,
) -> Any:
    """The source a pronoun or description stands for: a pronoun right after a claim by a
    compatible source continues it; else the nearest compatible named mention before the claim
    (gold spans first); a description with its noun in a name ("the authority") takes that name."""
    modifiers: list[str] = []
    if kind == "org" and " " in noun:  # "terminal" of "the terminal operator": the one it is must fit
        modifiers, noun = modifiers_of(noun.split()), role_head(noun.split())
    if kind == "role":
        return _role_candidate(noun, text, before, speakers, claim_start, qualifier)
    if kind == "acronym":
        return acronym_name(noun, text, before, speakers)
    if kind == "rep":
        return represented(noun, text, before, speakers, claim_start)
    if kind == "spokes":
        prev = speakers[-1] if speakers else None
        near = prev is not None and prev["end"] >= claim_start - CONTINUES_CHARS
        orgish = prev is not None and (prev.get("_represents") or prev.get("_label") in ORG_LABELS - {"GPE"})
        return prev if near and orgish else None
    if kind in ("same", "described"):  # "the spokesperson": an earlier source of that noun
        return _described_candidate(noun, text, before, speakers, claim_start)
    labels = {"person": PERSON_LABELS, "group": PERSON_LABELS | ORG_LABELS | {GROUP}}.get(kind) or (
        ORG_LABELS if not noun or noun in STATE_NOUNS else ORG_LABELS - {"GPE"}
    )
    pronoun = kind != "org" or not noun
    if (
        pronoun
        and speakers
        and _continues(speakers[-1], kind, labels, text, before)
        and _agrees(text, speakers[-1], noun, genders)
        and speakers[-1]["end"] >= claim_start - CONTINUES_CHARS
        and not any(m.start >= speakers[-1]["end"] and m.label in labels for m in before)
    ):  # a pronoun continues the last source unless a compatible name comes between
        return speakers[-1]
    if noun and kind == "org":
        found = org_candidate(noun, text, before, speakers, claim_start, labels, own or [], modifiers)
        return found if found is None or fits_found(text, found, modifiers) else None
    pool = [m for m in before if m.label in labels or (kind == "person" and _maybe_person(text, m))]
    if kind == "person" and pronoun_gender(noun):
        pool = [m for m in pool if _gender_of(text, m.start, m.end, genders) in (None, pronoun_gender(noun))]
    pool = [m for m in pool if m.gold] or pool
    return pool[salient(text, pool)] if pool else None


def _maybe_person(text: str, m: Mention) -> bool:
    """A name spaCy did not label a person that may be one: it reads as a person's name, or it is
    a lone proper noun as a subject ("Ruiz spoke to reporters")."""
    name = text[m.start : m.end]
    return personlike(name) or (m.label == UNTAGGED and m.subject and " " not in name)


def _gender_of(text: str, start: int, end: int, genders: dict[str, str]) -> str | None:
    """A person's gender from a title or role beside the mention, else from a pronoun already
    resolved to their surname in this text ("he said" -> Hale is "m")."""
    words = text[start:end].split()
    return gender(text, start, end) or (genders.get(words[-1]) if words else None)


def _agrees(text: str, prev: dict[str, Any], pronoun: str, genders: dict[str, str]) -> bool:
    """Whether the last source's gender, when known, is the pronoun's."""
    wanted = pronoun_gender(pronoun)
    return wanted is None or _gender_of(text, prev["speaker_start"], prev["speaker_end"], genders) in (None, wanted)


def pronoun_gender(pronoun: str) -> str | None:
    return "m" if pronoun in ("he", "him") else "f" if pronoun in ("she", "her") else None


def _continues(prev: dict[str, Any], kind: str, labels: frozenset[str], text: str, before: list[Mention]) -> bool:
    """Whether a pronoun can stand for the last source: a named one of a compatible label (a
    person spaCy labelled otherwise included: "Matteo Varga", or "Nair" after "Priya Nair"), or
    an unnamed one ("a shopkeeper", "the commander") of the right number."""
    label = prev.get("_label")
    speaker = prev.get("speaker") or ""
    if prev.get("_represents") and kind in ("person", "group"):  # "A spokesman for Kestrel said ... He added"
        return _plural(prev["_represents"]) == (kind == "group")
    if label is not None and kind == "person" and label not in labels:
        words = speaker.split()
        return personlike(speaker) or (
            len(words) == 1
            and any(m.label in PERSON_LABELS and text[m.start : m.end].split()[-1:] == words for m in before)
        )
    if label == UNTAGGED and kind == "org":
        return not personlike(speaker)
    if label is not None:
        return label in labels
    if kind == "org":
        return False
    head = role_head(_WORD_RE.findall(speaker.lower())) or " "
    if kind == "person" and head in ORG_NOUNS and head not in PERSON_ROLE_NOUNS:
        return False  # "Indonesia's agriculture ministry said ... he says": no he
    return _plural(head) == (kind == "group")  # "shopkeeper who ..."


def _plural(noun: str) -> bool:
    return (noun.endswith("s") and not noun.endswith("ss")) or noun in (
        "staff",
        "people",
        "team",
        "spokespeople",
        "police",
    )


def resolve_speakers(claims: list[dict[str, Any]], text: str, mentions: list[Mention]) -> list[dict[str, Any]]:
    """Resolve pronoun and description speakers in place (and return the claims).

    `mentions` are the named mentions of the text (from spaCy's entities, or a document's gold
    spans, which are preferred where both are given). A resolved claim's speaker, speaker_start
    and speaker_end point at the mention it resolved to; `speaker_entity` is set when the
    mention is linked to a canonical entity."""
    quoted = find_quotations(text) if mentions else []
    ordered = _known_people(
        text,
        sorted(
            (m for m in mentions if not any(a < m.start < b for a, b in quoted)),  # quoted words never speak
            key=lambda m: (m.start, not m.gold),
        ),
    )
    starts = [m.start for m in ordered]
    seen: list[dict[str, Any]] = []
    genders = _titled_genders(text, ordered)  # surname -> gender, from titles and resolved pronouns
    for claim in claims:
        kind = _kind(text, claim)
        if kind is not None:
            before = ordered[: bisect_left(starts, min(claim["start"], claim["speaker_start"]))]
            qualifier = " ".join(w for w in claim["speaker"].split()[:-1] if w[:1].isupper())  # "Calder Vale"
            own = ordered[len(before) : bisect_left(starts, claim["speaker_start"])]  # the claim's own words first
            found = _candidate(*kind, text, before, seen, claim["start"], genders, qualifier, own)
            if found is not None and kind[0] == "org" and kind[1]:
                claim["_described_as"] = kind[1]
            if found is not None and kind[0] in ("role", "spokes", "rep") and not claim.get("role"):
                claim["role"] = claim["speaker"]  # "According to the ambassador": the role, kept
            elif found is not None and kind[0] in ("org", "same", "described") and kind[1] and not claim.get("role"):
                claim["role"] = claim["speaker"]  # "the bank said": the Bank of Corvel, the description kept
            spokes = claim["speaker"].split()[-1].lower()
            _take(claim, found, kind[0], text, before, quoted)
            if found is not None and kind[0] == "rep":
                claim["_represents"] = spokes  # "... a company spokesman said. He added": the spokesman
        elif claim.get("speaker_start") is not None:
            label = _label_at(ordered, claim["speaker_start"], claim["speaker_end"])
            if label in PERSON_LABELS:  # "Holmgaard" (spaCy: an organisation) named a person before
                claim["_label"] = label
            elif label == "ORG" and claim.get("_label") in PERSON_LABELS and org_name(claim["speaker"]):
                claim["_label"] = label  # "Kestrel Airlines said" (spaCy: a person)
            claim.setdefault("_label", label)
        if kind is not None and kind[0] == "person" and pronoun_gender(kind[1]) and claim.get("speaker"):
            genders.setdefault(claim["speaker"].split()[-1], pronoun_gender(kind[1]) or "")
        if claim.get("speaker"):
            seen.append(claim)
    for claim in claims:
        claim["role"] = bare_role(claim.get("role"))
        claim.pop("_label", None)
        claim.pop("_represents", None)
        claim.pop("_described_as", None)
    return claims


def _take(claim: dict[str, Any], found: Any, kind: str, text: str, before: list[Mention], quoted: Any) -> None:
    """Point the claim's speaker at what it resolved to: a mention (a person's name as spelled at
    its nearest mention, an organisation's by its own spelling rules) or an earlier claim's source."""
    limit = min(claim["start"], claim["speaker_start"])
    if isinstance(found, Mention):
        personal = kind in ("person", "role") or found.label in PERSON_LABELS
        s, e = _name(text, found, personal)
        s, e = nearest_spelling(text, s, e, limit, quoted) if personal else _org_spelling(text, s, e, before)
        claim.update(speaker=text[s:e], speaker_start=s, speaker_end=e, _label=found.label)
        if found.entity is not None:
            claim["speaker_entity"] = found.entity
    elif found is not None:
        s, e = found["speaker_start"], found["speaker_end"]
        named = (found.get("speaker") or "")[:1].isupper()  # "source at the league" has no other spelling
        if kind in ("person", "role") and not found.get("_represents") and named:
            s, e = nearest_spelling(text, s, e, limit, quoted)
        claim.update(speaker=text[s:e], speaker_start=s, speaker_end=e, _label=found.get("_label"))
        if found.get("_represents"):
            claim["_represents"] = found["_represents"]


def _titled_genders(text: str, mentions: list[Mention]) -> dict[str, str]:
    """{surname: "f" | "m"} for the people a title or role beside one of their mentions gives a
    gender ("Ms Vance" makes "Councillor Rosa Vance" a she); a surname both ways is left out."""
    found: dict[str, set[str]] = {}
    for m in mentions:
        g = gender(text, m.start, m.end) if m.label in PERSON_LABELS else None
        words = text[m.start : m.end].split()
        if g and words:
            found.setdefault(words[-1], set()).add(g)
    return {name: next(iter(gs)) for name, gs in found.items() if len(gs) == 1}


def _org_spelling(text: str, start: int, end: int, before: list[Mention]) -> tuple[int, int]:
    """An organisation's name as spelled at its nearest mention: a later mention that is its
    acronym ("Baltic Gateway Terminals (BGT) ... BGT") or its first words ("Nordhavn Bank ...
    Nordhavn"); start..end when there is none."""
    words = text[start:end].split()
    acronym = "".join(w[0] for w in words if w[:1].isupper())
    for m in reversed(before):
        if m.start < end:
            break
        other = text[m.start : m.end].split()
        if m.label in PERSON_LABELS and len(other) > 1:
            continue  # a person's name; a lone first word of the name is its short form ("Kestermann")
        if text[end : m.start].strip() == "(":
            continue  # "Baltic Gateway Terminals (BGT)": the name's own acronym, not a later mention
        if (len(acronym) >= 2 and other == [acronym]) or (0 < len(other) < len(words) and words[: len(other)] == other):
            return m.start, m.end
    return start, end


def _known_people(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mentions (in text order) relabelled PERSON when their last word is the surname of a person
    named before ("Sofia Marquez ... Later, Marquez returned": spaCy often tags the second
    mention as nothing or as an organisation) or a name the text gives an age ("Sutrisno, 58,")."""
    surnames = {w for w in _AGE_GIVEN_RE.findall(text) if w[:1].isupper()}  # "Sutrisno, 58," (spaCy: a place)
    out = []
    for m in mentions:
        words = text[m.start : m.end].split()
        if m.label in PERSON_LABELS:
            surnames.update(words[-1:])
        elif words and words[-1] in surnames and len(words) <= 3 and not named_after(text, m.end):
            m = Mention(m.start, m.end, "PERSON", m.entity, m.gold, m.subject)
        out.append(m)
    return out


def _label_at(mentions: list[Mention], start: int, end: int) -> str | None:
    for m in mentions:
        if m.start < end and start < m.end:
            return m.label
    return None
