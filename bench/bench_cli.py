"""CLI start-up: `newsmark --help` wall time as a ratio to a bare Python printing the same text.

    python bench/bench_cli.py [REPEATS]

What `--help` must do: start Python, import argparse and print the help text (its command
names and format names are newsmark's own strings; no third-party library is needed, and not
Textual). baseline: the same interpreter, `python -c "import argparse, sys;
sys.stdout.write(HELP)"` with the exact text newsmark printed. ours: `python -m tui.cli --help`.
Sides alternate; medians. Also reported: the third-party top-level modules `--help` imports
today (`imports`), which is where the difference goes.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import sysconfig
import time

OURS = [sys.executable, "-m", "tui.cli", "--help"]
OWN = ("annotations", "tui", "bench")
BARE = "import argparse, sys; sys.stdout.write(sys.argv[1])"
PROBE = (
    "import runpy, sys, json; sys.argv = ['newsmark', '--help']\n"
    "try:\n    runpy.run_module('tui.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
    "sys.stderr.write(json.dumps({n: getattr(m, '__file__', None) for n, m in sys.modules.items() if '.' not in n}))"
)


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t


def third_party_imports() -> list[str]:
    """Top-level modules `newsmark --help` imports that are neither the standard library nor newsmark."""
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    loaded: dict[str, str | None] = json.loads(proc.stderr.strip().splitlines()[-1])
    purelib = sysconfig.get_paths()["purelib"]
    return sorted(
        name
        for name, path in loaded.items()
        if path
        and path.startswith(purelib)
        and not name.startswith("_")
        and name not in OWN + tuple(sys.stdlib_module_names)
    )


def run(repeats: int = 7) -> dict:
    help_text = subprocess.run(OURS, capture_output=True, text=True, check=True).stdout
    ours, base = [], []
    for _ in range(repeats):  # alternate so machine noise hits both alike
        ours.append(_time(OURS))
        base.append(_time([sys.executable, "-c", BARE, help_text]))
    o, b = statistics.median(ours), statistics.median(base)
    return {
        "name": "cli_startup",
        "ours": round(o, 3),
        "baseline": round(b, 3),
        "unit": "s",
        "ratio": round(o / b, 3),
        "target": 3.0,
        "better": "lower",
        "n": repeats,
        "imports": third_party_imports(),
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
