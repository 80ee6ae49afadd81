"""Baseline claim detector over a spaCy parse (no spaCy import needed here).

    claim_predictions(doc, types=None, *, offset=0) -> [claim dict, ...]

A claim is a sentence (a group of sentences for a quotation that spans several) holding
  - a direct quotation ("...", “...”, „...“, «...»), possibly across sentences, or
  - a reporting cue: a reporting verb (said, told, wrote, claimed, denied, warned, ...), the
    phrase "according to", or a hearsay adverb (reportedly, allegedly), or
  - a quantity that drives it: a CARDINAL / QUANTITY / PERCENT / MONEY entity attached to a noun
    ("600 Taliban fighters were killed", "prices rose 50 percent").
Paragraph breaks (blank lines) always end a claim.

Each claim dict: start, end (character offsets of the claim in doc.text, plus `offset`), type,
speaker (text or None), speaker_start, speaker_end, cue (text or None), cue_start, cue_end,
stance, text. Types, by priority: "quote" (a direct quotation), "quantity" (a number drives it),
"statement"; the first one in `types` that applies is used, and a claim none of whose types is
in `types` is dropped (so `types` also filters). Speaker: the subject of the reporting verb with
its name tokens (compound, flat, amod, poss), the appositive name for a common-noun subject
("a spokesman, Zabihullah Mujahid, said"), the agent of a passive, or the object of "according
to"; pronouns are kept as they are ("he"). Stance, by priority: denied (deny / reject / dismiss
/ refute / dispute), hedged (may / might / could, reportedly, allegedly, believe / estimate,
"could not be independently verified" -- which also hedges the claim just before it in the same
paragraph), reported (attributed speech or a quotation), asserted.

Never raises on unbalanced quotation marks or empty docs; raises ValueError when the doc has no
dependency parse (load the pipeline with the "claims" component).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .normalize import TITLES

# Bump when the rules change: it is part of the extractor version the store keys claims by.
CLAIMS_VERSION = "2"

DEFAULT_TYPES = ["statement", "quote", "quantity"]

# Reporting verbs (lemmas), after textacy's REPORTING_VERBS, trimmed of verbs that are mostly
# something else in news ("charge", "call", "post", "ask").
REPORTING_VERBS = frozenset(
    """
    say tell write claim state add deny insist warn announce confirm report allege assert
    acknowledge admit argue explain note declare reveal disclose stress emphasize emphasise
    reiterate maintain contend concede testify tweet vow pledge promise threaten predict
    suggest accuse blame criticize criticise condemn reject dismiss refute dispute rebut
    agree disagree recall reply respond complain conclude mention observe remark comment cite
    indicate caution urge estimate believe fear expect suspect quote inform
    """.split()
)
DENIAL_VERBS = frozenset("deny reject dismiss refute dispute rebut".split())
BELIEF_VERBS = frozenset("believe fear expect suspect estimate predict suggest".split())
# Verbs whose passive needs an agent to count ("he was told" is not a report).
_PASSIVE_NEEDS_AGENT = frozenset("tell inform quote expect believe fear suspect".split())
HEARSAY_ADVERBS = frozenset("reportedly allegedly purportedly supposedly".split())
HEDGE_ADVERBS = frozenset(
    "reportedly allegedly purportedly supposedly apparently possibly perhaps probably "
    "seemingly presumably unconfirmed unverified".split()
)
HEDGE_MODALS = frozenset("may might could".split())
_VERIFY_RE = re.compile(
    r"\b(?:could|can|cannot|can't|couldn't|not|unable to|impossible to)\s+(?:not\s+)?(?:be\s+)?"
    r"(?:independently\s+)?(?:verif|confirm)|\bunverified\b|\bunconfirmed\b",
    re.IGNORECASE,
)
QUANTITY_LABELS = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY"})
_NOT_QUANTITIES = frozenset({"one", "1", "a", "an", "once", "single"})

# Irregular forms, for pipelines without a lemmatizer.
_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
    "denied": "deny", "denies": "deny", "replied": "reply",
    "replies": "reply", "testified": "testify", "testifies": "testify",
}

_SUFFIXES = (("ied", "y"), ("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("d", ""))

_OPENERS = "“„«‹"
_CLOSERS = "”»›"
_QUOTE_MARKS = frozenset('"' + _OPENERS + _CLOSERS)
_OPEN_CONTEXT = set("([{—–-/") | set(_OPENERS)
_CLOSE_CONTEXT = set(".,;:!?)]}—–-…") | set(_CLOSERS)
_MARK_RE = re.compile(r'["“”„«»‹›]')
_PARA_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
MAX_QUOTE_CHARS = 3000
_MIN_BARE_QUOTE_WORDS = 4  # shorter quotations count only with a cue (else scare quotes)
_SPEAKER_DEPS = frozenset({"compound", "flat", "flat:name", "amod", "poss", "case", "nmod", "nummod"})
_SUBJ_DEPS = frozenset({"nsubj", "csubj"})


# --------------------------------------------------------------------------- quotations


def _classify_mark(text: str, p: int) -> str | None:
    """'open', 'close', 'either' or None (not a quotation mark, e.g. 5'10")."""
    ch = text[p]
    prev = text[p - 1] if p > 0 else " "
    nxt = text[p + 1] if p + 1 < len(text) else " "
    left = (prev.isspace() or prev in _OPEN_CONTEXT) and not nxt.isspace()
    right = not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_CONTEXT)
    if left and not right:
        return "open"
    if right and not left:
        if ch == '"' and prev.isdigit():
            return None  # inches, seconds
        return "close"
    if ch in _OPENERS:
        return "open"
    if ch in _CLOSERS:
        return "close"
    return "either"


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans (including the marks) of direct quotations; tolerant of odd counts.

    A quotation still open at a paragraph break is kept up to the break when the next
    paragraph opens a quotation (the newspaper convention for multi-paragraph quotes); an
    opening mark that is never closed is ignored. Single quotation marks are not used: ’ is
    far more often an apostrophe ("the fighters’ positions") than a closing quote.
    """
    marks = [(m.start(), _classify_mark(text, m.start())) for m in _MARK_RE.finditer(text)]
    breaks = [m.start() for m in _PARA_RE.finditer(text)]
    out: list[tuple[int, int]] = []
    open_at: int | None = None

    def break_between(a: int, b: int) -> int | None:
        k = bisect_right(breaks, a)
        return breaks[k] if k < len(breaks) and breaks[k] < b else None

    for pos, kind in marks:
        if kind is None:
            continue
        if open_at is not None:
            br = break_between(open_at, pos)
            if br is not None:
                # Unclosed at a paragraph end: a continued quotation if this paragraph opens one.
                para_start = _PARA_RE.match(text, br)
                first = para_start.end() if para_start else br
                while first < len(text) and text[first].isspace():
                    first += 1
                if kind in ("open", "either") and first == pos:
                    end = br
                    while end > open_at and text[end - 1].isspace():
                        end -= 1
                    if end - open_at > 1:
                        out.append((open_at, end))
                open_at = None
            elif pos - open_at > MAX_QUOTE_CHARS:
                open_at = None
        if open_at is None:
            if kind in ("open", "either"):
                open_at = pos
            continue
        if kind in ("close", "either"):
            if pos - open_at > 1:
                out.append((open_at, pos + 1))
            open_at = None
        else:  # a second opener: the first one was stray
            open_at = pos
    return out


# --------------------------------------------------------------------------- helpers


def _lemma(tok: Any) -> str:
    lemma = (tok.lemma_ or "").lower()
    low = tok.lower_
    if lemma and lemma != low:
        return lemma
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    for suffix, repl in _SUFFIXES:
        if low.endswith(suffix) and (low[: -len(suffix)] + repl) in REPORTING_VERBS:
            return low[: -len(suffix)] + repl
    return lemma or low


def _is_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _depth(tok: Any) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok = tok.head
        d += 1
    return d


@dataclass
class _Unit:
    start: int  # token index
    end: int  # token index, exclusive
    para: int
    quotes: list[tuple[int, int]] = field(default_factory=list)  # char spans incl. marks
    inner: list[tuple[int, int]] = field(default_factory=list)  # the quoted words only

    def inside_quote(self, tok: Any) -> bool:
        a, b = tok.idx, tok.idx + len(tok)
        return any(s <= a and b <= e for s, e in self.inner)

    def add_quote(self, text: str, qs: int, qe: int) -> None:
        self.quotes.append((qs, qe))
        self.inner.append((qs + 1, qe - 1 if text[qe - 1] in _QUOTE_MARKS else qe))


def _units(doc: Any) -> list[_Unit]:
    """Sentences cut at paragraph breaks, as token ranges, with paragraph numbers."""
    units: list[_Unit] = []
    para = 0
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.is_space and tok.text.count("\n") >= 2:
                if any(not t.is_space for t in doc[start : tok.i]):
                    units.append(_Unit(start, tok.i, para))
                para += 1
                start = tok.i + 1
        if any(not t.is_space for t in doc[start : sent.end]):
            units.append(_Unit(start, sent.end, para))
    return units


def _trim(doc: Any, start: int, end: int) -> tuple[int, int]:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return start, end


def _is_title(tok: Any) -> bool:
    return tok.lower_.rstrip(".") in TITLES


def _title_before_name(doc: Any, i: int) -> bool:
    """Token i is a title that a name (or another title: Prime Minister) follows."""
    nxt = doc[i + 1]
    return _is_title(doc[i]) and (_is_title(nxt) or nxt.pos_ == "PROPN")


def _speaker_span(doc: Any, head: Any, lo: int, hi: int) -> tuple[int, int]:
    """Token range of the speaker named by `head` (within sentence bounds lo..hi)."""
    if head.pos_ == "NOUN":
        for child in head.children:
            if child.dep_ == "appos" and (child.pos_ == "PROPN" or child.ent_type_ in ("PERSON", "ORG")):
                head = child
                break
    keep = {head.i}
    chain = {head.i}  # the head and its conjuncts ("Massoud and Saleh said")
    stack = [head]
    while stack:
        tok = stack.pop()
        for child in tok.children:
            dep = child.dep_
            joined = dep in ("conj", "cc") and tok.i in chain
            if (dep in _SPEAKER_DEPS or joined) and child.i not in keep and lo <= child.i < hi:
                keep.add(child.i)
                stack.append(child)
                if dep == "conj" and joined:
                    chain.add(child.i)
    start, end = min(keep), max(keep) + 1
    if head.ent_type_:  # widen to the entity the head is in (token walk: doc.ents is costly)
        e_start, e_end = head.i, head.i + 1
        while e_start > lo and doc[e_start].ent_iob_ == "I":
            e_start -= 1
        while e_end < hi and doc[e_end].ent_iob_ == "I":
            e_end += 1
        if doc[e_start].ent_iob_ == "B":
            start, end = min(start, e_start), max(end, e_end)
    # Never start with an article or start or end on punctuation ("the NRF" -> "NRF"), nor
    # with a title before a name ("Governor Oleh Syniehubov" -> "Oleh Syniehubov": the
    # speaker is the person, and the name is what links to a canonical entity).
    while start < end - 1 and (doc[start].is_punct or doc[start].lower_ in ("the", "a", "an")
                               or _title_before_name(doc, start)):
        start += 1
    while end - 1 > start and doc[end - 1].is_punct:
        end -= 1
    return start, end


@dataclass
class _Cue:
    start: int  # token range of the cue
    end: int
    lemma: str
    speaker: tuple[int, int] | None
    score: tuple[int, ...]


def _find_cues(doc: Any, unit: _Unit, lo: int, hi: int) -> list[_Cue]:
    cues: list[_Cue] = []
    for tok in doc[unit.start : unit.end]:
        if unit.quotes and unit.inside_quote(tok):
            continue
        low = tok.lower_
        if low == "according" and tok.i + 1 < hi and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ in ("pobj", "pcomp")]
            speaker = _speaker_span(doc, objs[0], lo, hi) if objs else None
            score = (0, 1 if speaker else 0, 0, -tok.i)
            cues.append(_Cue(tok.i, tok.i + 2, "according to", speaker, score))
            continue
        if low in HEARSAY_ADVERBS:
            cues.append(_Cue(tok.i, tok.i + 1, low, None, (0, 0, -9, -tok.i)))
            continue
        if not _is_verb(tok):
            continue
        lemma = _lemma(tok)
        if lemma not in REPORTING_VERBS:
            continue
        subj = [c for c in tok.children if c.dep_ in _SUBJ_DEPS]
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        agent = None
        for c in tok.children:
            if c.dep_ == "agent":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                agent = objs[0] if objs else None
        if not subj and tok.dep_ in ("conj", "xcomp") and _is_verb(tok.head):
            subj = [c for c in tok.head.children if c.dep_ in _SUBJ_DEPS]
        if passive and agent is None and lemma in _PASSIVE_NEEDS_AGENT:
            continue
        if lemma in BELIEF_VERBS and not subj:
            continue
        who = agent if passive and agent is not None else (subj[0] if subj else None)
        speaker = _speaker_span(doc, who, lo, hi) if who is not None else None
        connected = 0
        if unit.quotes:  # a verb whose complement lies in the quotation is its cue
            connected = int(
                any(
                    unit.inside_quote(c) and not c.dep_.startswith(("nsubj", "csubj"))
                    for c in tok.children
                )
            )
        score = (connected, 1 if speaker else 0, -_depth(tok), -tok.i)
        cues.append(_Cue(tok.i, tok.i + 1, lemma, speaker, score))
    return cues


def _quantity(qents: list[Any], qstarts: list[int], unit: _Unit) -> bool:
    """Whether a number entity attached to a noun drives the unit (qents: sorted number ents)."""
    for k in range(bisect_left(qstarts, unit.start), len(qents)):
        ent = qents[k]
        if ent.start >= unit.end:
            break
        if ent.end > unit.end:
            continue
        if unit.quotes and unit.inside_quote(ent[0]):
            continue
        if ent.text.lower() in _NOT_QUANTITIES:
            continue
        if ent.label_ != "CARDINAL":
            return True  # percent, money and quantities carry their own unit
        root = ent.root
        if root.dep_ in ("nummod", "quantmod", "compound", "amod") and root.head.pos_ in ("NOUN", "PROPN"):
            if not (ent.start <= root.head.i < ent.end):
                return True
        for tok in ent:
            outside = not (ent.start <= tok.head.i < ent.end)
            if tok.dep_ == "nummod" and tok.head.pos_ in ("NOUN", "PROPN") and outside:
                return True
        # "hundreds of families", "600 of them"
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in root.children):
            return True
        # a bare number as a subject or object: "Thousands fled", "killed 10"
        if root.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and root.pos_ == "NUM":
            return True
    return False


def _hedged(doc: Any, text: str, start: int, end: int) -> bool:
    for tok in doc[start:end]:
        low = tok.lower_
        if low in HEDGE_ADVERBS:
            return True
        if low in HEDGE_MODALS and tok.tag_ == "MD":
            return True
    span_text = text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]
    return bool(_VERIFY_RE.search(span_text))


def _pick_type(candidates: list[str], types: list[str]) -> str | None:
    for cand in candidates:
        if cand in types:
            return cand
    return None


# --------------------------------------------------------------------------- main entry


def claim_predictions(
    doc: Any,
    types: list[str] | None = None,
    *,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Claims found in a parsed doc, in text order (see the module docstring)."""
    types = list(types) if types else list(DEFAULT_TYPES)
    text = doc.text  # rebuilt on every access: read it once
    if not text.strip() or len(doc) == 0:
        return []
    if not doc.has_annotation("DEP"):
        raise ValueError(
            "claims need a dependency parse: load the pipeline with components including 'claims'"
        )
    units = _units(doc)
    if not units:
        return []

    # Attach quotations to units; merge the units a quotation spans (same paragraph only).
    k = 0
    for qs, qe in find_quotations(text):
        span = doc.char_span(qs, qe, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        while k < len(units) and units[k].end <= span.start:
            k += 1
        if k >= len(units) or units[k].start > span.start:
            continue
        first = last = k
        while (
            last + 1 < len(units)
            and units[last].end < span.end
            and units[last + 1].para == units[first].para
        ):
            last += 1
        merged = units[first]
        for u in units[first + 1 : last + 1]:
            merged.end = max(merged.end, u.end)
            merged.quotes.extend(u.quotes)
            merged.inner.extend(u.inner)
        merged.add_quote(text, qs, qe)
        del units[first + 1 : last + 1]

    # A quotation without a cue borrows a short attribution sentence right after it
    # ('“...,” | he said.') or a lead-in ending in a colon ('He said: | “...”').
    k = 0
    while k < len(units):
        u = units[k]
        if u.quotes and not _find_cues(doc, u, u.start, u.end):
            nxt = units[k + 1] if k + 1 < len(units) else None
            prv = units[k - 1] if k > 0 else None
            if nxt and nxt.para == u.para and not nxt.quotes and nxt.end - nxt.start <= 15 and _find_cues(
                doc, nxt, nxt.start, nxt.end
            ):
                u.end = nxt.end
                del units[k + 1]
            elif (
                prv
                and prv.para == u.para
                and not prv.quotes
                and doc[_trim(doc, prv.start, prv.end)[1] - 1].text == ":"
                and _find_cues(doc, prv, prv.start, prv.end)
            ):
                prv.end = u.end
                prv.quotes, prv.inner = u.quotes, u.inner
                del units[k]
                continue
        k += 1

    qents = [e for e in doc.ents if e.label_ in QUANTITY_LABELS]
    qstarts = [e.start for e in qents]
    claims: list[dict[str, Any]] = []
    last_para = -1
    for u in units:
        start, end = _trim(doc, u.start, u.end)
        if start >= end:
            continue
        cues = _find_cues(doc, u, start, end)
        cue = max(cues, key=lambda c: c.score) if cues else None
        # Short quotations ('the so-called “emirate”') count only as speech: a cue governing
        # them, or punctuation inside the marks ('“No,” he said').
        quote_words, spoken = 0, False
        for qs, qe in u.inner:
            inner = text[qs:qe].strip()
            quote_words = max(quote_words, len(inner.split()))
            spoken = spoken or inner[-1:] in (",", ".", "!", "?", "…")
        is_quote = bool(u.quotes) and (
            quote_words >= _MIN_BARE_QUOTE_WORDS
            or (cue is not None and (spoken or cue.score[0] == 1))
        )
        is_quantity = _quantity(qents, qstarts, u)
        hedged = _hedged(doc, text, start, end)
        candidates: list[str] = []
        if is_quote:
            candidates.append("quote")
        if is_quantity:
            candidates.append("quantity")
        if cue is not None or is_quote:
            candidates.append("statement")
        if not candidates:
            # A disclaimer sentence hedges the claim just before it in the same paragraph.
            if hedged and claims and last_para == u.para and _VERIFY_RE.search(
                text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]
            ):
                if claims[-1]["stance"] != "denied":
                    claims[-1]["stance"] = "hedged"
            continue
        ctype = _pick_type(candidates, types)
        if ctype is None:
            continue
        if cue is not None and cue.lemma in DENIAL_VERBS:
            stance = "denied"
        elif hedged or (cue is not None and (cue.lemma in BELIEF_VERBS or cue.lemma in HEARSAY_ADVERBS)):
            stance = "hedged"
        elif cue is not None or is_quote:
            stance = "reported"
        else:
            stance = "asserted"
        c_start = doc[start].idx
        c_end = doc[end - 1].idx + len(doc[end - 1])
        claim: dict[str, Any] = {
            "start": c_start + offset,
            "end": c_end + offset,
            "type": ctype,
            "speaker": None,
            "speaker_start": None,
            "speaker_end": None,
            "cue": None,
            "cue_start": None,
            "cue_end": None,
            "stance": stance,
            "text": text[c_start:c_end],
        }
        if cue is not None:
            cs, ce = doc[cue.start].idx, doc[cue.end - 1].idx + len(doc[cue.end - 1])
            claim.update(cue=text[cs:ce], cue_start=cs + offset, cue_end=ce + offset)
            if cue.speaker is not None:
                a, b = cue.speaker
                ss, se = doc[a].idx, doc[b - 1].idx + len(doc[b - 1])
                claim.update(speaker=text[ss:se], speaker_start=ss + offset, speaker_end=se + offset)
        claims.append(claim)
        last_para = u.para
    return claims


def claim_types_for(config_types: Iterable[str] | None) -> list[str]:
    """The types list to pass to claim_predictions from config `claims.types`."""
    return list(config_types) if config_types else list(DEFAULT_TYPES)
