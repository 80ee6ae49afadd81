"""What a description or pronoun can stand for, read off the text around a named mention.

    role_head(words) -> str                 "head of the union" -> "head"; "union leader" -> "leader"
    described(text, start, end, noun)       the text around the mention gives it that role or kind
    gender(text, start, end) -> "f" | "m" | None
    salient(text, pool) -> index            the subject of the sentence the nearest mention is in

All on character offsets, so they work the same on spaCy's entities and on gold spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from annotations.extract.claims.lexicon import (
    FEMALE_FIRST_NAMES,
    MALE_FIRST_NAMES,
    NAME_PARTICLES,
    NEWS_TITLES,
    NOT_PERSON_NAME_WORDS,
    ORG_FAMILIES,
    ORG_NOUNS,
    PERSON_ROLE_NOUNS,
    ROLE_SYNONYMS,
)
from annotations.extract.normalize import ORG_DESIGNATORS, TITLES

_WORD_RE = re.compile(r"[\w’'-]+")
_PREPS = frozenset("of for at in with from on".split())
_POSTMODIFIERS = frozenset("to close familiar involved briefed based who that which".split())
ROLE_WORDS = TITLES | NEWS_TITLES | PERSON_ROLE_NOUNS | ORG_NOUNS  # capitalised, still a title
# Words that end a title before a name: a clause's words, not a description ("... that the
# authority would ask | Nordhavn Line" gives Nordhavn Line no title).
_NOT_TITLE = frozenset(
    """the a an that which who whom would will could should can may might must said says say told
    and or but to is was were are be been being has had have do did does not it they he she we""".split()
)
_PARTICLE_RE = re.compile(
    r"(?<![\w’'-])(?:(?:" + "|".join(sorted(NAME_PARTICLES)) + r")\s+)+\Z", re.IGNORECASE
)  # "de Wit", "Van der Berg": the surname whole
_NAMED_AFTER = re.compile(r"[’']s\s+[A-Z]")  # "Reardon's Hardware": a business, not the person
_SENTENCE_END = re.compile(r"[.!?][’'”\"]?\s")
_FEMALE = re.compile(
    r"\b(?:mrs|ms|miss|madam|dame|lady|queen|princess|spokeswoman|chairwoman|councilwoman|congresswoman"
    r"|businesswoman|sportswoman|policewoman|mother|wife|daughter|sister|grandmother)\b\.?",
    re.IGNORECASE,
)
_MALE = re.compile(
    r"\b(?:mr|sir|lord|king|prince|spokesman|chairman|councilman|congressman|businessman|sportsman"
    r"|policeman|father|husband|son|brother|grandfather)\b\.?",
    re.IGNORECASE,
)


def role_head(words: Sequence[str]) -> str:
    """The head noun of a description: its last word before a preposition or a postmodifier
    ("head of the union", "engineer involved in the mission", "source close to the talks")."""
    for k, w in enumerate(words):
        if (w in _PREPS or w in _POSTMODIFIERS) and k > 0:
            return words[k - 1]
    return words[-1] if words else ""


def role_class(noun: str) -> str:
    return ROLE_SYNONYMS.get(noun, noun)


def _around(text: str, start: int, end: int) -> tuple[str, str]:
    """The same sentence's text just before a mention (its title) and after it (an appositive,
    a relative clause)."""
    before = _SENTENCE_END.split(text[max(0, start - 40) : start])[-1]
    after = _SENTENCE_END.split(text[end : end + 120] + " ")[0]
    if not after.lstrip(" ").startswith((",", "(", "—", "–")):
        after = ""  # only an appositive or a clause set off after it: "told CLR that the operator..." is not
    return before, after


def described(text: str, start: int, end: int, noun: str, *, by_head: bool = False) -> bool:
    """Whether the text gives the mention at start..end the role or kind `noun`: in its name
    ("Riverside Transit Authority" for "the authority"), a title before it ("Ambassador Elena
    Marsh"), an appositive or clause after it ("Jorge Tallis, the head of the union", "Kestrel
    Ferries, the island's main operator", "Elena Marsh, who leads the delegation"). `by_head`:
    only the title and the word of the name that says what it is ("University of Castlemere",
    not "University and College Union", for "the university")."""
    before, after = _around(text, start, end)
    wanted = role_class(noun)
    named = _name_head(text[start:end]) if by_head else f"{text[start:end]} {after}"
    own = _WORD_RE.findall(text[start:end].lower())  # its own name: "Nordbank", "Volkenmuseum"
    for w in _WORD_RE.findall(f"{_title_words(before)} {named}".lower()):
        if (
            role_class(w) == wanted
            or w in (f"{noun}s", f"{noun}es")
            or (len(noun) >= 4 and len(w) > len(noun) + 2 and w.endswith(noun) and w in own)  # "Volkenmuseum"
            or (len(noun) >= 5 and _common_prefix(w, noun) >= len(noun) - 1)
        ):
            return True  # "authorities" for "the authority"; "minister" is no "ministry"
    return False


def name_family(name: str) -> str | None:
    """The family of organisation a name says it is ("Varsund Post": press, "Norwegian
    Seafarers' Union": union), None when its words do not say (lexicon.ORG_FAMILIES)."""
    word = _name_head(name).lower().rstrip(".,")
    return ORG_FAMILIES.get(word)


def a_company(text: str, start: int, end: int) -> bool:
    """Whether the text calls the mention a business of some kind around it ("salmon producer
    Havlys", "Voltara Mobilidade, the bus maker"): what "the company" may loosely stand for."""
    before, after = _around(text, start, end)
    words = _WORD_RE.findall(f"{_title_words(before)} {text[start:end]} {after}".lower())
    return any(ORG_FAMILIES.get(w) == "business" for w in words)


def fits(text: str, start: int, end: int, modifiers: Sequence[str]) -> bool:
    """Whether every modifier of a description ("regional", "health" of "the regional health
    authority") is said of the mention, in its name or around it ("Baltic Gateway Terminals" for
    "the terminal operator"; not "Norwegian Maritime Authority" for the health authority)."""
    return all(described(text, start, end, w) for w in modifiers)


def _name_head(name: str) -> str:
    """The word of a name that says what it is: the last, or the one before "of" ("University of
    Castlemere"); "University and College Union" is a union, no university."""
    words = name.split()
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return " ".join(words[-1:])


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _title_words(before: str) -> str:
    """The words right before a mention that can be its title or description ("Finnish
    manufacturer | Kovari Cargotec", "Labour leader, Councillor | Denise Whitlow"): back to a
    preposition or a capitalised word that is no role ("... Cargotec for its | Rendsholm")."""
    words = _WORD_RE.findall(before)
    k = len(words)
    while k > 0:
        w = words[k - 1]
        low = w.lower()
        if low in _PREPS or low in _NOT_TITLE or (w[:1].isupper() and low not in ROLE_WORDS):
            break
        k -= 1
    return " ".join(words[k:])


def gender(text: str, start: int, end: int) -> str | None:
    """'f' or 'm' when a title or role next to the mention says so ("Ms Achebe", "Paul Grant,
    the council's spokesman"), else when its first name is a common one of one gender ("Maria
    Sandoval"), else None."""
    before, after = _around(text, start, end)
    near = f"{before[-12:]} {text[start:end]} {after[:60]}"
    female, male = bool(_FEMALE.search(near)), bool(_MALE.search(near))
    if female != male:
        return "f" if female else "m"
    words = text[start:end].split()
    first = words[0].lower() if len(words) > 1 else ""  # "Maria Sandoval": a first name that says it
    return "f" if first in FEMALE_FIRST_NAMES else "m" if first in MALE_FIRST_NAMES else None


def personlike(name: str) -> bool:
    """Whether a name spaCy labelled otherwise reads as a person's ("Matteo Varga": two or
    three capitalised words, none an organisation's or a place's word)."""
    words = name.split()
    if not 2 <= len(words) <= 3:
        return False
    for w in words:
        low = w.lower()
        if not (w[:1].isupper() and w[1:2].islower()) or low in ORG_NOUNS or low in ORG_DESIGNATORS:
            return False
        if low in NOT_PERSON_NAME_WORDS:
            return False
    return True


def nearest_spelling(text: str, start: int, end: int, limit: int, quoted: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The person's name as spelled at its last mention before `limit` ("Priya Nair ... Nair
    told reporters ... She added": "Nair"), outside quotations; start..end when there is none."""
    name = text[start:end]
    surname = name.split()[-1] if name.split() else ""
    if len(surname) < 2:
        return start, end
    found = None
    for m in re.finditer(rf"(?<![\w’'-]){re.escape(surname)}(?![\w-])", text[end:limit]):
        p = end + m.start()
        if not any(a < p < b for a, b in quoted) and not named_after(text, end + m.end()):
            found = p
    if found is None:
        return start, end
    particle = _PARTICLE_RE.search(text, max(0, found - 24), found)  # "de Wit", "van der Berg": the surname whole
    if particle is not None and particle.end() == found:
        found = particle.start()
        surname = text[found : found + len(particle.group()) + len(surname)]
    if text[max(0, found + len(surname) - len(name)) : found + len(surname)] == name:
        return found + len(surname) - len(name), found + len(surname)
    return found, found + len(surname)


def named_after(text: str, end: int) -> bool:
    """Whether the name ending at `end` names a business after it ("Reardon's Hardware")."""
    return _NAMED_AFTER.match(text, end) is not None


def salient(text: str, pool: Sequence[Any]) -> int:
    """Of mentions (with start and subject) in text order, the one a pronoun most likely means:
    the subject of the sentence the nearest one is in, else the nearest."""
    nearest = pool[-1]
    lo = max(0, nearest.start - 400)
    cut = max((m.end() for m in _SENTENCE_END.finditer(text, lo, nearest.start)), default=lo)
    for k in range(len(pool)):
        m = pool[k]
        if m.start >= cut and m.subject:
            return k
    return len(pool) - 1
