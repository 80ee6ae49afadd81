"""The CLI as a user runs it: a subprocess, real files, real SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "annotations" / "data" / "sample"


def run(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture
def news_dir(tmp_path):
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Rebels seize airport\n\nRebels seized the airport on Monday, officials said.\n")
    (folder / "sub" / "b.txt").write_text("Ceasefire holds\n\nThe ceasefire held overnight, according to the UN.\n")
    (folder / "notes.pdf").write_text("ignored,file\n")
    return folder


def test_import_directory_then_reimport_adds_nothing(tmp_path, news_dir):
    first = run("import", str(news_dir), "--db", "n.db", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "imported 2 document(s)" in first.stdout
    second = run("import", str(news_dir), "--db", "n.db", cwd=tmp_path)
    assert second.returncode == 0
    assert "imported 0 document(s)" in second.stdout and "2 duplicate(s)" in second.stdout
    stats = json.loads(run("stats", "--json", "--db", "n.db", cwd=tmp_path).stdout)
    assert stats["documents"] == 2
    assert {"documents", "done", "spans", "claims", "entities", "annotators"} <= set(stats)


def test_global_options_work_before_or_after_the_command(tmp_path, news_dir):
    assert run("--db", "x.db", "import", str(news_dir), cwd=tmp_path).returncode == 0
    assert json.loads(run("stats", "--json", "--db", "x.db", cwd=tmp_path).stdout)["documents"] == 2
    assert json.loads(run("--db", "x.db", "stats", "--json", cwd=tmp_path).stdout)["documents"] == 2


def test_list_shows_titles_and_filters_by_search(tmp_path, news_dir):
    run("import", str(news_dir), "--db", "n.db", cwd=tmp_path)
    out = run("list", "--db", "n.db", "--search", "ceasefire", cwd=tmp_path).stdout.splitlines()
    assert len(out) == 1 and out[0].endswith("Ceasefire holds")


def test_bad_jsonl_rejected_whole_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "First fine article."}\n{"text": "Second, truncated\n')
    proc = run("import", str(bad), "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{bad}:2:" in proc.stderr
    assert "Traceback" not in proc.stderr
    stats = json.loads(run("stats", "--json", "--db", "n.db", cwd=tmp_path).stdout)
    assert stats["documents"] == 0  # the good first line was not kept either


def test_skip_invalid_keeps_good_lines(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "First fine article."}\n{"text": 12}\n{"text": "Third fine one."}\n')
    proc = run("import", str(bad), "--db", "n.db", "--skip-invalid", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "imported 2 document(s)" in proc.stdout
    assert f"{bad}:2:" in proc.stderr


def test_bad_config_is_one_line_exit_2(tmp_path, news_dir):
    (tmp_path / "config.yaml").write_text("labels: 12\n")
    proc = run("import", str(news_dir), "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_line_error(proc) == "newsmark: config.yaml: labels: expected a list of labels, got 12"
    assert not (tmp_path / "n.db").exists()


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"caf\xe9 au lait\n", "byte offset 3"),
    ],
)
def test_bad_text_files_named_with_reason(tmp_path, content, reason):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    proc = run("import", str(path), "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert str(path) in proc.stderr and reason in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_path_is_exit_2_and_creates_nothing(tmp_path):
    proc = run("import", "nowhere/*.txt", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert "nowhere" in one_line_error(proc)
    assert not (tmp_path / "n.db").exists()


def test_not_a_newsmark_database_is_refused_untouched(tmp_path, news_dir):
    db = tmp_path / "precious.db"
    db.write_bytes(b"not sqlite at all" * 10)
    proc = run("import", str(news_dir), "--db", str(db), cwd=tmp_path)
    assert proc.returncode == 2
    assert "not a newsmark database" in one_line_error(proc)
    assert db.read_bytes() == b"not sqlite at all" * 10


def test_stdin_import(tmp_path):
    proc = run(
        "import",
        "-",
        "--db",
        "n.db",
        cwd=tmp_path,
        stdin='{"text": "Piped article one."}\n{"text": "Piped article two."}\n',
    )
    assert proc.returncode == 0, proc.stderr
    assert "imported 2 document(s)" in proc.stdout


def test_stats_on_missing_db_is_exit_2(tmp_path):
    proc = run("stats", "--db", "missing.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert "missing.db" in one_line_error(proc)


def test_predict_without_model_names_the_key_and_package(tmp_path, news_dir):
    (tmp_path / "config.yaml").write_text("model: {name: no_such_model_xyz, fallbacks: []}\n")
    run("import", str(news_dir), "--db", "n.db", cwd=tmp_path)
    proc = run("predict", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "model.name" in line and "pip install" in line


def test_demo_imports_the_sample_corpus(tmp_path):
    proc = run("demo", "--no-open", "--db", "demo.db", cwd=tmp_path, env={"XDG_DATA_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(run("stats", "--json", "--db", "demo.db", cwd=tmp_path).stdout)
    assert stats["documents"] == len(list(SAMPLE.glob("*.md"))) >= 8
    assert stats["outlets"] >= 3
    if stats["predictions"]:  # a model is installed: demo pre-annotates, link suggest works on it
        proc = run("link", "suggest", "--json", "--db", "demo.db", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout)
        pairs = {frozenset((p["a"], p["b"])) for p in result["pairs"]}
        assert frozenset(("Ahmad Massoud", "Ahmad Masood")) in pairs
        assert all(set(p) == {"a", "b", "label", "score", "reasons"} for p in result["pairs"])
        father, son = "Ahmad Shah Massoud", "Ahmad Massoud"
        assert frozenset((father, son)) not in pairs
        assert not any(father in c["forms"] and son in c["forms"] for c in result["clusters"])


def test_usage_error_is_exit_2(tmp_path):
    assert run("frobnicate", cwd=tmp_path).returncode == 2


def test_export_jsonl_round_trips_through_import(tmp_path):
    native = Path(__file__).parent / "fixtures" / "import" / "native.jsonl"
    assert run("import", str(native), "--db", "a.db", cwd=tmp_path).returncode == 0
    first = run("export", "--db", "a.db", "--status", "all", "--out", "a.jsonl", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert run("import", "a.jsonl", "--db", "b.db", cwd=tmp_path).returncode == 0
    assert run("export", "--db", "b.db", "--status", "all", "--out", "b.jsonl", cwd=tmp_path).returncode == 0

    def spans(path):
        return [
            sorted((s["start"], s["end"], s["label"]) for s in json.loads(line)["spans"])
            for line in (tmp_path / path).read_text().splitlines()
        ]

    assert spans("a.jsonl") == spans("b.jsonl") and any(spans("a.jsonl"))


def test_evaluate_without_gold_is_an_error_not_a_perfect_score(tmp_path, news_dir):
    run("import", str(news_dir), "--db", "n.db", cwd=tmp_path)
    proc = run("evaluate", "--json", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no gold documents" in one_line_error(proc)
    assert proc.stdout == ""


def done_by_two(tmp_path, news_dir):
    """n.db: two documents done by root, the first also done by alice (three annotated copies)."""
    run("import", str(news_dir), "--db", "n.db", cwd=tmp_path)
    code = (
        "import sys; from annotations.store import Store; s = Store(sys.argv[1])\n"
        "for d, who in ((1, 'root'), (2, 'root'), (1, 'alice')):\n"
        "    s.add_span(d, 0, 6, 'ORG', who); s.set_status(d, who, 'done')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "n.db")], check=True, cwd=tmp_path)


def test_export_counts_copies_and_annotators_honestly(tmp_path, news_dir):
    done_by_two(tmp_path, news_dir)
    proc = run("export", "--db", "n.db", "--out", "all.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len((tmp_path / "all.jsonl").read_text().splitlines()) == 3
    assert proc.stderr.startswith("exported 3 annotated copies of 2 document(s) (annotators: alice, root) as jsonl")
    proc = run("export", "--db", "n.db", "--format", "prodigy", "--out", "p.jsonl", cwd=tmp_path)
    assert "exported 3 annotated copies of 2 document(s)" in proc.stderr
    proc = run("export", "--db", "n.db", "--annotator", "root", "--out", "root.jsonl", cwd=tmp_path)
    assert proc.stderr.startswith("exported 2 document(s) as jsonl to root.jsonl")


def test_spacy_export_of_two_gold_versions_needs_annotator(tmp_path, news_dir):
    done_by_two(tmp_path, news_dir)
    proc = run("export", "--db", "n.db", "--format", "spacy", "--out", "corpus", cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "1 document(s) were annotated by several annotators (alice, root)" in line and "--annotator" in line
    assert not (tmp_path / "corpus" / "train.spacy").exists()
    proc = run("export", "--db", "n.db", "--format", "spacy", "--out", "corpus", "--annotator", "root", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "corpus" / "train.spacy").exists()


def test_export_unknown_label_is_exit_2(tmp_path, news_dir):
    done_by_two(tmp_path, news_dir)
    proc = run("export", "--db", "n.db", "--labels", "PERSN", "--out", "x.jsonl", cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert line.startswith("newsmark: --labels: unknown label 'PERSN' (known: CARDINAL, DATE, EVENT, FAC,")
    assert not (tmp_path / "x.jsonl").exists()
    assert run("export", "--db", "n.db", "--labels", "PERSON", "--out", "x.jsonl", cwd=tmp_path).returncode == 0


def test_piped_tables_are_not_wrapped(tmp_path, news_dir):
    db = "a_database_file_with_a_name_long_enough_to_push_the_summary_past_eighty_columns.db"
    run("import", str(news_dir), "--db", db, cwd=tmp_path)
    proc = run("stats", "--db", db, cwd=tmp_path, env={"COLUMNS": "80"})
    first = proc.stdout.splitlines()[0]
    assert first.startswith(db) and first.endswith("0 predictions") and len(first) > 80


def test_import_summary_with_skip_invalid(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9 au lait\n")
    (tmp_path / "broken.jsonl").write_text('{"text": "One."}\n{"text": 12}\n{"text": "Two."}\n')
    (tmp_path / "arr.jsonl").write_text("[1, 2]\n")
    proc = run(
        "import", "--skip-invalid", "empty.txt", "latin1.txt", "broken.jsonl", "arr.jsonl", "--db", "n.db", cwd=tmp_path
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "empty.txt: empty file",
        "latin1.txt: not UTF-8 text: invalid byte 0xe9 at byte offset 3 (line 1)",
        'skipped: broken.jsonl:2: "text" must be a string, got a number',
        "arr.jsonl:1: expected a JSON object, got an array",
        "rejected 3 file(s) (empty.txt, latin1.txt, arr.jsonl): nothing from them was imported; "
        "imported 2 document(s) from the other 1 file(s) (1 invalid line(s) skipped)",
    ]
    # without the flag the broken file is rejected whole, and the flag is suggested
    proc = run("import", "broken.jsonl", "empty.txt", "--db", "m.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        "rejected 2 file(s) (broken.jsonl, empty.txt): nothing from them was "
        "imported; --skip-invalid imports the valid lines of such files"
    )


def test_import_markdown_with_control_characters_in_front_matter(tmp_path):
    """An ESC in a front-matter title once rejected the file (at the wrong line, suggesting
    --skip-invalid, which cannot help a one-document file); now it imports."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "redsea_1.md").write_bytes(b"---\ntitle: \x1b[31mRed Sea\x1b[0m\n---\nShips turned back on Friday.\n")
    proc = run("import", "corpus", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported 1 document(s)") and proc.stderr == ""
    # really invalid YAML: the right line, and no hint at --skip-invalid for .md / .txt files
    (corpus / "bad.md").write_text("---\ntitle: Red Sea\nauthor: [unclosed\n---\nBody.\n")
    proc = run("import", "corpus/bad.md", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "corpus/bad.md: invalid YAML front matter: expected ',' or ']', but got 'the end of the front matter' (line 3)",
        "rejected 1 file(s) (corpus/bad.md): nothing from them was imported",
    ]


def test_evaluate_with_a_missing_model_names_it(tmp_path, news_dir):
    done_by_two(tmp_path, news_dir)
    proc = run("evaluate", "--db", "n.db", "--model", str(tmp_path / "nonexistent"), cwd=tmp_path)
    assert proc.returncode == 2
    assert one_line_error(proc) == (
        f"newsmark: --model {tmp_path / 'nonexistent'}: no such spaCy package or pipeline directory"
    )


def test_bad_label_colour_is_one_line_exit_2(tmp_path):
    (tmp_path / "config.yaml").write_text('labels: [{name: PERSON, key: "1", color: notacolor}]\n')
    proc = run("stats", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_line_error(proc).startswith("newsmark: config.yaml: labels.0.color: 'notacolor' is not a colour")
