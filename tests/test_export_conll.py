"""export --format conll, and where every export writes: the round trip of CoNLL files in each
scheme, spans that do not fit tokens, read-only targets and stale temporary files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document

from annotations.corpus.ingest import import_paths
from annotations.corpus.sources import Problem, read_source
from annotations.errors import UserInputError
from annotations.export import WRITERS, export, gold_versions

FIX = Path(__file__).parent / "fixtures" / "formats"
CONLL = ["wire-iob1.conll", "dispatch-iob2.iob", "brief-bioes.bio"]


def tokens_and_entities(path: Path) -> list:
    """(tokens, entity spans) of every document of a CoNLL file, read by the importer."""
    return [(r.text.split(), [(s.start, s.end, s.label) for s in r.spans]) for r in read_source(path)]


@pytest.mark.parametrize("name", CONLL)
@pytest.mark.parametrize("scheme", [None, "iob1", "iob2", "bioes"])
def test_conll_round_trip_keeps_tokens_and_entities(store, tmp_path, name, scheme):
    """Imported and exported in any scheme, a CoNLL file reads back to the same tokens and spans."""
    source = FIX / name
    report = import_paths(store, [str(source)], "alice")
    out = tmp_path / "out.conll"
    exported = export(store, "conll", out, status="all", scheme=scheme)
    assert exported.spans == report.spans and exported.misaligned == 0
    assert tokens_and_entities(out) == tokens_and_entities(source)


def test_conll_2003_file_exports_back_identical(store, tmp_path):
    """Four columns, -DOCSTART- lines and IOB1 tags come back byte for byte."""
    source = FIX / "wire-iob1.conll"
    import_paths(store, [str(source)], "alice")
    out = tmp_path / "back.conll"
    export(store, "conll", out, status="all")
    assert out.read_bytes() == source.read_bytes()


def test_conll_schemes_written(store, tmp_path):
    import_paths(store, [str(FIX / "brief-bioes.bio")], "alice")
    lines = {}
    for scheme in ("iob1", "iob2", "bioes"):
        out = tmp_path / f"{scheme}.conll"
        export(store, "conll", out, status="all", scheme=scheme)
        lines[scheme] = [line.split()[-1] for line in out.read_text().splitlines()[2:6]]
    assert lines == {
        "iob1": ["I-PERSON", "I-PERSON", "O", "O"],
        "iob2": ["B-PERSON", "I-PERSON", "O", "O"],
        "bioes": ["B-PERSON", "E-PERSON", "O", "O"],
    }


def test_iob1_marks_adjacent_entities_of_one_type_with_b(store, tmp_path):
    import_paths(store, [str(FIX / "wire-iob1.conll")], "alice")
    out = tmp_path / "x.conll"
    export(store, "conll", out, status="all", scheme="iob1")
    assert "Amir NNP I-NP B-PER\n" in out.read_text()


def test_spans_off_token_boundaries_are_counted_and_named_never_shifted(store, tmp_path):
    """Free text is tokenized by spaCy; a span inside a token, or overlapping another, is left
    out of the tags and named in the report."""
    text = "Massoud's brother met envoys in Bazarak.\nThe talks ended on Friday."
    doc = add_document(store, text)
    store.add_span(doc, 0, 7, "PERSON", "alice")  # "Massoud": a token
    store.add_span(doc, 0, 4, "PERSON", "alice")  # "Mass": inside a token
    store.add_span(doc, 32, 39, "GPE", "alice")  # "Bazarak"
    store.add_span(doc, 32, 35, "LOC", "alice")  # overlaps "Bazarak", misaligned too
    store.add_span(doc, 0, 17, "PERSON", "alice")  # "Massoud's brother": the longer one is kept
    store.set_status(doc, "alice", "done")
    out = tmp_path / "free.conll"
    report = export(store, "conll", out)
    assert report.spans == 2 and report.misaligned == 2 and report.overlapping == 1
    assert {(e["start"], e["end"], e["text"]) for e in report.misaligned_examples} == {(0, 4, "Mass"), (32, 35, "Baz")}
    rows = [line.split() for line in out.read_text().splitlines() if line and not line.startswith("-DOCSTART-")]
    assert rows[:4] == [["Massoud", "B-PERSON"], ["'s", "I-PERSON"], ["brother", "I-PERSON"], ["met", "O"]]
    assert ["Bazarak", "B-GPE"] in rows and ["The", "O"] in rows
    assert any("overlapping" in w for w in report.warnings) and any("token boundaries" in w for w in report.warnings)


def test_formats_come_from_the_registry():
    assert set(WRITERS) == {"jsonl", "prodigy", "spacy", "links", "conll"}
    help_text = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "conll" in help_text and "--scheme" in help_text


def test_gold_versions_is_the_one_choice_of_annotators():
    assert gold_versions({"bob": "done", "alice": "done", "carol": "todo"}, "done") == [
        ("alice", "done"),
        ("bob", "done"),
    ]
    assert gold_versions({}, "all") == [(None, "todo")]
    assert gold_versions({}, "done") == []


# --------------------------------------------------------------------------- where exports write


@pytest.fixture
def done_doc(store):
    doc = add_document(store, "Saleh spoke in Charikar on Monday.")
    store.add_span(doc, 0, 5, "PERSON", "alice")
    store.set_status(doc, "alice", "done")
    return doc


def test_read_only_target_is_refused_not_replaced(store, tmp_path, done_doc):
    target = tmp_path / "gold.jsonl"
    target.write_text("keep me\n")
    target.chmod(0o444)
    with pytest.raises(UserInputError, match=r"gold\.jsonl: the file is read-only; not replaced"):
        export(store, "jsonl", target)
    assert target.read_text() == "keep me\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_out_directory_is_one_line(store, tmp_path, done_doc):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserInputError, match="cannot write here"):
            export(store, "jsonl", folder / "x.jsonl")
    finally:
        folder.chmod(0o755)


def test_unwritable_directory_is_one_line(store, tmp_path, done_doc):
    """A target whose directory cannot hold a new file (here: a path under a regular file)."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserInputError):
        export(store, "jsonl", blocker / "sub" / "x.jsonl")


def test_temp_files_of_a_killed_export_are_removed(store, tmp_path, done_doc):
    """kill -9 leaves .NAME.tmp-PID behind; the next export removes those whose process is gone
    and leaves a running export's file alone."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".gold.jsonl.tmp-{dead.pid}"
    stale.write_text("half a line")
    running = tmp_path / f".gold.jsonl.tmp-{os.getppid()}"
    running.write_text("someone else's")
    export(store, "jsonl", tmp_path / "gold.jsonl")
    assert not stale.exists() and running.exists()
    assert (tmp_path / "gold.jsonl").read_text().startswith('{"id":')


def test_export_labels_of_only_commas_is_one_line(tmp_path, store, done_doc):
    store.close()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui.cli",
            "export",
            "--db",
            str(tmp_path / "test.db"),
            "--labels",
            ",,,",
            "--out",
            str(tmp_path / "x.jsonl"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "newsmark: --labels: no label names in ',,,' (e.g. --labels PERSON,ORG)"


def test_read_only_out_directory_is_one_line_even_as_root(store, tmp_path, done_doc, monkeypatch):
    """The same as above where the test runs as root: creating the temporary file is refused."""
    from annotations.export import sink

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(sink, "open", refuse, raising=False)
    with pytest.raises(UserInputError) as err:
        export(store, "jsonl", tmp_path / "x.jsonl")
    assert str(err.value) == f"{tmp_path}: cannot write here (permission denied)"
    assert list(tmp_path.glob(".x.jsonl.tmp-*")) == []


def _columns_per_line(path: Path) -> set[tuple[int, str]]:
    """(column count, separator) of every non-blank line of a CoNLL file."""
    out = set()
    for line in path.read_text().splitlines():
        if line.strip():
            out.add((len(line.split()), "\t" if "\t" in line else " "))
    return out


@pytest.mark.parametrize(
    ("order", "columns"),
    [(["dispatch-iob2.iob", "wire-iob1.conll"], 2), (["wire-iob1.conll", "dispatch-iob2.iob"], 4)],
)
def test_a_mixed_corpus_exports_one_column_layout_per_file(tmp_path, order, columns):
    """Issue 22: 2- and 4-column documents (and text that never was CoNLL) made one file of
    mixed column counts. The first document fixes the file's layout; the others follow it."""
    from annotations.store import Store

    with Store(tmp_path / "mixed.db") as store:
        for name in order:
            import_paths(store, [str(FIX / name)], "alice", labels=None)
        add_document(store, "Saleh spoke in Herat.\nTalks went on.")
        out = tmp_path / "mixed.conll"
        report = export(store, "conll", out, status="all")
    assert _columns_per_line(out) == {(columns, " ")}
    back = list(read_source(out))  # the file reads back: one layout, no column-count problem
    assert back and all(not isinstance(r, Problem) for r in back), back
    (warning,) = [w for w in report.warnings if "column layout" in w]
    assert (
        warning.startswith(f"{out}: ") and f"({columns} columns, space-separated, from its first document)" in warning
    )
    if columns == 4:
        assert "Saleh _ _ O" in out.read_text().splitlines()
    else:
        assert "HERAT I-LOC" in out.read_text().splitlines()
