"""Phase 3: what kind of claim a unit is (quote, quantity, statement) and its stance (denied,
hedged, asserted, reported) from its cue and its wording."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from annotations.extract.claims.cues import Cue, lemma
from annotations.extract.claims.lexicon import (
    BELIEF_VERBS,
    DENIAL_RE,
    DENIAL_VERBS,
    FACTIVE_VERBS,
    HEARSAY_ADVERBS,
    HEDGE_ADVERBS,
    HEDGE_MODALS,
    NOT_QUANTITIES,
    VERIFY_RE,
)
from annotations.extract.claims.units import Unit

_SMALL = frozenset("three four five six seven eight nine ten several few".split())


def is_quantity(qents: list[Any], qstarts: list[int], unit: Unit) -> bool:
    """Whether a number entity attached to a noun drives the unit (qents: sorted number ents)."""
    for k in range(bisect_left(qstarts, unit.start), len(qents)):
        ent = qents[k]
        if ent.start >= unit.end:
            break
        if ent.end > unit.end or (unit.quotes and unit.inside_quote(ent[0])):
            continue
        if any(a.dep_ == "relcl" for a in ent.root.ancestors):
            continue  # "The 23-year-old, who scored 14 goals last season, said ...": an aside
        if _counts(ent):
            return True
    return False


def _counts(ent: Any) -> bool:
    low = ent.text.lower()
    if low in NOT_QUANTITIES:
        return False
    if ent.label_ != "CARDINAL":
        return True  # percent, money and quantities carry their own unit
    root = ent.root
    if low in _SMALL and not any(c.dep_ in ("quantmod", "advmod") for c in root.children):
        return False  # "three weeks after", "two sides": a small number in words is rarely the point
    if root.dep_ in ("nummod", "quantmod", "compound", "amod") and root.head.pos_ in ("NOUN", "PROPN"):
        if not (ent.start <= root.head.i < ent.end):
            return True
    for tok in ent:
        outside = not (ent.start <= tok.head.i < ent.end)
        if tok.dep_ == "nummod" and tok.head.pos_ in ("NOUN", "PROPN") and outside:
            return True
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in root.children):
        return True  # "hundreds of families", "600 of them"
    return root.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and root.pos_ == "NUM"


def is_hedged(doc: Any, text: str, unit: Unit, start: int, end: int) -> bool:
    """Hedge words outside the source's quoted words, or a verification disclaimer."""
    for tok in doc[start:end]:
        if unit.quotes and unit.inside_quote(tok):
            continue
        low = tok.lower_
        if low in HEDGE_ADVERBS or (low in HEDGE_MODALS and tok.tag_ == "MD"):
            return True
    return bool(VERIFY_RE.search(text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]))


def is_denial(doc: Any, text: str, unit: Unit, start: int, end: int, cue: Cue | None) -> bool:
    """The source denies: a denial verb as the cue or beside it, or wording that calls it false."""
    if cue is not None and cue.lemma in DENIAL_VERBS:
        return True
    for tok in doc[start:end]:
        if unit.quotes and unit.inside_quote(tok):
            continue
        if (
            tok.pos_ == "VERB"
            and lemma(tok) in DENIAL_VERBS
            and tok.dep_ not in ("relcl", "acl")
            and not any(c.dep_ == "neg" for c in tok.children)
        ):
            return True
    return bool(DENIAL_RE.search(text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]))


def stance_of(doc: Any, text: str, unit: Unit, start: int, end: int, cue: Cue | None) -> str:
    if is_denial(doc, text, unit, start, end, cue):
        return "denied"
    if is_hedged(doc, text, unit, start, end) or (
        cue is not None and (cue.lemma in BELIEF_VERBS or cue.lemma in HEARSAY_ADVERBS)
    ):
        return "hedged"
    if cue is not None and cue.lemma in FACTIVE_VERBS:
        return "asserted"
    return "reported"
