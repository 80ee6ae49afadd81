"""import throughput as a ratio to plain sqlite-utils insert_all of the same rows.

    python bench/bench_import.py [N_DOCS]

ours: `import_paths` on a JSONL file (read, parse, validate, hash, dedupe, insert, the event
log entry, commit). The search index is not built at import (the app builds it in the
background, a search first): its cost is reported apart as `search_index_s`, untimed in the
ratio. baseline: sqlite-utils `insert_all` of the same rows, prebuilt in memory.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database

from annotations.corpus.ingest import import_paths
from annotations.store import Store, content_hash, now
from bench.bench_predict import corpus


def run(n: int = 2000, repeats: int = 3) -> dict:
    texts = corpus(n, seed=11)
    ours, base, index = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i, text in enumerate(texts):
                fh.write(json.dumps({"text": text, "meta": {"title": f"Story {i}", "outlet": "Wire"}}) + "\n")
        for r in range(repeats):
            rows = [
                {
                    "hash": content_hash(t),
                    "title": f"Story {i}",
                    "text": t,
                    "outlet": "Wire",
                    "meta": json.dumps({"title": f"Story {i}", "outlet": "Wire"}),
                    "imported_at": now(),
                }
                for i, t in enumerate(texts)
            ]
            t0 = time.perf_counter()
            db = Database(Path(tmp) / f"plain{r}.db")
            db["documents"].insert_all(rows, pk="id")
            base.append(time.perf_counter() - t0)
            db.close()
            store = Store(Path(tmp) / f"ours{r}.db")
            t0 = time.perf_counter()
            import_paths(store, [str(src)], "bench")
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.index_pending()
            index.append(time.perf_counter() - t0)
            store.close()
    o, b = n / statistics.median(ours), n / statistics.median(base)
    return {
        "name": "import",
        "ours": round(o, 1),
        "baseline": round(b, 1),
        "unit": "docs/s",
        "ratio": round(o / b, 3),
        "target": 0.5,
        "better": "higher",
        "n": n,
        "search_index_s": round(statistics.median(index), 3),
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
