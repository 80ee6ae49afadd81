"""Export the labelled dataset: native JSONL (lossless), Prodigy, spaCy DocBin and variant links.

    export(store, fmt, out, *, split=None, seed=0, status="done", annotator=None, labels=None,
           on_progress=None) -> ExportReport
    parse_split("train=0.8,dev=0.1,test=0.1" | "0.8,0.1,0.1") -> {"train": 0.8, ...}
    split_counts(n, split) -> {"train": 8, ...}
    split_of(content_hashes, split, seed) -> {content_hash: split name}

One example is one (document, annotator): every annotator's annotations of a document are kept
apart, never merged. jsonl and prodigy write one line per example (Prodigy itself stores
multi-annotator data so, told apart by _annotator_id); spacy refuses documents with several
annotators unless `annotator` picks one, since training data must not hold two gold versions
of one text. ExportReport.annotators names whose examples were written.

Documents are streamed: their ids are paged from SQLite (keyset pagination,
`PAGE` documents at a time) and each page's text and annotations are fetched together, so memory
does not grow with the corpus. Output order is deterministic: document id, then annotator.

Which examples (`status`): "done" (default) takes the (document, annotator) pairs marked done;
"in progress", "skipped" and "todo" likewise; "all" takes every pair, plus one line with
annotator null and status "todo" for each document that nobody (or not `annotator`) touched.

Splits are by document, so every annotator's version of a document lands in the same split.
Before writing, the content hashes of the documents being exported are ranked by a hash seeded
with `seed` (a shuffle independent of database ids and import order) and cut at exact counts
(`split_counts`: largest remainder, and every split gets a document once there are enough), so
a small export still fills dev and test. The same documents and seed give the same split in any
database; adding documents may move others (the cut points shift).

Formats
-------
jsonl    one compact JSON object a line (see DESIGN.md): id, text, meta (with title, url, date,
         outlet, author, so re-import restores them), status, annotator, spans [{start, end,
         label, text, entity}], claims [{start, end, type, speaker, cue, stance, group,
         checkworthy, note}], entities [{id, name, label, aliases, external_id}] (those the
         line's spans link to). `id` is the document's id in its source when it was imported
         with one (kept in meta as "source_id" by the importer), else the database id, so
         export -> import -> export reproduces the same lines (entity ids aside). A claim group
         is written as its name, else its id. Variant judgements are not per document: they are
         exported by `links`.
prodigy  Prodigy NER tasks: text, tokens, spans with token_start / token_end (inclusive), meta,
         _input_hash / _task_hash (signed 32-bit MurmurHash3, the hash Prodigy uses, of the JSON
         of the input text / of the input hash and the spans: stable across runs and databases;
         not guaranteed bit-equal to Prodigy's own), _view_id "ner_manual", answer "accept"
         for done documents (no answer otherwise: a pre-annotated task), _annotator_id /
         _session_id "newsmark-<annotator>".
spacy    DocBin files in the directory `out`: <split>.spacy per split (train.spacy, dev.spacy,
         test.spacy by default). Gold spans are doc.ents (kb_id_ = canonical entity id); spans
         that overlap another are left out of doc.ents (the longest is kept) and counted; every
         gold span is also in doc.spans["sc"]; claims are doc.spans["claims"] (label = claim type,
         kb_id_ = claim group) with their details in doc.user_data["claims"]. Done documents mark
         every other token as outside an entity; other statuses leave them missing. Above
         SHARD_DOCS documents, each split is a directory of shards (<split>/0000.spacy ...), which
         `spacy train --paths.train OUT/train` reads as one corpus.
links    variant-spelling training data: {"a", "b", "label", "same", "source", ...} per judged
         pair (latest verdict per pair; unsure ones left out and counted) and per pair of forms
         of one canonical entity (`entity_forms`: name, aliases, linked mention texts), then
         {"cluster", "label"} lines (same-edges joined, never across a "different" judgement).
         Forms of two different entities are implied "different" pairs (what `evaluate` scores
         with); they are not listed, as there are quadratically many. No split.

Tokenisation (prodigy, spacy) is spaCy's blank English tokenizer. A span or claim whose
boundaries fall inside a token cannot be a token span: it is left out of that document's
tokens spans (and its tokens are marked missing, not outside, in spaCy docs), counted in
ExportReport.misaligned, and the first examples are reported. Nothing is shifted or snapped.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import stat
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import UserInputError
from .store import Store

__all__ = [
    "FORMATS", "STATUS_CHOICES", "DEFAULT_SPLIT", "ExportReport", "entity_forms", "export", "parse_split",
    "split_counts", "split_of",
]

FORMATS = ("jsonl", "prodigy", "spacy", "links")
STATUS_CHOICES = ("done", "all", "todo", "in progress", "skipped")
DEFAULT_SPLIT = {"train": 0.8, "dev": 0.1, "test": 0.1}
PAGE = 900             # documents fetched per query page (ids bound as parameters: under 999)
SHARD_DOCS = 10_000    # above this many documents, spaCy splits are written as shard directories
MAX_EXAMPLES = 5       # misaligned spans shown in the report

_SPLIT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
# Compact JSON, UTF-8 as is: the separators SQLite's json_object uses too, so lines that mix
# spans written by SQLite with the rest written here look alike.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# --------------------------------------------------------------------------- report


@dataclass
class ExportReport:
    format: str
    files: list[str] = field(default_factory=list)
    documents: int = 0          # distinct documents written
    examples: int = 0           # lines / docs written: one per (document, annotator)
    spans: int = 0              # gold spans written
    claims: int = 0             # claims written
    entities: int = 0           # distinct canonical entities referenced
    splits: dict[str, int] = field(default_factory=dict)   # examples per split
    misaligned: int = 0         # spans and claims that do not fall on token boundaries (left out)
    misaligned_examples: list[dict[str, Any]] = field(default_factory=list)
    overlapping: int = 0        # spaCy: gold spans left out of doc.ents (kept in spans["sc"])
    pairs: int = 0              # links: pair lines
    clusters: int = 0           # links: cluster lines
    unsure: int = 0             # links: unsure judgements left out
    conflicts: int = 0          # links: judged "different" although one canonical entity holds both
    annotators: list[str] = field(default_factory=list)    # whose examples were written
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format, "files": list(self.files), "documents": self.documents,
            "examples": self.examples, "spans": self.spans, "claims": self.claims,
            "entities": self.entities, "splits": dict(self.splits), "misaligned": self.misaligned,
            "misaligned_examples": list(self.misaligned_examples), "overlapping": self.overlapping,
            "pairs": self.pairs, "clusters": self.clusters, "unsure": self.unsure,
            "conflicts": self.conflicts, "annotators": list(self.annotators), "warnings": list(self.warnings),
        }

    def _misaligned(self, doc_id: Any, annotator: str | None, kind: str, start: int, end: int,
                    label: str | None, text: str) -> None:
        self.misaligned += 1
        if len(self.misaligned_examples) < MAX_EXAMPLES:
            self.misaligned_examples.append({
                "doc": doc_id, "annotator": annotator, "kind": kind, "start": start, "end": end,
                "label": label, "text": text[start:end],
            })


# --------------------------------------------------------------------------- splits


def parse_split(value: str | dict[str, float] | None) -> dict[str, float] | None:
    """A split as given on the command line: "train=0.8,dev=0.1,test=0.1", "0.8,0.1,0.1"
    (train, dev, test; two numbers give train, dev) or a mapping. Fractions must be positive
    and add up to 1. Raises UserInputError naming what is wrong."""
    if value is None:
        return None
    if isinstance(value, dict):
        items = list(value.items())
    else:
        text = str(value).strip()
        if not text:
            raise UserInputError("--split: empty (expected e.g. train=0.8,dev=0.1,test=0.1)")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        items = []
        names = ["train", "dev", "test"]
        for i, part in enumerate(parts):
            if "=" in part:
                name, _, num = part.partition("=")
                name = name.strip()
            else:
                if i >= len(names):
                    raise UserInputError(f"--split: {len(parts)} unnamed fractions (at most 3: train, dev, test)")
                name, num = names[i], part
            try:
                items.append((name, float(num)))
            except ValueError:
                raise UserInputError(f"--split: {part!r} is not NAME=FRACTION") from None
    if not items:
        raise UserInputError("--split: no fractions given")
    out: dict[str, float] = {}
    for name, frac in items:
        if not isinstance(name, str) or not _SPLIT_NAME.match(name):
            raise UserInputError(f"--split: split name {name!r} must be letters, digits, - or _")
        if name in out:
            raise UserInputError(f"--split: split {name!r} is named twice")
        if not isinstance(frac, (int, float)) or not 0 < float(frac) <= 1:
            raise UserInputError(f"--split: fraction for {name!r} must be in (0, 1], got {frac!r}")
        out[name] = float(frac)
    total = sum(out.values())
    if abs(total - 1.0) > 1e-6:
        raise UserInputError(f"--split: fractions add up to {total:g}, not 1")
    return out


def split_counts(n: int, split: dict[str, float]) -> dict[str, int]:
    """How many of n documents each split gets: largest-remainder rounding of n * fraction, so
    the counts add up to n; with n at least the number of non-zero splits, none of them is left
    empty (an empty dev set breaks `spacy train`): a missing one takes a document from the largest."""
    total = sum(split.values()) or 1.0
    quotas = {name: n * frac / total for name, frac in split.items()}
    counts = {name: int(q) for name, q in quotas.items()}
    by_remainder = sorted(split, key=lambda name: counts[name] - quotas[name])  # stable: ties in order
    for name in by_remainder[: n - sum(counts.values())]:
        counts[name] += 1
    wanted = [name for name, frac in split.items() if frac > 0]
    if n >= len(wanted):
        for name in wanted:
            if counts[name] == 0:
                counts[max(counts, key=counts.__getitem__)] -= 1
                counts[name] = 1
    return counts


def split_of(keys: Iterable[str], split: dict[str, float], seed: int = 0) -> dict[str, str]:
    """{content hash: split name} for the documents being exported, cut at `split_counts`.

    Documents are ranked by sha256(seed, content hash), a seeded shuffle that does not depend
    on database ids or import order, so the same documents and seed always split the same way."""
    ranked = sorted(set(keys), key=lambda k: hashlib.sha256(f"{seed}\0{k}".encode("utf-8")).digest())
    out: dict[str, str] = {}
    start = 0
    for name, count in split_counts(len(ranked), split).items():
        out.update(dict.fromkeys(ranked[start:start + count], name))
        start += count
    return out


# --------------------------------------------------------------------------- reading


@dataclass
class _Example:
    doc: dict[str, Any]
    annotator: str | None
    status: str
    spans: list[Any]    # dicts (start, end, label, text, entity), or their JSON text (native jsonl)
    claims: list[dict[str, Any]]
    entities: dict[int, dict[str, Any]]


def _marks(n: int) -> str:
    return ",".join("?" for _ in range(n))


def _chunked(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    """Id lists short enough for one statement's parameters (SQLite's limit may be 999)."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


class _Reader:
    """Pages of examples from the store, in document id then annotator order."""

    def __init__(self, store: Store, status: str, annotator: str | None, labels: set[str] | None,
                 *, json_spans: bool = False) -> None:
        self.store = store
        self.status = status
        self.annotator = annotator
        self.labels = labels
        # Native jsonl: SQLite writes each span's JSON object (json_object, in C), which is about
        # three times cheaper than a Python dict per span encoded again.
        self.json_spans = json_spans

    def _filter(self) -> tuple[str, list[Any]]:
        if self.status in ("all", "todo"):
            return "", []
        cond = "s.doc_id = d.id AND s.status = ?"
        params: list[Any] = [self.status]
        if self.annotator is not None:
            cond += " AND s.annotator = ?"
            params.append(self.annotator)
        return f"AND EXISTS (SELECT 1 FROM doc_status s WHERE {cond})", params

    def count(self) -> int:
        clause, params = self._filter()
        return int(self.store.scalar(f"SELECT count(*) FROM documents d WHERE 1 {clause}", params))

    def hashes(self) -> list[str]:
        """Content hashes of the documents that will yield an example: what a split is cut from,
        so it matches `_page`'s choice (for "todo": documents nobody touched, or with a pair -
        a status row, spans or claims - whose status is todo or missing)."""
        clause, params = self._filter()
        if self.status == "todo":
            who = "" if self.annotator is None else " AND x.annotator = ?"
            pair = "EXISTS (SELECT 1 FROM {} x WHERE x.doc_id = d.id" + who
            not_todo = (" AND NOT EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id "
                        "AND s.annotator = x.annotator AND s.status != 'todo')")
            tables = ("doc_status", "spans", "claims")
            untouched = " AND ".join(f"NOT {pair.format(t)})" for t in tables)
            todo = " OR ".join(f"{pair.format(t)}{not_todo})" for t in tables)
            clause = f"AND ({untouched} OR {todo})"
            params = [] if self.annotator is None else [self.annotator] * 2 * len(tables)
        return [r[0] for r in self._rows(f"SELECT d.hash FROM documents d WHERE 1 {clause}", params)]

    def pages(self) -> Iterator[list[_Example]]:
        clause, params = self._filter()
        last = 0
        while True:
            ids = [r["id"] for r in self.store.query(
                f"SELECT d.id FROM documents d WHERE d.id > ? {clause} ORDER BY d.id LIMIT {int(PAGE)}",
                [last, *params])]
            if not ids:
                return
            last = ids[-1]
            yield self._page(ids)

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.store._lock:
            return self.store.conn.execute(sql, params).fetchall()

    def _page(self, ids: list[int]) -> list[_Example]:
        # Plain tuples, no ORDER BY and no joins in SQL: sorting a page in Python and looking up
        # the few claim groups / speakers separately is about twice as fast.
        m = _marks(len(ids))
        who, who_params = ("", []) if self.annotator is None else (" AND annotator = ?", [self.annotator])
        cur_docs = self.store.query(f"SELECT * FROM documents WHERE id IN ({m})", ids)
        docs = {r["id"]: r for r in cur_docs}
        statuses = {(d, a): st for d, a, st in self._rows(
            f"SELECT doc_id, annotator, status FROM doc_status WHERE doc_id IN ({m}){who}", [*ids, *who_params])}
        spans: dict[tuple[int, str], list[Any]] = defaultdict(list)
        linked: dict[tuple[int, str], set[int]] = defaultdict(set)
        labels = self.labels
        if self.json_spans:
            rows = self._rows(
                f'SELECT doc_id, annotator, start, "end", label, id, entity_id, json_object(\'start\', start, '
                f'\'end\', "end", \'label\', label, \'text\', text, \'entity\', entity_id) FROM spans '
                f"WHERE doc_id IN ({m}){who}", [*ids, *who_params])
            rows.sort()
            present = {(r[0], r[1]) for r in rows}
            for d, a, _st, _en, lab, _id, ent, js in rows:
                if labels is None or lab in labels:
                    spans[(d, a)].append(js)
                    if ent is not None:
                        linked[(d, a)].add(ent)
        else:
            # A span's text is sliced from the document (what the stored copy is, by
            # construction, and what re-import checks), which is cheaper than reading the copy.
            rows = self._rows(f'SELECT doc_id, annotator, start, "end", label, id, entity_id FROM spans '
                              f"WHERE doc_id IN ({m}){who}", [*ids, *who_params])
            rows.sort()
            present = {(r[0], r[1]) for r in rows}
            text_of = {d: r["text"] for d, r in docs.items()}
            for d, a, st, en, lab, _id, ent in rows:
                if (labels is None or lab in labels) and d in text_of:
                    spans[(d, a)].append({"start": st, "end": en, "label": lab, "text": text_of[d][st:en],
                                          "entity": ent})
                    if ent is not None:
                        linked[(d, a)].add(ent)
        claims: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
        rows = self._rows(
            f'SELECT doc_id, annotator, start, "end", id, type, speaker, cue, stance, checkworthy, note, group_id, '
            f"speaker_span_id, speaker_entity_id FROM claims WHERE doc_id IN ({m}){who}", [*ids, *who_params])
        rows.sort(key=lambda r: r[:5])
        groups = self._names("SELECT id, name FROM claim_groups", {r[11] for r in rows if r[11] is not None})
        span_text = self._names("SELECT id, text FROM spans", {r[12] for r in rows if r[12] is not None})
        ent_name = self._names("SELECT id, name FROM entities", {r[13] for r in rows if r[13] is not None})
        for d, a, st, en, _id, typ, speaker, cue, stance, cw, note, gid, sspan, sent in rows:
            # already in the export shape; a claim group is named by its name, else its id
            claims[(d, a)].append({
                "start": st, "end": en, "type": typ,
                "speaker": speaker or span_text.get(sspan) or ent_name.get(sent),
                "cue": cue, "stance": stance,
                "group": None if gid is None else (groups.get(gid) or str(gid)),
                "checkworthy": bool(cw), "note": note,
            })
        entity_ids = sorted(set().union(*linked.values())) if linked else []
        entities: dict[int, dict[str, Any]] = {}
        alias_rows: list[tuple[Any, ...]] = []
        for chunk in _chunked(entity_ids):
            em = _marks(len(chunk))
            for eid, name, label, ext in self._rows(
                    f"SELECT id, name, label, external_id FROM entities WHERE id IN ({em})", chunk):
                entities[eid] = {"id": eid, "name": name, "label": label, "external_id": ext, "aliases": []}
            alias_rows += self._rows(f"SELECT entity_id, form FROM aliases WHERE entity_id IN ({em})", chunk)
        for eid, form in sorted(alias_rows, key=lambda r: (r[1], r[0])):
            if eid in entities:
                entities[eid]["aliases"].append(form)
        pairs: dict[int, set[str]] = defaultdict(set)
        for doc_id, ann in [*statuses, *present, *claims]:
            pairs[doc_id].add(ann)
        out: list[_Example] = []
        for doc_id in ids:
            doc = docs.get(doc_id)
            if doc is None:  # deleted meanwhile
                continue
            wanted = []
            for ann in sorted(pairs.get(doc_id, ())):
                st = statuses.get((doc_id, ann), "todo")
                if self.status == "all" or st == self.status:
                    wanted.append((ann, st))
            if not pairs.get(doc_id) and self.status in ("all", "todo"):
                wanted.append((None, "todo"))
            for ann, st in wanted:
                sp = spans.get((doc_id, ann), []) if ann is not None else []
                ents = {e: entities[e] for e in linked.get((doc_id, ann), ()) if e in entities}
                out.append(_Example(doc, ann, st, sp, claims.get((doc_id, ann), []) if ann is not None else [],
                                    ents))
        return out

    def _names(self, sql: str, ids: set[int]) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for chunk in _chunked(sorted(ids)):
            out.update(self._rows(f"{sql} WHERE id IN ({_marks(len(chunk))})", chunk))
        return out


# --------------------------------------------------------------------------- line builders


def _meta(doc: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """(export id, meta with the document fields) for a document row."""
    try:
        meta = json.loads(doc.get("meta") or "{}")
    except (TypeError, ValueError):
        meta = {}
    if not isinstance(meta, dict):
        meta = {"meta": meta}
    export_id = meta.pop("source_id", None)
    if export_id is None:
        export_id = doc["id"]
    for name in ("title", "url", "date", "outlet", "author"):
        if doc.get(name) is not None:
            meta[name] = doc[name]
    return export_id, dict(sorted(meta.items()))


def _native_line(ex: _Example) -> str:
    """One native JSON line (with its newline). Spans are JSON text already (json_spans)."""
    export_id, meta = _meta(ex.doc)
    ents = sorted(ex.entities.values(), key=lambda e: (e["name"], e["label"], e["id"]))
    head = _encode({"id": export_id, "text": ex.doc["text"], "meta": meta, "status": ex.status,
                    "annotator": ex.annotator})
    spans = ",".join(s if isinstance(s, str) else _encode(s) for s in ex.spans)
    claims = _encode(ex.claims)  # start, end, type, speaker, cue, stance, group, checkworthy, note
    entities = _encode([{"id": e["id"], "name": e["name"], "label": e["label"], "aliases": list(e["aliases"]),
                         "external_id": e["external_id"]} for e in ents])
    return f'{head[:-1]},"spans":[{spans}],"claims":{claims},"entities":{entities}}}\n'


def _mmh(text: str) -> int:
    """Signed 32-bit MurmurHash3 of a string (the hash function Prodigy uses)."""
    from murmurhash import hash as murmur  # a spaCy dependency

    return int(murmur(text))


def _tokens_doc(nlp: Any, text: str) -> Any:
    return nlp.make_doc(text)


def _prodigy_line(ex: _Example, doc: Any, report: ExportReport) -> dict[str, Any]:
    text = ex.doc["text"]
    export_id, meta = _meta(ex.doc)
    meta = {"id": export_id, **meta}
    if ex.annotator is not None:
        meta["annotator"] = ex.annotator
    meta["status"] = ex.status
    tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
              for t in doc]
    spans = []
    for s in ex.spans:
        span = doc.char_span(s["start"], s["end"])
        if span is None:
            report._misaligned(ex.doc["id"], ex.annotator, "span", s["start"], s["end"], s["label"], text)
            continue
        item = {"start": s["start"], "end": s["end"], "token_start": span.start, "token_end": span.end - 1,
                "label": s["label"]}
        spans.append(item)
    input_hash = _mmh(json.dumps({"text": text}, sort_keys=True))
    task_hash = _mmh(json.dumps({"_input_hash": input_hash,
                                 "spans": [[s["start"], s["end"], s["label"]] for s in spans]}, sort_keys=True))
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


def _spacy_doc(ex: _Example, doc: Any, report: ExportReport) -> Any:
    """A spaCy Doc (tokens from the blank tokenizer) carrying this example's annotations."""
    from spacy.util import filter_spans

    text = ex.doc["text"]
    gold: list[Any] = []
    missing_tokens: set[int] = set()
    for s in ex.spans:
        kb = str(s["entity"]) if s["entity"] is not None else ""
        span = doc.char_span(s["start"], s["end"], label=s["label"], kb_id=kb)
        if span is None:
            report._misaligned(ex.doc["id"], ex.annotator, "span", s["start"], s["end"], s["label"], text)
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
    missing = [doc[i:i + 1] for i in sorted(missing_tokens - covered)]
    default = "outside" if ex.status == "done" else "missing"
    doc.set_ents(ents, missing=missing, default=default)
    doc.spans["sc"] = gold
    claims = []
    details = []
    for c in ex.claims:
        span = doc.char_span(c["start"], c["end"], label=c["type"] or "claim", kb_id=c["group"] or "")
        if span is None:
            report._misaligned(ex.doc["id"], ex.annotator, "claim", c["start"], c["end"], c["type"], text)
            continue
        claims.append(span)
        details.append(dict(c))
    doc.spans["claims"] = claims
    export_id, meta = _meta(ex.doc)
    doc.user_data["newsmark"] = {"id": export_id, "doc_id": ex.doc["id"], "annotator": ex.annotator,
                                 "status": ex.status, "meta": meta}
    doc.user_data["claims"] = details
    report.spans += len(gold)
    report.claims += len(claims)
    return doc


# --------------------------------------------------------------------------- writers


def _special(path: Path | str) -> bool:
    """An existing path that is not a regular file (/dev/null, a FIFO): written in place, since
    renaming a temporary file over it would replace the device with a file."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


class _Sink:
    """Files written atomically: to a temporary name, renamed into place when all went well
    (devices and pipes, e.g. --out /dev/null, are written directly)."""

    def __init__(self) -> None:
        self.handles: dict[str, IO[str]] = {}
        self.temps: dict[str, Path] = {}
        self.binary: list[tuple[Path, Path]] = []

    def text(self, path: Path | str) -> IO[str]:
        key = str(path)
        if key == "-":
            return sys.stdout
        handle = self.handles.get(key)
        if handle is None:
            path = Path(path)
            tmp = path if _special(path) else path.with_name(f".{path.name}.tmp-{os.getpid()}")
            handle = open(tmp, "w", encoding="utf-8", newline="\n")
            self.handles[key] = handle
            self.temps[key] = tmp
        return handle

    def write_bytes(self, path: Path, data: bytes) -> None:
        if _special(path):
            path.write_bytes(data)
            return
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_bytes(data)
        self.binary.append((tmp, path))

    def commit(self) -> None:
        for key, handle in self.handles.items():
            handle.close()
            if str(self.temps[key]) != key:
                os.replace(self.temps[key], key)
        for tmp, path in self.binary:
            os.replace(tmp, path)
        self.handles.clear()
        self.binary.clear()

    def abort(self) -> None:
        for key, handle in self.handles.items():
            handle.close()
            if str(self.temps[key]) != key:
                self.temps[key].unlink(missing_ok=True)
        for tmp, _ in self.binary:
            tmp.unlink(missing_ok=True)
        self.handles.clear()
        self.binary.clear()


def _dump(obj: Any) -> str:
    """One compact JSON line (UTF-8 as is, no spaces: what Prodigy and srsly write too)."""
    return _encode(obj) + "\n"


def _prepare_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UserInputError(f"{out}: exists and is not a directory (this export writes several files into --out)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserInputError(f"{out}: cannot create directory ({exc.strerror or exc})") from None


def _file_target(out: str | os.PathLike[str], default_name: str) -> Path | str:
    if str(out) == "-":
        return "-"
    path = Path(os.path.expanduser(str(out)))
    if path.is_dir():
        return path / default_name
    if path.parent and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserInputError(f"{path.parent}: cannot create directory ({exc.strerror or exc})") from None
    return path


# --------------------------------------------------------------------------- entry point


def export(
    store: Store,
    fmt: str,
    out: str | os.PathLike[str],
    *,
    split: dict[str, float] | str | None = None,
    seed: int = 0,
    status: str = "done",
    annotator: str | None = None,
    labels: Sequence[str] | None = None,
    known_labels: Sequence[str] = (),
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write the dataset in `fmt` to `out`; see the module docstring for formats and options.

    out: a file for jsonl / prodigy / links without a split ("-" is stdout; an existing
    directory gets <fmt>.jsonl inside), a directory for spacy and for any split export
    (<split>.jsonl / <split>.spacy inside). spacy without a split uses DEFAULT_SPLIT.
    labels: only spans of these labels; a label neither in `known_labels` (the configured ones)
    nor in the data is an error (a typo would silently export no spans). spacy without
    `annotator` refuses documents that several annotators annotated: training data must not
    hold two gold versions of one text. on_progress(done, total) counts documents. Raises
    UserInputError for bad options and when nothing matches (so an empty file is never
    mistaken for a dataset).
    """
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise UserInputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if status not in STATUS_CHOICES:
        raise UserInputError(f"--status: expected one of {', '.join(STATUS_CHOICES)}, got {status!r}")
    split_map = parse_split(split) if split is not None else None
    label_set = set(labels) if labels is not None else None
    if label_set is not None:
        _check_labels(store, label_set, known_labels)
    report = ExportReport(format=fmt)
    if fmt == "links":
        if split_map is not None:
            raise UserInputError("--split does not apply to --format links (pairs are not per document)")
        return _export_links(store, out, annotator=annotator, labels=label_set, report=report,
                             on_progress=on_progress)
    if fmt == "spacy" and split_map is None:
        split_map = dict(DEFAULT_SPLIT)

    reader = _Reader(store, status, annotator, label_set, json_spans=fmt == "jsonl")
    total = reader.count()
    if total == 0:
        who = f" by annotator {annotator!r}" if annotator else ""
        if status == "done":
            raise UserInputError(f"nothing to export: no documents marked done{who} "
                                 "(mark them done in the Reader (d), or use --status all)")
        raise UserInputError(f"nothing to export: no documents with status {status!r}{who}")
    if fmt == "spacy" and annotator is None:
        _refuse_several_versions(store, status)

    nlp = None
    if fmt in ("prodigy", "spacy"):
        import spacy

        nlp = spacy.blank("en")

    sink = _Sink()
    ext = "spacy" if fmt == "spacy" else "jsonl"
    if split_map is not None:
        base = Path(os.path.expanduser(str(out)))
        if str(out) == "-":
            raise UserInputError("--out - (stdout) cannot hold a split: give a directory")
        _prepare_dir(base)
    else:
        target = _file_target(out, f"{'data' if fmt == 'jsonl' else fmt}.jsonl")

    sharded = fmt == "spacy" and total > SHARD_DOCS
    bins: dict[str, Any] = {}
    bin_docs: dict[str, int] = {}
    shard_no: dict[str, int] = defaultdict(int)
    written_files: list[str] = []

    def spacy_path(name: str) -> Path:
        if sharded:
            d = base / name
            d.mkdir(exist_ok=True)
            return d / f"{shard_no[name]:04d}.spacy"
        return base / f"{name}.spacy"

    def flush_bin(name: str) -> None:
        path = spacy_path(name)
        sink.write_bytes(path, bins[name].to_bytes())
        written_files.append(str(path))
        shard_no[name] += 1
        bins[name] = _new_docbin()
        bin_docs[name] = 0

    split_by_hash = split_of(reader.hashes(), split_map, seed) if split_map is not None else {}
    done_docs = 0
    entity_ids: set[int] = set()
    seen_docs: set[int] = set()
    annotators: set[str] = set()
    if on_progress:
        on_progress(0, total)
    # A native page is many small acyclic objects: the cyclic collector would only rescan them
    # (about a sixth of the run time), so it is paused, as the variant linker does. Not for
    # spaCy Docs, which may hold reference cycles.
    gc_was_enabled = gc.isenabled()
    if fmt == "jsonl":
        gc.disable()
    try:
        if fmt == "spacy":
            for name in split_map:  # every split file exists, even an empty one
                bins[name] = _new_docbin()
                bin_docs[name] = 0
        for page in reader.pages():
            tok_cache: dict[int, Any] = {}
            for ex in page:
                doc_id = ex.doc["id"]
                name = split_by_hash[ex.doc["hash"]] if split_map is not None else None
                if name is not None:
                    report.splits[name] = report.splits.get(name, 0) + 1
                report.examples += 1
                seen_docs.add(doc_id)
                if ex.annotator is not None:
                    annotators.add(ex.annotator)
                entity_ids.update(ex.entities)
                if fmt == "jsonl":
                    handle = sink.text(base / f"{name}.{ext}" if name is not None else target)
                    handle.write(_native_line(ex))
                    report.spans += len(ex.spans)
                    report.claims += len(ex.claims)
                elif fmt == "prodigy":
                    tokens = tok_cache.get(doc_id)
                    if tokens is None:
                        tokens = tok_cache[doc_id] = _tokens_doc(nlp, ex.doc["text"])
                    handle = sink.text(base / f"{name}.{ext}" if name is not None else target)
                    handle.write(_dump(_prodigy_line(ex, tokens, report)))
                else:
                    doc = _spacy_doc(ex, _tokens_doc(nlp, ex.doc["text"]), report)
                    bins[name].add(doc)
                    bin_docs[name] += 1
                    if sharded and bin_docs[name] >= SHARD_DOCS:
                        flush_bin(name)
            done_docs += len({ex.doc["id"] for ex in page})
            if on_progress:
                on_progress(min(done_docs, total), total)
        if fmt == "spacy":
            for name in split_map:
                if not sharded or bin_docs[name] or shard_no[name] == 0:
                    flush_bin(name)
        for key in sink.handles:
            written_files.append(key)
        if split_map is not None and fmt != "spacy":
            for name in split_map:  # an empty split still gets its (empty) file
                path = base / f"{name}.{ext}"
                if str(path) not in sink.handles:
                    sink.text(path)
                    written_files.append(str(path))
        sink.commit()
        if sharded:
            _remove_stale_shards(base, split_map, written_files)
    except BaseException:
        sink.abort()
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    if split_map is None and target == "-":
        written_files.append("-")
    report.files = sorted(set(written_files), key=written_files.index)
    report.documents = len(seen_docs)
    report.annotators = sorted(annotators)
    report.entities = len(entity_ids)
    if split_map is not None:
        report.splits = {name: report.splits.get(name, 0) for name in split_map}
        for name, n in report.splits.items():
            if n == 0:
                report.warnings.append(f"split {name!r} is empty ({report.documents} documents): "
                                       "export more documents or change --split")
    if report.misaligned:
        report.warnings.append(
            f"{report.misaligned} span(s) or claim(s) do not fall on token boundaries and were left out "
            f"of the token-based output (see misaligned_examples)")
    if report.overlapping:
        report.warnings.append(f"{report.overlapping} overlapping span(s) left out of doc.ents "
                               "(all spans are in doc.spans['sc'])")
    return report


def _check_labels(store: Store, wanted: set[str], known: Sequence[str]) -> None:
    """A label neither configured nor anywhere in the data is a typo: name it and the known ones."""
    present = {r["label"] for r in store.query(
        "SELECT DISTINCT label FROM spans UNION SELECT DISTINCT label FROM entities "
        "UNION SELECT DISTINCT label FROM judgements WHERE label IS NOT NULL")}
    unknown = sorted(wanted - present - set(known))
    if unknown:
        names = ", ".join(repr(x) for x in unknown)
        raise UserInputError(f"--labels: unknown label {names} (known: {', '.join(sorted(present | set(known)))})")


def _pairs_sql(status: str) -> tuple[str, list[Any]]:
    """SQL of the (doc_id, annotator) pairs an export with `status` writes (as _Reader picks them)."""
    if status not in ("all", "todo"):
        return "SELECT doc_id, annotator FROM doc_status WHERE status = ?", [status]
    touched = ("SELECT doc_id, annotator FROM doc_status UNION SELECT doc_id, annotator FROM spans "
               "UNION SELECT doc_id, annotator FROM claims")
    if status == "all":
        return touched, []
    return (f"SELECT doc_id, annotator FROM ({touched}) t WHERE NOT EXISTS (SELECT 1 FROM doc_status s "
            "WHERE s.doc_id = t.doc_id AND s.annotator = t.annotator AND s.status != 'todo')"), []


def _refuse_several_versions(store: Store, status: str) -> None:
    """spaCy training data holds one gold version per text: documents annotated by several
    annotators need --annotator (jsonl and prodigy keep every version, one line each)."""
    pairs, params = _pairs_sql(status)
    rows = store.query(
        f"""WITH p AS ({pairs}),
                 multi AS (SELECT doc_id FROM p GROUP BY doc_id HAVING count(DISTINCT annotator) > 1)
            SELECT DISTINCT annotator, (SELECT count(*) FROM multi) AS docs FROM p
            WHERE doc_id IN (SELECT doc_id FROM multi) ORDER BY annotator""", params)
    if rows:
        names = ", ".join(r["annotator"] for r in rows)
        raise UserInputError(
            f"--format spacy: {rows[0]['docs']} document(s) were annotated by several annotators ({names}); "
            "training data must hold one gold version per text: pass --annotator NAME")


def _remove_stale_shards(base: Path, split_map: dict[str, float], written: list[str]) -> None:
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


# --------------------------------------------------------------------------- links


def entity_forms(store: Store, *, annotator: str | None = None) -> dict[int, tuple[str, set[str]]]:
    """{entity id: (label, forms)}: each canonical entity's name, aliases and the text of the
    spans linked to it (only `annotator`'s spans when given), stripped, empty ones left out.

    This is the variant linker's gold from entity links, shared by `export --format links`
    and `evaluate`: two forms of one entity name the same thing; forms of two entities whose
    labels compare (`label_group`) name different things."""
    out: dict[int, tuple[str, set[str]]] = {}
    for r in store.query("SELECT id, name, label FROM entities ORDER BY id"):
        out[r["id"]] = (r["label"], {r["name"].strip()})
    rows = store.query("SELECT entity_id, form FROM aliases")
    who, params = ("", []) if annotator is None else (" AND annotator = ?", [annotator])
    rows += store.query("SELECT DISTINCT entity_id, text AS form FROM spans "
                        f"WHERE entity_id IS NOT NULL{who}", params)
    for r in rows:
        if r["entity_id"] in out:
            out[r["entity_id"]][1].add(r["form"].strip())
    for _label, forms in out.values():
        forms.discard("")
    return out


def _export_links(store: Store, out: str | os.PathLike[str], *, annotator: str | None,
                  labels: set[str] | None, report: ExportReport,
                  on_progress: Callable[[int, int], None] | None) -> ExportReport:
    from .extract.variants import Judgement, canonical_groups, label_group

    who, params = ("", []) if annotator is None else (" WHERE annotator = ?", [annotator])
    judged: dict[tuple[str, str], dict[str, Any]] = {}   # latest verdict per unordered pair
    for r in store.query(f"SELECT a, b, label, verdict, annotator, created_at FROM judgements{who} ORDER BY id",
                         params):
        a, b = (r["a"] or "").strip(), (r["b"] or "").strip()
        if not a or not b or a == b:
            continue
        if labels is not None and r["label"] is not None and r["label"] not in labels:
            continue
        key = (a, b) if a <= b else (b, a)
        judged.pop(key, None)
        judged[key] = {"label": r["label"], "verdict": r["verdict"], "annotator": r["annotator"],
                       "at": r["created_at"]}

    ent_rows = entity_forms(store, annotator=annotator)

    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (a, b), j in judged.items():
        if j["verdict"] == "unsure":
            report.unsure += 1
            continue
        line = {"a": a, "b": b, "label": j["label"], "same": j["verdict"] == "same", "source": "judgement",
                "annotator": j["annotator"]}
        lines[(j["label"] or "", a, b)] = line
    derived = 0
    total = len(ent_rows)
    if on_progress:
        on_progress(0, total)
    for n, (eid, (label, forms)) in enumerate(ent_rows.items(), 1):
        if labels is not None and label not in labels:
            continue
        fs = sorted(forms)
        for i in range(len(fs)):
            for k in range(i + 1, len(fs)):
                a, b = fs[i], fs[k]
                j = judged.get((a, b))
                if j is not None and j["verdict"] != "unsure":
                    if j["verdict"] == "different":
                        report.conflicts += 1
                    continue  # the judgement says it
                key = (label, a, b)
                if key not in lines:
                    lines[key] = {"a": a, "b": b, "label": label, "same": True, "source": "entity",
                                  "entity": eid}
                    derived += 1
        if on_progress and (n % 200 == 0 or n == total):
            on_progress(n, total)

    # clusters: same-edges (judged and derived) per label group, never across "different"
    by_group: dict[str, list[Judgement]] = defaultdict(list)
    group_labels: dict[str, Counter[str]] = defaultdict(Counter)
    for line in sorted(lines.values(), key=lambda x: (x["source"] != "entity",)):  # judgements last: they win
        g = label_group(line["label"]) if line["label"] else ""
        by_group[g].append(Judgement(line["a"], line["b"], line["label"] or "",
                                     "same" if line["same"] else "different"))
        if line["same"] and line["label"]:
            group_labels[g][line["label"]] += 1
    cluster_lines = []
    for g in sorted(by_group):
        for members in canonical_groups(by_group[g]):
            if len(members) < 2:
                continue
            counts = group_labels.get(g)
            label = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else (g or None)
            cluster_lines.append({"cluster": sorted(members), "label": label})
    cluster_lines.sort(key=lambda c: (c["label"] or "", c["cluster"]))

    if not lines and not cluster_lines:
        who_msg = f" by annotator {annotator!r}" if annotator else ""
        raise UserInputError(f"nothing to export: no variant judgements{who_msg} and no canonical entities "
                             "with more than one form (judge pairs in the Entities screen)")
    target = _file_target(out, "links.jsonl")
    sink = _Sink()
    try:
        handle = sink.text(target)
        for key in sorted(lines):
            handle.write(_dump(lines[key]))
        for c in cluster_lines:
            handle.write(_dump(c))
        sink.commit()
    except BaseException:
        sink.abort()
        raise
    report.files = [str(target)]
    report.pairs = len(lines)
    report.clusters = len(cluster_lines)
    report.entities = sum(1 for _label, forms in ent_rows.values() if len(forms) > 1)
    if report.unsure:
        report.warnings.append(f"{report.unsure} unsure judgement(s) left out")
    if report.conflicts:
        report.warnings.append(f"{report.conflicts} pair(s) judged different although one canonical entity "
                               "holds both forms (the judgement is exported)")
    return report
