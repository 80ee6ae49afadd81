"""Export the labelled dataset: native JSONL (lossless), Prodigy, spaCy DocBin, CoNLL and variant links.

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
         label, text, entity}], claims [{start, end, type, speaker, role, cue, stance, group,
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
         of one canonical entity (`store.entities.canonical_forms`: name, aliases, linked mention texts), then
         {"cluster", "label"} lines (same-edges joined, never across a "different" judgement).
         Forms of two different entities are implied "different" pairs (what `evaluate` scores
         with); they are not listed, as there are quadratically many. No split.

conll    CoNLL-2003 token-tag lines (writers/conll.py): IOB2 by default, --scheme iob1 | iob2 |
         bioes; documents imported from CoNLL come back with their own tokens and columns.

The package: `selection` (which examples, paged from the store; `gold_versions` picks which
annotators' versions of a document are written), `splits`, `sink` (atomic files), `report`,
and `writers/` (one module per format, registered in writers.WRITERS).

Tokenisation (prodigy, spacy, conll) is spaCy's blank English tokenizer. A span or claim whose
boundaries fall inside a token cannot be a token span: it is left out of that document's
tokens spans (and its tokens are marked missing, not outside, in spaCy docs), counted in
ExportReport.misaligned, and the first examples are reported. Nothing is shifted or snapped.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from annotations.corpus.formats.conll import SCHEMES
from annotations.errors import UserInputError
from annotations.export.report import ExportReport
from annotations.export.selection import PAGE, Example, Reader, check_labels, gold_versions
from annotations.export.sink import Sink, file_target, prepare_dir
from annotations.export.splits import DEFAULT_SPLIT, parse_split, split_counts, split_of
from annotations.export.writers import WRITERS, Context, Writer
from annotations.store import Store

__all__ = [
    "DEFAULT_SPLIT",
    "FORMATS",
    "PAGE",
    "STATUS_CHOICES",
    "WRITERS",
    "ExportReport",
    "export",
    "gold_versions",
    "parse_split",
    "split_counts",
    "split_of",
]

FORMATS = tuple(WRITERS)
STATUS_CHOICES = ("done", "all", "todo", "in progress", "skipped")
_Reader = Reader  # the old private name, kept for callers that page examples themselves


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
    scheme: str | None = None,
    held_out: bool = True,
) -> ExportReport:
    """Write the dataset in `fmt` to `out`; see the module docstring for formats and options.

    out: a file for jsonl / prodigy / conll / links without a split ("-" is stdout; an existing
    directory gets the format's default file inside), a directory for spacy and for any split
    export (<split>.jsonl / .spacy / .conll inside). spacy without a split uses DEFAULT_SPLIT.
    labels: only spans of these labels; a label neither in `known_labels` (the configured ones)
    nor in the data is an error (a typo would silently export no spans). spacy without
    `annotator` refuses documents that several annotators annotated. on_progress(done, total)
    counts documents. held_out=False leaves out held-out documents (training). Raises
    UserInputError for bad options and when nothing matches (never an empty "dataset").
    """
    fmt = (fmt or "").strip().lower()
    writer_cls = _checked(fmt, status, scheme)
    split_map = parse_split(split) if split is not None else None
    label_set = set(labels) if labels is not None else None
    if label_set is not None:
        if not label_set:
            raise UserInputError("--labels: no label names given")
        check_labels(store, label_set, known_labels)
    report = ExportReport(format=fmt)
    if writer_cls.whole_store:
        if split_map is not None:
            raise UserInputError(f"--split does not apply to --format {fmt} (pairs are not per document)")
        return writer_cls.export_store(
            store, out, annotator=annotator, labels=label_set, report=report, on_progress=on_progress
        )
    if split_map is None and writer_cls.default_split is not None:
        split_map = dict(writer_cls.default_split)
    reader = Reader(store, status, annotator, label_set, json_spans=writer_cls.json_spans, held_out=held_out)
    total = reader.count()
    if total == 0:
        _nothing(status, annotator)
    writer_cls.check(store, status, annotator)
    ctx = Context(report, Sink(), None, None, split_map, total, scheme)
    if split_map is not None:
        if str(out) == "-":
            raise UserInputError("--out - (stdout) cannot hold a split: give a directory")
        ctx.base = Path(os.path.expanduser(str(out)))
        prepare_dir(ctx.base)
    else:
        ctx.target = file_target(out, writer_cls.default_file)
    split_by_hash = split_of(reader.hashes(), split_map, seed) if split_map is not None else {}
    _run(writer_cls, ctx, reader, split_by_hash, on_progress)
    _summarise(report, split_map)
    return report


def _checked(fmt: str, status: str, scheme: str | None) -> type[Writer]:
    """The writer of `fmt`, once the options are known good."""
    writer_cls = WRITERS.get(fmt)
    if writer_cls is None:
        raise UserInputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if status not in STATUS_CHOICES:
        raise UserInputError(f"--status: expected one of {', '.join(STATUS_CHOICES)}, got {status!r}")
    if scheme is not None and scheme not in SCHEMES:
        raise UserInputError(f"--scheme: expected {', '.join(SCHEMES)}, got {scheme!r}")
    return writer_cls


def _nothing(status: str, annotator: str | None) -> None:
    who = f" by annotator {annotator!r}" if annotator else ""
    if status == "done":
        raise UserInputError(
            f"nothing to export: no documents marked done{who} (mark them done in the Reader (d), or use --status all)"
        )
    raise UserInputError(f"nothing to export: no documents with status {status!r}{who}")


def _run(
    writer_cls: type[Writer],
    ctx: Context,
    reader: Reader,
    split_by_hash: dict[str, str],
    on_progress: Callable[[int, int], None] | None,
) -> None:
    """Every page through one writer; all its files committed together, or none."""
    report, sink = ctx.report, ctx.sink
    # A native page is many small acyclic objects: the cyclic collector would only rescan them
    # (about a sixth of the run time), so it is paused, as the variant linker does. Not for
    # spaCy Docs, which may hold reference cycles.
    gc_was_enabled = gc.isenabled()
    if writer_cls.pause_gc:
        gc.disable()
    try:
        writer = writer_cls(ctx)
        seen: set[int] = set()
        annotators: set[str] = set()
        entity_ids: set[int] = set()
        if on_progress:
            on_progress(0, ctx.total)
        for page in reader.pages():
            for ex in page:
                name = split_by_hash[ex.doc["hash"]] if ctx.splits is not None else None
                _count(report, ex, name, seen, annotators, entity_ids)
                writer.write(ex, name)
            writer.end_page()
            if on_progress:
                on_progress(min(len(seen), ctx.total), ctx.total)
        files = writer.finish() + list(sink.handles)
        if ctx.splits is not None and ctx.base is not None and writer_cls.extension != "spacy":
            for name in ctx.splits:  # an empty split still gets its (empty) file
                path = ctx.base / f"{name}.{writer_cls.extension}"
                if str(path) not in sink.handles:
                    sink.text(path)
                    files.append(str(path))
        sink.commit()
        writer.after_commit(files)
    except BaseException:
        sink.abort()
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    if ctx.splits is None and ctx.target == "-":
        files.append("-")
    report.files = sorted(set(files), key=files.index)
    report.documents = len(seen)
    report.annotators = sorted(annotators)
    report.entities = len(entity_ids)


def _count(
    report: ExportReport, ex: Example, split: str | None, seen: set[int], annotators: set[str], entity_ids: set[int]
) -> None:
    if split is not None:
        report.splits[split] = report.splits.get(split, 0) + 1
    report.examples += 1
    seen.add(ex.doc["id"])
    if ex.annotator is not None:
        annotators.add(ex.annotator)
    entity_ids.update(ex.entities)


def _summarise(report: ExportReport, split_map: dict[str, float] | None) -> None:
    if split_map is not None:
        report.splits = {name: report.splits.get(name, 0) for name in split_map}
        for name, n in report.splits.items():
            if n == 0:
                report.warnings.append(
                    f"split {name!r} is empty ({report.documents} documents): export more documents or change --split"
                )
    if report.misaligned:
        report.warnings.append(
            f"{report.misaligned} span(s) or claim(s) do not fall on token boundaries and were left out "
            f"of the token-based output (see misaligned_examples)"
        )
    if report.overlapping:
        where = "the CoNLL tags" if report.format == "conll" else "doc.ents (all spans are in doc.spans['sc'])"
        report.warnings.append(f"{report.overlapping} overlapping span(s) left out of {where}")
