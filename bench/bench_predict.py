"""predict throughput (storage included) as a ratio to raw nlp.pipe over the same texts.

python bench/bench_predict.py [N_DOCS] [N_PROCESS]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.config import load_config
from annotations.extract.pipeline import load_configured
from annotations.predict.run import run_predict
from annotations.store import Store, content_hash, now

NAMES = ["Ahmad Massoud", "Ahmad Masood", "Amrullah Saleh", "Zabihullah Mujahid", "Fahim Dashti"]
PLACES = ["Panjshir", "Panshir", "Kabul", "Bazarak", "Doha", "Islamabad"]


def corpus(n: int, seed: int = 7) -> list[str]:
    """Seeded news-like articles of realistic length (about 400 words)."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        paras = []
        for _ in range(rng.randint(5, 8)):
            sents = []
            for _ in range(rng.randint(2, 4)):
                who, where = rng.choice(NAMES), rng.choice(PLACES)
                sents.append(
                    rng.choice(
                        [
                            f"{who} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that {rng.randint(20, 900)} fighters had been killed near {where}.",
                            f"According to officials in {where}, the talks with {who} collapsed after {rng.randint(2, 9)} days.",
                            f"“We will not surrender,” {who} told reporters in {where}, adding that supplies were running low.",
                            f"The claims could not be independently verified, and the Taliban denied losing ground in {where}.",
                        ]
                    )
                )
            paras.append(" ".join(sents))
        docs.append("\n\n".join(paras))
    return docs


def run(n: int = 200, repeats: int = 3, n_process: int = 1) -> dict:
    config = load_config()
    texts = corpus(n)
    nlp = load_configured(config.model)
    batch = config.model.batch_size
    ours, base = [], []
    # untimed warm-up of both sides (first-use imports, regex compiles, vocab growth), so the
    # first timed repeat of either is not an outlier
    _ = list(nlp.nlp.pipe(texts[:20], batch_size=batch, n_process=n_process))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "w.db")
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO documents (hash, text, imported_at, meta) VALUES (?,?,?,'{}')",
                [(content_hash(f"w{i}{x}"), x, now()) for i, x in enumerate(texts[:20])],
            )
        run_predict(store, config, pipeline=nlp, n_process=n_process)
        store.close()
    for _ in range(repeats):
        # baseline: the raw component, same pipes enabled, same texts and process count
        t = time.perf_counter()
        for _doc in nlp.nlp.pipe(texts, batch_size=batch, n_process=n_process):
            pass
        base.append(time.perf_counter() - t)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "b.db")
            with store.transaction() as conn:
                conn.executemany(
                    "INSERT INTO documents (hash, text, imported_at, meta) VALUES (?,?,?,'{}')",
                    [(content_hash(f"{i}{x}"), x, now()) for i, x in enumerate(texts)],
                )
            t = time.perf_counter()
            run_predict(store, config, pipeline=nlp, n_process=n_process)
            ours.append(time.perf_counter() - t)
            store.close()
    o, b = n / statistics.median(ours), n / statistics.median(base)
    return {
        "name": "predict",
        "ours": round(o, 2),
        "baseline": round(b, 2),
        "unit": "docs/s",
        "ratio": round(o / b, 3),
        "target": 0.9,
        "better": "higher",
        "n": n,
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    procs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print(run(n, 3, procs))
