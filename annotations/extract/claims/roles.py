"""Who a source is, once its words are found: the name apart from its title or role ("Taliban
spokesman | Zabihullah Mujahid"), an appositive's role, and the named organisation an unnamed
representative speaks for ("a spokeswoman for Harcourt Engineering" -> Harcourt Engineering)."""

from __future__ import annotations

from typing import Any

from annotations.extract.claims.cues import LEADING_DROPPED, in_quotes, is_title, proper_noun, speaker_span
from annotations.extract.claims.lexicon import (
    NAME_PARTICLES,
    ORG_NOUNS,
    REPRESENTATIVE_NOUNS,
    REPRESENTATIVE_PREPS,
    SPOKES_NOUNS,
)
from annotations.extract.claims.names import role_word
from annotations.extract.claims.referents import personlike

_ROLE_DETERMINERS = frozenset("the a an its their".split())


def bare_role(role: str | None) -> str | None:
    """A role as the gold conventions write it: without a leading article or "its"/"their"
    ("Their leader" -> leader, "its treasurer" -> treasurer); a possessor that names someone
    stays ("Voltara's chief executive", "his lawyer")."""
    if not role:
        return role
    words = role.split()
    while len(words) > 1 and words[0].lower() in _ROLE_DETERMINERS:
        words = words[1:]
    return " ".join(words) if len(words) < len(role.split()) else role


def appositive_role(doc: Any, who: Any, lo: int, hi: int) -> tuple[int, int] | None:
    """The role an appositive gives a named source: "Zabihullah Mujahid, the movement's chief
    spokesman, said" or "A Taliban spokesman, Zabihullah Mujahid, said" -> the spokesman part."""
    if who.pos_ == "NOUN" and any(c.dep_ == "appos" for c in who.children):
        role = [
            t.i
            for t in who.subtree
            if (t.i == who.i or t.dep_ != "appos")  # the role may itself be an appositive ("..., the UN envoy, X")
            and not any(a.dep_ == "appos" and t in a.subtree for a in who.children)
        ]
    else:
        appos = next((c for c in who.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
        role = [t.i for t in appos.subtree] if appos is not None else []
    role = [i for i in role if lo <= i < hi]
    while role and (doc[role[0]].is_punct or doc[role[0]].lower_ in ("the", "a", "an")):
        role = role[1:]
    while role and doc[role[-1]].is_punct:
        role = role[:-1]
    if not role or len(role) > 8 or role != list(range(role[0], role[-1] + 1)):
        return None
    return role[0], role[-1] + 1


def represented(
    doc: Any, who: Any, lo: int, hi: int, inner: tuple[tuple[int, int], ...] = ()
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """An unnamed representative of a named organisation ("a spokeswoman for Harcourt
    Engineering", "analysts at Nordbank"): the organisation's token range (the source) and the
    description's (its role); None for anyone else ("officials at the department": unnamed)."""
    if who is None or who.pos_ != "NOUN":
        return None
    if who.lemma_.lower() not in REPRESENTATIVE_NOUNS and who.lower_ not in REPRESENTATIVE_NOUNS:
        return None
    spokes = who.lemma_.lower() in SPOKES_NOUNS or who.lower_ in SPOKES_NOUNS
    for prep in who.children:
        if (
            prep.dep_ != "prep"
            or prep.i < who.i
            or not (prep.lower_ in REPRESENTATIVE_PREPS or (spokes and prep.lower_ == "of"))
        ):
            continue
        org = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if org is None or not lo <= org.i < hi or in_quotes(org, inner):
            continue
        named = org.ent_type_ in ("ORG", "NORP", "FAC") or (
            org.pos_ == "PROPN" and org.ent_type_ not in ("PERSON", "GPE")
        )
        described = (  # "a spokesperson for the terminal operator": the operator named before
            spokes
            and org.pos_ == "NOUN"
            and org.lemma_.lower() in ORG_NOUNS
            and any(c.dep_ == "det" and c.lower_ == "the" for c in org.children)
        )
        if not (named or described):
            continue
        a, b = speaker_span(doc, org, lo, hi, inner) if named else (org.left_edge.i + 1, org.i + 1)
        start = who.left_edge.i
        while start < who.i and (doc[start].is_punct or doc[start].lower_ in LEADING_DROPPED):
            start += 1
        return (a, b), (max(start, lo), who.i + 1)
    return None


def _described_name(doc: Any, start: int, end: int) -> int | None:
    """Where the name starts after a lower-case description ending in a common noun right before
    it ("national statistics office | Statec"), when the name is no person's; else None."""
    k = end
    while k > start and doc[k - 1].text[:1].isupper() and (doc[k - 1].pos_ == "PROPN" or doc[k - 1].ent_type_):
        k -= 1
    if k == end or k == start or doc[end - 1].ent_type_ == "PERSON":
        return None
    before = doc[k - 1]
    if before.pos_ != "NOUN" or not before.text.islower() or is_title(before) or before.head.i < k:
        return None
    return k


def split_role(doc: Any, start: int, end: int) -> tuple[int, int, tuple[int, int] | None]:
    """Titles and roles before a name ("Taliban spokesman Zabihullah Mujahid") cut off the speaker
    and returned apart as the role's token range (None when there is none); an organisation's
    name is whole ("Brightwater General Hospital"), but a description before it is its role
    ("the national statistics office Statec", "employers' group Fedil")."""
    named = _described_name(doc, start, end)
    if named is not None:
        return named, end, (start, named)
    k = start
    while k < end - 2 and role_word(doc[k]) and doc[k].text[:1].isupper():
        k += 1
    if k > start and personlike(doc[k:end].text):  # "Meteorologist Siri Nygaard" (spaCy: one organisation)
        return k, end, (start, k)
    if doc[end - 1].ent_type_ in ("ORG", "FAC", "GPE", "NORP") and (
        all(t.ent_type_ == doc[end - 1].ent_type_ for t in doc[start:end])
        or any(t.dep_ == "case" for t in doc[start:end])  # "the city's transport department"
    ):
        return start, end, None  # an organisation's name or description: no title to cut
    cut = start
    for i in range(start, end - 1):
        tok = doc[i]
        if (
            is_title(tok)
            or tok.pos_ == "NOUN"
            or (tok.ent_type_ and tok.ent_type_ != "PERSON" and doc[end - 1].ent_type_ == "PERSON")
        ):
            if proper_noun(doc[i + 1]) or is_title(doc[i + 1]):
                cut = i + 1
    while cut < end - 1 and (is_title(doc[cut]) and proper_noun(doc[cut + 1])):
        cut += 1
    last = doc[end - 1]
    if last.dep_ == "pobj" and start <= last.head.i < end:
        return start, end, None  # "former colleague of Keane": the name is the description's object
    if last.ent_type_ == "PERSON":  # "Councilwoman Maria Delgado": the person entity is the name
        e = end - 1
        while e > start and last.ent_iob_ != "B" and doc[e].ent_iob_ == "I":
            e -= 1
        if end - e == 1 and e > cut and _untagged_name_word(doc[e - 1]):
            e -= 1  # "Teplárny | Jih" (spaCy: a one-word person "Jih"): the word before is the name's
        cut = max(cut, e)
    if not proper_noun(doc[end - 1]):
        return start, end, None
    while cut > start and doc[cut - 1].lower_ in NAME_PARTICLES:
        cut -= 1  # "Van der Berg": the particles are the surname's, no role
    return cut, end, ((start, cut) if cut > start and any(not doc[i].is_punct for i in range(start, cut)) else None)


def _untagged_name_word(tok: Any) -> bool:
    """A capitalised proper noun with no entity that is no title or role ("Teplárny")."""
    return (
        tok.pos_ == "PROPN"
        and not tok.ent_type_
        and tok.text[:1].isupper()
        and tok.is_alpha
        and not is_title(tok)
        and not role_word(tok)
    )
