"""predict --engine dask on 2 workers as a ratio to --engine local --n-process 2, cold and warm.

    python bench/bench_predict_dask.py [N_DOCS]

Same seeded corpus (bench_predict.corpus), same pipeline, storage included on both sides; sides
alternate over the repeats; medians of documents per second. Two comparisons, each like for like:

* warm (the row `predict_dask`): the pipeline is loaded in the calling process, as in a
  long-lived process. dask: a 2-worker LocalCluster started and warmed once (each worker loads
  the pipeline on its first chunk and keeps it, as a long-lived cluster does). local: 2
  processes per run, forked from the loaded process (spaCy's `nlp.pipe(n_process=2)` starts
  them on every call and cannot keep them: this is local at its warmest).
* cold (the row `predict_dask_cold`): each sample is a fresh `newsmark predict` on a fresh copy
  of the database, as a user runs it: interpreter start, spaCy import and model load on both
  sides; dask also starts its own LocalCluster (`--workers 2`), whose workers load the model.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.config import load_config
from annotations.predict.run import prepare_pipeline, run_predict
from annotations.store import Store, content_hash, now
from bench.bench_predict import corpus

TARGET = 0.85


def fresh(path: Path, texts: list[str]) -> Store:
    store = Store(path)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO documents (hash, text, imported_at, meta) VALUES (?,?,?,'{}')",
            [(content_hash(f"{i}{x}"), x, now()) for i, x in enumerate(texts)],
        )
    return store


def timed(path: Path, texts: list[str], nlp, config, **engine) -> float:
    store = fresh(path, texts)
    try:
        t = time.perf_counter()
        report = run_predict(store, config, pipeline=nlp, **engine)
        elapsed = time.perf_counter() - t
    finally:
        store.close()
    if report.documents != len(texts):
        raise RuntimeError(f"predicted {report.documents} of {len(texts)} documents")
    return elapsed


def warm_runs(tmp: Path, texts: list[str], repeats: int, chunk_size: int) -> tuple[list[float], list[float]]:
    from distributed import LocalCluster  # heavy, optional: only this benchmark needs it

    config = load_config()
    nlp = prepare_pipeline(fresh(tmp / "empty.db", []), config)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50)
    try:
        dask = {"engine": "dask", "scheduler": cluster.scheduler_address, "chunk_size": chunk_size}
        local = {"engine": "local", "n_process": 2}
        timed(tmp / "warm-d.db", texts[:40], nlp, config, **dask)
        timed(tmp / "warm-l.db", texts[:40], nlp, config, **local)
        ours: list[float] = []
        base: list[float] = []
        for r in range(repeats):
            order = [(ours, dask), (base, local)] if r % 2 == 0 else [(base, local), (ours, dask)]
            for i, (out, engine) in enumerate(order):
                out.append(timed(tmp / f"r{r}-{i}.db", texts, nlp, config, **engine))
    finally:
        cluster.close()
    return ours, base


def cli_predict(db: Path, *engine: str) -> float:
    """One fresh `newsmark predict` process, timed from its start to its exit."""
    cmd = [sys.executable, "-m", "tui.cli", "predict", "--db", str(db), "--config", str(ROOT / "config.yaml")]
    t = time.perf_counter()
    proc = subprocess.run([*cmd, *engine], capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"newsmark predict {' '.join(engine)}: {(proc.stderr or proc.stdout).strip()[-300:]}")
    return elapsed


def cold_runs(tmp: Path, texts: list[str], repeats: int, chunk_size: int) -> tuple[list[float], list[float]]:
    seed = tmp / "cold-seed.db"
    fresh(seed, texts).close()
    dask = ("--engine", "dask", "--workers", "2", "--chunk-size", str(chunk_size))
    local = ("--engine", "local", "--n-process", "2")
    ours: list[float] = []
    base: list[float] = []
    for r in range(repeats):
        order = [(ours, dask), (base, local)] if r % 2 == 0 else [(base, local), (ours, dask)]
        for i, (out, engine) in enumerate(order):
            db = tmp / f"cold-{r}-{i}.db"
            shutil.copyfile(seed, db)
            out.append(cli_predict(db, *engine))
            with Store(db) as store:
                done = store.scalar("SELECT count(DISTINCT doc_id) FROM prediction_runs")
            if done != len(texts):
                raise RuntimeError(f"newsmark predict {' '.join(engine)} predicted {done} of {len(texts)} documents")
    return ours, base


def row(name: str, n: int, ours: list[float], base: list[float], what: str) -> dict:
    o, b = n / statistics.median(ours), n / statistics.median(base)
    return {
        "name": name,
        "ours": round(o, 2),
        "baseline": round(b, 2),
        "unit": "docs/s",
        "ratio": round(o / b, 3),
        "target": TARGET,
        "better": "higher",
        "n": what,
    }


def run(n: int = 200, repeats: int = 3, chunk_size: int = 25, cold: bool = True) -> dict:
    texts = corpus(n)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        result = row(
            "predict_dask",
            n,
            *warm_runs(tmp, texts, repeats, chunk_size),
            f"{n} articles, warm: dask 2-worker LocalCluster running, chunks of {chunk_size}; local --n-process 2",
        )
        if cold:
            result["also"] = [
                row(
                    "predict_dask_cold",
                    n,
                    *cold_runs(tmp, texts, repeats, chunk_size),
                    f"{n} articles, cold: a fresh `newsmark predict` each, --engine dask --workers 2 "
                    f"--chunk-size {chunk_size} vs --engine local --n-process 2",
                )
            ]
    return result


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
