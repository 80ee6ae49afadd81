"""One spaCy Example per gold document: gold and predicted spans over one shared tokenisation.

The two docs of each Example share the blank English tokenizer's tokens, cut again at every gold
and predicted boundary, so every span is a token span and the Scorer's token-exact match is an
exact character-offset match (boundaries are compared after trimming surrounding whitespace).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotations.extract.bounded import blank_tokenizer

_nlp_cache: dict[str, Any] = {}


def _blank() -> Any:
    nlp = _nlp_cache.get("en")
    if nlp is None:
        nlp = _nlp_cache["en"] = blank_tokenizer()  # any document import allows (no E088)
    return nlp


def spans_getter(doc: Any, attr: str) -> Any:
    """The Scorer getter used here: spans from doc.spans[attr]."""
    return doc.spans[attr] if attr in doc.spans else []


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _tokens(text: str, cuts: Iterable[int]) -> tuple[list[str], list[bool]]:
    """Words and spaces of the blank tokenizer's tokens, cut again at `cuts`."""
    doc = _blank().make_doc(text)
    points = {t.idx for t in doc}
    points.update(c for c in cuts if 0 < c < len(text))
    points.add(0)
    bounds = sorted(p for p in points if 0 <= p < len(text)) + [len(text)]
    words: list[str] = []
    spaces: list[bool] = []
    for a, b in zip(bounds, bounds[1:]):
        seg = text[a:b]
        if len(seg) > 1 and seg.endswith(" ") and not seg[-2].isspace():
            words.append(seg[:-1])
            spaces.append(True)
        else:
            words.append(seg)
            spaces.append(False)
    return words, spaces


def _overlaps(spans: list[Any]) -> bool:
    last = -1
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if s.start < last:
            return True
        last = max(last, s.end)
    return False


def _span(doc: Any, start: int, end: int, label: str) -> Any:
    span = doc.char_span(start, end, label=label)
    assert span is not None, "every boundary is a token boundary"
    return span


def build_example(
    text: str,
    gold_ents: Iterable[dict[str, Any]],
    pred_ents: Iterable[dict[str, Any]],
    gold_claims: Iterable[dict[str, Any]] = (),
    pred_claims: Iterable[dict[str, Any]] = (),
    *,
    complete: bool = True,
) -> Any:
    """A spaCy Example (predicted, reference) over one shared tokenisation on which every span
    is a token span. Items are dicts with start, end (character offsets) and label (ents) or
    type (claims); whitespace around a span is trimmed; empty spans are dropped."""
    from spacy.tokens import Doc
    from spacy.training import Example

    def clean(items: Iterable[dict[str, Any]], key: str) -> list[tuple[int, int, str]]:
        out = []
        for it in items:
            s, e = trim(text, int(it["start"]), int(it["end"]))
            if e > s:
                out.append((s, e, str(it.get(key) or "claim")))
        return out

    ge, pe = clean(gold_ents, "label"), clean(pred_ents, "label")
    gc, pc = clean(gold_claims, "type"), clean(pred_claims, "type")
    cuts = {p for group in (ge, pe, gc, pc) for s, e, _ in group for p in (s, e)}
    words, spaces = _tokens(text, cuts)
    vocab = _blank().vocab
    docs = []
    for ents, claims in ((pe, pc), (ge, gc)):
        doc = Doc(vocab, words=words, spaces=spaces)
        assert doc.text == text, "tokenisation must reproduce the text"
        espans = [_span(doc, s, e, lab) for s, e, lab in ents]
        cspans = [_span(doc, s, e, lab) for s, e, lab in claims]
        doc.spans["ents"] = espans
        doc.spans["claims"] = cspans
        if not _overlaps(espans):
            doc.set_ents(espans, default="outside" if complete else "missing")
        docs.append(doc)
    return Example(docs[0], docs[1])
