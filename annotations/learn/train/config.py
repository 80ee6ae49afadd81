"""The spaCy training config, from spaCy's own API (never a hand-written template).

    ner_config(train, dev, *, base=None, base_nlp=None, max_steps, ...) -> thinc Config

From scratch: `spacy.cli.init_config` (what `python -m spacy init config --pipeline ner`
writes: tok2vec + ner, efficiency). Fine-tuning: the same config with the pipeline reduced to
the base pipeline's `ner`, sourced (`[components.ner] source = BASE`): its weights and its
labels come along, and `init_nlp` resumes it instead of initialising it again. A sourced ner
that listens to a shared tok2vec gets its own copy (`replace_listeners`). `init_nlp` fills the
rest (spaCy's fill-config defaults); the filled config is what `spacy train` can rerun.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEFAULT_MAX_STEPS = 2000
# Early stopping by default: stop after this many evaluations without a better dev score
# (spaCy's own default, 1600 steps, never stops a 2000-step run that peaked at step 600).
DEFAULT_PATIENCE_EVALS = 3


def _listens(base_nlp: Any, pipe: str) -> str | None:
    """The shared embedding layer `pipe` listens to in the base pipeline, if any."""
    for name in base_nlp.component_names:
        if pipe in (getattr(base_nlp.get_pipe(name), "listening_components", None) or []):
            return name
    return None


def ner_config(
    train: Path,
    dev: Path,
    *,
    base: str | None = None,
    base_nlp: Any = None,
    max_steps: int = DEFAULT_MAX_STEPS,
    eval_frequency: int | None = None,
    patience: int | None = None,
    seed: int = 0,
    name: str = "newsmark_ner",
) -> Any:
    """The config for one NER training run over the DocBins at `train` / `dev`."""
    from spacy.cli.init_config import init_config

    lang = base_nlp.lang if base_nlp is not None else "en"
    cfg = init_config(lang=lang, pipeline=["ner"], optimize="efficiency")
    if base is not None:
        cfg["nlp"]["pipeline"] = ["ner"]
        ner: dict[str, Any] = {"source": base}
        if base_nlp is not None and _listens(base_nlp, "ner"):
            ner["replace_listeners"] = ["model.tok2vec"]
        cfg["components"] = {"ner": ner}
        if base_nlp is not None and base_nlp.vocab.vectors.shape[0]:
            cfg["initialize"]["vectors"] = base  # the sourced tok2vec may read static vectors
    cfg["paths"]["train"] = str(train)
    cfg["paths"]["dev"] = str(dev)
    cfg["system"]["seed"] = int(seed)
    t = cfg["training"]
    t["max_steps"] = int(max_steps)
    t["eval_frequency"] = int(eval_frequency or min(200, max(1, max_steps // 10)))
    t["patience"] = int(patience if patience is not None else DEFAULT_PATIENCE_EVALS * t["eval_frequency"])
    cfg["nlp"]["batch_size"] = 256
    return cfg
