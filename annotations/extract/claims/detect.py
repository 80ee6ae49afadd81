"""claim_predictions: the phases put together (units, cues, type and stance, speakers)."""

from __future__ import annotations

from typing import Any

from annotations.extract.claims.cues import Cue, appositive_role, find_cues, is_verb, lemma, split_role
from annotations.extract.claims.lexicon import DISCLAIMED_RE, QUANTITY_LABELS, REQUEST_VERBS, VERIFY_RE
from annotations.extract.claims.speakers import mentions_from_doc, needs_mentions, resolve_speakers
from annotations.extract.claims.stance import is_hedged, is_quantity, stance_of
from annotations.extract.claims.units import (
    Unit,
    attach_quotations,
    dateline_end,
    is_headline,
    sentence_units,
    trim,
)

DEFAULT_TYPES = ["statement", "quote", "quantity"]
MIN_BARE_QUOTE_WORDS = 4  # a quotation with no cue counts only when this long (else scare quotes)
_BORROW_MAX_TOKENS = 15
_COURTESY = frozenset("mr mrs ms miss mx".split())  # titles that say nothing of a role


def claim_predictions(doc: Any, types: list[str] | None = None, *, offset: int = 0) -> list[dict[str, Any]]:
    """Claims found in a parsed doc, in text order (see the package docstring)."""
    types = list(types) if types else list(DEFAULT_TYPES)
    text = doc.text  # rebuilt on every access: read it once
    if not text.strip() or len(doc) == 0:
        return []
    if not doc.has_annotation("DEP"):
        raise ValueError("claims need a dependency parse: load the pipeline with components including 'claims'")
    units = sentence_units(doc)
    attach_quotations(doc, text, units)
    units = [u for u in units if not is_headline(doc, text, u, offset)]
    _borrow_attributions(doc, units)
    claims = _claims(doc, text, units, types)
    resolve_speakers(claims, text, mentions_from_doc(doc, text=text) if needs_mentions(claims, text) else [])
    for claim in claims:
        claim.pop("_label", None)
        for key in ("start", "end", "speaker_start", "speaker_end", "cue_start", "cue_end"):
            if claim[key] is not None:
                claim[key] += offset
    return claims


def _has_cue(doc: Any, u: Unit) -> bool:
    return bool(find_cues(doc, u, u.start, u.end))


def _borrow_attributions(doc: Any, units: list[Unit]) -> None:
    """A quotation without a cue borrows a short attribution sentence right after it
    ('“...,” | he said.') or a lead-in ending in a colon ('He said: | “...”'); a quotation that
    goes on after its attribution with no new source joins it ('“...,” he said. | “...”')."""
    k = 0
    while k < len(units):
        u = units[k]
        if u.quotes and not _has_cue(doc, u):
            nxt = units[k + 1] if k + 1 < len(units) else None
            prv = units[k - 1] if k > 0 else None
            if (
                nxt
                and nxt.para == u.para
                and not nxt.quotes
                and nxt.end - nxt.start <= _BORROW_MAX_TOKENS
                and _has_cue(doc, nxt)
            ):
                u.absorb(nxt)
                del units[k + 1]
            elif (
                prv
                and prv.para == u.para
                and (
                    (not prv.quotes and doc[trim(doc, prv.start, prv.end)[1] - 1].text == ":" and _has_cue(doc, prv))
                    or (prv.quotes and _opens_with_quote(doc, u) and _has_cue(doc, prv))
                )
            ):
                prv.absorb(u)
                del units[k]
                continue
        k += 1


def _requested(doc: Any, u: Unit, start: int, end: int) -> bool:
    return any(lemma(t) in REQUEST_VERBS and is_verb(t) and not u.inside_quote(t) for t in doc[start:end])


def _opens_with_quote(doc: Any, u: Unit) -> bool:
    start, _ = trim(doc, u.start, u.end)
    return any(qs == doc[start].idx for qs, _ in u.quotes)


def _claims(doc: Any, text: str, units: list[Unit], types: list[str]) -> list[dict[str, Any]]:
    qents = [e for e in doc.ents if e.label_ in QUANTITY_LABELS]
    qstarts = [e.start for e in qents]
    claims: list[dict[str, Any]] = []
    last_para = -1
    for u in units:
        start, end = trim(doc, u.start, u.end)
        if start >= end:
            continue
        cues = find_cues(doc, u, start, end)
        cue = max(cues, key=lambda c: c.score) if cues else None
        quote_words = max((len(text[qs:qe].split()) for qs, qe in u.inner), default=0)
        is_quote = bool(u.quotes) and (quote_words >= MIN_BARE_QUOTE_WORDS or cue is not None)
        if is_quote and cue is None and _requested(doc, u, start, end):
            continue  # 'He called on Afghans "inside and outside the country" to rise up'
        if cue is None and not is_quote:
            # A disclaimer of "the claim" hedges the claim just before it in the same paragraph.
            span = text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]
            if (
                claims
                and last_para == u.para
                and VERIFY_RE.search(span)
                and DISCLAIMED_RE.search(span)
                and is_hedged(doc, text, u, start, end)
                and claims[-1]["stance"] != "denied"
            ):
                claims[-1]["stance"] = "hedged"
            continue
        candidates = (
            (["quote"] if is_quote else []) + (["quantity"] if is_quantity(qents, qstarts, u) else []) + ["statement"]
        )
        ctype = next((c for c in candidates if c in types), None)
        if ctype is None:
            continue
        claims.append(_claim(doc, text, u, start, end, cue, ctype))
        last_para = u.para
    return claims


def _claim(doc: Any, text: str, u: Unit, start: int, end: int, cue: Cue | None, ctype: str) -> dict[str, Any]:
    c_start = doc[start].idx
    if u.para == 0:
        c_start = dateline_end(text, c_start)  # a story's opening dateline is not the claim
    c_end = doc[end - 1].idx + len(doc[end - 1])
    claim: dict[str, Any] = {
        "start": c_start,
        "end": c_end,
        "type": ctype,
        "speaker": None,
        "speaker_start": None,
        "speaker_end": None,
        "role": None,
        "cue": None,
        "cue_start": None,
        "cue_end": None,
        "stance": stance_of(doc, text, u, start, end, cue),
        "text": text[c_start:c_end],
    }
    if cue is not None:
        cs, ce = doc[cue.start].idx, doc[cue.end - 1].idx + len(doc[cue.end - 1])
        claim.update(cue=text[cs:ce], cue_start=cs, cue_end=ce)
        rng = cue.speaker(doc)
        if rng is not None:
            a, b, role = split_role(doc, *rng)
            ss, se = doc[a].idx, doc[b - 1].idx + len(doc[b - 1])
            claim.update(speaker=text[ss:se], speaker_start=ss, speaker_end=se, _label=doc[b - 1].ent_type_ or None)
            if role is None and cue.who is not None:
                role = appositive_role(doc, cue.who, *cue.bounds)
            if role is not None:
                r = text[doc[role[0]].idx : doc[role[1] - 1].idx + len(doc[role[1] - 1])]
                claim["role"] = None if r.lower().rstrip(".") in _COURTESY else r
    return claim
