"""The keys benchmark's command line (bench/bench_annotation_keys.py), run as a subprocess:
bad gold files are one clear line and exit 2, and so is a --learn-every that is not a count."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench" / "bench_annotation_keys.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=120)


def test_a_span_outside_the_text_names_the_file_and_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"text": "Kabul", "spans": [{"start": 0, "end": 5, "label": "GPE"}]})
        + "\n"
        + json.dumps({"text": "abc", "spans": [{"start": 0, "end": 9, "label": "ORG"}]})
        + "\n"
    )
    done = run("--gold", str(gold))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"bench_annotation_keys: {gold}:2: a span lies outside the text"]


def test_a_record_without_spans_is_refused(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": "Kabul"}) + "\n")
    done = run("--gold", str(gold))
    assert done.returncode == 2 and f"{gold}:1: not a gold record" in done.stderr


def test_learn_every_needs_a_positive_count():
    done = run("--learn-every", "0")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["--learn-every: expected a positive number of documents"]


def test_the_default_fixture_is_the_blind_event_corpus():
    lines = (ROOT / "bench" / "data" / "keys" / "event_a.jsonl").read_text("utf-8").splitlines()
    spans = [s for line in lines for s in json.loads(line)["spans"]]
    assert len(lines) == 6 and len(spans) == 378
