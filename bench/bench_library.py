"""Library start-up at 100,000 documents as a ratio to the same at 100 documents.

    python bench/bench_library.py [--quick]

Headless (Pilot, 80x24), the real app on a seeded temporary store.  One sample is the wall time
from opening the store and constructing ``NewsmarkApp`` (what ``newsmark`` does after its
imports) until the first frame in which the Library's ``DocList`` has painted rows: the frame
probe (``bench_reader.FrameProbe``, which also serialises each frame as a terminal would get it)
takes the time of the first frame painted after the id list arrived *and* the list fetched rows
to draw them (``DocList.fetches`` only grows inside ``render_line``).  The rows drawn are then
checked to be the first documents.  ``Pilot.pause`` only polls; the time is taken in the frame
hook, so its sleeps are not counted.  The two sizes alternate over the repeats after one unmeasured
warm-up each; medians.  ``--quick`` uses 20,000 documents instead of 100,000.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.config import load_config
from annotations.store import Store, content_hash, now
from bench.bench_predict import NAMES, PLACES
from bench.bench_reader import FrameProbe

ANNOTATOR = "bench"
SIZE = (80, 24)
SMALL = 100
OUTLETS = ["Tolo News", "Pajhwok", "Reuters", "Al Jazeera", "BBC Pashto", "Khaama Press", "Ariana News"]


def build_store(path: Path, n: int, seed: int = 5) -> None:
    """``n`` short documents, indexed for search, 5% with a status; one transaction."""
    rng = random.Random(seed)
    stamp = now()
    rows = []
    for i in range(1, n + 1):
        who, where = rng.choice(NAMES), rng.choice(PLACES)
        text = (
            f"Report {i}. {who} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that "
            f"{rng.randint(20, 900)} fighters had been killed near {where}. The claims could not "
            f"be independently verified."
        )
        rows.append(
            (
                content_hash(text),
                f"{who} in {where}: report {i}",
                text,
                rng.choice(OUTLETS),
                f"2021-{rng.randint(8, 12):02d}-{rng.randint(1, 28):02d}",
                stamp,
            )
        )
    statuses = [
        (i, ANNOTATOR, rng.choice(["done", "in progress", "skipped"]), stamp)
        for i in rng.sample(range(1, n + 1), n // 20)
    ]
    store = Store(path)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO documents (hash, title, text, outlet, date, imported_at, meta) VALUES (?,?,?,?,?,?,'{}')", rows
        )
        conn.executemany("INSERT INTO doc_status (doc_id, annotator, status, updated_at) VALUES (?,?,?,?)", statuses)
    store.index_pending()  # a corpus that has been searched before: the index is complete
    store.close()


async def open_library(db: Path, n: int) -> dict:
    """Seconds from store open to the first painted rows, and to the first frame at all."""
    from tui.app import NewsmarkApp
    from tui.widgets.doc_list import DocList

    marks: dict[str, float] = {}

    def on_frame(probe: FrameProbe) -> None:
        marks.setdefault("first_frame", probe.last_frame)
        if "rows" in marks:
            return
        try:
            doc_list = probe.app.screen.query_one(DocList)
        except Exception:
            return
        if doc_list.loaded and doc_list.ids and doc_list.fetches:
            marks["rows"] = probe.last_frame

    config = load_config()
    t0 = time.perf_counter()
    store = Store(db)
    try:
        app = NewsmarkApp(store, config, ANNOTATOR)
        FrameProbe(app, on_frame)
        async with app.run_test(size=SIZE) as pilot:
            deadline = time.perf_counter() + 120
            while "rows" not in marks:
                if time.perf_counter() > deadline:
                    raise RuntimeError("the Library never painted its rows")
                await pilot.pause()
            doc_list = app.screen.query_one(DocList)
            title = (doc_list.row(0) or {}).get("title") or ""
            drawn = "".join(segment.text for segment in doc_list.render_line(0))
            if len(doc_list.ids) != n or not title.endswith(": report 1") or title[:12] not in drawn:
                raise RuntimeError(f"unexpected Library: {len(doc_list.ids)} ids, first row {drawn!r}")
    finally:
        store.close()
    return {"rows": marks["rows"] - t0, "first_frame": marks["first_frame"] - t0}


async def _run(quick: bool, big: int | None, repeats: int | None) -> dict:
    big = big or (20_000 if quick else 100_000)
    repeats = repeats or (5 if quick else 11)
    samples: dict[int, list[dict]] = {big: [], SMALL: []}
    with tempfile.TemporaryDirectory() as tmp:
        dbs = {n: Path(tmp) / f"library-{n}.db" for n in (big, SMALL)}
        t = time.perf_counter()
        build_store(dbs[big], big)
        build = time.perf_counter() - t
        build_store(dbs[SMALL], SMALL)
        for n in (big, SMALL):  # warm-up: page cache, first-use imports, CSS
            await open_library(dbs[n], n)
        for r in range(repeats):
            for n in (big, SMALL) if r % 2 == 0 else (SMALL, big):
                samples[n].append(await open_library(dbs[n], n))

    def med(n: int, key: str) -> float:
        return statistics.median(s[key] for s in samples[n])

    o, b = med(big, "rows"), med(SMALL, "rows")
    return {
        "name": "library_open_scale",
        "ours": round(o, 4),
        "baseline": round(b, 4),
        "unit": "s",
        "ratio": round(o / b, 3),
        "target": 1.5,
        "better": "lower",
        "n": (
            f"{big:,} vs {SMALL} documents{' (quick, not 100,000)' if big < 100_000 else ''}; "
            f"{repeats} repeats per side, medians; store open to first painted rows, 80x24"
        ),
        # The app's first frame at all (bars, empty list): what does not depend on the size.
        "first_frame": {"ours": round(med(big, "first_frame"), 4), "baseline": round(med(SMALL, "first_frame"), 4)},
        "build_big_db_s": round(build, 2),
    }


def run(quick: bool = False, big: int | None = None, repeats: int | None = None) -> dict:
    return asyncio.run(_run(quick, big, repeats))


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv[1:]))
