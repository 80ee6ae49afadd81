"""CLI start-up: `newsmark --help` wall time as a ratio to `python -c "import spacy"`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t


def run(repeats: int = 7) -> dict:
    ours, base = [], []
    for _ in range(repeats):  # alternate so machine noise hits both alike
        ours.append(_time([sys.executable, "-m", "tui.cli", "--help"]))
        base.append(_time([sys.executable, "-c", "import spacy"]))
    o, b = statistics.median(ours), statistics.median(base)
    return {
        "name": "cli_startup",
        "ours": round(o, 3),
        "baseline": round(b, 3),
        "unit": "s",
        "ratio": round(o / b, 3),
        "target": 0.5,
        "better": "lower",
        "n": repeats,
    }


if __name__ == "__main__":
    print(run())
