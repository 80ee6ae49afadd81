"""The CLI in a faulty environment, as a subprocess on real files: database paths holding
# ? % and spaces, foreign and newer files, devices, read-only files and directories, a -wal
deleted under a session. Each gets one true line, exit 1 or 2, and the data untouched."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document

from annotations.store import Store

STORY = "The ferry operator said on Sunday that crossings would resume once the storm passed."


def run(*args: str, cwd: Path, unprivileged: bool = False) -> subprocess.CompletedProcess:
    """`newsmark ARGS`; `unprivileged` runs it unable to override file permissions (as root
    too, by dropping CAP_DAC_OVERRIDE), so a read-only file is read-only."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    cmd = [sys.executable, "-m", "tui.cli", *args]
    if unprivileged and os.geteuid() == 0:
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *cmd]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def one_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    return lines[0]


@pytest.fixture
def story(tmp_path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(f"Ferries to resume\n\n{STORY}\n")
    return path


@pytest.mark.parametrize("name", ["o#x.db", "q?.db", "a%20b.db", "with space.db"])
def test_import_into_a_foreign_file_at_a_hostile_path_is_refused(tmp_path, story, name):
    conn = sqlite3.connect(tmp_path / name)
    conn.execute("CREATE TABLE c (id)")
    conn.commit()
    conn.close()
    before = (tmp_path / name).read_bytes()
    proc = run("--db", name, "import", str(story), cwd=tmp_path)
    assert proc.returncode == 2
    assert "not a newsmark database" in one_line(proc)
    assert (tmp_path / name).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "story.txt"])


@pytest.mark.parametrize("name", ["n#1.db", "n?.db", "a%20b.db", "my news.db"])
def test_a_database_at_a_hostile_path_works(tmp_path, story, name):
    assert run("--db", name, "import", str(story), cwd=tmp_path).returncode == 0
    proc = run("--db", name, "stats", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["documents"] == 1


def test_refusing_a_newer_wal_database_leaves_no_files(tmp_path, story):
    path = tmp_path / "v#9.db"
    with Store(path) as store:
        add_document(store, STORY)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run("--db", path.name, "import", str(story), cwd=tmp_path)
    assert proc.returncode == 2
    assert "newer" in one_line(proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", [("stats",), ("list",), ("import", "story.txt")], ids=" ".join)
def test_dev_null_is_not_a_database(tmp_path, story, command):
    proc = run(*command, "--db", "/dev/null", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_line(proc) == "newsmark: /dev/null: not a newsmark database (not a regular file)"


def _can_drop_privileges() -> bool:
    return os.geteuid() != 0 or shutil.which("setpriv") is not None


needs_permissions = pytest.mark.skipif(not _can_drop_privileges(), reason="root without setpriv")


@pytest.fixture
def read_only_db(tmp_path, story) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    assert run("--db", str(folder / "n.db"), "import", str(story), cwd=tmp_path).returncode == 0
    return folder / "n.db"


@needs_permissions
@pytest.mark.parametrize("where", ["file", "directory"])
def test_a_read_only_database_reads_and_refuses_writes(tmp_path, story, read_only_db, where):
    target = read_only_db if where == "file" else read_only_db.parent
    before = read_only_db.read_bytes()
    target.chmod(0o444 if where == "file" else 0o555)
    try:
        stats = run("--db", str(read_only_db), "stats", "--json", cwd=tmp_path, unprivileged=True)
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["documents"] == 1
        listed = run("--db", str(read_only_db), "list", cwd=tmp_path, unprivileged=True)
        assert listed.returncode == 0 and "Ferries to resume" in listed.stdout
        story.write_text("Second story\n\nThe storm passed overnight, forecasters said.\n")
        write = run("--db", str(read_only_db), "import", str(story), cwd=tmp_path, unprivileged=True)
        assert write.returncode == 1
        assert "read-only" in one_line(write) and "was saved" in write.stderr
    finally:
        target.chmod(0o644 if where == "file" else 0o755)
    assert read_only_db.read_bytes() == before
    assert sorted(p.name for p in read_only_db.parent.iterdir()) == ["n.db"]


def test_a_deleted_wal_under_a_session_is_one_true_line_for_another_process(tmp_path, story):
    path = tmp_path / "s.db"
    assert run("--db", str(path), "import", str(story), cwd=tmp_path).returncode == 0
    with Store(path) as session:
        session.set_status(1, "mira", "done")
        Path(f"{path}-wal").unlink()
        proc = run("--db", str(path), "stats", cwd=tmp_path)
        assert proc.returncode == 1
        assert "-wal" in one_line(proc)
