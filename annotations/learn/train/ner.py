"""Train one NER model from the team's gold and register it.

    train_ner(store, config, TrainOptions, annotator=, on_step=) -> TrainOutcome
    score_dev(pipe, dev_gold, labels) -> {"p", "r", "f", "per_label": {...}}
    compare(before, after) -> rows of (label, before F1, after F1, change)

Order of work, so an interrupted run leaves nothing half-done: everything is written in a
temporary directory beside the output (same file system); the best checkpoint is scored on
the dev split against the base (or current) model; then one transaction registers the row and,
as its last step, renames the finished pipeline to the output directory. Ctrl-C at any point
before that removes the temporary directory and registers nothing.

Dev scores use evaluate's own example building (`build_example`, spaCy's Scorer over the
configured labels), so they are comparable with `newsmark evaluate`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotations.config import Config
from annotations.errors import NewsmarkError, UserInputError
from annotations.extract.pipeline import ModelMissing, load_pipeline, resolve_model
from annotations.learn.evaluate import build_example, spans_getter
from annotations.learn.train.config import DEFAULT_MAX_STEPS, ner_config
from annotations.learn.train.data import build_corpus, check_gold
from annotations.learn.train.loop import LoopResult, Step, init, run
from annotations.store import Store
from annotations.store.models import ModelRecord, get, in_use_path, register
from annotations.vocab import Extractor

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class TrainOptions:
    base_model: str | None = None
    from_scratch: bool = False
    dev: float = 0.2
    max_steps: int | None = None
    minutes: float | None = None
    seed: int = 0
    output: str | None = None
    name: str | None = None
    use: bool = False
    annotator: str | None = None  # only this annotator's gold
    rehearsal: float = 0.5
    patience: int | None = None
    eval_frequency: int | None = None
    speakers_only: bool = False  # claims: fit the speaker ranker alone (no span model)
    keep_unimproved: bool = False  # register even when dev F1 did not rise (the learning loop does)
    spare: frozenset[int] = frozenset()  # documents rehearsal never reads (the learning loop's next ones)
    # the learning loop's check and refit (annotations.learn.check):
    dev_ids: frozenset[int] | None = None  # dev is these documents (all the gold: second halves), not a seeded share
    register: bool = True  # False: train and score only (the check), nothing assembled or registered
    refit_steps: int | None = None  # train on all the gold, dev documents too, this many steps, keep the last
    judged: tuple[str | None, dict[str, Any] | None, dict[str, Any]] | None = None  # the check's scores, for a refit
    judge_with: str | None = None  # "before" is this model's score (the loop: the model in use), not the base's
    judge_after: str | None = None  # "after" is this model's score, not the trained one's (a round's shared check)


@dataclass
class TrainOutcome:
    name: str
    path: str
    extractor: str
    base_model: str | None
    data_hash: str
    train_docs: int
    dev_docs: int
    rehearsal_docs: int
    kept_base_spans: int
    before: dict[str, Any] | None
    after: dict[str, Any]
    before_model: str | None
    loop: LoopResult
    in_use: bool
    warnings: list[str] = field(default_factory=list)
    registered: bool = True
    improved: bool = True
    gold: str = ""  # which layer the gold came from, for how many documents
    held_out: int = 0  # documents held out for evaluation (never trained on)
    rehearsal_source: str = ""
    gold_ids: list[int] = field(default_factory=list)  # the documents whose gold it learned from

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "extractor": self.extractor,
            "base_model": self.base_model,
            "data_hash": self.data_hash,
            "train_docs": self.train_docs,
            "dev_docs": self.dev_docs,
            "rehearsal_docs": self.rehearsal_docs,
            "kept_base_spans": self.kept_base_spans,
            "before_model": self.before_model,
            "before": self.before,
            "after": self.after,
            "changes": [
                {"label": lab, "before": b, "after": a, "change": c}
                for lab, b, a, c in compare(self.before, self.after)
            ],
            "steps": self.loop.steps,
            "best_step": self.loop.best_step,
            "stopped": self.loop.stopped,
            "seconds": round(self.loop.seconds, 2),
            "in_use": self.in_use,
            "registered": self.registered,
            "improved": self.improved,
            "gold": self.gold,
            "held_out": self.held_out,
            "rehearsal_source": self.rehearsal_source,
            "gold_ids": list(self.gold_ids),
            "warnings": list(self.warnings),
        }


def score_dev(pipe: Any, dev_gold: list[tuple[str, list[dict[str, Any]]]], labels: list[str]) -> dict[str, Any]:
    """P/R/F1 of a LoadedPipeline on the dev documents, micro and per label (configured labels)."""
    from spacy.scorer import Scorer

    allowed = set(labels)
    items = list(enumerate(text for text, _ in dev_gold))
    examples = []
    for i, result in pipe.predict(items, tasks=["entities"], labels=labels):
        pred = [e for e in result.get("entities", []) if e["label"] in allowed]
        examples.append(build_example(dev_gold[i][0], dev_gold[i][1], pred))
    s = Scorer.score_spans(examples, "ents", getter=spans_getter)
    per = {lab: {"p": v["p"], "r": v["r"], "f": v["f"]} for lab, v in sorted((s.get("ents_per_type") or {}).items())}
    return {"p": s["ents_p"], "r": s["ents_r"], "f": s["ents_f"], "per_label": per, "docs": len(examples)}


def compare(before: dict[str, Any] | None, after: dict[str, Any]) -> list[tuple[str, Any, Any, Any]]:
    """(label, before F1, after F1, change) per label, then the micro average as "ALL"."""
    labels = sorted(set(after["per_label"]) | set((before or {}).get("per_label", {})))
    rows = []
    for lab in labels:
        b = (before or {}).get("per_label", {}).get(lab, {}).get("f") if before else None
        a = after["per_label"].get(lab, {}).get("f")
        rows.append((lab, b, a, None if a is None or b is None else a - b))
    b, a = (before or {}).get("f"), after.get("f")
    rows.append(("ALL", b, a, None if a is None or b is None else a - b))
    return rows


def model_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def output_dir(store: Store, opts: TrainOptions, name: str) -> Path:
    if opts.output:
        out = Path(os.path.expanduser(opts.output))
    else:
        out = Path(store.path).resolve().parent / "models" / name
    if out.exists():
        raise UserInputError(f"--output {out}: already exists (choose a new directory; a model is never overwritten)")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserInputError(f"--output {out}: cannot create its parent directory ({exc.strerror or exc})") from None
    return out


_WORK = re.compile(r"^\..+\.tmp-(\d+)-[^/]*$")
"""A run's temporary directory: `.NAME.tmp-PID-RANDOM` beside the output."""


def work_dir(out: Path, name: str) -> Path:
    """The run's temporary directory beside `out`, named with this process's id; the ones of
    runs whose process is gone (SIGKILL, a crash: about 7 MB each, with the training corpus)
    are removed first. A directory that cannot be written is one line, exit 2."""
    remove_stale_work(out.parent)
    try:
        return Path(tempfile.mkdtemp(prefix=f".{name}.tmp-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise UserInputError(f"--output {out}: cannot write in {out.parent} ({exc.strerror or exc})") from None


def remove_stale_work(folder: Path) -> list[Path]:
    """Remove the temporary directories in `folder` left by training runs that are no longer
    running on this machine; returns them."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    removed = []
    for entry in entries:
        match = _WORK.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink() and not _running(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OverflowError:  # an id no process can have
        return False
    return True


def _has_ner(nlp: Any) -> bool:
    return any(nlp.get_pipe_meta(n).factory in ("ner", "beam_ner") for n in nlp.component_names)


def load_model(name: str, key: str) -> Any:
    try:
        return load_pipeline(name, components={"entities"}, key=key)
    except ModelMissing as exc:
        raise UserInputError(str(exc)) from None


def current_model(store: Store, config: Config) -> str | None:
    """The model predict runs now: the registered one in use, else the configured one."""

    path = in_use_path(store, Extractor.ENTITIES)
    if path and Path(path).is_dir():
        return path
    return resolve_model(config.model.name, config.model.fallbacks)


def resolve_base(store: Store, config: Config, opts: TrainOptions) -> Any:
    """The base LoadedPipeline to fine-tune (None from scratch); refuses one without `ner`."""
    if opts.from_scratch:
        if opts.base_model:
            raise UserInputError("--base-model and --from-scratch exclude each other")
        return None
    name = opts.base_model or current_model(store, config)
    if name is None:
        raise UserInputError(
            f"no base model: config key model.name {config.model.name!r} is not installed; "
            "pass --base-model NAME or --from-scratch"
        )
    pipe = load_model(name, "--base-model")
    if not _has_ner(pipe.nlp) or "ner" not in pipe.nlp.component_names:
        raise UserInputError(
            f"--base-model {name}: has no 'ner' component (pipes: "
            f"{', '.join(pipe.nlp.component_names) or 'none'}); pass --from-scratch"
        )
    return pipe


def assemble(trained_dir: Path, host: str | None, out: Path, meta: dict[str, Any], base: Any = None) -> None:
    """Write the deliverable pipeline to `out`: the host pipeline (the base, or the current
    model when training from scratch) with its `ner` replaced by the trained one, so the
    parse the claim extractor needs stays; without a host, the trained pipeline alone.
    `base` (the loaded base pipeline, no longer needed) is reused as the host, not reloaded."""
    import spacy

    trained = spacy.load(trained_dir)
    if host is None:
        full = trained
    else:
        for name in trained.component_names:
            listeners = getattr(trained.get_pipe(name), "listening_components", None) or []
            if "ner" in listeners:
                trained.replace_listeners(name, "ner", ["model.tok2vec"])
        full = spacy.load(host) if base is None else _reenabled(base)
        names = list(full.component_names)
        nxt = names[names.index("ner") + 1] if "ner" in names and names.index("ner") + 1 < len(names) else None
        if "ner" in names:
            full.remove_pipe("ner")
        if nxt is not None and nxt in full.pipe_names:
            full.add_pipe("ner", source=trained, before=nxt)
        else:
            full.add_pipe("ner", source=trained)
    full.meta.update(meta)
    full.meta.pop("performance", None)
    full.to_disk(out)


def _reenabled(base: Any) -> Any:
    """The base LoadedPipeline's nlp with the pipes the loader disabled enabled again."""
    nlp = base.nlp
    for name in list(nlp.disabled):
        if name not in base.loaded_disabled:
            nlp.enable_pipe(name)
    return nlp


def _run_name(opts: TrainOptions, prefix: str) -> str:
    name = opts.name or f"{prefix}-{model_stamp()}"
    if not _NAME.match(name):
        raise UserInputError(f"--name {name!r}: letters, digits, '.', '_' and '-' only (at most 64)")
    return name


def unused_name(store: Store, opts: TrainOptions, prefix: str) -> str:
    """The run's model name, refused before any work when the registry already holds it (a
    registered model is never replaced)."""

    name = _run_name(opts, prefix)
    if get(store, name) is not None:
        raise UserInputError(f"--name {name}: a model of that name is already registered (newsmark models list)")
    return name


def register_outcome(store: Store, outcome: TrainOutcome, annotator: str, model_dir: Path, out: Path) -> None:
    """Register the outcome in one transaction whose last step renames the finished pipeline
    (`model_dir`, in the temporary directory) to `out`: an interruption before the commit
    leaves neither a registry row nor an output directory."""

    record = ModelRecord(
        name=outcome.name,
        path=outcome.path,
        extractor=outcome.extractor,
        base_model=outcome.base_model,
        data_hash=outcome.data_hash,
        train_docs=outcome.train_docs,
        dev_docs=outcome.dev_docs,
        scores={
            "dev": outcome.after,
            "before": outcome.before,
            "before_model": outcome.before_model,
            "trained_on": list(outcome.gold_ids),
            "steps": outcome.loop.best_step + 1,  # the updates its weights had (a later round's shared check)
        },
    )
    register(store, record, annotator, use_it=outcome.in_use, on_commit=lambda: os.replace(model_dir, out))


def train_ner(
    store: Store,
    config: Config,
    opts: TrainOptions,
    *,
    annotator: str,
    on_step: Callable[[Step], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> TrainOutcome:
    """Train, score before/after on the dev split, register (see the module docstring)."""

    phase = on_phase or (lambda _msg: None)
    name = unused_name(store, opts, "ner")
    check_gold(store, config, opts.annotator)
    base = resolve_base(store, config, opts)
    out = output_dir(store, opts, name)
    work = work_dir(out, name)
    try:
        phase("building the training data")
        corpus = build_corpus(
            store,
            config,
            work / "corpus",
            dev=opts.dev,
            seed=opts.seed,
            annotator=opts.annotator,
            base=base,
            rehearsal=opts.rehearsal,
            spare=opts.spare,
            dev_ids=opts.dev_ids,
            refit=opts.refit_steps is not None,
        )
        result = run_training(corpus, base, opts, work, on_step, phase)
        host = base.source if base is not None else current_model(store, config)
        phase("scoring base and trained model on the dev split" if opts.judged is None else "trained")
        labels = corpus.team_labels or config.label_names
        judged = opts.judged or _score_before_after(
            base, host, work / "best", corpus.dev_gold, labels, opts.judge_with, opts.judge_after
        )
        outcome = _outcome(name, out, opts, base, corpus, result, judged)
        outcome.improved = improved(judged[1], judged[2], result)
        if not opts.register:
            outcome.registered = outcome.in_use = False
            return outcome
        if not outcome.improved and not opts.keep_unimproved:
            outcome.registered = outcome.in_use = False
            outcome.warnings.append(_not_improved(outcome))
            return outcome
        assemble(work / "best", host, work / "model", _meta(name, corpus.data_hash, base), base=base)
        (work / "model" / "newsmark-training.json").write_text(json.dumps(outcome.to_json(), indent=1))
        register_outcome(store, outcome, annotator, work / "model", out)
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _outcome(
    name: str,
    out: Path,
    opts: TrainOptions,
    base: Any,
    corpus: Any,
    result: LoopResult,
    scores: tuple[str | None, dict[str, Any] | None, dict[str, Any]],
) -> TrainOutcome:
    before_model, before, after = scores
    return TrainOutcome(
        name=name,
        path=str(out),
        extractor=Extractor.ENTITIES,
        base_model=base.source if base else None,
        data_hash=corpus.data_hash,
        train_docs=corpus.train_docs,
        dev_docs=corpus.dev_docs,
        rehearsal_docs=corpus.rehearsal_docs,
        kept_base_spans=corpus.kept_base_spans,
        before=before,
        after=after,
        before_model=before_model,
        loop=result,
        in_use=opts.use,
        warnings=corpus.warnings,
        gold=f"{corpus.gold}; labels taught and scored: {', '.join(corpus.team_labels)}",
        held_out=corpus.held_out,
        rehearsal_source=corpus.rehearsal_source,
        gold_ids=list(corpus.gold_ids),
    )


def improved(before: dict[str, Any] | None, after: dict[str, Any], loop: LoopResult) -> bool:
    """Did training beat its base on the dev split? Not when dev F1 did not rise, nor when the
    best checkpoint is the first step's (the base after one update: nothing learned since)."""
    if loop.steps > 1 and loop.best_step <= 0:
        return False
    if before is None or before.get("f") is None:
        return after.get("f") is not None
    return after.get("f") is not None and after["f"] > before["f"]


def _not_improved(outcome: TrainOutcome) -> str:
    b = (outcome.before or {}).get("f")
    a = outcome.after.get("f")
    figures = f"dev F1 {'n/a' if b is None else f'{b:.3f}'} -> {'n/a' if a is None else f'{a:.3f}'}"
    return (
        f"not registered: the trained model did not improve over {outcome.before_model or 'its base'} "
        f"({figures}, best at step {outcome.loop.best_step}); nothing was saved "
        "(more gold, --max-steps or --patience may help; --keep-unimproved registers it anyway)"
    )


def _meta(name: str, data_hash: str, base: Any) -> dict[str, Any]:
    """The delivered pipeline's meta: a package-safe name, and where its training data and
    base came from, so a model directory found on disk still says what it is."""
    return {
        "name": re.sub(r"[^A-Za-z0-9_]", "_", f"newsmark_{name}"),
        "version": "1.0.0",
        "description": f"newsmark NER model {name}",
        "newsmark": {"data_hash": data_hash, "base_model": base.source if base else None},
    }


def _score_before_after(
    base: Any,
    host: str | None,
    best: Path,
    dev_gold: list[tuple[str, list[dict[str, Any]]]],
    labels: list[str],
    judge: str | None = None,
    after_model: str | None = None,
) -> tuple[str | None, dict[str, Any] | None, dict[str, Any]]:
    """(what "before" is, its dev scores, the trained model's dev scores). Before is `judge`,
    else the base (or, from scratch, the current model; None when there is none); after is
    `after_model` when given (a learning round whose check is the model in use), else the
    trained model. Runs before `assemble`, which takes the base pipeline over as its host."""
    before_model = judge or (base.source if base is not None else host)
    same = base is not None and before_model == base.source
    before = (
        score_dev(base if same else load_model(str(before_model), "model.name"), dev_gold, labels)
        if before_model
        else None
    )
    # the trained ner has its own tok2vec, so alone it predicts what it does inside the host
    after = score_dev(load_model(str(after_model or best), "--output"), dev_gold, labels)
    return before_model, before, after


def run_training(
    corpus: Any,
    base: Any,
    opts: TrainOptions,
    work: Path,
    on_step: Callable[[Step], None] | None,
    phase: Callable[[str], None],
) -> LoopResult:
    """One training run over a built corpus; the best checkpoint lands in work/best."""

    refit = opts.refit_steps is not None  # a step count chosen on the check: no early stop, one evaluation
    max_steps = (
        max(1, opts.refit_steps or 1) if refit else opts.max_steps or (100_000 if opts.minutes else DEFAULT_MAX_STEPS)
    )
    cfg = ner_config(
        corpus.train,
        corpus.dev,
        base=base.source if base else None,
        base_nlp=base.nlp if base else None,
        max_steps=max_steps,
        eval_frequency=max_steps if refit else opts.eval_frequency,
        patience=0 if refit else opts.patience,
        seed=opts.seed,
    )
    phase("initialising the pipeline")
    nlp = init(cfg, extra_labels=corpus.labels)
    nlp.config.to_disk(work / "config.cfg")
    phase("training")
    result = run(nlp, work / "best", minutes=opts.minutes, on_step=on_step, keep_last=refit)
    if not (work / "best").exists():
        raise NewsmarkError("training stopped before its first evaluation: no model to save (give more --max-steps)")
    return result
