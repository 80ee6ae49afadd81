"""The dask engine: chunks of pending documents go to the workers of a Dask cluster.

spaCy's advice for big corpora is big chunks per worker and one writer. The coordinator (this
process) reads a chunk of (id, text) pairs, submits `predict_chunk` for it, and keeps a bounded
window of chunks in flight (memory stays flat on a million documents). Each worker loads the
pipeline once (cached per process under the coordinator's extractor identity, gazetteer
included) and runs `nlp.pipe` with bounded pieces; only the compact results come back. The
coordinator alone writes SQLite, one commit per chunk, so a rerun resumes after the last one.

A worker lost mid-chunk: the scheduler runs its tasks again elsewhere (distributed's
`allowed-failures`); a chunk's result arrives once, and storing it replaces any earlier rows
for the same document and version, so nothing is stored twice. A chunk that fails for good
(KilledWorker, or an error raised in the worker) stops predict with one line; committed
chunks stay.

Without `--scheduler` a `distributed.LocalCluster` of `--workers` single-threaded processes is
started (and closed) here. `distributed` is optional: `pip install 'newsmark[dask]'`.
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from annotations.errors import UserInputError
from annotations.predict.local import PredictFailed

INSTALL_LINE = "pip install 'newsmark[dask]'"
CHUNK_SIZE = 200
CHUNK_CHARS = 4_000_000
"""A chunk closes at CHUNK_SIZE documents or this many characters, whichever comes first."""

_PIPELINES: dict[str, Any] = {}
"""Per worker process: the loaded pipeline, under the coordinator's extractor identity."""


def require_dask() -> None:
    """Raise UserInputError (exit 2) with the install line when distributed is missing."""
    if importlib.util.find_spec("distributed") is None:
        raise UserInputError(f"--engine dask needs Dask's distributed scheduler: {INSTALL_LINE}")


def _worker_pipeline(spec: dict[str, Any], entries: list[dict[str, Any]]) -> Any:
    """The pipeline this worker process runs, loaded on its first chunk only."""
    nlp = _PIPELINES.get(spec["key"])
    if nlp is None:
        from annotations.extract.pipeline import load_pipeline

        _PIPELINES.clear()  # another run's pipeline (an older gazetteer): free it
        nlp = load_pipeline(spec["source"], components=spec["tasks"])
        if entries:
            nlp.add_gazetteer(entries)
        _PIPELINES[spec["key"]] = nlp
    return nlp


def predict_chunk(spec: dict[str, Any], entries: list[dict[str, Any]], items: list[tuple[int, str]]) -> dict[str, Any]:
    """Run on a worker: {"versions": {...}, "results": [(id, {"entities": [...], ...}), ...]}."""
    nlp = _worker_pipeline(spec, entries)
    options = spec["options"]
    results = list(nlp.predict(items, n_process=1, **options))
    return {"versions": dict(nlp.extractor(t) for t in options["tasks"]), "results": results}


def chunks(
    ids: list[int], read: Callable[[list[int]], list[tuple[int, str]]], size: int
) -> Iterator[list[tuple[int, str]]]:
    """(id, text) chunks of at most `size` documents and about CHUNK_CHARS characters."""
    chunk: list[tuple[int, str]] = []
    chars = 0
    for i in range(0, len(ids), size):
        for doc_id, text in read(ids[i : i + size]):
            if chunk and (len(chunk) >= size or chars + len(text) > CHUNK_CHARS):
                yield chunk
                chunk, chars = [], 0
            chunk.append((doc_id, text))
            chars += len(text)
    if chunk:
        yield chunk


def _connect(scheduler: str | None, workers: int | None, on_note: Callable[[str], None]) -> tuple[Any, Any]:
    """(client, cluster or None): the given scheduler, else a LocalCluster we own."""
    require_dask()
    from distributed import Client, LocalCluster

    from annotations.predict.cores import usable_cores

    if scheduler:
        if workers:
            on_note(f"--workers {workers} ignored: the cluster at {scheduler} has its own workers")
        try:
            return Client(scheduler, timeout="15s"), None
        except (OSError, TimeoutError) as exc:
            raise UserInputError(f"--scheduler {scheduler}: cannot reach a Dask scheduler ({exc})") from None
    cluster = LocalCluster(
        n_workers=workers or usable_cores(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    )
    return Client(cluster), cluster


def run_on_cluster(
    store: Any,
    nlp: Any,
    pending: list[int],
    options: dict[str, Any],
    *,
    scheduler: str | None,
    workers: int | None,
    chunk_size: int | None,
    versions: dict[str, str],
    on_note: Callable[[str], None],
    task: Callable[..., dict[str, Any]] = predict_chunk,
) -> Iterator[list[tuple[int, Any]]]:
    """Yield each chunk's results as it completes (the caller stores and commits them)."""
    if not pending:
        return
    from annotations.predict.run import confirmed_entries, read_texts

    client, cluster = _connect(scheduler, workers, on_note)
    try:
        from distributed import as_completed

        spec = {
            "key": f"{nlp.source}|{nlp.extractor_id}",
            "source": nlp.source,
            "tasks": list(options["tasks"]),
            "options": options,
        }
        # sent with each task, not scattered: scattered data dies with a lost worker
        entries = confirmed_entries(store) if nlp.gazetteer else []
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1)) + 1
        source = chunks(pending, lambda ids: list(read_texts(store, ids)), chunk_size or CHUNK_SIZE)
        running = as_completed()
        for chunk in source:
            running.add(client.submit(task, spec, entries, chunk, pure=False, retries=1))
            if running.count() >= window:
                break
        for future in running:
            yield _checked(future, versions)
            future.release()
            for chunk in itertools.islice(source, 1):  # the next chunk, if any, takes its place
                running.add(client.submit(task, spec, entries, chunk, pure=False, retries=1))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _checked(future: Any, versions: dict[str, str]) -> list[tuple[int, Any]]:
    """A chunk's results, refusing results from a pipeline other than the coordinator's."""
    try:
        out = future.result()
    except Exception as exc:  # KilledWorker, CommError, or an error raised in the worker
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise PredictFailed(
            f"a chunk failed on the Dask cluster ({type(exc).__name__}: {first}); "
            "finished chunks are saved: rerun predict to continue"
        ) from None
    if out["versions"] != versions:
        raise PredictFailed(
            f"the Dask workers run {out['versions']}, this machine {versions}: install the same model on the workers"
        )
    return out["results"]
