"""HTML import throughput as a ratio to the same trafilatura call on the same pages.

    python bench/bench_html.py [N_PAGES]

ours: `import_paths` on a directory of saved pages (read, trafilatura extraction with
metadata, record, hash, insert, the event-log entry, commit).
baseline: reading each file and calling the function newsmark calls, `trafilatura.bare_extraction`,
with the same arguments (`with_metadata=True` and `annotations.corpus.formats.html.SETTINGS`), nothing
stored. The ratio says what newsmark adds to the extraction itself (target >= 0.8).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.corpus.formats.html import SETTINGS
from annotations.corpus.ingest import import_paths
from annotations.store import Store
from bench.bench_predict import corpus

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Hill Courier</title>
<meta property="og:site_name" content="Hill Courier"><meta name="author" content="Staff reporter">
<meta property="article:published_time" content="2024-05-{day:02d}T07:00:00Z">
<link rel="canonical" href="https://courier.example/{n}"></head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/about">About</a></nav>
<article><h1>{title}</h1>{body}</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/x">Earlier: clashes in the valley</a></li></ul></aside>
<footer>© 2024 Hill Courier. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>"""


def pages(n: int, folder: Path) -> list[Path]:
    paths = []
    for i, text in enumerate(corpus(n, seed=23)):
        body = "".join(f"<p>{para}</p>" for para in text.split("\n") if para.strip())
        path = folder / f"page-{i:05d}.html"
        path.write_text(
            PAGE.format(title=f"Story {i} from the valley", day=1 + i % 28, n=i, body=body), encoding="utf-8"
        )
        paths.append(path)
    return paths


def run(n: int = 200, repeats: int = 3) -> dict:
    from trafilatura import bare_extraction  # heavy: imported where it is measured

    ours, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        files = pages(n, folder)
        # untimed: trafilatura's first call loads its modules and caches, for both sides alike
        bare_extraction(files[0].read_bytes(), url=None, with_metadata=True, **SETTINGS)
        for r in range(repeats):  # alternate which side goes first
            for side in ("base", "ours") if r % 2 == 0 else ("ours", "base"):
                if side == "base":
                    t0 = time.perf_counter()
                    for path in files:
                        bare_extraction(path.read_bytes(), url=None, with_metadata=True, **SETTINGS)
                    base.append(time.perf_counter() - t0)
                    continue
                store = Store(Path(tmp) / f"ours{r}.db")
                t0 = time.perf_counter()
                report = import_paths(store, [str(folder)], "bench")
                ours.append(time.perf_counter() - t0)
                store.close()
                if report.imported != n:
                    raise RuntimeError(f"imported {report.imported} of {n}: {report.to_json()}")
    o, b = n / statistics.median(ours), n / statistics.median(base)
    return {
        "name": "import_html",
        "ours": round(o, 1),
        "baseline": round(b, 1),
        "unit": "pages/s",
        "ratio": round(o / b, 3),
        "target": 0.8,
        "better": "higher",
        "n": n,
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
