"""conll: CoNLL-2003 token-tag lines in IOB1, IOB2 or BIOES (--scheme).

Documents imported from CoNLL are written back as they came (their tokens, middle columns,
-DOCSTART- line and, without --scheme, their scheme); other text is tokenized by spaCy's blank
English tokenizer, a line of text a sentence. A span that does not fall on token boundaries,
or overlaps another, is left out, counted and named in the report: never shifted.
"""

from __future__ import annotations

import json
from typing import Any

from annotations.corpus.formats.conll import document_lines
from annotations.export.selection import Example
from annotations.export.writers import Context, Writer
from annotations.reading.layout import escape_controls


class ConllWriter(Writer):
    name = "conll"
    extension = "conll"
    default_file = "data.conll"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.nlp: Any = None

    def _tokenize(self, text: str) -> list[tuple[int, int]]:
        if self.nlp is None:
            import spacy

            self.nlp = spacy.blank("en")
        return [(t.idx, t.idx + len(t.text)) for t in self.nlp.make_doc(text) if not t.is_space]

    def write(self, ex: Example, split: str | None) -> None:
        report = self.ctx.report
        text = ex.doc["text"]
        try:
            meta = json.loads(ex.doc.get("meta") or "{}")
        except (TypeError, ValueError):
            meta = {}
        spans = [(s["start"], s["end"], s["label"]) for s in ex.spans]
        lines, left_out = document_lines(
            text, meta if isinstance(meta, dict) else {}, spans, self.ctx.scheme, self._tokenize
        )
        for start, end, label, why in left_out:
            if why == "overlapping":
                report.overlapping += 1
            else:
                report.misaligned_span(ex.doc["id"], ex.annotator, "span", start, end, label, text)
        report.spans += len(spans) - len(left_out)
        # CoNLL has no escapes of its own: controls are spelled as JSONL spells them (\u001b),
        # so the file is inert on a terminal (`export --format conll | cat`).
        self.ctx.sink.text(self.ctx.path_for(split, self.extension)).write(escape_controls(lines))
