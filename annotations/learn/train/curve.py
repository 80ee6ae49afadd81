"""`newsmark train-curve`: dev F1 at 25/50/75/100 % of the training documents.

Each point is a full training run (the same options as `train`) on the first share of the
training documents in a seeded order; the dev split never changes, so the points compare. A
curve still rising at 100 % says more annotation will still help. Nothing is registered.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotations.config import Config
from annotations.learn.train.data import build_corpus, check_gold
from annotations.learn.train.loop import Step
from annotations.learn.train.ner import TrainOptions, load_model, resolve_base, run_training, score_dev
from annotations.store import Store

SHARES = (0.25, 0.5, 0.75, 1.0)


def train_curve(
    store: Store,
    config: Config,
    opts: TrainOptions,
    *,
    shares: tuple[float, ...] = SHARES,
    on_step: Callable[[Step], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """{"points": [{"share", "train_docs", "dev_docs", "p", "r", "f", "steps"}], "base_model"}."""

    phase = on_phase or (lambda _msg: None)
    check_gold(store, config, opts.annotator)
    base = resolve_base(store, config, opts)
    points = []
    for share in shares:
        work = Path(tempfile.mkdtemp(prefix=".newsmark-curve-"))
        try:
            phase(f"training on {share:.0%} of the training documents")
            corpus = build_corpus(
                store,
                config,
                work / "corpus",
                dev=opts.dev,
                seed=opts.seed,
                annotator=opts.annotator,
                base=base,
                rehearsal=opts.rehearsal,
                fraction=share,
            )
            result = run_training(corpus, base, opts, work, on_step, lambda _msg: None)
            scores = score_dev(
                load_model(str(work / "best"), "--base-model"),
                corpus.dev_gold,
                corpus.team_labels or config.label_names,
            )
            points.append(
                {
                    "share": share,
                    "train_docs": corpus.train_docs,
                    "dev_docs": corpus.dev_docs,
                    "p": scores["p"],
                    "r": scores["r"],
                    "f": scores["f"],
                    "steps": result.steps,
                }
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {"points": points, "base_model": base.source if base is not None else None}
