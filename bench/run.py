"""Every benchmark, side by side with its raw-component baseline, as ratios.

    python bench/run.py [--quick] [--json] [--only NAME,...]

Each benchmark builds its own seeded synthetic data and alternates ours and the baseline over
several repeats, reporting medians: absolute times on a shared machine are noise, ratios are not.
Each runs in its own interpreter, so none inherits another's heap or peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# name -> (module, kwargs for --quick, kwargs for the full run)
BENCHMARKS = {
    "predict": ("bench.bench_predict", {"n": 100, "repeats": 3}, {"n": 400, "repeats": 3}),
    "import": ("bench.bench_import", {"n": 2000, "repeats": 5}, {"n": 10000, "repeats": 5}),
    "export": ("bench.bench_export", {"n": 2000, "repeats": 5}, {"n": 10000, "repeats": 5}),
    "link": ("bench.bench_link", {"n": 5000, "repeats": 1}, {"n": 20000, "repeats": 1}),
    "link_100k": ("bench.bench_link", None, {"n": 100000, "repeats": 1}),
    "reader_keystroke_scale": ("bench.bench_reader", {"quick": True}, {"quick": False}),
    "library_open_scale": ("bench.bench_library", {"quick": True}, {"quick": False}),
    "cli_startup": ("bench.bench_cli", {"repeats": 5}, {"repeats": 9}),
    "import_html": ("bench.bench_html", {"n": 100, "repeats": 3}, {"n": 500, "repeats": 3}),
    "import_conll": ("bench.bench_conll", {"n": 300, "repeats": 3}, {"n": 2000, "repeats": 3}),
    "annotation_keys": ("bench.bench_annotation_keys", {}, {}),
    "train": ("bench.bench_train", {"steps": 50, "repeats": 1}, {"steps": 200, "repeats": 3}),
    "predict_dask": ("bench.bench_predict_dask", {"n": 100, "repeats": 3}, {"n": 400, "repeats": 3}),
    "first_suggestions": (
        "bench.bench_first_suggestions",
        {"quick": True, "repeats": 3},
        {"quick": False, "repeats": 5},
    ),
    "predict_memory": ("bench.bench_predict_memory", {"big": 1_000_000}, {"big": 5_000_000}),
}


def _run_isolated(module_name: str, kwargs: dict) -> dict:
    """One benchmark in a fresh interpreter: what an earlier one loaded (a spaCy model, a
    100,000-document heap) must not slow it down or show in its peak memory."""
    code = (
        "import importlib, json, sys; sys.path.insert(0, sys.argv[1]); "
        "m = importlib.import_module(sys.argv[2]); "
        "print(json.dumps(m.run(**json.loads(sys.argv[3]))))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), module_name, json.dumps(kwargs)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def holds(result: dict) -> bool:
    if result.get("ratio") is None:
        return False
    if result["better"] == "higher":
        return result["ratio"] >= result["target"]
    return result["ratio"] <= result["target"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: minutes on 2 cores")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", help="comma-separated benchmark names")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    results = []
    for name in names:
        module_name, quick, full = BENCHMARKS[name]
        kwargs = quick if args.quick else full
        if kwargs is None:
            continue
        try:
            result = _run_isolated(module_name, kwargs)
        except RuntimeError as exc:
            results.append({"name": name, "error": str(exc)})
            print(f"{name:<24} FAILED: {exc}", file=sys.stderr, flush=True)
            continue
        result["name"] = name
        result["holds"] = holds(result)
        results.append(result)
        if not args.json:
            print(
                f"{name:<24} ours={result['ours']} baseline={result['baseline']} {result['unit']} "
                f"ratio={result['ratio']} target {'>=' if result['better'] == 'higher' else '<='} "
                f"{result['target']} {'ok' if result['holds'] else 'MISSED'}",
                flush=True,
            )
    if args.json:
        print(json.dumps({"results": results, "machine": machine()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
