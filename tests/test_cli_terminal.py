"""CLI output on a real terminal and through a pipe: a progress bar on a terminal's stderr never
takes stdout with it, and every data format that can reach a terminal (CoNLL through `| cat`)
spells control characters as escapes, as JSONL does."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import add_document
from hostile import HOSTILE, assert_inert

from annotations.store import Store

TEXT = "Ahmad Massoud spoke in Panjshir on Monday.\nThe valley would hold, he said."


def cli(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=cwd, env=env, timeout=120, text=True, **kwargs)


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "t.db"
    with Store(path) as store:
        for i in range(3):
            add_document(store, f"{TEXT} ({i})", title=f"t{i}")
        add_document(store, f"Hostile {HOSTILE} text.", title="h")
    return path


def run_with_terminal_stderr(args: list[str], cwd: Path, out: Path) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal (as in an interactive shell) and stdout
    redirected to `out`: what `newsmark export > out.jsonl` does in a terminal."""
    master, slave = pty.openpty()
    seen: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with out.open("w") as handle:
        proc = cli(*args, cwd=cwd, stdout=handle, stderr=slave)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, b"".join(seen).decode(errors="replace")


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "conll"])
def test_export_redirected_from_a_terminal_writes_the_file(tmp_path, db, fmt):
    out = tmp_path / f"out.{fmt}"
    code, screen = run_with_terminal_stderr(
        ["export", "--status", "all", "--format", fmt, "--db", str(db)], tmp_path, out
    )
    assert code == 0, screen
    data = out.read_text()
    assert "Massoud" in data  # all of it in the file (it was empty: stdout went to the bar's console)
    assert "Massoud" not in screen and f"exported 4 document(s) as {fmt}" in screen
    if fmt != "conll":
        assert len(data.splitlines()) == 4


def test_conll_export_through_a_pipe_is_inert_like_jsonl(tmp_path, db):
    conll = cli("export", "--status", "all", "--format", "conll", "--db", str(db), cwd=tmp_path, capture_output=True)
    jsonl = cli("export", "--status", "all", "--format", "jsonl", "--db", str(db), cwd=tmp_path, capture_output=True)
    assert conll.returncode == 0 and jsonl.returncode == 0, conll.stderr + jsonl.stderr
    assert_inert(jsonl.stdout)
    assert f"Hostile {HOSTILE} text." in [json.loads(line)["text"] for line in jsonl.stdout.splitlines()]  # exact
    assert_inert(conll.stdout)
    # Spelled as JSON spells them, so the data is still there to read.
    assert "\\u001b]52;c;ZXZpbA==\\u0007" in conll.stdout and "\\u202etxt.exe" in conll.stdout
    assert "Massoud O" in conll.stdout or "Massoud\tO" in conll.stdout
    assert "Hostile" in conll.stdout and len([x for x in conll.stdout.splitlines() if x.startswith("-DOCSTART-")]) == 4


def test_conll_export_keeps_tabs_and_line_breaks_as_layout(tmp_path):
    from annotations.reading.layout import escape_controls

    assert escape_controls("a\tb\nc\x1bd\x9b\u202ee\u200cf") == "a\tb\nc\\u001bd\\u009b\\u202ee\u200cf"
    assert json.loads('"' + escape_controls("\x1b\u2066") + '"') == "\x1b\u2066"
