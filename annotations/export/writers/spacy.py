"""spacy: DocBin files per split (train.spacy, dev.spacy, ...), sharded above SHARD_DOCS documents.

Gold spans are doc.ents (kb_id_ = canonical entity: its external id, else its id), all of them in doc.spans["sc"], claims in
doc.spans["claims"]; `python -m spacy train` runs on the files as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from annotations.export.report import ExportReport
from annotations.export.selection import Example, export_meta, refuse_several_versions
from annotations.export.splits import DEFAULT_SPLIT
from annotations.export.writers import Context, Writer
from annotations.extract.bounded import blank_tokenizer

SHARD_DOCS = 10_000  # above this many documents, spaCy splits are written as shard directories


class SpacyWriter(Writer):
    name = "spacy"
    extension = "spacy"
    default_file = "spacy.jsonl"
    default_split = DEFAULT_SPLIT

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        assert ctx.base is not None and ctx.splits is not None  # spaCy always writes a split
        self.nlp = blank_tokenizer()  # any document import allows, in one piece (no E088)
        self.base = ctx.base
        self.sharded = ctx.total > SHARD_DOCS
        self.bins = {name: _new_docbin() for name in ctx.splits}  # every split file exists, even empty
        self.count = dict.fromkeys(ctx.splits, 0)
        self.shard_no: dict[str, int] = defaultdict(int)
        self.files: list[str] = []

    @classmethod
    def check(cls, store: Any, status: str, annotator: str | None) -> None:
        if annotator is None:
            refuse_several_versions(store, status)

    def write(self, ex: Example, split: str | None) -> None:
        assert split is not None
        self.bins[split].add(_spacy_doc(ex, self.nlp.make_doc(ex.doc["text"]), self.ctx.report))
        self.count[split] += 1
        if self.sharded and self.count[split] >= SHARD_DOCS:
            self._flush(split)

    def _flush(self, name: str) -> None:
        if self.sharded:
            folder = self.base / name
            folder.mkdir(exist_ok=True)
            path = folder / f"{self.shard_no[name]:04d}.spacy"
        else:
            path = self.base / f"{name}.spacy"
        self.ctx.sink.write_bytes(path, self.bins[name].to_bytes())
        self.files.append(str(path))
        self.shard_no[name] += 1
        self.bins[name] = _new_docbin()
        self.count[name] = 0

    def finish(self) -> list[str]:
        for name in self.bins:
            if not self.sharded or self.count[name] or self.shard_no[name] == 0:
                self._flush(name)
        return self.files

    def after_commit(self, written: list[str]) -> None:
        if self.sharded:
            _remove_stale_shards(self.base, self.bins, written)


def kb_id(entity_id: int | None, entities: dict[int, dict[str, Any]]) -> str:
    """A span's kb_id_: its canonical entity's external id (e.g. a Wikidata QID) when known,
    else newsmark's entity id, else empty."""
    if entity_id is None:
        return ""
    return (entities.get(entity_id) or {}).get("external_id") or str(entity_id)


def _spacy_doc(ex: Example, doc: Any, report: ExportReport) -> Any:
    """A spaCy Doc (tokens from the blank tokenizer) carrying this example's annotations."""
    from spacy.util import filter_spans

    text = ex.doc["text"]
    gold: list[Any] = []
    missing_tokens: set[int] = set()
    for s in ex.spans:
        kb = kb_id(s["entity"], ex.entities)
        span = doc.char_span(s["start"], s["end"], label=s["label"], kb_id=kb)
        if span is None:
            report.misaligned_span(ex.doc["id"], ex.annotator, "span", s["start"], s["end"], s["label"], text)
            wide = doc.char_span(s["start"], s["end"], alignment_mode="expand")
            if wide is not None:
                missing_tokens.update(range(wide.start, wide.end))
            continue
        gold.append(span)
    ents = filter_spans(gold)
    kept = {(e.start, e.end, e.label_) for e in ents}
    covered = {i for e in ents for i in range(e.start, e.end)}
    dropped = 0
    for span in gold:
        if (span.start, span.end, span.label_) not in kept:
            dropped += 1
            missing_tokens.update(range(span.start, span.end))
        else:
            kept.discard((span.start, span.end, span.label_))  # a duplicate of a kept span is dropped too
    report.overlapping += dropped
    missing = [doc[i : i + 1] for i in sorted(missing_tokens - covered)]
    default = "outside" if ex.status == "done" else "missing"
    doc.set_ents(ents, missing=missing, default=default)
    doc.spans["sc"] = gold
    claims = []
    details = []
    for c in ex.claims:
        span = doc.char_span(c["start"], c["end"], label=c["type"] or "claim", kb_id=c["group"] or "")
        if span is None:
            report.misaligned_span(ex.doc["id"], ex.annotator, "claim", c["start"], c["end"], c["type"], text)
            continue
        claims.append(span)
        details.append(dict(c))
    doc.spans["claims"] = claims
    export_id, meta = export_meta(ex.doc)
    doc.user_data["newsmark"] = {
        "id": export_id,
        "doc_id": ex.doc["id"],
        "annotator": ex.annotator,
        "status": ex.status,
        "meta": meta,
    }
    doc.user_data["claims"] = details
    report.spans += len(gold)
    report.claims += len(claims)
    return doc


def _remove_stale_shards(base: Path, split_map: dict[str, Any], written: list[str]) -> None:
    """Shards an earlier, larger export left in a split directory would be read as part of this
    corpus by `spacy train`: remove them (only files named like our shards, NNNN.spacy)."""
    keep = {str(Path(p)) for p in written}
    for name in split_map:
        folder = base / name
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if re.fullmatch(r"\d{4}\.spacy", path.name) and str(path) not in keep:
                path.unlink()


def _new_docbin() -> Any:
    from spacy.tokens import DocBin

    return DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID"], store_user_data=True)
