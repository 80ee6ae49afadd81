"""Train a span categorizer for claims on doc.spans["claims"] (the export's gold claims).

    claims_config(train, dev, *, max_steps, ...) -> thinc Config
    train_claims(store, config, TrainOptions, annotator=, on_step=, on_phase=) -> TrainOutcome

Claims are clause- or sentence-long, far beyond the n-gram suggester's reach, so the pipeline
is spaCy's `span_finder` (learns where claims start and end; its candidates go to
doc.spans["claims"]) followed by `spancat` reading those candidates (`preset_spans_suggester`)
and keeping the ones it labels with a claim type. Both have their own tok2vec (no listeners),
so predict can source them into whichever entity pipeline is in use. The config starts from
spaCy's `init config --pipeline spancat` and changes only those parts.

Selected with `models use NAME` (extractor "claims"), the spancat's spans are the claims
predict stores instead of the baseline detector's; the baseline still runs on the parse to
give each predicted claim the speaker, cue and stance of the baseline claim it overlaps most.
Dev scores are exact and overlapping span matches, as `evaluate` computes them, against the
baseline detector on the same documents.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotations.config import Config
from annotations.errors import NewsmarkError, UserInputError
from annotations.extract.claims import RANKER_FILE
from annotations.extract.pipeline import ModelMissing, attach_claims, load_pipeline
from annotations.learn.evaluate import build_example, spans_getter
from annotations.learn.train.config import DEFAULT_MAX_STEPS
from annotations.learn.train.data import build_corpus, check_gold, read_docbin
from annotations.learn.train.loop import LoopResult, Step, init, run
from annotations.learn.train.ner import (
    TrainOptions,
    TrainOutcome,
    current_model,
    output_dir,
    register_outcome,
    unused_name,
)
from annotations.learn.train.speakers import fit_ranker, speaker_docs, speaker_scores, split_docs
from annotations.store import Store
from annotations.vocab import Extractor, Status

SPANS_KEY = "claims"


def claims_config(
    train: Path,
    dev: Path,
    *,
    max_steps: int,
    eval_frequency: int | None = None,
    patience: int | None = None,
    seed: int = 0,
) -> Any:
    """span_finder + spancat over doc.spans["claims"], from spaCy's init config."""
    from spacy.cli.init_config import init_config
    from spacy.pipeline.span_finder import DEFAULT_SPAN_FINDER_MODEL

    cfg = init_config(lang="en", pipeline=["spancat"], optimize="efficiency")
    tok2vec = copy.deepcopy(dict(DEFAULT_SPAN_FINDER_MODEL["tok2vec"]))  # its own, not a listener
    spancat = cfg["components"]["spancat"]
    spancat["spans_key"] = SPANS_KEY
    spancat["suggester"] = {"@misc": "spacy.preset_spans_suggester.v1", "spans_key": SPANS_KEY}
    spancat["model"]["tok2vec"] = tok2vec
    spancat["max_positive"] = 1
    finder = {
        "factory": "span_finder",
        "spans_key": SPANS_KEY,
        "threshold": 0.3,
        "max_length": 120,
        "min_length": 2,
        "model": copy.deepcopy(dict(DEFAULT_SPAN_FINDER_MODEL)),
    }
    cfg["nlp"]["pipeline"] = ["span_finder", "spancat"]
    cfg["components"] = {"span_finder": finder, "spancat": spancat}
    cfg["paths"]["train"], cfg["paths"]["dev"] = str(train), str(dev)
    cfg["system"]["seed"] = int(seed)
    t = cfg["training"]
    t["annotating_components"] = ["span_finder"]
    t["max_steps"] = int(max_steps)
    t["eval_frequency"] = int(eval_frequency or min(200, max(1, max_steps // 10)))
    t["score_weights"] = {f"spans_{SPANS_KEY}_f": 1.0, f"spans_{SPANS_KEY}_p": 0.0, f"spans_{SPANS_KEY}_r": 0.0}
    if patience is not None:
        t["patience"] = int(patience)
    return cfg


def _gold_claims(store: Store, annotator: str | None) -> int:
    who, params = ("", []) if annotator is None else (" AND d.annotator = ?", [annotator])
    return int(
        store.scalar(
            "SELECT count(*) FROM claims c JOIN doc_status d ON d.doc_id = c.doc_id AND d.annotator = c.annotator "
            f"WHERE d.status = ?{who}",
            [Status.DONE, *params],
        )
    )


def score_claims(pipe: Any, dev_gold: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """Exact (spaCy's Scorer, unlabeled) and overlap P/R/F1 of a pipeline's claims on dev."""
    from spacy.scorer import Scorer

    examples, n_pred, n_gold, hit_pred, hit_gold = [], 0, 0, 0, 0
    items = list(enumerate(text for text, _ in dev_gold))
    for i, result in pipe.predict(items, tasks=["claims"]):
        gold, pred = dev_gold[i][1], result.get("claims", [])
        examples.append(build_example(dev_gold[i][0], (), (), gold, pred))
        n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
        hit_pred += sum(1 for p in pred if any(p["start"] < g["end"] and g["start"] < p["end"] for g in gold))
        hit_gold += sum(1 for g in gold if any(p["start"] < g["end"] and g["start"] < p["end"] for p in pred))
    s = Scorer.score_spans(examples, "claims", getter=spans_getter, labeled=False, allow_overlap=True)
    p = hit_pred / n_pred if n_pred else None
    r = hit_gold / n_gold if n_gold else None
    overlap = {"p": p, "r": r, "f": 2 * p * r / (p + r) if p and r else (0.0 if n_pred or n_gold else None)}
    return {
        "p": s["claims_p"],
        "r": s["claims_r"],
        "f": s["claims_f"],
        "overlap": overlap,
        "per_label": {},
        "docs": len(examples),
        "gold": n_gold,
        "pred": n_pred,
    }


def _dev_claims(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (d.text, [{"start": s.start_char, "end": s.end_char, "type": s.label_} for s in d.spans.get(SPANS_KEY, [])])
        for d in read_docbin(path)
    ]


def train_claims(
    store: Store,
    config: Config,
    opts: TrainOptions,
    *,
    annotator: str,
    on_step: Callable[[Step], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> TrainOutcome:
    """Train, compare with the baseline detector on dev, register (extractor "claims")."""

    phase = on_phase or (lambda _msg: None)
    name = unused_name(store, opts, "claims")
    check_gold(store, config, opts.annotator)
    if _gold_claims(store, opts.annotator) == 0:
        raise UserInputError("no gold claims in the documents marked done: tag claims in the Reader (c) first")
    host = current_model(store, config)
    if host is None:
        raise UserInputError(f"claims need a parse: config key model.name {config.model.name!r} is not installed")
    if opts.speakers_only:
        return _train_speakers_only(store, opts, host, name, annotator, phase)
    out = output_dir(store, opts, name)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=out.parent))
    try:
        phase("building the training data")
        corpus = build_corpus(store, config, work / "corpus", dev=opts.dev, seed=opts.seed, annotator=opts.annotator)
        result = _train(name, corpus, opts, work / "model", on_step, phase)
        phase("scoring the baseline detector and the trained model on the dev split")
        before, after = _score_against_baseline(host, corpus.dev, work / "model")
        phase("fitting the speaker ranker")
        _add_speaker_ranker(store, opts, host, work / "model", before, after)
        outcome = TrainOutcome(
            name=name,
            path=str(out),
            extractor=Extractor.CLAIMS,
            base_model=None,
            data_hash=corpus.data_hash,
            train_docs=corpus.train_docs,
            dev_docs=corpus.dev_docs,
            rehearsal_docs=0,
            kept_base_spans=0,
            before=before,
            after=after,
            before_model="baseline detector",
            loop=result,
            in_use=opts.use,
            warnings=corpus.warnings,
        )
        register_outcome(store, outcome, annotator, work / "model", out)
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _train(
    name: str,
    corpus: Any,
    opts: TrainOptions,
    model_dir: Path,
    on_step: Callable[[Step], None] | None,
    phase: Callable[[str], None],
) -> LoopResult:
    """One training run of span_finder + spancat over a built corpus; the best checkpoint
    lands in `model_dir`, and a run stopped before any evaluation is refused."""

    cfg = claims_config(
        corpus.train,
        corpus.dev,
        max_steps=opts.max_steps or (100_000 if opts.minutes else DEFAULT_MAX_STEPS),
        eval_frequency=opts.eval_frequency,
        patience=opts.patience,
        seed=opts.seed,
    )
    phase("initialising the pipeline")
    nlp = init(cfg)
    nlp.meta.update({"name": f"newsmark_{name}".replace("-", "_").replace(".", "_"), "version": "1.0.0"})
    phase("training")
    result = run(nlp, model_dir, minutes=opts.minutes, on_step=on_step)
    if not model_dir.exists():
        raise NewsmarkError("training stopped before its first evaluation: no model to save (give more --max-steps)")
    return result


def _score_against_baseline(host: str, dev: Path, model_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(baseline detector's dev scores, trained model's): the same loaded host pipeline scores
    both, first alone, then with the trained spancat attached, as predict would run it."""

    dev_gold = _dev_claims(dev)
    baseline = _load_claims(host)
    before = score_claims(baseline, dev_gold)
    attach_claims(baseline, str(model_dir))
    after = score_claims(baseline, dev_gold)
    return before, after


def _load_claims(host: str) -> Any:
    try:
        return load_pipeline(host, components={"claims"}, key="model.name")
    except ModelMissing as exc:
        raise UserInputError(str(exc)) from None


def _ranker_scores(
    store: Store, opts: TrainOptions, host: str, model_dir: Path
) -> tuple[dict[str, Any], dict[str, Any], int, int, str]:
    """Fit the speaker ranker on the training documents' gold claims, save it in `model_dir`;
    (rules' dev scores, ranked dev scores, train docs, dev docs, data hash)."""

    docs = speaker_docs(store, _load_claims(host), annotator=opts.annotator)
    if not docs:
        raise UserInputError("no gold claim with a speaker in the documents marked done: give claims their speaker")
    train, dev = split_docs(docs, opts.dev, opts.seed)
    ranker = fit_ranker(train)
    model_dir.mkdir(parents=True, exist_ok=True)
    ranker.save(model_dir / RANKER_FILE)
    digest = hashlib.sha256(repr([(d.doc_id, d.gold) for d in docs]).encode()).hexdigest()[:16]
    return speaker_scores(dev), speaker_scores(dev, ranker), len(train), len(dev), digest


def _add_speaker_ranker(
    store: Store, opts: TrainOptions, host: str, model_dir: Path, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """The speaker ranker beside the span model, its dev accuracy a row of the before/after table
    (none when no gold claim has a speaker: the span model is trained all the same)."""
    try:
        rules, ranked, *_ = _ranker_scores(store, opts, host, model_dir)
    except UserInputError:
        return
    before.setdefault("per_label", {})["speaker accuracy"] = {"f": rules["accuracy"]}
    after.setdefault("per_label", {})["speaker accuracy"] = {"f": ranked["accuracy"]}


def _train_speakers_only(
    store: Store, opts: TrainOptions, host: str, name: str, annotator: str, phase: Callable[[str], None]
) -> TrainOutcome:
    """`--speakers-only`: the speaker ranker alone, registered as a claims model (predict keeps
    the rules' claims and ranks their speakers); before/after are the rules' and the ranker's
    speaker accuracy on the dev documents."""
    out = output_dir(store, opts, name)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=out.parent))
    try:
        phase("parsing the gold documents and fitting the speaker ranker")
        rules, ranked, n_train, n_dev, digest = _ranker_scores(store, opts, host, work / "model")

        def table(s: dict[str, Any]) -> dict[str, Any]:
            return {"f": s["accuracy"], "lenient": s["lenient"], "claims": s["claims"],
                    "per_label": {"speaker accuracy": {"f": s["accuracy"]}}}  # fmt: skip

        outcome = TrainOutcome(
            name=name,
            path=str(out),
            extractor=Extractor.CLAIMS,
            base_model=None,
            data_hash=digest,
            train_docs=n_train,
            dev_docs=n_dev,
            rehearsal_docs=0,
            kept_base_spans=0,
            before=table(rules),
            after=table(ranked),
            before_model="claim rules",
            loop=LoopResult(stopped="data"),
            in_use=opts.use,
            warnings=[]
            if n_dev
            else ["no dev documents: the speaker accuracy is not measured (add more done documents)"],
        )
        register_outcome(store, outcome, annotator, work / "model", out)
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)
