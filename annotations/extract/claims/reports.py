"""A report named again: "The memo estimated ..." after "according to a budget memo" (a claim by
the district) or "The Tarlow Institute published a report. The report found ..." is the report's
author's claim, not a speakerless one.

    earlier_report_authors(doc, text, claims) -> claims    speakerless "the <report noun>" claims given their author

A claim with no speaker whose cue's subject is "the" + a report noun (lexicon.REPORT_NOUNS) takes,
from the last earlier mention of that noun (within lexicon.ROLE_LOOKBACK_CHARS, outside this
claim): the speaker of the claim holding it, else the subject of its sentence when that is a
named organisation or person. Anything else stays speakerless.
"""

from __future__ import annotations

import re
from typing import Any

from annotations.extract.claims.lexicon import REPORT_NOUNS, ROLE_LOOKBACK_CHARS

_NAMED = ("ORG", "PERSON", "GPE", "NORP")


def _report_noun(doc: Any, claim: dict[str, Any]) -> str | None:
    """The noun of a claim's definite report subject ("The memo estimated" -> "memo"), else None."""
    if claim.get("speaker") is not None or claim.get("cue_start") is None:
        return None
    span = doc.char_span(claim["cue_start"], claim["cue_end"], alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    subj = next((c for c in span[0].children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.lower_ not in REPORT_NOUNS:
        return None
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children):
        return None
    if any(c.dep_ in ("prep", "poss", "compound", "acl", "relcl") for c in subj.children):
        return None  # "the report by X", "the May report": its own author or none to look for
    return str(subj.lower_)


def _author_at(doc: Any, text: str, claims: list[dict[str, Any]], pos: int) -> tuple[str, int, int] | None:
    holder = next((c for c in claims if c["start"] <= pos < c["end"] and c.get("speaker")), None)
    if holder is not None:
        return holder["speaker"], holder["speaker_start"], holder["speaker_end"]
    tok = doc.char_span(pos, pos + 1, alignment_mode="expand")
    if tok is None or len(tok) == 0:
        return None
    sent = tok[0].sent
    root = sent.root
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.ent_type_ not in _NAMED:
        return None
    ent = next((e for e in doc.ents if e.start <= subj.i < e.end), None)
    if ent is None:
        return None
    if ent[0].lower_ == "the" and len(ent) > 1:
        ent = ent[1:]  # "The Tarlow Institute": the name without "the", as everywhere
    return ent.text, ent.start_char, ent.end_char


def earlier_report_authors(doc: Any, text: str, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The claims, speakerless ones about "the <report noun>" given that report's author."""
    for claim in claims:
        noun = _report_noun(doc, claim)
        if noun is None:
            continue
        lo = max(0, claim["start"] - ROLE_LOOKBACK_CHARS)
        earlier = [m.start() for m in re.finditer(rf"\b{re.escape(noun)}\b", text[lo : claim["start"]], re.IGNORECASE)]
        if not earlier:
            continue
        found = _author_at(doc, text, claims, lo + earlier[-1])
        if found is not None:
            claim["speaker"], claim["speaker_start"], claim["speaker_end"] = found
    return claims
