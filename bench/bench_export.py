"""native JSONL export throughput as a ratio to plain json.dumps of the same rows read from SQLite.

    python bench/bench_export.py [N_DOCS]

Both sides read the same database (documents, their gold spans, claims and canonical entities,
every document marked done by one annotator) and write one JSON object a line to a file. The
baseline is the least an exporter of the same rows can do: three ordered queries (documents,
spans, claims) merged in Python and `json.dumps` per document; no pages, no status or annotator
logic, no canonical entities. Ours is `annotations.export.export(store, "jsonl", ...)`.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.export import export
from annotations.store import Store, content_hash, now
from bench.bench_predict import NAMES, PLACES, corpus


def build(path: Path, n: int, seed: int = 5) -> Store:
    """A store of n annotated documents: spans on every name and place, a claim a paragraph."""
    rng = random.Random(seed)
    texts = corpus(n, seed=seed)
    store = Store(path)
    stamp = now()
    with store.transaction() as conn:
        ent_ids = {}
        for name in NAMES + PLACES:
            label = "PERSON" if name in NAMES else "GPE"
            ent_ids[name] = conn.execute(
                "INSERT INTO entities (name, label, created_at) VALUES (?,?,?)", (name, label, stamp)
            ).lastrowid
            conn.execute("INSERT INTO aliases (entity_id, form) VALUES (?,?)", (ent_ids[name], name.upper()))
        for i, text in enumerate(texts):
            doc_id = conn.execute(
                "INSERT INTO documents (hash, title, text, outlet, date, meta, imported_at) VALUES (?,?,?,?,?,?,?)",
                (content_hash(text), f"Story {i}", text, "Wire", "2021-09-06", json.dumps({"section": "world"}), stamp),
            ).lastrowid
            spans = []
            for name in NAMES + PLACES:
                start = text.find(name)
                while start >= 0:
                    spans.append(
                        (
                            doc_id,
                            start,
                            start + len(name),
                            "PERSON" if name in NAMES else "GPE",
                            name,
                            "bench",
                            "manual",
                            ent_ids[name] if rng.random() < 0.5 else None,
                            stamp,
                        )
                    )
                    start = text.find(name, start + len(name))
            conn.executemany(
                'INSERT INTO spans (doc_id, start, "end", label, text, annotator, origin, entity_id, created_at) '
                "VALUES (?,?,?,?,?,?,?,?,?)",
                spans,
            )
            pos = 0
            for para in text.split("\n\n"):
                conn.execute(
                    'INSERT INTO claims (doc_id, start, "end", type, stance, annotator, origin, created_at) '
                    "VALUES (?,?,?,?,?,?,?,?)",
                    (doc_id, pos, pos + min(len(para), 80), "statement", "asserted", "bench", "manual", stamp),
                )
                pos += len(para) + 2
            conn.execute(
                "INSERT INTO doc_status (doc_id, annotator, status, updated_at) VALUES (?,?,?,?)",
                (doc_id, "bench", "done", stamp),
            )
    return store


def baseline(store: Store, out: Path) -> int:
    """Plain json.dumps of the same rows: each document with its spans and claims, read by three
    ordered queries merged on the document id (no pages, statuses, annotators or entities)."""
    conn = store.conn
    spans = conn.execute('SELECT doc_id, start, "end", label, text, entity_id FROM spans ORDER BY doc_id, start')
    claims = conn.execute(
        'SELECT doc_id, start, "end", type, speaker, cue, stance, group_id FROM claims ORDER BY doc_id, start'
    )
    next_span, next_claim = spans.fetchone(), claims.fetchone()
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        cur = conn.execute("SELECT id, text, title, url, date, outlet, author, meta FROM documents ORDER BY id")
        cols = [c[0] for c in cur.description]
        for row in cur:
            doc = dict(zip(cols, row))
            items = []
            while next_span is not None and next_span[0] == doc["id"]:
                items.append(
                    {
                        "start": next_span[1],
                        "end": next_span[2],
                        "label": next_span[3],
                        "text": next_span[4],
                        "entity": next_span[5],
                    }
                )
                next_span = spans.fetchone()
            doc["spans"] = items
            items = []
            while next_claim is not None and next_claim[0] == doc["id"]:
                items.append(
                    {
                        "start": next_claim[1],
                        "end": next_claim[2],
                        "type": next_claim[3],
                        "speaker": next_claim[4],
                        "cue": next_claim[5],
                        "stance": next_claim[6],
                        "group": next_claim[7],
                    }
                )
                next_claim = claims.fetchone()
            doc["claims"] = items
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            n += 1
    return n


def run(n: int = 10000, repeats: int = 3) -> dict:
    ours, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "bench.db", n)
        try:
            for r in range(repeats):  # alternate, medians: the machine is shared
                t0 = time.perf_counter()
                baseline(store, Path(tmp) / f"plain{r}.jsonl")
                base.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                report = export(store, "jsonl", Path(tmp) / f"ours{r}.jsonl")
                ours.append(time.perf_counter() - t0)
                assert report.examples == n, report.to_json()
        finally:
            store.close()
    o, b = n / statistics.median(ours), n / statistics.median(base)
    # each repeat runs both back to back: the median of the paired ratios cancels the load other
    # processes put on a shared machine better than a ratio of medians would
    ratio = statistics.median(bt / ot for bt, ot in zip(base, ours))
    return {
        "name": "export",
        "ours": round(o, 1),
        "baseline": round(b, 1),
        "unit": "docs/s",
        "ratio": round(ratio, 3),
        "target": 0.5,
        "better": "higher",
        "n": n,
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10000))
