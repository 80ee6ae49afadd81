"""prodigy: Prodigy's NER task lines (text, tokens, spans with token offsets, hashes, answer)."""

from __future__ import annotations

import json
from typing import Any

from murmurhash import hash as murmur  # type: ignore[import-untyped]  # a spaCy dependency

from annotations.export.report import ExportReport
from annotations.export.selection import Example, export_meta
from annotations.export.sink import dump
from annotations.export.writers.base import Context, Writer
from annotations.extract.bounded import blank_tokenizer


class ProdigyWriter(Writer):
    name = "prodigy"
    default_file = "prodigy.jsonl"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.nlp = blank_tokenizer()  # any document import allows, in one piece (no E088)
        self.tokens: dict[int, Any] = {}  # a document's tokens, shared by its annotators' lines

    def write(self, ex: Example, split: str | None) -> None:
        doc_id = ex.doc["id"]
        tokens = self.tokens.get(doc_id)
        if tokens is None:
            tokens = self.tokens[doc_id] = self.nlp.make_doc(ex.doc["text"])
        handle = self.ctx.sink.text(self.ctx.path_for(split, self.extension))
        handle.write(dump(_prodigy_line(ex, tokens, self.ctx.report)))

    def end_page(self) -> None:
        self.tokens.clear()


def _mmh(text: str) -> int:
    """Signed 32-bit MurmurHash3 of a string (the hash function Prodigy uses)."""
    return int(murmur(text))


def _prodigy_line(ex: Example, doc: Any, report: ExportReport) -> dict[str, Any]:
    text = ex.doc["text"]
    export_id, meta = export_meta(ex.doc)
    meta = {"id": export_id, **meta}
    if ex.annotator is not None:
        meta["annotator"] = ex.annotator
    meta["status"] = ex.status
    tokens = [
        {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)} for t in doc
    ]
    spans = []
    for s in ex.spans:
        span = doc.char_span(s["start"], s["end"])
        if span is None:
            report.misaligned_span(ex.doc["id"], ex.annotator, "span", s["start"], s["end"], s["label"], text)
            continue
        item = {
            "start": s["start"],
            "end": s["end"],
            "token_start": span.start,
            "token_end": span.end - 1,
            "label": s["label"],
        }
        spans.append(item)
    input_hash = _mmh(json.dumps({"text": text}, sort_keys=True))
    task_hash = _mmh(
        json.dumps(
            {"_input_hash": input_hash, "spans": [[s["start"], s["end"], s["label"]] for s in spans]}, sort_keys=True
        )
    )
    line: dict[str, Any] = {
        "text": text,
        "meta": meta,
        "_input_hash": input_hash,
        "_task_hash": task_hash,
        "tokens": tokens,
        "spans": spans,
        "_view_id": "ner_manual",
    }
    if ex.status == "done":
        line["answer"] = "accept"
    if ex.annotator is not None:
        line["_annotator_id"] = f"newsmark-{ex.annotator}"
        line["_session_id"] = f"newsmark-{ex.annotator}"
    report.spans += len(spans)
    return line
