"""Phase 1: the units a claim can be: sentences cut at paragraph breaks, merged over the
quotations they share, a quotation joined to its attribution, the headline and boilerplate set
aside."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotations.extract.claims.lexicon import BOILERPLATE_RE, DATELINE_RE
from annotations.extract.claims.quotes import QUOTE_MARKS, find_quotations


@dataclass
class Unit:
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
        self.inner.append((qs + 1, qe - 1 if text[qe - 1] in QUOTE_MARKS else qe))

    def absorb(self, other: Unit) -> None:
        self.start, self.end = min(self.start, other.start), max(self.end, other.end)
        self.quotes += other.quotes
        self.inner += other.inner


def sentence_units(doc: Any) -> list[Unit]:
    """Sentences cut at paragraph breaks, as token ranges, with paragraph numbers."""
    units: list[Unit] = []
    para = 0
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.is_space and tok.text.count("\n") >= 2:
                if any(not t.is_space for t in doc[start : tok.i]):
                    units.append(Unit(start, tok.i, para))
                para += 1
                start = tok.i + 1
        if any(not t.is_space for t in doc[start : sent.end]):
            units.append(Unit(start, sent.end, para))
    return units


def trim(doc: Any, start: int, end: int) -> tuple[int, int]:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return start, end


def attach_quotations(doc: Any, text: str, units: list[Unit]) -> None:
    """Attach quotations to units; merge the units a quotation spans (same paragraph only)."""
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
        while last + 1 < len(units) and units[last].end < span.end and units[last + 1].para == units[first].para:
            last += 1
        for u in units[first + 1 : last + 1]:
            units[first].absorb(u)
        units[first].add_quote(text, qs, qe)
        del units[first + 1 : last + 1]


def is_headline(doc: Any, text: str, unit: Unit, offset: int) -> bool:
    """The document's first paragraph when it is one line without closing punctuation (the
    title the text begins with), or boilerplate in parentheses (agency credits)."""
    start, end = trim(doc, unit.start, unit.end)
    if start >= end:
        return True
    chunk = text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]
    if BOILERPLATE_RE.match(chunk):
        return True
    if offset != 0 or unit.para != 0 or "\n" in chunk:
        return False
    return chunk[-1] not in ".!?…:" + "".join(QUOTE_MARKS) + "’')"


def dateline_end(text: str, start: int) -> int:
    """Where the claim starts once an opening dateline ("KABUL —", "OSLO (Ledger) -") is cut."""
    m = DATELINE_RE.match(text, start)
    return m.end() if m else start
