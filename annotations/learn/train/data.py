"""The NER training corpus: the export's own DocBins, then what fine-tuning adds to them.

    check_gold(store, config, annotator) -> number of done examples (raises UserInputError)
    build_corpus(store, config, workdir, ...) -> Corpus

Gold is built by `export(store, "spacy", ...)` itself (split by document, ranked by a hash
seeded with --seed, so the same documents and seed give the same split): done documents mark
every token outside a gold span as outside an entity (O), misaligned or overlapping spans
leave their tokens missing. What training adds, only when fine-tuning a base pipeline:

* Labels the team does not annotate (the base model's labels that are not configured, e.g.
  MONEY when the config lists PERSON, ORG, ..., and configured labels no gold span uses,
  `team_labels`) were never looked at, so marking those tokens
  O would teach the model to forget them. In train documents the base model's own spans of
  those labels are kept as entities where they cover only O tokens; in dev documents they are
  marked missing, so dev F1 judges the team's labels only (spaCy's NER scorer ignores a
  prediction on missing tokens).
* Rehearsal: the base model's predictions on documents nobody annotated, as complete
  documents (its entities, the rest O), `rehearsal` of them per gold training document,
  chosen by the same seeded hash. Only text that is neither gold (no status but todo, no
  spans, no claims), nor assigned to anyone, nor held out for evaluation (REHEARSAL_RULE):
  rehearsing on a held-out article teaches the model its old answers there.

Held-out documents (annotations.store.held_out) are never read: not as gold, not as rehearsal. They remind the model of what it knew on the corpus's own
  kind of text, the pseudo-rehearsal spaCy's maintainers suggest against catastrophic forgetting.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.config import Config
from annotations.errors import UserInputError
from annotations.export import export
from annotations.extract.bounded import blank_tokenizer
from annotations.store import Store
from annotations.team.layers import gold_sources
from annotations.vocab import Status

if TYPE_CHECKING:
    from annotations.export import ExportReport

DOCBIN_ATTRS = ["ORTH", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID"]
REHEARSAL_RULE = "documents nobody annotated, assigned or held out"


@dataclass
class Corpus:
    """Where the DocBins are and what went into them."""

    train: Path
    dev: Path
    train_docs: int  # gold documents in train
    dev_docs: int
    rehearsal_docs: int = 0
    kept_base_spans: int = 0  # base-model spans of unannotated labels kept in train docs
    labels: list[str] = field(default_factory=list)  # gold labels present in train
    data_hash: str = ""
    dev_gold: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # (text, spans)
    warnings: list[str] = field(default_factory=list)
    gold: str = ""  # one sentence: which layer the gold came from, for how many documents
    held_out: int = 0  # documents held out for evaluation, never read here
    rehearsal_source: str = ""  # one sentence: where rehearsal text came from (or why none)
    team_labels: list[str] = field(default_factory=list)  # the labels the gold uses: taught and scored
    gold_ids: list[int] = field(default_factory=list)  # the documents whose gold the model is trained on


def check_gold(store: Store, config: Config, annotator: str | None) -> int:
    """Number of gold (document, annotator) examples by the one gold rule (annotations.team.layers:
    the reviewed layer where a document has one); refuses none, and gold labels the
    configuration does not list (training would learn a label predict then drops)."""
    pairs = gold_sources(store, annotator=annotator, held_out=False).pairs
    if not pairs:
        by = f" by annotator {annotator!r}" if annotator else ""
        aside = " outside the held-out set" if store.scalar("SELECT count(*) FROM held_out") else ""
        raise UserInputError(
            f"no documents marked done{by}{aside}: mark corrected documents done in the Reader (d) first"
            " (or `newsmark mark --status done` over a selection)"
        )
    labels: set[str] = set()
    for chunk in range(0, len(pairs), 400):
        part = pairs[chunk : chunk + 400]
        where = " OR ".join("(doc_id = ? AND annotator = ?)" for _ in part)
        labels.update(
            r["label"]
            for r in store.query(f"SELECT DISTINCT label FROM spans WHERE {where}", [v for pair in part for v in pair])
        )
    missing = sorted(label for label in labels if label not in config.label_names)
    if missing:
        raise UserInputError(
            f"gold label {missing[0]!r} is not in the configuration (config key labels: "
            f"{', '.join(config.label_names)}): add it there, or relabel those spans"
        )
    return len(pairs)


def _rank(seed: int, key: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{key}".encode()).digest()


_BLANK: dict[str, Any] = {}


def _blank() -> Any:
    """One blank English pipeline (its tokenizer is the export's) for the whole process."""
    if "en" not in _BLANK:
        _BLANK["en"] = blank_tokenizer()  # any document import allows, in one piece (no E088)
    return _BLANK["en"]


TRAIN_PIECE_CHARS = 100_000
"""A gold document longer than this is written to the training DocBins in pieces: spaCy's
trainer re-tokenises every document with the trained pipeline (E088 past nlp.max_length,
1,000,000 characters) and NER's memory grows with the tokens of one document (issue 22)."""


def bounded_docs(docs: Iterable[Any], limit: int = TRAIN_PIECE_CHARS) -> list[Any]:
    """Docs of at most about `limit` characters: a longer one is cut at token boundaries that
    do not fall inside an entity (its gold, missing marks and span groups go with each piece)."""
    out: list[Any] = []
    for doc in docs:
        if len(doc.text) <= limit:
            out.append(doc)
            continue
        starts = [t.idx for t in doc]
        start = 0
        while start < len(doc):
            end = max(start + 1, bisect.bisect_left(starts, doc[start].idx + limit, lo=start) - 1)
            while start + 1 < end < len(doc) and doc[end].ent_iob_ == "I":
                end -= 1  # never cut an entity in two
            out.append(doc[start:end].as_doc(copy_user_data=True))
            start = end
    return out


def read_docbin(path: Path) -> list[Any]:
    from spacy.tokens import DocBin

    vocab = _blank().vocab
    return list(DocBin().from_disk(path).get_docs(vocab))


def _write(path: Path, docs: Iterable[Any]) -> None:
    from spacy.tokens import DocBin

    db = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)
    for doc in docs:
        db.add(doc)
    db.to_disk(path)


def _base_spans(base: Any, docs: list[Any], team: set[str]) -> Iterable[list[Any]]:
    """Per doc, the base model's spans of labels the team does not annotate, as token spans
    of the doc that cover only tokens marked outside."""
    items = ((i, doc.text) for i, doc in enumerate(docs))
    for i, result in base.predict(items, tasks=["entities"]):
        doc = docs[i]
        spans = []
        for e in result.get("entities", []):
            if e["label"] in team:
                continue
            span = doc.char_span(e["start"], e["end"], label=e["label"])
            if span is not None and all(t.ent_iob_ == "O" for t in span):
                spans.append(span)
        yield spans


def _add_unannotated_labels(docs: list[Any], base: Any, team: set[str], *, dev: bool) -> int:
    kept = 0
    for doc, spans in zip(docs, _base_spans(base, docs, team)):
        if dev:
            doc.set_ents([], missing=spans, default="unmodified")
        else:
            doc.set_ents(spans, default="unmodified")
            kept += len(spans)
    return kept


def rehearsal_pool(store: Store) -> list[dict[str, Any]]:
    """(id, hash) of every document rehearsal may read (REHEARSAL_RULE): no status but todo,
    no gold span or claim by anyone, not assigned, not held out."""
    return store.query(
        "SELECT id, hash FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id "
        "AND s.status != 'todo') AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.doc_id = d.id) "
        "AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.doc_id = d.id) "
        "AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.doc_id = d.id) "
        "AND NOT EXISTS (SELECT 1 FROM held_out h WHERE h.doc_id = d.id)"
    )


def _unannotated(store: Store, seed: int, n: int, spare: frozenset[int] = frozenset()) -> list[tuple[int, str]]:
    """Up to n (id, text) of the rehearsal pool, in a seeded order, none of the `spare` ids."""
    if n <= 0:
        return []
    rows = [r for r in rehearsal_pool(store) if r["id"] not in spare]
    chosen = sorted(rows, key=lambda r: _rank(seed, r["hash"]))[:n]
    out: list[tuple[int, str]] = []
    for i in range(0, len(chosen), 500):
        ids = [r["id"] for r in chosen[i : i + 500]]
        marks = ",".join("?" for _ in ids)
        texts = {r["id"]: r["text"] for r in store.query(f"SELECT id, text FROM documents WHERE id IN ({marks})", ids)}
        out += [(d, texts[d]) for d in ids if d in texts]
    return out


def _rehearsal_docs(base: Any, items: list[tuple[int, str]]) -> list[Any]:
    """The base model's predictions as complete documents on the blank tokenizer's tokens."""
    blank = _blank()
    texts = dict(items)
    out = []
    for doc_id, result in base.predict(items, tasks=["entities"]):
        doc = blank.make_doc(texts[doc_id])
        spans, missing = [], []
        for e in result.get("entities", []):
            span = doc.char_span(e["start"], e["end"], label=e["label"])
            if span is None:
                wide = doc.char_span(e["start"], e["end"], alignment_mode="expand")
                missing += [] if wide is None else [wide]
            else:
                spans.append(span)
        from spacy.util import filter_spans

        doc.set_ents(filter_spans(spans), missing=missing, default="outside")
        doc.user_data["newsmark"] = {"doc_id": doc_id, "rehearsal": True}
        out.append(doc)
    return out


def _hash(train: list[Any], dev: list[Any]) -> str:
    h = hashlib.sha256()
    for split, docs in (("train", train), ("dev", dev)):
        for doc in docs:
            h.update(f"{split}\0{len(doc.text)}\0".encode())
            h.update(doc.text.encode("utf-8", "surrogatepass"))
            h.update(repr([(e.start_char, e.end_char, e.label_) for e in doc.ents]).encode())
    return h.hexdigest()[:16]


def _dev_gold(docs: list[Any], labels: set[str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(text, gold spans of the configured labels) per dev document: every gold span, as the
    export kept them in doc.spans["sc"] (doc.ents leaves overlapping ones out)."""
    out = []
    for doc in docs:
        spans = doc.spans.get("sc", doc.ents)
        out.append(
            (
                doc.text,
                [{"start": s.start_char, "end": s.end_char, "label": s.label_} for s in spans if s.label_ in labels],
            )
        )
    return out


def _export_splits(store: Store, workdir: Path, *, dev: float, seed: int, annotator: str | None) -> ExportReport:
    """Export the done documents' gold as train.spacy and dev.spacy in `workdir`, the same
    export `newsmark export` runs, so training sees exactly what an export would hold; its
    refusals are reworded for train's options, and a split left empty is refused here."""

    try:
        report = export(
            store,
            "spacy",
            workdir,
            split={"train": 1 - dev, "dev": dev},
            seed=seed,
            status=Status.DONE,
            annotator=annotator,
            held_out=False,
        )
    except UserInputError as exc:  # the export names its own option; train's is --gold-annotator
        raise UserInputError(str(exc).replace("pass --annotator", "pass --gold-annotator")) from None
    if not report.splits.get("train") or not report.splits.get("dev"):
        raise UserInputError(
            f"{report.documents} document(s) marked done: training needs at least 2 "
            f"(one for --dev {dev:g}); mark more documents done"
        )
    return report


def _doc_id(doc: Any) -> int:
    return int((doc.user_data.get("newsmark") or {}).get("doc_id") or 0)


def halves(doc: Any) -> tuple[Any, Any]:
    """A document cut in two near its middle, at a token that starts no entity's inside
    (gold, missing marks and span groups go with each half): the check split of a round that
    has one gold document. A document too short to cut gives itself and an empty second half."""
    middle = len(doc.text) // 2
    free = [t.i for t in doc if t.i > 0 and t.idx >= middle and t.ent_iob_ != "I"]
    ends = [i for i in free if doc[i - 1].text in {".", "!", "?"} or "\n" in doc[i - 1].text_with_ws]
    cut = (ends or free or [len(doc)])[0]  # a sentence's end after the middle, else any free token
    return doc[:cut].as_doc(copy_user_data=True), doc[cut:].as_doc(copy_user_data=True)


def check_split(docs: list[Any], dev_ids: frozenset[int], refit: bool) -> tuple[list[Any], list[Any]]:
    """(train, dev) of the exported gold for a learning round: dev is the documents `dev_ids`
    names (a round's check documents); when they are all the gold there is (one document),
    dev is the second half of each and train the first. With `refit` every document is trained
    on, and dev (which only spaCy's loop reads then) stays the check split's."""
    dev = [d for d in docs if _doc_id(d) in dev_ids]
    train = [d for d in docs if _doc_id(d) not in dev_ids]
    if not train:
        cut = [halves(d) for d in dev]
        train, dev = [a for a, _ in cut], [b for _, b in cut if len(b)]
        if refit:
            train = list(docs)
    elif refit:
        train = list(docs)
    if not dev:
        raise UserInputError(f"{len(docs)} document(s) marked done: too short to check a model on; mark more done")
    return train, dev


def team_labels(config: Config, docs: list[Any]) -> set[str]:
    """The labels the team annotates: the configured labels its gold uses (else every configured
    one). A configured label nobody marks (DATE in a team that marks names) is treated like a
    label outside the config: the base model's own spans of it are kept, and dev F1 leaves it out."""
    configured = set(config.label_names)
    used = {s.label_ for doc in docs for s in doc.spans.get("sc", doc.ents)} & configured
    return used or configured


def unfinished_reasons(store: Store) -> dict[str, int]:
    """Why the documents nobody finished are not rehearsal text (REHEARSAL_RULE), by reason:
    "held out", "decisions" (someone's spans or claims there, or in progress: begun by hand,
    or decisions `= =` carried from another document), "assigned"; each document is counted
    under the first of them that holds ("free" ones are left out)."""
    rows = store.query(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM held_out h WHERE h.doc_id = d.id) THEN 'held out' "
        "WHEN EXISTS (SELECT 1 FROM spans p WHERE p.doc_id = d.id) "
        "OR EXISTS (SELECT 1 FROM claims c WHERE c.doc_id = d.id) "
        "OR EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id AND s.status != 'todo') THEN 'decisions' "
        "WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.doc_id = d.id) THEN 'assigned' ELSE 'free' END AS why "
        "FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id "
        "AND s.status IN ('done', 'skipped', 'reviewed'))"
    )
    out: dict[str, int] = {}
    for r in rows:
        out[r["why"]] = out.get(r["why"], 0) + 1
    out.pop("free", None)
    return out


def _rehearsal_source(corpus: Corpus, base: Any, rehearsal: float, spared: int, reasons: dict[str, int]) -> None:
    """Name where rehearsal came from, and warn when it was asked for and none was found, in
    plain words: `spared` pool documents the round predicts next, `reasons` why the other
    unfinished documents are not in the pool (unfinished_reasons)."""
    aside = f", the {spared} the round predicts next left out" if spared else ""
    why = ", ".join(f"{n} {_REASONS[k]}" for k, n in sorted(reasons.items()))
    if base is None:
        corpus.rehearsal_source = "rehearsal: none (training from scratch)"
    elif rehearsal <= 0:
        corpus.rehearsal_source = "rehearsal: off (--rehearsal 0)"
    elif corpus.rehearsal_docs:
        corpus.rehearsal_source = (
            f"rehearsal: {corpus.rehearsal_docs} document(s) the base model annotated, from the "
            f"{REHEARSAL_RULE}{aside} ({rehearsal:g} per gold training document)"
        )
    elif round(rehearsal * corpus.train_docs) <= 0:
        corpus.rehearsal_source = (
            f"rehearsal: none ({rehearsal:g} document per gold training document rounds to none for "
            f"{corpus.train_docs} of them)"
        )
    elif spared:
        not_pool = f", and of the other unfinished ones {why}" if why else ""
        corpus.rehearsal_source = (
            f"rehearsal: none (the {REHEARSAL_RULE} are the {spared} the round predicts next{not_pool})"
        )
    else:
        corpus.rehearsal_source = (
            f"rehearsal: none (no unfinished document is free of decisions: {why})"
            if why
            else f"rehearsal: none ({REHEARSAL_RULE}: there are none)"
        )
        corpus.warnings.append(
            "no rehearsal text: every document is gold, holds decisions, is assigned or held out; import "
            "unannotated articles of the same kind so the model keeps what it knew, or pass --rehearsal 0"
        )


_REASONS = {
    "decisions": "hold decisions (begun by hand, or carried there by `= =` from a document done)",
    "assigned": "are assigned to someone",
    "held out": "are held out",
}


def build_corpus(
    store: Store,
    config: Config,
    workdir: Path,
    *,
    dev: float = 0.2,
    seed: int = 0,
    annotator: str | None = None,
    base: Any = None,
    rehearsal: float = 0.5,
    fraction: float = 1.0,
    spare: frozenset[int] = frozenset(),
    dev_ids: frozenset[int] | None = None,
    refit: bool = False,
) -> Corpus:
    """Export the done documents as train/dev DocBins into `workdir`, then (with a `base`
    LoadedPipeline) keep its unannotated labels and mix in rehearsal documents.

    fraction: keep that share of the gold training documents (train-curve); dev never changes.
    spare: documents rehearsal never reads (the learning loop's next documents: rehearsing on
    them would teach the model its old answers exactly where it is about to suggest).
    dev_ids: the dev split is these documents, not a seeded share (`check_split`: a learning
    round's check); refit: train on every gold document, the dev ones too.
    """
    if not 0 < dev < 1:
        raise UserInputError(f"--dev {dev:g}: the dev share must be between 0 and 1 (e.g. 0.2)")
    check_gold(store, config, annotator)
    train_path, dev_path = workdir / "train.spacy", workdir / "dev.spacy"
    if dev_ids is None:
        report = _export_splits(store, workdir, dev=dev, seed=seed, annotator=annotator)
        train_docs, dev_docs = read_docbin(train_path), read_docbin(dev_path)
    else:
        report = export(
            store, "spacy", workdir, split={"train": 1.0}, status=Status.DONE, annotator=annotator, held_out=False
        )
        train_docs, dev_docs = check_split(read_docbin(train_path), dev_ids, refit)
    if fraction < 1:
        ranked = sorted(train_docs, key=lambda d: _rank(seed, d.text))
        train_docs = ranked[: max(1, math.ceil(len(ranked) * fraction))]
    labels = team_labels(config, [*train_docs, *dev_docs])
    corpus = Corpus(
        train=train_path,
        dev=dev_path,
        train_docs=len(train_docs),
        dev_docs=len(dev_docs),
        labels=sorted({e.label_ for d in train_docs for e in d.ents}),
        dev_gold=_dev_gold(dev_docs, labels),
        warnings=list(report.warnings),
        gold=gold_sources(store, annotator=annotator, held_out=False).describe(annotator),
        held_out=int(store.scalar("SELECT count(*) FROM held_out")),
        team_labels=sorted(labels),
        gold_ids=sorted({_doc_id(d) for d in train_docs}),
    )
    extra: list[Any] = []
    if base is not None:
        corpus.kept_base_spans = _add_unannotated_labels(train_docs, base, labels, dev=False)
        _add_unannotated_labels(dev_docs, base, labels, dev=True)
        extra = _rehearsal_docs(base, _unannotated(store, seed, round(rehearsal * len(train_docs)), spare))
        corpus.rehearsal_docs = len(extra)
    spared = sum(1 for r in rehearsal_pool(store) if r["id"] in spare) if spare else 0
    _rehearsal_source(corpus, base, rehearsal, spared, unfinished_reasons(store) if base is not None else {})
    _write(train_path, bounded_docs([*train_docs, *extra]))
    _write(dev_path, bounded_docs(dev_docs))
    corpus.data_hash = _hash(train_docs + extra, dev_docs)
    return corpus
