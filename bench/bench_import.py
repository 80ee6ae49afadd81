"""import throughput as a ratio to sqlite-utils importing the same files, committed alike.

    python bench/bench_import.py [N_DOCS]

Both sides read the same JSONL files (FILE_DOCS documents each), parse every line, hash the
text and insert each document once (a UNIQUE hash, duplicates skipped), into a database in
WAL mode with synchronous=NORMAL, committing once per COMMIT_EVERY documents (newsmark's
import batching: whole files until a batch holds 2,000 documents).

ours: `import_paths` on the files (and it validates each record, keeps each file in a
SAVEPOINT, writes the event-log entry). The search index is not built at import (the app
builds it in the background, a search first): its cost is reported apart as
`search_index_s`, untimed in the ratio.
baseline: sqlite-utils `insert_all(..., ignore=True)` into a `documents` table with the same
columns, the UNIQUE hash and the outlet index, `enable_wal()` and synchronous=NORMAL, inside
one `db.atomic()` per 2,000 documents.
Also reported, untimed in the ratio: `raw_sqlite3`, the same work with the standard library's
sqlite3 and one `executemany` per batch (no library between), for a reader who asks what the
floor is.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database

from annotations.corpus.ingest import COMMIT_EVERY, import_paths
from annotations.store import Store, content_hash, now
from bench.bench_predict import corpus

FILE_DOCS = 500  # documents per JSONL file: a batch commits after whole files, at COMMIT_EVERY


def write_files(folder: Path, texts: list[str]) -> list[Path]:
    files = []
    for f in range(0, len(texts), FILE_DOCS):
        path = folder / f"part-{f // FILE_DOCS:03d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i, text in enumerate(texts[f : f + FILE_DOCS], start=f):
                fh.write(json.dumps({"text": text, "meta": {"title": f"Story {i}", "outlet": "Wire"}}) + "\n")
        files.append(path)
    return files


def baseline(path: Path, files: list[Path]) -> None:
    """sqlite-utils doing the same reading, hashing, dedupe and commits, nothing else."""
    db = Database(path)
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    table = db["documents"]
    columns = {"id": int, "hash": str, "title": str, "text": str, "outlet": str, "meta": str, "imported_at": str}
    table.create(columns, pk="id", not_null={"hash", "text", "meta", "imported_at"})
    table.create_index(["hash"], unique=True)
    table.create_index(["outlet"])
    batch: list[dict] = []
    stamp = now()

    def commit() -> None:
        with db.atomic():
            table.insert_all(batch, ignore=True)
        batch.clear()

    for file in files:
        with file.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                meta = record.get("meta") or {}
                batch.append(
                    {
                        "hash": content_hash(record["text"]),
                        "title": meta.get("title"),
                        "text": record["text"],
                        "outlet": meta.get("outlet"),
                        "meta": json.dumps(meta, ensure_ascii=False),
                        "imported_at": stamp,
                    }
                )
        if len(batch) >= COMMIT_EVERY:
            commit()
    if batch:
        commit()
    db.close()


def raw_sqlite3(path: Path, files: list[Path]) -> None:
    """The same reading, hashing, dedupe and commits with sqlite3 alone."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(
        "CREATE TABLE documents (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, title TEXT, text TEXT NOT NULL,"
        " outlet TEXT, meta TEXT NOT NULL, imported_at TEXT NOT NULL);"
        "CREATE INDEX documents_outlet ON documents(outlet);"
    )
    insert = "INSERT OR IGNORE INTO documents (hash, title, text, outlet, meta, imported_at) VALUES (?,?,?,?,?,?)"
    batch: list[tuple] = []
    stamp = now()
    for file in files:
        with file.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                meta = record.get("meta") or {}
                text = record["text"]
                batch.append((content_hash(text), meta.get("title"), text, meta.get("outlet"), json.dumps(meta), stamp))
        if len(batch) >= COMMIT_EVERY:
            with conn:
                conn.execute("BEGIN")
                conn.executemany(insert, batch)
            batch.clear()
    if batch:
        with conn:
            conn.execute("BEGIN")
            conn.executemany(insert, batch)
    conn.close()


def run(n: int = 2000, repeats: int = 3) -> dict:
    texts = corpus(n, seed=11)
    ours, base, index, raw = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        files = write_files(folder, texts)
        for r in range(repeats):  # alternate which side goes first
            for side in ("base", "ours") if r % 2 == 0 else ("ours", "base"):
                if side == "base":
                    t0 = time.perf_counter()
                    baseline(Path(tmp) / f"plain{r}.db", files)
                    base.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    raw_sqlite3(Path(tmp) / f"raw{r}.db", files)
                    raw.append(time.perf_counter() - t0)
                    continue
                store = Store(Path(tmp) / f"ours{r}.db")
                t0 = time.perf_counter()
                report = import_paths(store, [str(p) for p in files], "bench")
                ours.append(time.perf_counter() - t0)
                if report.imported != n:
                    raise RuntimeError(f"imported {report.imported} of {n}")
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
        "files": len(files),
        "commit_every": COMMIT_EVERY,
        "search_index_s": round(statistics.median(index), 3),
        "raw_sqlite3": {
            "docs_s": round(n / statistics.median(raw), 1),
            "ratio": round(o * statistics.median(raw) / n, 3),
        },
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
