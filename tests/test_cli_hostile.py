"""Every command that prints, run as a subprocess over one hostile corpus: every string that
came from outside (titles, outlets, dates, labels, claim types, annotator names, file names,
bad option values) reaches the terminal as inert text, and JSON keeps the exact data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document
from hostile import HOSTILE, assert_inert, strings_in

from annotations.store import Store, now

NAME = f"ann{HOSTILE}"  # an annotator name
LABEL = f"L{HOSTILE}"  # a span label
TEXT = (
    "Ahmad Massoud spoke in Panjshir on Monday. Later, Ahmed Massoud said the valley "
    "would hold, according to the front's spokesman in Kabul."
)


def run(*args: str, cwd: Path, closed_stdin: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=(lambda: os.close(0)) if closed_stdin else None,
    )


def _mention(act, doc: int, form: str, annotator: str) -> None:
    start = TEXT.index(form)
    act.insert(
        "spans",
        {
            "doc_id": doc,
            "start": start,
            "end": start + len(form),
            "label": LABEL,
            "text": form,
            "annotator": annotator,
            "origin": "manual",
            "created_at": now(),
        },
    )


@pytest.fixture
def hostile_db(tmp_path) -> Path:
    """A database whose every printed field holds the hostile corpus."""
    path = tmp_path / "h.db"
    with Store(path) as store:
        doc = add_document(
            store,
            TEXT,
            title=f"T{HOSTILE}\nsecond line",
            outlet=f"O{HOSTILE}",
            date=f"D{HOSTILE}",
            author=f"A{HOSTILE}",
        )
        for annotator in (NAME, "bob"):
            with store.action(annotator, "seed", doc_id=doc) as act:
                _mention(act, doc, "Ahmad Massoud", annotator)
                _mention(act, doc, "Ahmed Massoud", annotator)
                act.insert(
                    "claims",
                    {
                        "doc_id": doc,
                        "start": 0,
                        "end": 42,
                        "type": f"C{HOSTILE}",
                        "annotator": annotator,
                        "origin": "manual",
                        "created_at": now(),
                    },
                )
                act.insert("doc_status", {"doc_id": doc, "annotator": annotator, "status": "done", "updated_at": now()})
        with store.action(NAME, "judge") as act:
            act.insert(
                "judgements",
                {
                    "a": "Ahmad Massoud",
                    "b": "Ahmed Massoud",
                    "label": LABEL,
                    "verdict": "same",
                    "annotator": NAME,
                    "created_at": now(),
                },
            )
            entity = act.insert("entities", {"name": f"E{HOSTILE}", "label": LABEL, "created_at": now()})
            for form in ("Ahmad Massoud", f"F{HOSTILE}"):
                act.insert("aliases", {"entity_id": entity, "form": form})
        store.save_predictions(
            "entities",
            "test-1",
            [
                (
                    doc,
                    [
                        {"start": 0, "end": 13, "label": LABEL, "text": "Ahmad Massoud"},
                        {
                            "start": TEXT.index("Ahmed"),
                            "end": TEXT.index("Ahmed") + 13,
                            "label": LABEL,
                            "text": "Ahmed Massoud",
                        },
                    ],
                )
            ],
        )
    return path


COMMANDS = [
    ("stats",),
    ("list",),
    ("list", "--search", "massoud"),
    ("link", "suggest", "--threshold", "0"),
    ("export", "--format", "jsonl", "--out", "out.jsonl"),
    ("export", "--format", "links", "--out", "links.jsonl"),
    ("evaluate", "--extractor", "ner"),
    ("evaluate", "--extractor", "claims"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_prints_hostile_data_inert(tmp_path, hostile_db, command):
    proc = run(*command, "--db", str(hostile_db), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert_inert(proc.stdout)
    assert_inert(proc.stderr)


def test_stats_shows_an_annotator_named_like_markup_literally(tmp_path, hostile_db):
    proc = run("stats", "--db", str(hostile_db), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "[/][bold red]loud[/bold red]" in proc.stdout  # shown, not parsed (MarkupError before)


def test_list_prints_each_field_cleaned_on_one_line(tmp_path, hostile_db):
    proc = run("list", "--db", str(hostile_db), cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    fields = lines[0].split("\t")
    assert len(fields) == 5
    assert fields[3].startswith("D␛[2J") and fields[4].startswith("T␛[2J")


def test_export_summary_names_annotators_inert(tmp_path, hostile_db):
    proc = run("export", "--format", "jsonl", "--out", "out.jsonl", "--db", str(hostile_db), cwd=tmp_path)
    assert "annotators:" in proc.stderr and "ann␛[2J" in proc.stderr


def test_link_suggest_prints_labels_inert(tmp_path, hostile_db):
    proc = run("link", "suggest", "--threshold", "0", "--db", str(hostile_db), cwd=tmp_path)
    assert "Massoud" in proc.stdout and "L␛[2J" in proc.stdout


@pytest.mark.parametrize(
    "command", [("stats", "--json"), ("link", "suggest", "--json", "--threshold", "0")], ids=" ".join
)
def test_json_output_is_inert_and_exact(tmp_path, hostile_db, command):
    proc = run(*command, "--db", str(hostile_db), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_inert(proc.stdout)
    # The data itself is kept exactly (the linker upper-cases labels).
    assert any("\x1b]52;C;" in s.upper() for s in strings_in(json.loads(proc.stdout)))


def test_import_errors_print_hostile_file_names_inert(tmp_path):
    bad = tmp_path / f"wire{HOSTILE.replace('/', '')}.jsonl"
    bad.write_text('{"text": "ok"}\n{not json\n')
    proc = run("import", str(bad), "--db", "i.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert "wire␛[2J" in proc.stderr
    assert_inert(proc.stderr)


def test_a_missing_file_with_a_hostile_name_is_one_inert_line(tmp_path):
    proc = run("import", f"gone{HOSTILE.replace('/', '')}.txt", "--db", "i.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert_inert(proc.stderr)


def test_a_hostile_option_value_is_echoed_inert(tmp_path, hostile_db):
    proc = run("list", "--status", HOSTILE, "--db", str(hostile_db), cwd=tmp_path)
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr
    assert_inert(proc.stderr)


@pytest.mark.parametrize("command", [("list", "--limit", "-2"), ("link", "suggest", "--limit", "-1")], ids=" ".join)
def test_negative_limits_are_refused(tmp_path, hostile_db, command):
    proc = run(*command, "--db", str(hostile_db), cwd=tmp_path)
    assert proc.returncode == 2
    assert "--limit" in proc.stderr and "-" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("command", [("stats",), ("list",), ("link", "suggest")], ids=" ".join)
def test_read_commands_work_with_stdin_closed(tmp_path, hostile_db, command):
    proc = run(*command, "--db", str(hostile_db), cwd=tmp_path, closed_stdin=True)
    assert proc.returncode == 0, proc.stderr


def test_the_output_helpers_keep_data_exact_and_the_terminal_safe():
    from tui.output import clean, clean_lines, to_json, tsv

    data = {f"k{HOSTILE}": [HOSTILE, "\ud800", "\U000e0041", "Zürich — ok"]}
    text = to_json(data)
    assert_inert(text)
    assert json.loads(text) == data and "Zürich — ok" in text  # readable, and exact
    assert_inert(clean(HOSTILE)) and "\n" not in clean("a\nb")
    assert clean_lines("usage: x\n    [--y]") == "usage: x\n    [--y]"
    assert tsv(["a\tb", "c\nd", None]).split("\t") == ["a b", "c d", ""]
