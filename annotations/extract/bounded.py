"""Bounded work per document: a long text runs as pieces, never as one giant spaCy doc.

spaCy's memory grows with the characters in one `nlp.pipe` batch (the parser holds its state
for every token of the batch): measured here, one 500,000-character line took 1.6 GB and a
5 MB line would take ~15 GB when cut into 100,000-character pieces batched 64 at a time; with
batches of at most 64,000 characters a 1,000,000-character line peaked at 374 MB (a 50,000-character
article alone: 310 MB). A text longer than `long_text` is therefore cut into pieces small
enough that a full batch of them stays within PIECE_BUDGET characters (and always within
`nlp.max_length`), at paragraph, line, sentence or word boundaries (`split_text`); each piece
carries its offset so predictions map back to the whole text. Texts up to `long_text` stay
whole, exactly as before.

Where only the tokenizer runs (export's tokens, gold Examples for evaluate and train), a text
is never cut: `blank_tokenizer` raises `nlp.max_length` (spaCy's E088 guards the parser's and
NER's memory, about 1 GB per 100,000 characters, not the tokenizer's) to TOKENIZER_MAX_LENGTH,
what import lets one document hold. A 1.1-million-character document made export (prodigy,
conll, spacy), evaluate, train and train-curve fail with E088 (issue 22).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

PIECE_BUDGET = 50_000
"""Characters of one long text allowed in one nlp.pipe batch (pieces x batch_size)."""

MIN_PIECE = 1_000
"""Pieces never shrink below this: a paragraph or two, enough context for the parser."""

TOKENIZER_MAX_LENGTH = 32 * 1024 * 1024 + 1
"""Characters a tokenizer-only pipeline takes: import's 32 MiB document cap (corpus/formats/records.py)."""


def blank_tokenizer(lang: str = "en") -> Any:
    """spaCy's blank pipeline (a tokenizer and nothing else) that takes any document import
    allows in one piece."""
    import spacy  # heavy: only where tokens are needed

    nlp = spacy.blank(lang)
    nlp.max_length = TOKENIZER_MAX_LENGTH
    return nlp


def piece_limit(long_text: int, batch_size: int, max_length: int) -> int:
    """Largest piece of a long text: a batch of them stays within PIECE_BUDGET chars."""
    per_batch = max(MIN_PIECE, PIECE_BUDGET // max(1, batch_size))
    return max(1, min(long_text, per_batch, max_length))


def pieces(
    items: Iterable[tuple[Any, str]], *, long_text: int, batch_size: int, max_length: int
) -> Iterator[tuple[str, tuple[Any, int, bool]]]:
    """(piece, (key, offset, last)) for nlp.pipe(as_tuples=True): short texts whole, long ones cut."""
    from annotations.extract.pipeline import split_text

    limit = piece_limit(long_text, batch_size, max_length)
    for key, text in items:
        text = text or ""
        if len(text) <= min(long_text, max_length):
            yield text, (key, 0, True)
            continue
        chunks = split_text(text, limit)
        for i, (offset, piece) in enumerate(chunks):
            yield piece, (key, offset, i == len(chunks) - 1)
