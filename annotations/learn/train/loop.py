"""In-process training: spaCy's own step iterator, our stopping rules and progress callback.

    init(cfg, extra_labels=()) -> nlp            spaCy's init_nlp; labels added to a sourced ner
    run(nlp, best_dir, *, minutes=None, on_step=None, keep_last=False) -> LoopResult

`run` mirrors `spacy.training.loop.train` (same corpora, batcher, optimizer, evaluation and
patience, via `train_while_improving`) with two differences: it stops after `minutes` as well
as at max_steps or patience, and it writes only the best checkpoint (spaCy also rewrites
model-last at every evaluation), so it is never slower than `spacy train` on the same config.
A run whose last steps came after the last evaluation is evaluated once more at the end.
With `keep_last` (a refit: the number of steps was chosen before, on a check split) the last
step's weights are saved whatever the evaluations said.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Step:
    """What the progress bar shows after each optimisation step."""

    step: int
    max_steps: int
    loss: float
    score: float | None  # dev score of this step's evaluation, None between evaluations
    best: float | None
    seconds: float
    limit_seconds: float | None


@dataclass
class LoopResult:
    best_score: float | None = None
    best_step: int = -1
    steps: int = 0
    seconds: float = 0.0
    stopped: str = "steps"  # steps | minutes | patience | data
    scores: dict[str, Any] = field(default_factory=dict)  # other scores at the best step
    # the first step that reached best_score (best_step is the last: spaCy saves on a tie, and
    # its patience counts from this one); a learning round's refit takes this many steps
    first_best_step: int = -1


def init(cfg: Any, extra_labels: Iterable[str] = ()) -> Any:
    """Build and initialise the pipeline from a config (spaCy fills the defaults); a sourced
    ner is resumed with its labels, and gold labels it lacks are added (its output grows)."""
    from spacy.training.initialize import init_nlp

    nlp = init_nlp(cfg)
    if "ner" in nlp.pipe_names:
        ner: Any = nlp.get_pipe("ner")
        for label in extra_labels:
            if label not in ner.labels:
                ner.add_label(label)
    return nlp


def _save(nlp: Any, optimizer: Any, before_to_disk: Any, path: Path) -> None:
    with nlp.use_params(optimizer.averages):
        before_to_disk(nlp).to_disk(path)


def run(
    nlp: Any,
    best_dir: Path,
    *,
    minutes: float | None = None,
    on_step: Callable[[Step], None] | None = None,
    keep_last: bool = False,
) -> LoopResult:
    """Train `nlp` (from `init`) on its config's corpora; the best checkpoint goes to best_dir."""
    from spacy.schemas import ConfigSchemaTraining
    from spacy.training.loop import (
        create_before_to_disk_callback,
        create_evaluation_callback,
        create_train_batches,
        train_while_improving,
    )
    from spacy.util import registry, resolve_dot_names

    config = nlp.config.interpolate()
    T = registry.resolve(config["training"], schema=ConfigSchemaTraining)
    train_corpus, dev_corpus = resolve_dot_names(config, [T["train_corpus"], T["dev_corpus"]])
    optimizer = T["optimizer"]
    before_to_disk = create_before_to_disk_callback(T["before_to_disk"])
    evaluate = create_evaluation_callback(nlp, dev_corpus, T["score_weights"])
    steps = train_while_improving(
        nlp,
        optimizer,
        create_train_batches(nlp, train_corpus, T["batcher"], T["max_epochs"]),
        evaluate,
        dropout=T["dropout"],
        accumulate_gradient=T["accumulate_gradient"],
        patience=T["patience"],
        max_steps=T["max_steps"],
        eval_frequency=T["eval_frequency"],
        exclude=T["frozen_components"],
        annotating_components=T["annotating_components"],
        before_update=T["before_update"],
    )
    limit = minutes * 60 if minutes else None
    result = LoopResult(stopped="data")
    # Everything loaded so far (pipelines, corpus, store) lives through training: frozen, the
    # cyclic collector stops rescanning it at every collection of the many per-step objects.
    gc.collect()
    gc.freeze()
    try:
        _loop(nlp, optimizer, steps, T, evaluate, before_to_disk, best_dir, result, limit, on_step)
        if keep_last and result.steps:
            result.best_step = result.steps - 1
            _save(nlp, optimizer, before_to_disk, best_dir)
    finally:
        gc.unfreeze()
    return result


def _loop(
    nlp: Any,
    optimizer: Any,
    steps: Any,
    T: Any,
    evaluate: Any,
    before_to_disk: Any,
    best_dir: Path,
    result: LoopResult,
    limit: float | None,
    on_step: Callable[[Step], None] | None,
) -> None:
    from spacy.training.loop import update_meta

    start = time.perf_counter()
    last_eval = -1
    info: dict[str, Any] = {}
    for _batch, info, is_best in steps:
        result.steps = info["step"] + 1
        if is_best is not None:
            last_eval = info["step"]
            update_meta(T, nlp, info)
        if is_best:
            if result.best_score is None or info["score"] > result.best_score:
                result.first_best_step = info["step"]
            result.best_score, result.best_step = info["score"], info["step"]
            result.scores = dict(info["other_scores"] or {})
            _save(nlp, optimizer, before_to_disk, best_dir)
        elapsed = time.perf_counter() - start
        if on_step is not None:
            on_step(
                Step(
                    info["step"],
                    T["max_steps"],
                    sum(info["losses"].values()),
                    info["score"],
                    result.best_score,
                    elapsed,
                    limit,
                )
            )
        if limit is not None and elapsed >= limit:
            result.stopped = "minutes"
            break
        if T["max_steps"] and result.steps >= T["max_steps"]:
            result.stopped = "steps"  # exactly max_steps updates (spaCy's loop would run one more)
            break
    else:  # spaCy's loop ended by itself: its patience (counted from its earliest best step)
        if T["max_steps"] and result.steps >= T["max_steps"]:
            result.stopped = "steps"
        elif T["patience"] and result.steps:
            result.stopped = "patience"
    if result.steps and last_eval != result.steps - 1:
        _final_eval(nlp, optimizer, evaluate, before_to_disk, best_dir, result, T, info)
    result.seconds = time.perf_counter() - start


def _final_eval(
    nlp: Any,
    optimizer: Any,
    evaluate: Any,
    before_to_disk: Any,
    best_dir: Path,
    result: LoopResult,
    T: Any,
    info: dict[str, Any],
) -> None:
    """Evaluate the steps after the last evaluation; keep them if they are better."""
    from spacy.training.loop import update_meta

    with nlp.use_params(optimizer.averages):
        score, other = evaluate()
    if result.best_score is None or score > result.best_score:
        result.best_score, result.best_step, result.scores = score, result.steps - 1, dict(other or {})
        result.first_best_step = result.best_step
        update_meta(T, nlp, {**info, "score": score, "other_scores": other})
        _save(nlp, optimizer, before_to_disk, best_dir)
