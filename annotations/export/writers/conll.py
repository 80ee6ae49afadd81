"""conll: CoNLL-2003 token-tag lines in IOB1, IOB2 or BIOES (--scheme).

Documents imported from CoNLL are written back as they came (their tokens, middle columns,
-DOCSTART- line and, without --scheme, their scheme); other text is tokenized by spaCy's blank
English tokenizer, a line of text a sentence. A span that does not fall on token boundaries,
or overlaps another, is left out, counted and named in the report: never shifted.

One file holds one column layout (CoNLL readers take the column count from the file): the
first document written to a file fixes its separator and column count, and a later document
imported in another layout (a mixed corpus of 2- and 4-column files, or text that never was
CoNLL) is written in the file's, its missing middle columns "_" and extra ones dropped; the
report warns how many documents that was, per file.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from annotations.corpus.formats.conll import Layout, document_lines
from annotations.export.selection import Example
from annotations.export.writers import Context, Writer
from annotations.extract.bounded import blank_tokenizer


class ConllWriter(Writer):
    name = "conll"
    extension = "conll"
    default_file = "data.conll"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.nlp: Any = None
        self.layouts: dict[str, Layout] = {}  # file -> its layout, fixed by its first document
        self.relaid: Counter[str] = Counter()  # file -> documents written in its layout, not their own

    def _tokenize(self, text: str) -> list[tuple[int, int]]:
        if self.nlp is None:
            self.nlp = blank_tokenizer()  # any document import allows, in one piece (no E088)
        return [(t.idx, t.idx + len(t.text)) for t in self.nlp.make_doc(text) if not t.is_space]

    def write(self, ex: Example, split: str | None) -> None:
        report = self.ctx.report
        text = ex.doc["text"]
        try:
            meta = json.loads(ex.doc.get("meta") or "{}")
        except (TypeError, ValueError):
            meta = {}
        spans = [(s["start"], s["end"], s["label"]) for s in ex.spans]
        path = self.ctx.path_for(split, self.extension)
        layout = self.layouts.get(str(path))
        lines, left_out, own = document_lines(
            text, meta if isinstance(meta, dict) else {}, spans, self.ctx.scheme, self._tokenize, layout
        )
        if layout is None:
            self.layouts[str(path)] = own
        elif own != layout:
            self.relaid[str(path)] += 1
        for start, end, label, why in left_out:
            if why == "overlapping":
                report.overlapping += 1
            else:
                report.misaligned_span(ex.doc["id"], ex.annotator, "span", start, end, label, text)
        report.spans += len(spans) - len(left_out)
        self.ctx.sink.text(path).write(lines)

    def finish(self) -> list[str]:
        for path, count in self.relaid.items():
            self.ctx.report.warnings.append(
                f"{path}: {count} document(s) imported in another column layout were written in the file's "
                f"({self.layouts[path].describe()}, from its first document): middle columns they lacked are _, "
                "extra ones were dropped"
            )
        return []
