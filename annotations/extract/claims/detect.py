"""claim_predictions: the phases put together (units, cues, type and stance, speakers)."""

from __future__ import annotations

from typing import Any

from annotations.extract.claims.cues import Cue, find_cues, is_verb, lemma, proper_noun, speaker_span
from annotations.extract.claims.interview import interview_answers
from annotations.extract.claims.lexicon import DISCLAIMED_RE, QUANTITY_LABELS, REQUEST_VERBS, VERIFY_RE
from annotations.extract.claims.mentions import mentions_from_doc, org_name
from annotations.extract.claims.names import mend_name, named_source
from annotations.extract.claims.ranker import Candidate, SpeakerRanker, speaker_candidates
from annotations.extract.claims.referents import personlike
from annotations.extract.claims.reports import earlier_report_authors
from annotations.extract.claims.roles import appositive_role, represented, split_role
from annotations.extract.claims.speakers import needs_mentions, resolve_speakers
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


def claim_predictions(
    doc: Any,
    types: list[str] | None = None,
    *,
    offset: int = 0,
    ranker: SpeakerRanker | None = None,
    keep_candidates: bool = False,
) -> list[dict[str, Any]]:
    """Claims found in a parsed doc, in text order (see the package docstring). With `ranker`,
    a trained speaker ranker picks each speaker among the candidates; `keep_candidates` leaves
    them in each claim as "_candidates" (for training the ranker)."""
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
    claims = _claims(doc, text, units, types, ranker, keep_candidates)
    resolve_speakers(claims, text, mentions_from_doc(doc, text=text) if needs_mentions(claims, text) else [])
    claims = interview_answers(doc, text, claims)
    earlier_report_authors(doc, text, claims)
    for claim in claims:
        claim.pop("_label", None)
        claim.pop("_represents", None)
        if not keep_candidates:
            claim.pop("_candidates", None)
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
                and not _reports_own_content(doc, nxt)
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


def _reports_own_content(doc: Any, u: Unit) -> bool:
    """Whether a sentence reports content of its own ('He said talks would resume'), so is no bare
    attribution ('he said.') for the quotation before it."""
    cues = find_cues(doc, u, u.start, u.end)
    verbs = [doc[c.start] for c in cues if c.end - c.start == 1 and is_verb(doc[c.start])]
    return bool(verbs) and all(
        any(ch.dep_ in ("ccomp", "xcomp", "parataxis") and ch.i > v.i for ch in v.children) for v in verbs
    )


def _requested(doc: Any, u: Unit, start: int, end: int) -> bool:
    return any(lemma(t) in REQUEST_VERBS and is_verb(t) and not u.inside_quote(t) for t in doc[start:end])


def _opens_with_quote(doc: Any, u: Unit) -> bool:
    start, _ = trim(doc, u.start, u.end)
    return any(qs == doc[start].idx for qs, _ in u.quotes)


def _claims(
    doc: Any, text: str, units: list[Unit], types: list[str], ranker: SpeakerRanker | None, keep: bool
) -> list[dict[str, Any]]:
    qents = [e for e in doc.ents if e.label_ in QUANTITY_LABELS]
    qstarts = [e.start for e in qents]
    claims: list[dict[str, Any]] = []
    last_para = -1
    prev_unit: Unit | None = None
    for u in units:
        start, end = trim(doc, u.start, u.end)
        if start >= end:
            continue
        before, prev_unit = prev_unit, u
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
        chosen = None
        if cue is not None and (ranker is not None or keep):
            cands = speaker_candidates(doc, u, cue, claims[-1]["speaker"] if claims else None)
            chosen = ranker.choose(cands) if ranker is not None else None
        claims.append(_claim(doc, text, u, start, end, cue, ctype, chosen))
        if keep and cue is not None:
            claims[-1]["_candidates"] = [(doc[c.start].idx, doc[c.end - 1].idx + len(doc[c.end - 1]), c) for c in cands]
        if cue is None:
            _lead_in_source(doc, text, u, start, claims[-1])  # 'Ruiz put it simply: “...”'
        if cue is None and len(claims) > 1 and u.para - last_para in (0, 1):
            _continue_source(doc, claims[-2], claims[-1])
        if cue is None and before is not None and last_para != before.para:  # no other source's claim beside it
            _narrative_source(doc, text, before, u, claims[-1])  # 'Fenwick toured the site. “...”'
        last_para = u.para
    return claims


def _lead_in_source(doc: Any, text: str, u: Unit, start: int, claim: dict[str, Any]) -> None:
    """A quotation after a lead-in ending in a colon with no reporting verb ('Ruiz put it
    simply: “...”') is the lead-in's subject's when that is a person or a name."""
    if not u.quotes or claim.get("speaker") is not None:
        return
    first = min(qs for qs, _ in u.quotes)
    colon = next((t for t in doc[start : u.end] if t.idx >= first), None)
    colon = doc[colon.i - 1] if colon is not None and colon.i > start else None
    if colon is None or colon.text != ":":
        return
    subj = next(
        (t for t in doc[start : colon.i] if t.dep_ in ("nsubj", "nsubjpass") and start <= t.head.i < colon.i), None
    )
    if subj is None or not (subj.ent_type_ == "PERSON" or subj.pos_ == "PROPN" or subj.lower_ in ("he", "she")):
        return
    a, b, _role = split_role(doc, *speaker_span(doc, subj, start, colon.i))
    ss, se = doc[a].idx, doc[b - 1].idx + len(doc[b - 1])
    claim.update(speaker=text[ss:se], speaker_start=ss, speaker_end=se, _label=doc[b - 1].ent_type_ or None)


def _narrative_source(doc: Any, text: str, prev: Unit, u: Unit, claim: dict[str, Any]) -> None:
    """A quotation with no attribution right after a sentence about a person, in the same
    paragraph or opening the next ('Mayor Fenwick toured the site. | “It will take months.”'),
    is that person's words (the news convention): the subject of the sentence before, when it is
    a person's name or a "he"/"she" (resolved later) and that sentence quotes no one."""
    if claim.get("speaker") is not None or not u.quotes or prev.quotes or u.para - prev.para not in (0, 1):
        return
    start, end = trim(doc, prev.start, prev.end)
    root = next((t for t in doc[start:end] if t.dep_ == "ROOT"), None)
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root is not None else None
    if subj is None:
        return
    a, b, role = split_role(doc, *speaker_span(doc, subj, start, end))
    last = doc[b - 1]
    ss, se = doc[a].idx, last.idx + len(last)
    pronoun = b - a == 1 and last.lower_ in ("he", "she")
    untagged_person = proper_noun(last) and not last.ent_type_ and personlike(text[ss:se])
    if not (pronoun or untagged_person or (last.ent_type_ == "PERSON" and not org_name(text[ss:se]))):
        return
    claim.update(speaker=text[ss:se], speaker_start=ss, speaker_end=se, _label=last.ent_type_ or None)
    if role is not None and doc[role[0]].lower_.rstrip(".") not in _COURTESY:
        claim["role"] = text[doc[role[0]].idx : doc[role[1] - 1].idx + len(doc[role[1] - 1])]


def _continue_source(doc: Any, prev: dict[str, Any], claim: dict[str, Any]) -> None:
    """A quotation with no attribution of its own, right after a claim (same or next paragraph)
    with no new name between, is the same source's: the news convention for a quote paragraph
    that goes on."""
    if prev.get("speaker") is None or claim.get("speaker") is not None:
        return
    gap = doc.char_span(prev["end"], claim["start"], alignment_mode="expand")
    if gap is not None and any(t.ent_type_ in ("PERSON", "ORG") for t in gap):
        return
    for key in ("speaker", "speaker_start", "speaker_end", "_label"):
        claim[key] = prev.get(key)


def _claim(
    doc: Any, text: str, u: Unit, start: int, end: int, cue: Cue | None, ctype: str, chosen: Candidate | None = None
) -> dict[str, Any]:
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
        _speaker(doc, text, claim, cue, chosen)
    return claim


def _speaker(doc: Any, text: str, claim: dict[str, Any], cue: Cue, chosen: Candidate | None) -> None:
    """The claim's source from its cue (or the ranker's choice): the name without its title, the
    title or appositive kept as role; an unnamed representative of a named organisation gives
    the organisation ("a spokeswoman for Harcourt said": Harcourt, role "spokeswoman")."""
    named = None
    if chosen is None and cue.lemma != "according to" and is_verb(doc[cue.start]):
        named = named_source(doc, doc[cue.start], cue.who, *cue.bounds)  # a name the parse misread
    rng = (chosen.start, chosen.end) if chosen is not None else named[0] if named else cue.speaker(doc)
    if rng is None:
        return
    mended = mend_name(doc, *rng, *cue.bounds)  # "said Per Holm": "Per" read as a preposition
    person = named is not None or (mended != rng and chosen is None)
    if person and named is None:
        rng, cue_who = mended, doc[mended[1] - 1]
    else:
        cue_who = cue.who
    who = chosen.head if chosen is not None else doc[rng[1] - 1] if named else cue_who
    rep = represented(doc, who, *cue.bounds, inner=cue.inner) if who is not None and rng[0] <= who.i < rng[1] else None
    role: tuple[int, int] | None
    if rep is not None:
        (a, b), role = rep
        claim["_represents"] = doc[role[1] - 1].lower_  # a pronoun after it may stand for the spokesman
    elif named is not None:
        (a, b), role = named
    else:
        a, b, role = split_role(doc, *rng)
    ss, se = doc[a].idx, doc[b - 1].idx + len(doc[b - 1])
    label = "PERSON" if person else doc[b - 1].ent_type_ or None  # names.py reads a person's name
    claim.update(speaker=text[ss:se], speaker_start=ss, speaker_end=se, _label=label)
    if role is None and who is not None:
        role = appositive_role(doc, who, *cue.bounds)
    if role is not None:
        r = text[doc[role[0]].idx : doc[role[1] - 1].idx + len(doc[role[1] - 1])]
        claim["role"] = None if r.lower().rstrip(".") in _COURTESY else r
