"""CoNLL import throughput as a ratio to a plain parse of the same file into the same rows.

    python bench/bench_conll.py [N_DOCS]

ours: `import_paths` on a four-column CoNLL-2003 file (read, validate every tag and sequence,
detect the scheme, rebuild the text, gold spans, hash, insert documents and spans, the
event-log entry, commit). baseline: the least a script could do: split each line, join the
tokens, cut IOB2 spans, keep the middle columns in meta as ours does, and `executemany` the
same documents and spans into plain SQLite tables, no validation. The ratio says what
validation and the store add (target >= 0.4).
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.corpus.ingest import import_paths
from annotations.store import Store
from bench.bench_predict import NAMES, PLACES, corpus


def write_conll(path: Path, n: int) -> int:
    """n documents of news-like sentences, names and places tagged (IOB2). Returns entities."""
    rng = random.Random(5)
    names = dict.fromkeys(NAMES, "PERSON")
    names.update({place: "GPE" for place in PLACES})
    entities = 0
    with path.open("w", encoding="utf-8") as out:
        for text in corpus(n, seed=29):
            out.write("-DOCSTART- -X- -X- O\n\n")
            for sentence in text.replace("\n", " ").split(". "):
                tokens = sentence.replace(",", " ,").split()
                i = 0
                while i < len(tokens):
                    two = " ".join(tokens[i : i + 2]) if i + 1 < len(tokens) else None
                    width = 2 if two in names else 1
                    label = names.get(two or "") or names.get(tokens[i])
                    if label and rng.random() < 0.9:
                        entities += 1
                        for k in range(width):
                            out.write(f"{tokens[i + k]} NNP I-NP {'B' if k == 0 else 'I'}-{label}\n")
                    else:
                        for k in range(width):
                            out.write(f"{tokens[i + k]} NN I-NP O\n")
                    i += width
                out.write("\n")
    return entities


def plain_parse(path: Path, db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, hash TEXT UNIQUE, text TEXT, meta TEXT)")
    conn.execute('CREATE TABLE spans (doc_id INT, start INT, "end" INT, label TEXT, text TEXT)')
    docs, spans = [], []

    def flush(sentences: list[list[tuple[str, str, str]]]) -> None:
        if not sentences:
            return
        lines, offset, doc_id = [], 0, len(docs) + 1
        for sent in sentences:
            starts = []
            for token, _, _ in sent:
                starts.append(offset)
                offset += len(token) + 1
            open_at = None
            for i, (_token, tag, _) in enumerate([*sent, ("", "O", "")]):
                if open_at is not None and not tag.startswith("I-"):
                    first, last = open_at
                    end = starts[i - 1] + len(sent[i - 1][0])
                    spans.append((doc_id, starts[first], end, last, None))
                    open_at = None
                if tag.startswith("B-"):
                    open_at = (i, tag[2:])
            lines.append(" ".join(t for t, _, _ in sent))
        text = "\n".join(lines)
        middle = [m for sent in sentences for _, _, m in sent]
        meta = {"conll": {"scheme": "iob2", "docstart": "-DOCSTART- -X- -X- O", "columns": middle}}
        docs.append((hashlib.sha256(text.encode()).hexdigest(), text, json.dumps(meta)))

    sentences: list[list[tuple[str, str, str]]] = []
    sent: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.split()
            if not cols:
                if sent:
                    sentences.append(sent)
                    sent = []
            elif cols[0] == "-DOCSTART-":
                flush(sentences)
                sentences = []
            else:
                sent.append((cols[0], cols[-1], " ".join(cols[1:-1])))
    if sent:
        sentences.append(sent)
    flush(sentences)
    with conn:
        conn.executemany("INSERT INTO documents (hash, text, meta) VALUES (?,?,?)", docs)
        conn.executemany("INSERT INTO spans VALUES (?,?,?,?,?)", spans)
    conn.close()


def run(n: int = 500, repeats: int = 3) -> dict:
    ours, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.conll"
        entities = write_conll(src, n)
        for r in range(repeats):
            t0 = time.perf_counter()
            plain_parse(src, Path(tmp) / f"plain{r}.db")
            base.append(time.perf_counter() - t0)
            store = Store(Path(tmp) / f"ours{r}.db")
            t0 = time.perf_counter()
            report = import_paths(store, [str(src)], "bench")
            ours.append(time.perf_counter() - t0)
            store.close()
            assert report.spans == entities, (report.spans, entities)
    o, b = n / statistics.median(ours), n / statistics.median(base)
    return {
        "name": "import_conll",
        "ours": round(o, 1),
        "baseline": round(b, 1),
        "unit": "docs/s",
        "ratio": round(o / b, 3),
        "target": 0.4,
        "better": "higher",
        "n": n,
        "entities": entities,
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
