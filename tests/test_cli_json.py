"""Every `--json` goes through one writer (tui.output.print_json): valid JSON holding the exact
data, with C0/C1 controls and bidi characters spelled as \\uXXXX, so nothing in it acts on a
terminal. Run as subprocesses over a database that lives in a hostile directory (paths are
printed too) and whose annotator, titles and labels hold the hostile corpus."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document
from hostile import HOSTILE, assert_inert, strings_in

from annotations.store import Store, now
from tui import commands as registry
from tui.cli import build_parser

NAME = f"ann{HOSTILE}"
TEXT = "Ahmad Massoud spoke in Panjshir on Monday. Later, Ahmed Massoud said the valley would hold."
# A directory name may hold every attack but "/".
FOLDER = f"d{HOSTILE.replace('/', '')}"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def gold(tmp_path_factory) -> Path:
    """Five documents done by a hostile annotator, in a directory with a hostile name."""
    root = tmp_path_factory.mktemp("json") / FOLDER
    root.mkdir()
    with Store(root / "g.db") as store:
        for i in range(5):
            doc = add_document(store, f"{TEXT} {i}", title=f"T{HOSTILE}")
            for annotator in (NAME, "bob"):
                with store.action(annotator, "seed", doc_id=doc) as act:
                    for form in ("Ahmad Massoud", "Ahmed Massoud"):
                        start = TEXT.index(form)
                        span = {"doc_id": doc, "start": start, "end": start + len(form), "label": "PERSON"}
                        act.insert(
                            "spans",
                            {**span, "text": form, "annotator": annotator, "origin": "manual", "created_at": now()},
                        )
                    status = {"doc_id": doc, "annotator": annotator, "status": "done", "updated_at": now()}
                    act.insert("doc_status", status)
    return root


def check(proc: subprocess.CompletedProcess, exact: bool = True) -> list[str]:
    """One inert JSON document on stdout; returns the strings it holds."""
    assert proc.returncode == 0, proc.stderr
    assert_inert(proc.stdout)
    assert len(proc.stdout.strip().splitlines()) == 1
    strings = strings_in(json.loads(proc.stdout))
    # The hostile data is there, exactly (a path or a name holding C1 controls and U+202E).
    assert not exact or any("\x9b2J\x9d2;t\x9c\u202etxt.exe" in s for s in strings), proc.stdout[:300]
    return strings


COMMANDS = [
    ("agree", "--json"),
    ("assign", "--json", "--annotators", f"bob,{NAME}", "--overlap", "2"),
    ("stats", "--json"),
    ("evaluate", "--json", "--extractor", "ner"),  # scores only: nothing from outside to escape
    ("link", "suggest", "--json", "--threshold", "0"),  # hostile labels: tests/test_cli_hostile.py
    ("mark", "--json", "--status", "done", "--all"),
    ("split", "--json", "--test", "0.5"),
]
HOLDS_OUTSIDE_TEXT = {"agree", "assign", "stats"}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_json_commands_are_inert_and_exact(gold, tmp_path, command):
    db = tmp_path / "g.db"
    shutil.copy(gold / "g.db", db)  # assign writes
    check(run(*command, "--db", str(db), "--annotator", NAME, cwd=tmp_path), exact=command[0] in HOLDS_OUTSIDE_TEXT)


def test_train_models_list_and_train_curve_json_are_inert(gold, tmp_path):
    db = gold / "g.db"
    # --keep-unimproved: one step cannot beat anything, and this test wants a registered model
    train = ("train", "--json", "--from-scratch", "--max-steps", "1", "--gold-annotator", "bob", "--keep-unimproved")
    trained = check(run(*train, "--db", str(db), cwd=tmp_path))
    assert any(s.endswith("/models/" + s.rsplit("/", 1)[-1]) for s in trained)  # the model's path
    check(run("models", "list", "--json", "--db", str(db), cwd=tmp_path))
    curve = run(
        "train-curve",
        "--json",
        "--from-scratch",
        "--max-steps",
        "1",
        "--gold-annotator",
        "bob",
        "--db",
        str(db),
        cwd=tmp_path,
    )
    assert curve.returncode == 0, curve.stderr
    assert_inert(curve.stdout)
    json.loads(curve.stdout)


def test_learn_json_is_inert(gold, tmp_path):
    db = tmp_path / "g.db"
    shutil.copy(gold / "g.db", db)
    config = tmp_path / "learn.yaml"
    config.write_text("learn:\n  max_steps: 2\n  eval_frequency: 1\n  repredict: 1\n", encoding="utf-8")
    out = run("learn", "--json", "--db", str(db), "--config", str(config), cwd=tmp_path)
    assert out.returncode in (0, 1), out.stderr  # 1: the round could not use what it learned
    assert_inert(out.stdout)
    json.loads(out.stdout)


def test_merge_json_is_inert_and_exact(gold, tmp_path):
    target = tmp_path / "target.db"
    Store(target).close()
    check(run("merge", "--json", "--dry-run", str(gold / "g.db"), "--db", str(target), cwd=tmp_path))


def test_import_json_is_inert_and_exact(gold, tmp_path):
    source = gold / "wire.jsonl"
    source.write_text(json.dumps({"text": f"Some text {HOSTILE}"}) + "\n")
    check(run("import", "--json", str(source), "--db", str(tmp_path / "i.db"), cwd=tmp_path), exact=False)


def _json_commands() -> set[str]:
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        if any("--json" in a.option_strings for a in parser._actions):
            found.add(" ".join(words))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for word, child in action.choices.items():
                    walk(child, (*words, word))

    for word in registry.COMMANDS:
        walk(build_parser(word)[0], ())
    return found


def test_every_json_command_is_tried_here():
    tried = {" ".join(c[:2]) if c[0] in ("link", "models") else c[0] for c in COMMANDS}
    tried |= {"train", "models list", "train-curve", "merge", "import", "learn"}
    assert _json_commands() <= tried


def test_no_command_writes_json_but_through_the_one_writer():
    commands = Path(__file__).parent.parent / "tui" / "commands"
    offenders = [p.name for p in commands.glob("*.py") if "print(json.dumps" in p.read_text()]
    assert not offenders
