"""One document predicted and stored exactly as `predict` would: the Reader's on-open path.

A freshly imported corpus has no predictions; rather than asking for an upfront `predict`
(hours on 100,000 articles), the Reader predicts the document it opens (and may prefetch the
next). The results go through the same PredictionWriter, under the same extractor versions,
so a later `predict` skips these documents and `evaluate` scores them alike. No Textual here.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..store import Store


def task_versions(nlp: Any) -> dict[str, str]:
    """Extractor name -> version for every extractor this pipeline supports."""
    return dict(nlp.extractor(t) for t in ("entities", "claims") if nlp.supports(t))


def is_current(store: Store, doc_id: int, versions: dict[str, str]) -> bool:
    """Whether the document already has predictions from every one of these versions."""
    if not versions:
        return True
    have = {(r["extractor"], r["version"]) for r in store.query(
        "SELECT extractor, version FROM prediction_runs WHERE doc_id = ?", (doc_id,))}
    return all((name, ver) in have for name, ver in versions.items())


def predict_document(store: Store, nlp: Any, config: Config, doc_id: int) -> bool:
    """Predict and store one document unless its predictions are current; True if it stored.

    Long texts run in bounded pieces (engine/bounded.py), in this process (n_process 1).
    """
    from ..predict import PredictionWriter

    versions = task_versions(nlp)
    if is_current(store, doc_id, versions):
        return False
    text = store.scalar("SELECT text FROM documents WHERE id = ?", (doc_id,))
    if text is None:
        return False  # deleted meanwhile
    writer = PredictionWriter(store, versions)
    for key, result in nlp.predict([(doc_id, text)], tasks=list(versions), n_process=1,
                                   batch_size=config.model.batch_size, labels=config.label_names,
                                   claim_types=config.claims.types):
        writer.add(key, result)
    writer.flush()
    return True
