"""Every benchmark, beside the cheapest program that does the same work, as ratios.

    python bench/run.py [--quick | --smoke] [--json] [--only NAME,...] [--repeat K]
    python bench/run.py --json > run.json && python bench/table.py run.json   # the README table

Each benchmark builds its own seeded synthetic data and alternates ours and the baseline over
several repeats, reporting medians. Each runs in its own interpreter, so none inherits another's
heap or peak memory. A benchmark may report more than one row (``also``: e.g. the reader's
accept and label write beside its cursor motion); each row has its target.

Exit status: 0 when every benchmark ran and every row holds its target; 1 when one failed or
missed. ``--smoke`` runs the tiniest size of each (seconds each, for CI: the harness cannot rot)
and judges nothing: it fails only when a benchmark fails. The load average is printed before and
after (to stderr with --json), and kept in the JSON with the date, the commit and the machine.
``--repeat K`` runs each benchmark K times (each in a fresh interpreter) and reports the median
ratio and its spread (min-max); targets are judged on the median.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# name -> (module, kwargs for --smoke, for --quick, for the full run); None: not run at that size
BENCHMARKS: dict[str, tuple[str, dict | None, dict | None, dict | None]] = {
    "predict": ("bench.bench_predict", {"n": 20, "repeats": 1}, {"n": 100, "repeats": 3}, {"n": 400, "repeats": 3}),
    "import": ("bench.bench_import", {"n": 300, "repeats": 1}, {"n": 2000, "repeats": 5}, {"n": 10000, "repeats": 5}),
    "export": ("bench.bench_export", {"n": 200, "repeats": 1}, {"n": 2000, "repeats": 5}, {"n": 10000, "repeats": 5}),
    "link": ("bench.bench_link", {"n": 500, "repeats": 1}, {"n": 5000, "repeats": 1}, {"n": 20000, "repeats": 1}),
    "link_100k": ("bench.bench_link", None, None, {"n": 100000, "repeats": 1}),
    "reader_keystroke_scale": (
        "bench.bench_reader",
        {"quick": True, "presses": 12, "repeats": 1, "writes": 3},
        {"quick": True},
        {"quick": False},
    ),
    "library_open_scale": ("bench.bench_library", {"quick": True, "big": 1000, "repeats": 1}, {"quick": True}, {}),
    "reader_open_scale": (
        "bench.bench_reader_openings",
        {"small": 20, "big": 100, "repeats": 1},
        {"small": 200, "big": 2000, "repeats": 2},
        {"small": 500, "big": 5000, "repeats": 3},
    ),
    "cli_startup": ("bench.bench_cli", {"repeats": 1}, {"repeats": 5}, {"repeats": 9}),
    "import_html": ("bench.bench_html", {"n": 5, "repeats": 1}, {"n": 100, "repeats": 3}, {"n": 500, "repeats": 3}),
    "import_conll": ("bench.bench_conll", {"n": 30, "repeats": 1}, {"n": 300, "repeats": 3}, {"n": 2000, "repeats": 3}),
    "annotation_keys": ("bench.bench_annotation_keys", {"articles": 1}, {}, {}),
    "train": (
        "bench.bench_train",
        {"steps": 2, "repeats": 1, "eval_frequency": 2},
        {"steps": 50, "repeats": 1},
        {"steps": 200, "repeats": 3},
    ),
    "predict_dask": (
        "bench.bench_predict_dask",
        {"n": 8, "repeats": 1, "chunk_size": 4, "cold": False},
        {"n": 100, "repeats": 3},
        {"n": 400, "repeats": 3},
    ),
    "first_suggestions": (
        "bench.bench_first_suggestions",
        {"quick": True, "repeats": 1, "n": 200},
        {"quick": True, "repeats": 3},
        {"quick": False, "repeats": 5},
    ),
    "predict_memory": (
        "bench.bench_predict_memory",
        {"big": 60_000},
        {"big": 1_000_000},
        {"big": 5_000_000},
    ),
}
SIZES = {"smoke": 1, "quick": 2, "full": 3}
SMOKE_TIMEOUT = 180  # seconds a smoke benchmark may take before it counts as failed (a hang)


def run_isolated(module_name: str, kwargs: dict, timeout: float | None = None) -> dict:
    """One benchmark in a fresh interpreter: what an earlier one loaded (a spaCy model, a
    100,000-document heap) must not slow it down or show in its peak memory."""
    code = (
        "import importlib, json, sys; sys.path.insert(0, sys.argv[1]); "
        "m = importlib.import_module(sys.argv[2]); "
        "print(json.dumps(m.run(**json.loads(sys.argv[3]))))"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(ROOT), module_name, json.dumps(kwargs)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"did not finish in {timeout:.0f} s") from None
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
        "memory_gb": _memory_gb(),
    }


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def commit() -> dict:
    """The tree measured: its commit and whether it had uncommitted changes."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    return {"hash": git("rev-parse", "--short=10", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def holds(row: dict) -> bool:
    """A row holds when its ratio meets its target, and its absolute budget if it has one."""
    ratio, target = row.get("ratio"), row.get("target")
    if ratio is None or target is None:
        return False
    ok = ratio >= target if row.get("better") == "higher" else ratio <= target
    budget = row.get("budget")  # {"value": x, "max": y}: an absolute bound (ms, s) beside the ratio
    if budget is not None:
        ok = ok and budget["value"] <= budget["max"]
    return ok


def rows_of(result: dict) -> list[dict]:
    """The benchmark's own row and the rows it reports beside it."""
    return [result, *result.get("also", [])]


def combine(name: str, runs: list[dict]) -> dict:
    """K runs of one benchmark -> the median run's figures, with each row's ratio spread."""
    if len(runs) == 1:
        result = runs[0]
    else:
        ordered = sorted(runs, key=lambda r: (r.get("ratio") is None, r.get("ratio") or 0))
        result = dict(ordered[(len(ordered) - 1) // 2])
        result["also"] = [dict(row) for row in result.get("also", [])]
        for i, row in enumerate(rows_of(result)):
            ratios = [rows_of(r)[i].get("ratio") for r in runs if len(rows_of(r)) > i]
            ratios = [x for x in ratios if x is not None]
            if ratios:
                row["ratio"] = round(statistics.median(ratios), 3)
                row["spread"] = [min(ratios), max(ratios)]
                row["repeats"] = len(ratios)
    result["name"] = name
    for row in rows_of(result):
        row["holds"] = holds(row)
    return result


def describe(row: dict) -> str:
    sign = ">=" if row.get("better") == "higher" else "<="
    spread = f" (spread {row['spread'][0]}-{row['spread'][1]} over {row['repeats']})" if "spread" in row else ""
    budget = (
        f", {row['budget']['value']} <= {row['budget']['max']} {row['budget'].get('unit', '')}"
        if row.get("budget")
        else ""
    )
    return (
        f"{row.get('name', '?'):<28} ours={row.get('ours')} baseline={row.get('baseline')} {row.get('unit', '')} "
        f"ratio={row.get('ratio')}{spread} target {sign} {row.get('target')}{budget} "
        f"{'ok' if row['holds'] else 'MISSED'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small sizes: minutes on 2 cores")
    size.add_argument("--smoke", action="store_true", help="tiniest sizes, not judged (CI: the harness runs)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--repeat", type=int, default=1, metavar="K", help="run each benchmark K times: the spread")
    args = parser.parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; expected one of {', '.join(BENCHMARKS)}")
    log = sys.stderr if args.json else sys.stdout
    started = datetime.datetime.now(datetime.UTC)
    tree = commit()  # the tree measured, taken before anything runs
    load_before = load_average()
    print(f"load average before: {load_before} ({mode} run, {os.cpu_count()} cpus)", file=log, flush=True)
    results: list[dict] = []
    failed = missed = 0
    for name in names:
        module_name, *kwargs_by_size = BENCHMARKS[name]
        kwargs = kwargs_by_size[SIZES[mode] - 1]
        if kwargs is None:
            continue
        t0 = time.perf_counter()
        try:
            runs = [
                run_isolated(module_name, kwargs, SMOKE_TIMEOUT if mode == "smoke" else None)
                for _ in range(max(1, args.repeat))
            ]
        except RuntimeError as exc:
            failed += 1
            results.append({"name": name, "error": str(exc)})
            print(f"{name:<28} FAILED: {exc}", file=sys.stderr, flush=True)
            continue
        result = combine(name, runs)
        result["seconds"] = round(time.perf_counter() - t0, 1)  # the benchmark's own wall time, all repeats
        results.append(result)
        missed += sum(not row["holds"] for row in rows_of(result))
        for row in rows_of(result):
            print(describe(row), file=log, flush=True)
    load_after = load_average()
    print(f"load average after: {load_after}", file=log, flush=True)
    if args.json:
        report = {
            "date": started.isoformat(timespec="seconds"),
            "mode": mode,
            "repeat": args.repeat,
            "commit": tree,
            "machine": machine(),
            "load_before": load_before,
            "load_after": load_after,
            "results": results,
        }
        print(json.dumps(report))
    if failed:
        print(f"{failed} benchmark(s) failed", file=sys.stderr)
    if mode != "smoke" and missed:
        print(f"{missed} row(s) missed their target", file=sys.stderr)
    return 1 if failed or (mode != "smoke" and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
