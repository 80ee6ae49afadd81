"""Sizes (issue 22, the second outside attack): inputs that are too big or never end are
refused with one line naming the file (and line), fast, holding nothing whole; a document
past spaCy's max_length (1,000,000 characters) exports, evaluates and trains.
Big inputs are written in one go (a sparse-free 33 MB file takes tens of milliseconds) or
streamed through a FIFO by a thread, so nothing here takes long."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotations.corpus.formats.jsonl import read_jsonl
from annotations.corpus.formats.records import MAX_LINE_BYTES, Problem, Record
from annotations.corpus.sources import read_source


def newsmark(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", "n.db", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def long_line(n: int = MAX_LINE_BYTES + 10) -> str:
    return "word " * (n // 5 + 1)


def test_csv_line_over_the_limit_is_named_and_the_rows_after_it_are_read(tmp_path):
    """A 1 GB CSV line was held whole (2.16 GB RSS); now the line is skipped unread past 32 MiB."""
    with open(tmp_path / "wire.csv", "w") as out:
        out.write("id,text\n1,Lorries crossed at Torkham.\n2," + long_line() + "\n3,Snow closed the pass.\n")
    proc = newsmark(tmp_path, "import", "wire.csv")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == "wire.csv:3: line longer than 32 MiB"
    proc = newsmark(tmp_path, "import", "wire.csv", "--skip-invalid")
    assert proc.returncode == 0 and proc.stdout.startswith("imported 2 document(s)"), proc.stderr


def test_conll_line_over_the_limit_is_refused_naming_it(tmp_path):
    with open(tmp_path / "wire.conll", "w") as out:
        out.write("-DOCSTART- O\n\nKabul B-GPE\n" + long_line().replace(" ", "x") + " O\n")
    proc = newsmark(tmp_path, "import", "wire.conll")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == "wire.conll: line longer than 32 MiB: not a CoNLL token line (line 4)"


def test_conll_document_over_the_size_limit_is_refused_naming_its_first_line(tmp_path):
    """CoNLL had no document size limit (a file without -DOCSTART- is one document)."""
    token = "x" * (1 << 20)
    with open(tmp_path / "wire.conll", "w") as out:
        out.write("-DOCSTART- O\n\nKabul B-GPE\n\n-DOCSTART- O\n\n")
        out.writelines(f"{token} O\n" for _ in range(33))
    proc = newsmark(tmp_path, "import", "wire.conll")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        "wire.conll:38: the document starting on line 5 is too large (over 1,000,000 tokens or 32 MiB of "
        "text; the rest of the file was not read): split it with -DOCSTART- lines"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "warc", "csv"])
def test_a_device_is_refused_before_anything_is_read(tmp_path, fmt):
    """`--format jsonl /dev/zero` (or warc) looped forever."""
    proc = newsmark(tmp_path, "import", "--format", fmt, "/dev/zero", timeout=30)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "newsmark: /dev/zero: a device or socket, not a file: nothing to import from it"
    ]
    assert not (tmp_path / "n.db").exists()


class Endless:
    """A stream that never ends and never breaks a line (what /dev/zero or `yes | tr -d '\\n'` give)."""

    def __init__(self) -> None:
        self.served = 0

    def readline(self, size: int = -1) -> bytes:
        n = size if size > 0 else 1 << 20
        self.served += n
        if self.served > 1 << 30:
            raise AssertionError("read past 1 GiB: the reader does not bound an endless line")
        return b"a" * n


def test_jsonl_endless_line_ends_with_one_problem():
    stream = Endless()
    began = time.monotonic()
    (problem,) = list(read_jsonl(stream, "<stdin>", False))
    assert time.monotonic() - began < 5
    assert str(problem) == "<stdin>:1: line longer than 256 MiB and still going: not JSON Lines (an endless stream?)"
    assert stream.served <= (256 << 20) + MAX_LINE_BYTES + (2 << 20)


def _feed(fifo: Path, head: bytes, cap: int) -> threading.Thread:
    """Write `head` then 'a' bytes to a FIFO until the reader goes away or `cap` bytes are written."""

    def run() -> None:
        try:
            with open(fifo, "wb") as out:
                out.write(head)
                chunk = b"a" * (1 << 20)
                for _ in range(cap >> 20):
                    out.write(chunk)
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_warc_endless_header_line_is_refused_not_hung(tmp_path):
    """A 200 MB WARC header line hung warcio's line reader (it grows the line block by block)."""
    fifo = tmp_path / "crawl.warc"
    os.mkfifo(fifo)
    writer = _feed(fifo, b"WARC/1.0\r\nWARC-Type: response\r\nX-Padding: ", 64 << 20)
    proc = newsmark(tmp_path, "import", "crawl.warc", timeout=30)
    writer.join(timeout=10)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == "crawl.warc: not a readable WARC file (a header line longer than 1 MiB)"


def test_csv_from_an_endless_pipe_ends_with_one_problem(tmp_path):
    fifo = tmp_path / "feed.csv"
    os.mkfifo(fifo)
    writer = _feed(fifo, b"id,text\n1,", 400 << 20)
    items = list(read_source(fifo))
    writer.join(timeout=10)
    assert [str(p) for p in items if isinstance(p, Problem)] == [
        f"{fifo}:2: line longer than 256 MiB and still going: not a table (an endless stream?)"
    ]
    assert not [r for r in items if isinstance(r, Record)]


# --------------------------------------------------------------------------- past spaCy's max_length

PARAGRAPH = "Ahmad Massoud spoke in Panjshir on Sunday about the talks in Doha.\n"
LONG = PARAGRAPH * (1_000_100 // len(PARAGRAPH) + 1)  # past nlp.max_length (1,000,000)


@pytest.fixture
def long_done(store, tmp_path):
    """A done document of 1,000,100+ characters with gold spans at its start and its end."""
    import json

    from annotations.corpus.ingest import import_paths

    last = len(LONG) - len(PARAGRAPH)
    spans = [{"start": 0, "end": 13, "label": "PERSON"}, {"start": last + 23, "end": last + 31, "label": "GPE"}]
    line = {"text": LONG, "status": "done", "annotator": "alice", "spans": spans}
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(line) + "\n")
    import_paths(store, [str(path)], "alice")
    return store


@pytest.mark.parametrize("fmt", ["conll", "prodigy", "spacy"])
def test_export_of_a_document_past_max_length(long_done, tmp_path, fmt):
    """spaCy E088 made export (prodigy, conll, spacy) an internal error past 1,000,000 characters."""
    from annotations.export import export

    report = export(long_done, fmt, tmp_path / "out", status="done")
    assert report.documents == 1 and report.spans == 2


def test_evaluate_example_of_a_document_past_max_length():
    from annotations.learn.evaluate.examples import build_example

    last = len(LONG) - len(PARAGRAPH)
    gold = [{"start": 0, "end": 13, "label": "PERSON"}, {"start": last + 23, "end": last + 31, "label": "GPE"}]
    example = build_example(LONG, gold, gold[:1])
    assert example.reference.text == LONG
    assert [(s.start_char, s.label_) for s in example.reference.spans["ents"]] == [(0, "PERSON"), (last + 23, "GPE")]


def test_training_documents_are_cut_into_pieces_between_entities():
    """train and train-curve: spaCy's trainer re-tokenises each gold doc with the trained
    pipeline (E088 past 1,000,000 characters), and NER's memory grows with one doc's tokens:
    a long doc goes in pieces (here 30,000 characters cut at 4,000; by default 100,000)."""
    from annotations.extract.bounded import blank_tokenizer
    from annotations.learn.train.data import TRAIN_PIECE_CHARS, bounded_docs

    assert TRAIN_PIECE_CHARS < 1_000_000
    text = "Ahmad Shah Massoud spoke. " * 1_200
    doc = blank_tokenizer().make_doc(text)
    doc.set_ents([doc.char_span(at, at + 18, label="PERSON") for at in range(0, len(text), 26)], default="outside")
    pieces = bounded_docs([doc], limit=4_000)
    assert len(pieces) >= len(text) // 4_000 + 1 and all(len(p.text) <= 4_000 for p in pieces)
    assert "".join(p.text for p in pieces) == text
    assert sum(len(p.ents) for p in pieces) == 1_200
    assert {e.text for p in pieces for e in p.ents} == {"Ahmad Shah Massoud"}
    assert bounded_docs([doc]) == [doc]  # short enough: untouched
