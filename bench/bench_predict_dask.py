"""predict --engine dask on a 2-worker LocalCluster as a ratio to --engine local --n-process 2.

    python bench/bench_predict_dask.py [N_DOCS]

Same seeded corpus (bench_predict.corpus), same pipeline, storage included on both sides. The
cluster is started once and warmed (each worker loads the pipeline on its first chunk and keeps
it, as a long-lived cluster does); the local engine starts its 2 processes on every run, as it
does for a user. Sides alternate over the repeats; medians of documents per second.
"""

from __future__ import annotations

import statistics
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


def run(n: int = 200, repeats: int = 3, chunk_size: int = 25) -> dict:
    from distributed import LocalCluster

    config = load_config()
    texts = corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        nlp = prepare_pipeline(fresh(Path(tmp) / "empty.db", []), config)
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        )
        try:
            dask = {"engine": "dask", "scheduler": cluster.scheduler_address, "chunk_size": chunk_size}
            local = {"engine": "local", "n_process": 2}
            timed(Path(tmp) / "warm-d.db", texts[:40], nlp, config, **dask)
            timed(Path(tmp) / "warm-l.db", texts[:40], nlp, config, **local)
            ours, base = [], []
            for r in range(repeats):
                order = [(ours, dask), (base, local)] if r % 2 == 0 else [(base, local), (ours, dask)]
                for i, (out, engine) in enumerate(order):
                    out.append(timed(Path(tmp) / f"r{r}-{i}.db", texts, nlp, config, **engine))
        finally:
            cluster.close()
    o, b = n / statistics.median(ours), n / statistics.median(base)
    return {
        "name": "predict_dask",
        "ours": round(o, 2),
        "baseline": round(b, 2),
        "unit": "docs/s",
        "ratio": round(o / b, 3),
        "target": 0.85,
        "better": "higher",
        "n": f"{n} articles; dask: 2-worker LocalCluster, chunks of {chunk_size}; local: --n-process 2",
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
