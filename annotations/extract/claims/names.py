"""Sources named where spaCy's parse or entities miss them, read off capitalisation and commas.

    named_source(doc, verb, who, lo, hi) -> ((name start, end), role range or None) | None
    role_word(tok) -> bool         a title or occupation written before a name ("Meteorologist")

The small English model mistakes names it has not seen: "Per Haugland" reads as a preposition
and an object, "Hanne Strand" as a building, "Magnus Rø" as a place, and it hangs an appositive
name on the organisation before it ("An analyst at Fjord Capital, Magnus Rø, said"). The layout
of a news attribution says who speaks whatever the tags: a run of capitalised words set off by
commas beside a description of a person is that person's name ("Its director, Per Haugland,
said" / "Per Haugland, the authority's director, said"), and a description written right
before a name is its role ("The delegate Zed Karlsen of BlinkCorp said").
"""

from __future__ import annotations

import re
from typing import Any

from annotations.extract.claims.cues import LEADING_DROPPED, is_title
from annotations.extract.claims.lexicon import PERSON_ROLE_NOUNS, REPORT_NOUNS, REPRESENTATIVE_NOUNS
from annotations.extract.claims.referents import personlike

_OCCUPATION_RE = re.compile(r"(?:ologist|ist|ician|grapher|nomist)$")  # "Meteorologist", "Economist"
_PLACE_LABELS = frozenset({"GPE", "LOC", "DATE", "TIME", "NORP"})
_MAX_ROLE_TOKENS = 10


def role_word(tok: Any) -> bool:
    """A title or a person's occupation ("Mayor", "Commander", "Meteorologist", "Economist")."""
    low = tok.lower_.rstrip(".")
    return is_title(tok) or low in PERSON_ROLE_NOUNS or (len(low) >= 6 and _OCCUPATION_RE.search(low) is not None)


def _name_run(doc: Any, a: int, b: int) -> bool:
    """Whether tokens a..b are a person's name as written: two or three capitalised words (none a
    title, an organisation's or a place's word), not all one place or date entity."""
    if not 2 <= b - a <= 3 or any(not doc[i].is_alpha or role_word(doc[i]) for i in range(a, b)):
        return False
    if not personlike(doc[a:b].text):
        return False
    labels = {doc[i].ent_type_ for i in range(a, b)}
    whole = doc[a].ent_iob_ == "B" and (b >= len(doc) or doc[b].ent_iob_ != "I")
    return not (whole and len(labels) == 1 and labels <= _PLACE_LABELS)


def _person_noun(tok: Any) -> bool:
    low = tok.lemma_.lower()
    return tok.pos_ == "NOUN" and (
        low in PERSON_ROLE_NOUNS or low in REPRESENTATIVE_NOUNS or tok.lower_ in REPRESENTATIVE_NOUNS or role_word(tok)
    )


def _trimmed(doc: Any, a: int, b: int) -> tuple[int, int] | None:
    """A description's token range without leading determiners and possessives or punctuation."""
    while a < b and (doc[a].is_punct or doc[a].lower_ in LEADING_DROPPED):
        a += 1
    while b > a and doc[b - 1].is_punct:
        b -= 1
    return (a, b) if 0 < b - a <= _MAX_ROLE_TOKENS else None


def _segments(doc: Any, lo: int, end: int) -> list[tuple[int, int]]:
    """The comma-separated stretches of tokens lo..end."""
    out, start = [], lo
    for i in range(lo, end):
        if doc[i].text == ",":
            out.append((start, i))
            start = i + 1
    out.append((start, end))
    return out


def _before_verb(doc: Any, verb: Any, lo: int) -> int:
    """Where the attribution before the verb ends: the verb, or the adverbs right before it
    ("..., also said")."""
    k = verb.i
    while k - 1 > lo and doc[k - 1].pos_ in ("ADV", "AUX") and doc[k - 1].text.islower():
        k -= 1
    return k


def _describes_person(doc: Any, a: int, b: int) -> bool:
    """A description of a person: its head a person's noun, no verb in it ("the authority's
    director", "a spokesman for the Varsund Post", "the head of the union")."""
    if any(doc[i].pos_ in ("VERB", "AUX") or (doc[i].text in REPORT_NOUNS) for i in range(a, b)):
        return False
    head = next((doc[i] for i in range(a, b) if doc[i].pos_ == "NOUN"), None)
    for i in range(a, b):  # the head is the noun before "of"/"for"/"at"
        if doc[i].pos_ == "ADP":
            break
        if doc[i].pos_ == "NOUN":
            head = doc[i]
    if head is None or not _person_noun(head):
        return False
    first = doc[a]
    return first.text[:1].islower() or first.pos_ in ("DET", "PRON", "NUM") or first.lower_ in LEADING_DROPPED


def named_source(
    doc: Any, verb: Any, who: Any, lo: int, hi: int
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The name and role token ranges of a source the commas and capitals name before the cue
    verb, where the parse has none or a description: "Its director, Per Haugland, said", "Per
    Haugland, the authority's director, said", "The delegate Zed Karlsen of BlinkCorp said"."""
    end = _before_verb(doc, verb, lo)
    if who is not None and who.i > verb.i:
        return None  # inverted ("said X"): the parse's subject stands
    if who is None or who.pos_ == "NOUN":
        parts = _segments(doc, lo, end)
        if len(parts) >= 3 and parts[-1][0] == parts[-1][1]:  # "..., NAME, said"
            (d0, d1), (n0, n1) = parts[-3], parts[-2]
            first = d0 == lo or doc[d0 - 1].text == ","
            last = doc[d1 - 1]
            places = last.pos_ == "NOUN" and any(doc[i].pos_ == "ADP" for i in range(d0, d1))  # "in the capital, X"
            if first and not places and _name_run(doc, n0, n1) and _describes_person(doc, d0, d1):
                return (n0, n1), _trimmed(doc, d0, d1)  # "Its director, Per Haugland, said"
            if first and _name_run(doc, d0, d1) and _describes_person(doc, n0, n1) and _no_subject(doc, verb, lo):
                return (d0, d1), _trimmed(doc, n0, n1)  # "Per Haugland, the authority's director, said"
    if who is not None and who.pos_ == "PROPN":
        return _first_name_misread(doc, verb, who, lo)
    if who is not None and who.pos_ == "NOUN" and _person_noun(who):
        k = who.i + 1
        while k < end and doc[k].text[:1].isupper() and doc[k].is_alpha:
            k += 1
        if k - who.i - 1 >= 2 and _name_run(doc, who.i + 1, k):
            return (who.i + 1, k), _trimmed(doc, who.left_edge.i, who.i + 1)  # "The delegate Zed Karlsen of X said"
    return None


def _no_subject(doc: Any, verb: Any, lo: int) -> bool:
    """Whether the parse found the verb no subject of its own before it (the name misread)."""
    return not any(
        c.dep_ in ("nsubj", "nsubjpass", "csubj") and lo <= c.i < verb.i and c.pos_ != "NOUN" for c in verb.children
    )


def _first_name_misread(doc: Any, verb: Any, who: Any, lo: int) -> tuple[tuple[int, int], None] | None:
    """A first name the parser read as a preposition or a conjunction of the main verb, which
    cannot have one ("Per Olsen said": "Per" a marker of "said"): the name starts there."""
    s = who.i
    while s - 1 >= lo and doc[s - 1].dep_ in ("compound", "flat") and doc[s - 1].head.i == who.i:
        s -= 1
    k = s - 1
    if k < lo or (k > lo and not doc[k - 1].is_punct) or verb.dep_ != "ROOT":
        return None
    tok = doc[k]
    misread = tok.dep_ in ("mark", "prep") and tok.head.i in (verb.i, who.i) and tok.pos_ in ("ADP", "SCONJ")
    if misread and tok.is_alpha and tok.text[:1].isupper() and tok.text[1:].islower():
        return (k, who.i + 1), None
    return None


def _misread(doc: Any, i: int, lo: int) -> bool:
    """A capitalised word inside a sentence the parser took for a preposition or conjunction
    ("said Per Holm"): English writes those in lower case there, so it is part of a name."""
    tok = doc[i]
    inside = (i > lo and not doc[i - 1].is_punct) or (i > lo and doc[i - 1].text == ",")
    return (
        inside
        and tok.pos_ in ("ADP", "SCONJ", "CCONJ", "X")
        and tok.is_alpha
        and tok.text[:1].isupper()
        and tok.text[1:].islower()
        and i + 1 < len(doc)
        and doc[i + 1].pos_ == "PROPN"
        and doc[i + 1].text[:1].isupper()
    )


def mend_name(doc: Any, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """A speaker's token range with the name it stops short of: a first name the parser misread
    ("said | Per | Holm", "Chief Physician | Per Vestergaard")."""
    if start - 1 >= lo and _misread(doc, start - 1, lo) and doc[start].pos_ == "PROPN":
        start -= 1
    k = end - 1 if _misread(doc, end - 1, lo) else end if end < hi and _misread(doc, end, lo) else None
    if k is not None and doc[k - 1 if k > start else k].text[:1].isupper():
        end = k + 1
        while end < hi and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() and doc[end].is_alpha:
            end += 1
    return start, end
