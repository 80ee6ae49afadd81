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
started (and closed) here, at most MAX_WORKERS_PER_CORE per usable core (each worker process
holds a pipeline: 10,000 took 1.47 GB before failing). `distributed` is optional:
`pip install 'newsmark[dask]'`.

What distributed does not bound, this module does. A `--scheduler` address is first tried with
one handshake under a deadline (distributed waits for the handshake without one: an HTTP server
held it 400 s); a bad address, a server that is not Dask or sends garbage is one line, exit 2.
No worker alive (none at the start, or every one gone mid-run: tasks wait forever in the
scheduler) for `worker_timeout` seconds stops predict with one line; chunks stored stay, so a
rerun continues. distributed's own log lines (a traceback when the scheduler dies) are silenced
while it runs: newsmark says what happened, in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from annotations.errors import UserInputError
from annotations.extract.pipeline import load_pipeline
from annotations.predict.cores import usable_cores
from annotations.predict.local import PredictFailed
from annotations.store.documents import read_texts
from annotations.store.entities import confirmed_entries

INSTALL_LINE = "pip install 'newsmark[dask]'"
CHUNK_SIZE = 200
CHUNK_CHARS = 4_000_000
"""A chunk closes at CHUNK_SIZE documents or this many characters, whichever comes first."""
CONNECT_SECONDS = 15.0
"""How long a --scheduler has to answer the handshake."""
WORKER_TIMEOUT = 60.0
"""Default seconds without any worker alive before predict stops (--worker-timeout)."""
MAX_WORKERS_PER_CORE = 2
POLL_SECONDS = 0.5
"""How often the coordinator looks for live workers while no chunk comes back."""

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


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def check_scheduler(address: str) -> None:
    """One handshake with `address` under a deadline; UserInputError unless it is answered."""
    from distributed.comm import connect
    from distributed.security import Security

    async def handshake() -> None:
        args = Security().get_connection_args("client")  # tls:// as dask's config sets it up
        comm = await connect(address, timeout=CONNECT_SECONDS, **args)
        await comm.close()

    try:
        asyncio.run(asyncio.wait_for(handshake(), CONNECT_SECONDS))
    except Exception as exc:  # a bad address, no listener, no handshake, garbage: all bad input
        why = f"no answer in {CONNECT_SECONDS:g} s" if isinstance(exc, TimeoutError) else _first_line(exc)
        raise UserInputError(
            f"--scheduler {address}: not a Dask scheduler that answers ({why}); expected e.g. tcp://HOST:8786"
        ) from None


def local_workers(workers: int | None) -> int:
    """The LocalCluster's size: --workers, else the usable cores; above the cap is bad input."""

    cores = usable_cores()
    cap = MAX_WORKERS_PER_CORE * cores
    if workers is not None and workers > cap:
        raise UserInputError(
            f"--workers {workers}: at most {cap} local worker processes here ({cores} usable core(s)); "
            "for more, start a Dask cluster and pass --scheduler"
        )
    return workers or cores


def _connect(scheduler: str | None, workers: int | None, on_note: Callable[[str], None]) -> tuple[Any, Any]:
    """(client, cluster or None): the given scheduler, else a LocalCluster we own."""
    require_dask()
    from distributed import Client, LocalCluster

    if not scheduler:
        cluster = LocalCluster(
            n_workers=local_workers(workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        return Client(cluster), cluster
    if workers:
        on_note(f"--workers {workers} ignored: the cluster at {scheduler} has its own workers")
    check_scheduler(scheduler)
    try:
        return Client(scheduler, timeout=f"{CONNECT_SECONDS:g}s"), None
    except Exception as exc:
        raise UserInputError(f"--scheduler {scheduler}: cannot reach a Dask scheduler ({_first_line(exc)})") from None


@contextlib.contextmanager
def _quiet_distributed() -> Iterator[None]:
    """distributed's log records off while it runs (a lost scheduler logs two tracebacks)."""
    names = ["distributed"] + [n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]
    loggers = [logging.getLogger(n) for n in names]  # dask configures several, each with a handler
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


class _WorkerWatch:
    """Raises PredictFailed once no worker has been alive for `timeout` seconds."""

    def __init__(self, client: Any, timeout: float) -> None:
        self.client = client
        self.timeout = timeout
        self.alone_since: float | None = None

    def check(self) -> None:
        try:
            alive = bool(self.client.nthreads())
        except Exception as exc:  # the scheduler itself is gone
            raise _lost_scheduler(exc) from None
        if alive:
            self.alone_since = None
            return
        now = time.monotonic()
        self.alone_since = self.alone_since or now
        if now - self.alone_since >= self.timeout:
            raise PredictFailed(
                f"no Dask worker alive for {self.timeout:g} s (--worker-timeout); "
                "finished chunks are saved: rerun predict to continue"
            )


def _lost_scheduler(exc: BaseException) -> PredictFailed:
    return PredictFailed(
        f"lost the Dask scheduler ({type(exc).__name__}); finished chunks are saved: rerun predict to continue"
    )


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
    worker_timeout: float | None = None,
) -> Iterator[list[tuple[int, Any]]]:
    """Yield each chunk's results as it completes (the caller stores and commits them)."""
    if not pending:
        return

    with _quiet_distributed():
        client, cluster = _connect(scheduler, workers, on_note)
        try:
            spec = {
                "key": f"{nlp.source}|{nlp.extractor_id}",
                "source": nlp.source,
                "tasks": list(options["tasks"]),
                "options": options,
            }
            # sent with each task, not scattered: scattered data dies with a lost worker
            entries = confirmed_entries(store) if nlp.gazetteer else []
            watch = _WorkerWatch(client, WORKER_TIMEOUT if worker_timeout is None else worker_timeout)
            if not client.nthreads():  # a scheduler without workers: wait, within the timeout, and say so
                on_note(f"waiting for a Dask worker at {scheduler} (at most {watch.timeout:g} s: --worker-timeout)")
            while not client.nthreads():
                watch.check()
                time.sleep(POLL_SECONDS)
            window = 2 * max(1, len(client.nthreads())) + 1
            source = chunks(pending, lambda ids: list(read_texts(store, ids)), chunk_size or CHUNK_SIZE)

            def submit(chunk: list[tuple[int, str]]) -> Any:
                return client.submit(task, spec, entries, chunk, pure=False, retries=1)

            yield from _results(_in_window(source, submit, window, watch), versions)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _in_window(
    source: Iterator[list[tuple[int, str]]], submit: Callable[[Any], Any], window: int, watch: _WorkerWatch
) -> Iterator[Any]:
    """Each future as it completes, with at most `window` chunks in flight; while none
    completes, `watch` checks that a worker is alive."""
    from distributed import wait

    in_flight = [submit(chunk) for chunk in itertools.islice(source, window)]
    while in_flight:
        try:
            done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
        except TimeoutError:
            watch.check()
            continue
        except Exception as exc:  # FuturesCancelledError: the client lost its scheduler
            raise _lost_scheduler(exc) from None
        for future in [f for f in in_flight if f in done]:
            in_flight.remove(future)
            yield future
            in_flight.extend(submit(chunk) for chunk in itertools.islice(source, 1))


def _results(futures: Iterator[Any], versions: dict[str, str]) -> Iterator[list[tuple[int, Any]]]:
    for future in futures:
        results = _checked(future, versions)
        future.release()
        yield results


def _checked(future: Any, versions: dict[str, str]) -> list[tuple[int, Any]]:
    """A chunk's results, refusing results from a pipeline other than the coordinator's."""
    try:
        out = future.result()
    except Exception as exc:  # KilledWorker, CommError, or an error raised in the worker
        if "scheduler-connection-lost" in str(exc):
            raise _lost_scheduler(exc) from None
        raise PredictFailed(
            f"a chunk failed on the Dask cluster ({type(exc).__name__}: {_first_line(exc)}); "
            "finished chunks are saved: rerun predict to continue"
        ) from None
    if out["versions"] != versions:
        raise PredictFailed(
            f"the Dask workers run {out['versions']}, this machine {versions}: install the same model on the workers"
        )
    return out["results"]
