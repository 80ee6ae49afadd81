"""Benchmark: what opening a document in the Reader costs (`ReadingSession.open`) as the team's
gold grows (issue 29): N documents of 600 words, 60 suggestions each, half of them with 40
gold spans (a fifth relabelled). The first opening, then later ones: with nothing changed,
after an edit in another document (a second session's), after `A` in a document, after undo.

Before issue 29's fix each opening read every gold span of the team and every prediction of
every document with gold; a session now keeps the team's decisions (reading/team_cache.py)
and an opening reads only what changed since the last one.

    python bench/bench_reader_openings.py 1000 5000            # this checkout
    python bench/bench_reader_openings.py 5000 --code /work/main  # another one (before)

In bench/run.py (`run`): the later openings' median at BIG documents against SMALL, in fresh
temporary databases: an opening should cost the same whatever the team's gold (target 1.5,
like the Library's opening); the first opening's full read is reported beside it.

The database of each N is built once under --dir and kept (20,000 documents: 260 MB, a few
minutes). Measured 2026-12-08 on the 2-core development machine under a load average of 12 to
14 (other engineers' tests: times are about 5x those of a quiet machine, where the lead
measured the full read at 0.1 s for 1,000 documents and 0.5 s for 5,000), in ms:

    documents   before (main): every opening   after: first opening   after: later openings
    1,000       586 first, 308-374 later       658                    0.5-1.3
    5,000       2,441 first, 1,734-2,452       2,709                  0.5-14
    20,000      10,925 first, 10,081-12,575    10,970                 0.6-1.4

The first opening reads the team's gold in full, as every opening did before; in the app a
worker does it at startup (tui/app.py), so the first opening waits only when it comes first.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(path: Path, n: int) -> None:
    from annotations.store import Store, content_hash, now  # after main() put --code first on sys.path

    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    store = Store(tmp)
    rng = random.Random(1)
    words = [f"Name{i}" for i in range(3000)]
    with store.transaction() as conn:
        for d in range(1, n + 1):
            text = " ".join(rng.choice(words) for _ in range(600))
            conn.execute(
                "INSERT INTO documents (id, hash, title, text, imported_at, meta) VALUES (?,?,?,?,?,'{}')",
                (d, content_hash(text), f"doc {d}", text, now()),
            )
    batch = []
    for d in range(1, n + 1):
        offsets, pos = [], 0
        for word in (store.document(d) or {"text": ""})["text"].split(" "):
            offsets.append((pos, pos + len(word)))
            pos += len(word) + 1
        batch.append((d, [{"start": s, "end": e, "label": "ORG"} for s, e in offsets[::10]]))
    store.save_predictions("entities", "t1", batch)
    with store.transaction() as conn:  # gold as import writes it: no events
        for d, preds in batch[: n // 2]:
            text = conn.execute("SELECT text FROM documents WHERE id = ?", (d,)).fetchone()[0]
            for p in preds[:40]:
                label = "ORG" if rng.random() < 0.8 else "GPE"
                conn.execute(
                    "INSERT INTO spans (doc_id, start, [end], label, text, annotator, origin, created_at) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    (d, p["start"], p["end"], label, text[p["start"] : p["end"]], "a", "imported", now()),
                )
    store.index_pending()
    store.close()
    tmp.rename(path)


def measure(path: Path, n: int) -> dict[str, tuple[float, int]]:
    from annotations.reading.session import ReadingSession  # after main() put --code first on sys.path
    from annotations.store import Store

    store = Store(path)
    s = ReadingSession(store, "reader", labels=["ORG", "GPE"])

    def opening(doc: int) -> tuple[float, int]:
        t = time.perf_counter()
        s.open(doc)
        return round((time.perf_counter() - t) * 1000, 1), len(s.now.known)

    out = {"first": opening(n // 2 + 1), "nothing changed": opening(n // 2 + 2)}
    with store.action("other", "relabel", doc_id=3) as act:  # another session's edit
        span_id = act.execute("SELECT id FROM spans WHERE doc_id = 3 LIMIT 1").fetchone()[0]
        act.update("spans", span_id, {"label": "GPE"})
    out["after an edit elsewhere"] = opening(n - 3)
    s.accept_all()
    out["after A"] = opening(n - 4)
    store.undo("reader")
    out["after undo"] = opening(n - 5)
    store.undo("other")  # the database as built, for the next run
    store.close()
    return out


def run(small: int = 500, big: int = 5000, repeats: int = 3) -> dict:
    """Later openings (median ms) at `big` documents against `small`, for bench/run.py."""
    sys.path.insert(0, str(ROOT))
    later: dict[int, list[float]] = {small: [], big: []}
    first: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (small, big):
            path = Path(tmp) / f"openings_{n}.db"
            build(path, n)
            for _ in range(repeats):
                found = measure(path, n)
                first.setdefault(n, found["first"][0])
                later[n] += [ms for key, (ms, _) in found.items() if key != "first"]
    ours, base = statistics.median(later[big]), statistics.median(later[small])
    return {
        "name": "reader_open_scale",
        "ours": ours,
        "baseline": base,
        "unit": "ms",
        "ratio": round(ours / max(base, 0.05), 3),
        "target": 1.5,
        "better": "lower",
        "n": (
            f"opening a document after the first (nothing changed, an edit elsewhere, A, undo), {big:,} vs "
            f"{small:,} documents, half with gold (medians of {repeats} x 4); the first opening's full read: "
            f"{first[big]:,} vs {first[small]:,} ms"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench_reader_openings"))
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    args.dir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        path = args.dir / f"openings_{n}.db"
        if not path.exists():
            build(path, n)
        found = measure(path, n)
        print(
            f"{n:,} documents ({args.code.resolve().name}): "
            + ", ".join(f"{k} {ms:,} ms" for k, (ms, _) in found.items())
        )
        print("    known: " + ", ".join(f"{k} {known}" for k, (_, known) in found.items()))


if __name__ == "__main__":
    main()
