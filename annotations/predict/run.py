"""Run the extractors over documents that lack current predictions, resumably.

Engines (annotations/predict/): `local` is one `nlp.pipe` stream over all pending documents
(so n_process workers start once); `dask` sends chunks of pending documents to the workers of
a Dask cluster. Either way this process alone writes SQLite: results are committed every
`commit_every` documents (local) or per chunk (dask), so after a crash or Ctrl-C the finished
part stays and a rerun continues where it stopped. Long texts run in bounded pieces
(engine/bounded.py) on every engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annotations.config import Config
from annotations.extract.pipeline import load_configured
from annotations.predict.cluster import run_on_cluster
from annotations.predict.cores import resolve_n_process
from annotations.predict.local import guarded
from annotations.store import Store
from annotations.store.documents import read_texts
from annotations.store.entities import confirmed_entries

ENGINES = ("local", "dask")


@dataclass
class PredictReport:
    model: str
    documents: int
    entities: int
    claims: int
    versions: dict[str, str]
    engine: str = "local"
    notes: list[str] = field(default_factory=list)


def prepare_pipeline(store: Store, config: Config, *, model: str | None = None) -> Any:
    """The pipeline predict uses: the configured model (or `model`) plus the confirmed names."""

    nlp = load_configured(config.model, override=model, store=store)  # the model in use wins
    entries = confirmed_entries(store)
    if entries:
        nlp.add_gazetteer(entries)
    return nlp


def pending_documents(store: Store, versions: dict[str, str], limit: int | None = None) -> list[int]:
    """Ids lacking a current prediction of any extractor, in import order (at most `limit`)."""
    pending = sorted(set().union(*(store.docs_lacking_predictions(name, ver) for name, ver in versions.items())))
    return pending if limit is None else pending[: max(0, limit)]


class PredictionWriter:
    """Buffers results and stores them per extractor version; the only writer of predictions."""

    def __init__(self, store: Store, versions: dict[str, str]) -> None:
        self.store, self.versions = store, versions
        self.buffer: dict[str, list[tuple[int, list[dict[str, Any]]]]] = {t: [] for t in versions}
        self.documents = self.entities = self.claims = 0

    def add(self, doc_id: int, result: dict[str, list[dict[str, Any]]]) -> None:
        for task in self.buffer:
            self.buffer[task].append((doc_id, result.get(task, [])))
        self.entities += len(result.get("entities", []))
        self.claims += len(result.get("claims", []))
        self.documents += 1

    def flush(self) -> None:
        for task, results in self.buffer.items():
            if results:
                self.store.save_predictions(task, self.versions[task], results)
                results.clear()


@dataclass
class _Run:
    """What every engine's loop shares: the pipeline, the documents to do, the extractor options,
    the one writer, and where progress and notes go; each engine adds only its own settings."""

    store: Store
    nlp: Any
    pending: list[int]
    options: dict[str, Any]
    writer: PredictionWriter
    on_progress: Callable[[int, int], None] | None
    on_note: Callable[[str], None] | None
    notes: list[str] = field(default_factory=list)

    def note(self, line: str) -> None:
        """Keep a note for the report and pass it on as it happens."""
        self.notes.append(line)
        if self.on_note:
            self.on_note(line)

    def progress(self) -> None:
        if self.on_progress:
            self.on_progress(self.writer.documents, len(self.pending))


def run_predict(
    store: Store,
    config: Config,
    *,
    batch_size: int | None = None,
    n_process: int | str | None = None,
    model: str | None = None,
    commit_every: int = 200,
    on_progress: Callable[[int, int], None] | None = None,
    pipeline: Any = None,
    limit: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    on_note: Callable[[str], None] | None = None,
    worker_timeout: float | None = None,
) -> PredictReport:
    """Predict entities and claims for every document lacking them for the current versions
    (at most `limit` of them, in import order: a big corpus can be done a slice at a time)."""
    nlp = pipeline or prepare_pipeline(store, config, model=model)
    tasks = [t for t in ("entities", "claims") if nlp.supports(t)]
    versions = dict(nlp.extractor(t) for t in tasks)
    pending = pending_documents(store, versions, limit)
    options = {
        "tasks": tasks,
        "batch_size": batch_size or config.model.batch_size,
        "labels": config.label_names,
        "claim_types": config.claims.types,
    }
    run = _Run(store, nlp, pending, options, PredictionWriter(store, versions), on_progress, on_note)
    run.progress()
    if engine == "dask":
        _run_dask(
            run, versions, scheduler=scheduler, workers=workers, chunk_size=chunk_size, worker_timeout=worker_timeout
        )
    elif engine == "local":
        _run_local(run, n_process=n_process or config.model.n_process, commit_every=commit_every)
    else:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    run.writer.flush()
    return PredictReport(
        model=nlp.version,
        documents=run.writer.documents,
        entities=run.writer.entities,
        claims=run.writer.claims,
        versions=versions,
        engine=engine,
        notes=run.notes,
    )


def _run_dask(
    run: _Run,
    versions: dict[str, str],
    *,
    scheduler: str | None,
    workers: int | None,
    chunk_size: int | None,
    worker_timeout: float | None,
) -> None:
    """Chunks of pending documents on a Dask cluster; this process stores each chunk as it
    comes back, so SQLite keeps one writer."""

    for chunk in run_on_cluster(
        run.store,
        run.nlp,
        run.pending,
        run.options,
        scheduler=scheduler,
        workers=workers,
        chunk_size=chunk_size,
        versions=versions,
        on_note=run.note,
        worker_timeout=worker_timeout,
    ):
        for doc_id, result in chunk:
            run.writer.add(doc_id, result)
        run.writer.flush()  # one commit per chunk: a rerun resumes after the last one
        run.progress()


def _run_local(run: _Run, *, n_process: int | str, commit_every: int) -> None:
    """Today's path: one nlp.pipe stream in this process (and its n_process children)."""

    n, capped = resolve_n_process(n_process, len(run.pending))
    if capped:
        run.note(capped)
    stream = run.nlp.predict(read_texts(run.store, run.pending), n_process=n, **run.options)
    for doc_id, result in guarded(stream, n):
        run.writer.add(doc_id, result)
        if run.writer.documents % commit_every == 0:
            run.writer.flush()
        run.progress()
