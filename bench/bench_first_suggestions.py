"""From starting newsmark on a freshly imported corpus to suggestions drawn in the first article.

    python bench/bench_first_suggestions.py [--quick]

Headless (Pilot, 80x24), the real app with suggestions on open, on a seeded store of 100,000
documents (20,000 with --quick) that no `predict` has touched. One sample: from opening the
store and constructing the app until the first painted frame in which the Reader, opened with
`enter` as soon as the Library shows its rows, draws model suggestions (the model loads in the
background from app start; the document is predicted and stored on open). Each sample is a
fresh interpreter, so spaCy's import is paid every time, as a user pays it.
Baseline, the raw component: a fresh interpreter importing spaCy, loading the same pipeline and
predicting the same article. Target: at most 1.5x the raw component, and under 3 s absolute.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ANNOTATOR = "bench"
FIRST_TEXT = "SELECT text FROM documents ORDER BY id LIMIT 1"


async def to_suggestions(db: Path) -> float:
    """Seconds from store open to the first frame drawing suggestions in the first article."""
    from annotations.config import load_config
    from annotations.store import Store
    from bench.bench_reader import FrameProbe
    from tui.app import NewsmarkApp
    from tui.screens.reader import ReaderScreen
    from tui.widgets.doc_list import DocList

    marks: dict[str, float] = {}

    def on_frame(probe: FrameProbe) -> None:
        screen = probe.app.screen
        if isinstance(screen, ReaderScreen) and any(m.kind == "pred" for m in screen.article.spans):
            marks.setdefault("drawn", probe.last_frame)

    config = load_config()
    t0 = time.perf_counter()
    store = Store(db)
    try:
        app = NewsmarkApp(store, config, ANNOTATOR, suggest_on_open=True)
        FrameProbe(app, on_frame)
        async with app.run_test(size=(80, 24)) as pilot:
            deadline = time.perf_counter() + 300
            while not (app.screen.query(DocList) and app.screen.query_one(DocList).loaded):
                await pilot.pause()
            await pilot.press("enter")
            while "drawn" not in marks:
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"no suggestions drawn ({getattr(app.suggester, 'error', None)})")
                await pilot.pause(0.01)
    finally:
        store.close()
    return marks["drawn"] - t0


RAW = (
    "import sys, time; t = time.perf_counter(); from annotations.extract.pipeline import load_configured; "
    "nlp = load_configured(None); out = list(nlp.predict([(1, sys.argv[1])])); "
    "assert out[0][1]['entities']; print(time.perf_counter() - t)"
)


def _fresh(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr or proc.stdout).strip().splitlines()[-1])
    return float(proc.stdout.strip().splitlines()[-1])


def run(quick: bool = False, repeats: int = 3, n: int | None = None) -> dict:
    from annotations.store import Store
    from bench.bench_library import build_store

    n = n or (20_000 if quick else 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.db"
        build_store(seed, n)
        store = Store(seed)
        first = store.scalar(FIRST_TEXT)
        store.close()
        ours, base = [], []
        for r in range(repeats):
            db = Path(tmp) / f"fresh-{r}.db"
            db.write_bytes(seed.read_bytes())  # freshly imported: no predictions yet
            ours.append(_fresh([__file__, "--one", str(db)]))
            base.append(_fresh(["-c", RAW, first]))
    o, b = statistics.median(ours), statistics.median(base)
    return {
        "name": "first_suggestions",
        "ours": round(o, 3),
        "baseline": round(b, 3),
        "unit": "s",
        "ratio": round(o / b, 3),
        "target": 1.5,
        "better": "lower",
        "within_3s": o <= 3.0,
        "budget": {"value": round(o, 3), "max": 3.0, "unit": "s"},
        "n": f"{n:,} freshly imported documents{' (quick)' if quick else ''}; {repeats} repeats, medians",
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(asyncio.run(to_suggestions(Path(sys.argv[2])))))
    else:
        print(run(quick="--quick" in sys.argv[1:]))
