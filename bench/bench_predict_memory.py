"""Peak memory of predict on one very long single-line article as a ratio to a 50 KB one.

    python bench/bench_predict_memory.py [BIG_CHARS]

Each side is `newsmark predict` on a fresh database holding one document, in a fresh
interpreter; its peak resident memory (ru_maxrss) is the sample, so the pipeline itself is
counted on both sides. Before bounded pieces (engine/bounded.py) a 500,000-character line
peaked at 1.6 GB and a 5 MB one was measured from outside at 15.4 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.store import Store, content_hash, now
from bench.bench_predict import corpus

SMALL = 50_000
PROBE = (
    "import json, resource, sys; from tui.cli import main; code = main(sys.argv[1:]); "
    "print(json.dumps({'code': code, 'kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))"
)


def one_line(chars: int) -> str:
    """News sentences run together on a single line (no paragraph breaks to cut at)."""
    text = " ".join(t.replace("\n", " ") for t in corpus(1 + chars // 2000))
    while len(text) < chars:
        text += " " + text
    return text[:chars]


def peak_mb(tmp: Path, chars: int) -> float:
    db = tmp / f"one-{chars}.db"
    store = Store(db)
    text = one_line(chars)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO documents (hash, text, imported_at, meta) VALUES (?,?,?,'{}')",
            (content_hash(text), text, now()),
        )
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "predict", "--db", str(db), "--n-process", "1"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr or proc.stdout).strip().splitlines()[-1])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if out["code"] != 0:
        raise RuntimeError(f"predict exited {out['code']}: {proc.stderr.strip()}")
    return out["kb"] / 1024


def run(big: int = 5_000_000, repeats: int = 1) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        small = [peak_mb(Path(tmp), SMALL) for _ in range(repeats)]
        large = [peak_mb(Path(tmp), big) for _ in range(repeats)]
    o, b = max(large), max(small)
    return {
        "name": "predict_memory",
        "ours": round(o, 1),
        "baseline": round(b, 1),
        "unit": "MB peak",
        "ratio": round(o / b, 3),
        "target": 2.0,
        "better": "lower",
        "n": f"one {big:,}-char single-line article vs one {SMALL:,}-char article, --n-process 1",
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000))
