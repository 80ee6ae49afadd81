"""The benchmark harness runs: every benchmark at its tiniest size, as a subprocess, not judged.

A benchmark that cannot run any more (an import moved, an API changed, a fixture it builds no
longer valid) fails here, the day it breaks, instead of on the next full run. The figures are
not judged: at these sizes on a shared machine they are noise. The README table is rendered
from the same run, so bench/table.py knows every row the harness prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import BENCHMARKS  # noqa: E402
from bench.table import DESCRIBE, render  # noqa: E402


def test_every_benchmark_runs_at_its_smoke_size(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    run = json.loads(proc.stdout)
    assert "load average before" in proc.stderr and "load average after" in proc.stderr
    ran = {result["name"]: result for result in run["results"]}
    expected = {name for name, (_, smoke, _, _) in BENCHMARKS.items() if smoke is not None}
    assert set(ran) == expected
    for name, result in ran.items():
        assert "error" not in result, (name, result.get("error"))
        for row in [result, *result.get("also", [])]:
            assert row["ratio"] is not None and row["ratio"] > 0, (name, row)
            assert isinstance(row["holds"], bool)
            assert row["name"] in DESCRIBE, f"bench/table.py has no words for the row {row['name']!r}"
    assert run["commit"]["hash"] and run["machine"]["cpus"]
    table = render(run)
    assert table.count("\n| ") == 2 + sum(1 + len(r.get("also", [])) for r in ran.values())


FAKE = """
def run(ratio, fail=False):
    if fail:
        raise ValueError("the fixture broke")
    return {"name": "fake", "ours": ratio, "baseline": 1.0, "unit": "s", "ratio": ratio, "target": 1.5,
            "better": "lower"}
"""


def test_run_exits_1_when_a_benchmark_fails_or_misses(tmp_path: Path, monkeypatch, capsys) -> None:
    from bench import run as harness

    (tmp_path / "fake_bench.py").write_text(FAKE, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the benchmark's own interpreter finds it
    cases = {"holds": {"ratio": 1.2}, "misses": {"ratio": 1.8}, "fails": {"ratio": 1.0, "fail": True}}
    for name, kwargs in cases.items():
        monkeypatch.setitem(harness.BENCHMARKS, name, ("fake_bench", kwargs, kwargs, kwargs))
    assert harness.main(["--only", "holds"]) == 0
    assert harness.main(["--only", "holds,misses"]) == 1
    assert harness.main(["--only", "fails"]) == 1
    assert harness.main(["--smoke", "--only", "misses"]) == 0  # smoke judges nothing
    assert harness.main(["--smoke", "--only", "fails"]) == 1  # ... but a failure fails it
    out = capsys.readouterr()
    assert "fails" in out.err and "ValueError: the fixture broke" in out.err
    assert "MISSED" in out.out and "load average before" in out.out

    assert harness.main(["--only", "holds,misses", "--repeat", "2", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [r["spread"] for r in report["results"]] == [[1.2, 1.2], [1.8, 1.8]]
    assert [r["holds"] for r in report["results"]] == [True, False]
