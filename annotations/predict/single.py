"""One document predicted and stored exactly as `predict` would: the Reader's on-open path.

A freshly imported corpus has no predictions; rather than asking for an upfront `predict`
(hours on 100,000 articles), the Reader predicts the document it opens (and may prefetch the
next). The results go through the same PredictionWriter, under the same extractor versions,
so a later `predict` skips these documents and `evaluate` scores them alike. No Textual here.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from annotations.config import Config
from annotations.errors import NewsmarkError
from annotations.predict.run import PredictionWriter, prepare_pipeline
from annotations.store import Store
from annotations.store.models import in_use_path


def task_versions(nlp: Any) -> dict[str, str]:
    """Extractor name -> version for every extractor this pipeline supports."""
    return dict(nlp.extractor(t) for t in ("entities", "claims") if nlp.supports(t))


def is_current(store: Store, doc_id: int, versions: dict[str, str]) -> bool:
    """Whether the document already has predictions from every one of these versions."""
    if not versions:
        return True
    have = {
        (r["extractor"], r["version"])
        for r in store.query("SELECT extractor, version FROM prediction_runs WHERE doc_id = ?", (doc_id,))
    }
    return all((name, ver) in have for name, ver in versions.items())


def predict_document(store: Store, nlp: Any, config: Config, doc_id: int) -> bool:
    """Predict and store one document unless its predictions are current; True if it stored.

    Long texts run in bounded pieces (engine/bounded.py), in this process (n_process 1).
    """

    versions = task_versions(nlp)
    if is_current(store, doc_id, versions):
        return False
    text = store.scalar("SELECT text FROM documents WHERE id = ?", (doc_id,))
    if text is None:
        return False  # deleted meanwhile
    writer = PredictionWriter(store, versions)
    for key, result in nlp.predict(
        [(doc_id, text)],
        tasks=list(versions),
        n_process=1,
        batch_size=config.model.batch_size,
        labels=config.label_names,
        claim_types=config.claims.types,
    ):
        writer.add(key, result)
    writer.flush()
    return True


def first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


class Follower:
    """The pipeline predict would use now, reloaded when the registry's model in use changes
    (one indexed query per request; the configured model when none is registered)."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store, self.config = store, config
        self.path = in_use_path(store)
        self.nlp = prepare_pipeline(store, config)

    def follow(self) -> bool:
        """Load the model in use if it is not the loaded one; True when it did."""
        path = in_use_path(self.store)
        if path == self.path:
            return False
        self.path = path  # tried once: a model that cannot load is not retried on every key
        self.nlp = prepare_pipeline(self.store, self.config)
        return True


def serve(path: str, config: Config, conn: Any) -> None:
    """The suggestion process (started by the app with spawn): load the pipeline once, then
    predict the documents the app asks for over `conn`, newest request first.

    Receives (doc_id, prefetch_id or None), or None to stop; sends ("loaded", None),
    ("ready", doc_id) once doc_id's predictions are stored (now, or by a prefetch the app may
    have drawn too early), ("idle", None) after each request, ("error", line). A process of
    its own so that loading spaCy and predicting use the second core, never the app's GIL.

    The model follows the registry: when the model in use changes (a learning round, or
    `newsmark models use`), the next request loads the new one first (`Follower`), so the
    documents opened after a round get the learned model's suggestions.
    """

    try:
        store = Store(path)
        model = Follower(store, config)
    except Exception as exc:
        conn.send(("error", first_line(exc)))
        return
    conn.send(("loaded", None))
    prefetched: set[int] = set()
    while True:
        try:
            job = conn.recv()
            while conn.poll():  # only the newest request matters
                job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        doc_id, prefetch = job
        try:
            if model.follow():
                prefetched = set()  # a prefetch from the old model is no longer current
        except Exception as exc:  # the new model cannot load: keep suggesting from the old one
            conn.send(("error", first_line(exc)))
        nlp = model.nlp
        try:
            if predict_document(store, nlp, config, doc_id) or doc_id in prefetched:
                conn.send(("ready", doc_id))
            if prefetch is not None and not conn.poll() and predict_document(store, nlp, config, prefetch):
                prefetched = {prefetch}
        except (NewsmarkError, OSError, sqlite3.Error) as exc:
            conn.send(("error", str(exc)))
        conn.send(("idle", None))
