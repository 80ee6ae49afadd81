"""Faults of the environment are one line, never an internal error: a database path that is a
/proc file or where no file can be made, a training output nobody can write; and training
leaves no temporary directory behind, whether it is terminated or killed (the next run
removes those of dead runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import add_document

from annotations.store import Store, now

TEXT = "Ahmad Massoud spoke in Panjshir on Monday. Later, Ahmed Massoud said the valley would hold."


def cli(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=180, **kw
    )


def one_line(proc: subprocess.CompletedProcess, code: int) -> str:
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in lines[0], proc.stderr
    return lines[0]


needs_proc = pytest.mark.skipif(not Path("/proc/version").is_file(), reason="no /proc")


@needs_proc
@pytest.mark.parametrize("command", [("stats",), ("list",), ("import", "a.jsonl")], ids=" ".join)
def test_a_proc_file_as_database_is_one_line(tmp_path, command):
    (tmp_path / "a.jsonl").write_text('{"text": "hello"}\n')
    line = one_line(cli(*command, "--db", "/proc/version", cwd=tmp_path), 2)
    assert line == "newsmark: /proc/version: not a newsmark database (a special file, not a database file)"


@needs_proc
def test_a_config_database_that_cannot_be_read_is_one_line(tmp_path):
    (tmp_path / "config.yaml").write_text("database: /proc/self/mem\n")
    line = one_line(cli("stats", cwd=tmp_path), 2)
    assert line.startswith("newsmark: /proc/self/mem: not a newsmark database (cannot read it")


@needs_proc
def test_a_database_where_no_file_can_be_made_is_one_line(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "hello"}\n')
    line = one_line(cli("import", "a.jsonl", "--db", "/proc/new.db", cwd=tmp_path), 1)
    assert line.startswith("newsmark: /proc/new.db: cannot create a database there")


@pytest.fixture
def gold(tmp_path) -> Path:
    """Five documents with done gold: enough to train."""
    path = tmp_path / "g.db"
    with Store(path) as store:
        for i in range(5):
            doc = add_document(store, f"{TEXT} {i}")
            with store.action("ann", "seed", doc_id=doc) as act:
                for form in ("Ahmad Massoud", "Ahmed Massoud"):
                    start = TEXT.index(form)
                    act.insert(
                        "spans",
                        {
                            "doc_id": doc,
                            "start": start,
                            "end": start + len(form),
                            "label": "PERSON",
                            "text": form,
                            "annotator": "ann",
                            "origin": "manual",
                            "created_at": now(),
                        },
                    )
                act.insert("doc_status", {"doc_id": doc, "annotator": "ann", "status": "done", "updated_at": now()})
    return path


TRAIN = ("train", "--from-scratch", "--max-steps", "1")


@needs_proc
def test_train_output_into_proc_is_one_line(tmp_path, gold):
    line = one_line(cli(*TRAIN, "--output", "/proc/m", "--db", str(gold), cwd=tmp_path), 2)
    assert line.startswith("newsmark: --output /proc/m: cannot write in /proc")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_train_output_into_a_read_only_directory_is_one_line(tmp_path, gold):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        line = one_line(cli(*TRAIN, "--output", str(locked / "m"), "--db", str(gold), cwd=tmp_path), 2)
    finally:
        locked.chmod(0o755)
    assert f"--output {locked / 'm'}" in line


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def work_dirs(models: Path) -> list[str]:
    return sorted(p.name for p in models.iterdir() if ".tmp-" in p.name)


def test_the_next_train_removes_temporary_directories_of_dead_runs(tmp_path, gold):
    models = gold.parent / "models"
    stale = models / f".ner-old.tmp-{dead_pid()}-abc123"
    live = models / f".ner-live.tmp-{os.getpid()}-def456"  # a run still going: kept
    for folder in (stale, live):
        (folder / "corpus").mkdir(parents=True)
        (folder / "corpus" / "train.spacy").write_bytes(b"x" * 1000)
    proc = cli(*TRAIN, "--db", str(gold), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert work_dirs(models) == [live.name]


def test_sigterm_during_train_leaves_no_temporary_directory(tmp_path, gold):
    models = gold.parent / "models"
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "train", "--from-scratch", "--max-steps", "100000", "--db", str(gold)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while not (models.exists() and work_dirs(models)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert work_dirs(models), "training never started"
    time.sleep(1)  # into the training itself
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "nothing was registered" in err
    assert work_dirs(models) == [] and not [p for p in models.iterdir() if not p.name.startswith(".")]
