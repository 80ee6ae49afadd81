"""Benchmark: `entities import` of N known entities with external ids, into a new database and
again into the same one (every row matched, a tenth of them corrected).

The whole import is one undoable action, so its time is also how long other writers wait.
Before the fix each row scanned the entities for its external id (no index), so the time grew
with N squared: 100,000 rows took 324 s. Matching now uses an index of the existing entities
built once per import.

    python bench/bench_known_import.py 10000 100000

Measured on the 2-core development machine (shared, +-30%), 2026-12-07, two aliases a row:

    n        before (main)        after: first import   re-import, 10% corrected
    5,000    7.1 s                1.3 s                 -
    10,000   25 s                 2.4 s                 1.1 s
    20,000   96 s                 -                     -
    100,000  324 s (issue 22)     27 s                  10 s
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.entities.known import import_known, read_known
from annotations.store import Store


def rows(n: int, *, corrected: bool = False) -> list[dict]:
    out = []
    for i in range(n):
        label = "LOC" if corrected and i % 10 == 0 else ("PERSON", "ORG", "GPE")[i % 3]
        out.append(
            {
                "name": f"Entity {i:06d} Khan",
                "label": label,
                "external_id": f"Q{1000000 + i}",
                "aliases": [f"E{i} Khan", f"Entity {i}"],
            }
        )
    return out


def timed_import(db: Path, data: list[dict], work: Path) -> tuple[float, str]:
    path = work / "kb.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    known = read_known(path)
    with Store(db) as store:
        start = time.perf_counter()
        result = import_known(store, known, "bench")
        took = time.perf_counter() - start
    return took, f"{result.created} created, {result.updated} updated"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[10000])
    parser.add_argument("--no-reimport", action="store_true")
    args = parser.parse_args()
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            db = work / "k.db"
            first, what = timed_import(db, rows(n), work)
            line = f"n={n:>7,}  first import {first:7.1f} s ({what})"
            if not args.no_reimport:
                again, what = timed_import(db, rows(n, corrected=True), work)
                line += f"  re-import {again:7.1f} s ({what})"
            print(line, flush=True)


if __name__ == "__main__":
    main()
