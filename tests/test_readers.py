"""Readers: every import format, every bad input, paths and stdin; fuzzed so nothing raises."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.corpus import formats
from annotations.corpus import sources as readers
from annotations.corpus.sources import (
    ClaimIn,
    EntityIn,
    Problem,
    Record,
    SpanIn,
    expand_paths,
    guess_title,
    read_source,
    total_bytes,
)
from annotations.errors import UserInputError

FIX = Path(__file__).parent / "fixtures" / "import"


def read(path, **kw) -> list:
    """Everything read_source yields for a path."""
    return list(read_source(path, **kw))


def records(path, **kw) -> list[Record]:
    return [item for item in read(path, **kw) if isinstance(item, Record)]


def problems(path, **kw) -> list[str]:
    return [str(item) for item in read(path, **kw) if isinstance(item, Problem)]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(tmp_path: Path, *rows, name: str = "in.jsonl") -> Path:
    """A .jsonl file with one row a line (dicts are dumped, strings written as they are)."""
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    return write(tmp_path, name, "".join(line + "\n" for line in lines))


def stdin(data: bytes | str, **kw) -> list:
    stream = io.StringIO(data) if isinstance(data, str) else io.BytesIO(data)
    return list(read_source("-", stdin=stream, **kw))


def check_record(rec: Record) -> None:
    """Invariants every record keeps, whatever the input."""
    assert isinstance(rec.text, str) and rec.text.strip()
    assert rec.text.encode("utf-8")
    assert rec.title is None or (isinstance(rec.title, str) and rec.title)
    json.dumps(rec.meta, allow_nan=False)
    ids = {ent.id for ent in rec.entities}
    for item in [*rec.spans, *rec.claims]:
        assert type(item.start) is int and type(item.end) is int
        assert 0 <= item.start < item.end <= len(rec.text)
    for span in rec.spans:
        assert span.label.strip()
        assert span.entity is None or span.entity in ids


# --------------------------------------------------------------------------- Problem


def test_problem_str_names_file_and_line():
    """Problems print as FILE:LINE: reason, or FILE: reason for the whole file."""
    assert str(Problem("a.jsonl", 3, 'missing "text"')) == 'a.jsonl:3: missing "text"'
    assert str(Problem("a.txt", None, "empty file")) == "a.txt: empty file"


# --------------------------------------------------------------------------- .txt


def test_txt_keeps_the_whole_text_and_finds_the_headline():
    """The title line stays in the text; the title is the headline."""
    (rec,) = read(FIX / "article.txt")
    assert rec.title == "Taliban claim control of Panjshir"
    assert rec.text == (FIX / "article.txt").read_text(encoding="utf-8")
    assert rec.text.startswith("Taliban claim control of Panjshir\n\nKABUL — ")
    assert rec.source == str(FIX / "article.txt") and rec.line is None
    assert rec.meta == {} and rec.spans == [] and rec.url is None


def test_txt_crlf_and_cr_become_lf():
    """Windows and old-Mac line endings are normalised so offsets are stable."""
    (rec,) = read(FIX / "crlf.txt")
    assert "\r" not in rec.text
    assert rec.text.startswith("Resistance denies fall of valley\n\nThe National")
    assert rec.text.endswith("A second line.\nAn old Mac line.\n")
    assert rec.title == "Resistance denies fall of valley"


def test_txt_bom_is_stripped(tmp_path):
    """A UTF-8 byte-order mark is not part of the text or the title."""
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfHeadline here\n\nBody text.\n")
    (rec,) = read(path)
    assert rec.text == "Headline here\n\nBody text.\n"
    assert rec.title == "Headline here"


@pytest.mark.parametrize(
    "text, title",
    [
        ("Taliban take Panjshir\nThe Taliban said on Monday.", "Taliban take Panjshir"),
        ("\n\n  Leading blank lines  \n\nBody.", "Leading blank lines"),
        ("Is Panjshir next?\n\nBody.", "Is Panjshir next?"),
        ("A short line ending in a stop.\nMore text follows here.", "A short line ending in a stop."),
        ("A" * 150 + ".\n\nBody.", "A" * 150 + "."),
        ("A" * 201 + "\n\nBody.", None),  # too long
        ("Only one line in the whole file.", None),  # the whole document
        ("Only a headline\n\n\n", None),
        ("The Taliban said on Monday that they had taken full control of the valley,\nand more.", None),
        ("The Taliban said on Monday that they had taken full control of\nthe valley.", None),
        ("KABUL —\nThe Taliban said.", None),  # a dateline, not a title
        (
            "The Taliban said on Monday that they had taken the valley. The resistance denied it.\n"
            "Second paragraph starts here.",
            None,
        ),  # a long sentence run on
    ],
)
def test_txt_title_heuristic(text, title):
    """Headlines are short lines set apart or without a full stop; sentences are not."""
    assert guess_title(text) == title


def test_txt_empty_and_whitespace_only(tmp_path):
    """An empty file, or one of only whitespace, is a problem, not an empty document."""
    assert problems(FIX / "empty.txt") == [f"{FIX / 'empty.txt'}: empty file"]
    assert problems(write(tmp_path, "ws.txt", " \n\t\r\n")) == [f"{tmp_path / 'ws.txt'}: empty file"]


def test_txt_not_utf8_names_the_byte_offset():
    """Latin-1 text is refused with the offending byte and where it is."""
    assert problems(FIX / "latin1.txt") == [
        f"{FIX / 'latin1.txt'}: not UTF-8 text: invalid byte 0xe9 at byte offset 3 (line 1)"
    ]


def test_txt_not_utf8_offset_counts_the_bom(tmp_path):
    """Byte offsets are offsets in the file, BOM included; the line is counted too."""
    path = write(tmp_path, "x.txt", b"\xef\xbb\xbfok\nbad \xff here\n")
    assert problems(path) == [f"{path}: not UTF-8 text: invalid byte 0xff at byte offset 10 (line 2)"]


def test_txt_binary_and_utf16(tmp_path):
    """NUL bytes mean binary; UTF-16 gets its own hint."""
    assert problems(FIX / "binary.bin-as.txt") == [f"{FIX / 'binary.bin-as.txt'}: binary file, not text"]
    path = write(tmp_path, "u16.txt", "Headline\n\nBody.".encode("utf-16"))
    assert problems(path) == [f"{path}: UTF-16 text is not supported: save the file as UTF-8"]


def test_txt_too_large(tmp_path, monkeypatch):
    """A document too large to annotate is refused with advice, not read into memory."""
    monkeypatch.setattr(formats.text, "MAX_DOCUMENT_BYTES", 10)
    (problem,) = read(write(tmp_path, "big.txt", "x" * 11))
    assert "file too large for one document" in problem.reason


def test_unreadable_sources_are_problems(tmp_path):
    """A directory, a missing file or an unknown suffix given straight to read_source."""
    assert "cannot read" in problems(tmp_path / "gone.txt")[0]
    os.mkdir(tmp_path / "dir.md")
    assert "cannot read" in problems(tmp_path / "dir.md")[0]
    assert "unsupported file type '.pdf'" in problems(write(tmp_path, "a.pdf", "a,b"))[0]


# --------------------------------------------------------------------------- .md


def test_markdown_front_matter():
    """Front matter fills the fields; extras go to meta; the body is the text."""
    (rec,) = read(FIX / "article.md")
    assert rec.title == "Resistance vows to fight on in Panjshir"
    assert rec.outlet == "The Meridian Herald"
    assert rec.author == "Hannah Colebrook, Omar Sadiq"
    assert rec.date == "2021-09-06"  # a YAML date, stored as an ISO string
    assert rec.url == "https://example.org/meridian/2021/09/06/panjshir"
    assert rec.meta == {"tags": ["afghanistan", "panjshir"], "section": "World"}
    assert rec.text.startswith("# Resistance vows to fight on\n\nKABUL")  # leading blank line gone
    assert "---" not in rec.text


def test_markdown_datetime_and_source(tmp_path):
    """Datetimes become ISO strings; `source` stays in meta and stands in for the outlet."""
    path = write(tmp_path, "a.md", "---\ndate: 2021-09-06 10:30:00\nsource: Reuters\nDesk: x\n---\nBody text.\n")
    (rec,) = read(path)
    assert rec.date == "2021-09-06T10:30:00"
    assert rec.outlet == "Reuters" and rec.meta == {"source": "Reuters", "Desk": "x"}
    assert rec.text == "Body text.\n" and rec.title is None


@pytest.mark.parametrize(
    "body, title",
    [
        ("Intro line.\n\n# The real heading\n\nText.", "The real heading"),
        ("# Closed heading ##\n\nText.", "Closed heading"),
        ("```\n# not a heading\n```\n\nSetext title\n============\n\nText.", "Setext title"),
        ("Plain headline\n\nText of the article.", "Plain headline"),
        ("## Only a subheading, and a long sentence that ends with a full stop, as prose does.\nmore", None),
    ],
)
def test_markdown_title_without_front_matter(tmp_path, body, title):
    """No front matter title: the first `# ` heading, else the .txt rule."""
    (rec,) = read(write(tmp_path, "a.md", body))
    assert rec.title == title
    assert rec.text == body  # never cut


def test_markdown_crlf_front_matter(tmp_path):
    """Front matter is found in CRLF files too."""
    (rec,) = read(write(tmp_path, "a.markdown", b"---\r\ntitle: T\r\n---\r\n\r\nBody.\r\n"))
    assert (rec.title, rec.text) == ("T", "Body.\n")


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            "---\ntitle: ok\nauthor: [unclosed\n---\nBody.",
            ": invalid YAML front matter: expected ',' or ']', but got 'the end of the front matter' (line 3)",
        ),
        ("---\ntitle: a: b\n---\nBody.", ": invalid YAML front matter: mapping values are not allowed here (line 2)"),
        (
            "---\ntitle: T\ndate: 2021-13-45\n---\nBody.",
            ": invalid YAML front matter: invalid date '2021-13-45' (month must be in 1..12) (line 3)",
        ),
        ("---\n- a list\n---\nBody.", ": front matter must be YAML 'key: value' lines (line 2)"),
        (
            "---\ntitle: never closed\n\nBody.",
            ": front matter opened by '---' on line 1 is never closed by a '---' line",
        ),
        ("---\ntitle: T\n---\n\n  \n", ": no text after the front matter"),
        ("\n\n   \n", ": empty file"),
    ],
)
def test_markdown_bad_front_matter(tmp_path, content, expected):
    """Bad front matter is one problem naming the line in its reason; no record. Problem.line
    stays None: a .md file is one document, so --skip-invalid has no line to skip."""
    path = write(tmp_path, "bad.md", content)
    (problem,) = read(path)
    assert isinstance(problem, Problem) and problem.line is None
    assert str(problem) == f"{path}{expected}"


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x7f", "\x85", "\x9b", "\u2028", "\ufffe"])
def test_markdown_control_characters_in_front_matter_import(tmp_path, char):
    """Untrusted metadata must import: characters YAML refuses become U+FFFD; the body is kept."""
    body = f"Body with {char}[31m kept.\n"
    path = write(tmp_path, "redsea_1.md", f'---\ntitle: Red{char}[2J Sea\noutlet: "Wire{char}"\n---\n{body}')
    (rec,) = read(path)
    assert rec.title == "Red\ufffd[2J Sea" and rec.outlet == "Wire\ufffd"
    assert rec.text == body


def test_markdown_front_matter_escape_and_crlf_body_kept(tmp_path):
    """The redsea_1.md case: ESC in the title; the body changes only in its line endings."""
    data = b"---\r\ntitle: \x1b[31mRed Sea\x1b[0m\r\ndate: 2024-01-12\r\n---\r\n\x1b]0;pwned\x07Ships turned back.\r\n"
    (rec,) = read(write(tmp_path, "redsea_1.md", data))
    assert rec.title == "\ufffd[31mRed Sea\ufffd[0m" and rec.date == "2024-01-12"
    assert rec.text == "\x1b]0;pwned\x07Ships turned back.\n"


def test_markdown_yaml_error_line_counts_file_lines(tmp_path):
    """YAML counts U+2028 and NEL as line breaks (inside quotes too): they are replaced first,
    so the error names the file's line, not one two lines further down."""
    path = write(tmp_path, "bad.md", '---\ntitle: "A\u2028B\x85C\x1b"\nx: a: b\n---\nBody.')
    assert problems(path) == [f"{path}: invalid YAML front matter: mapping values are not allowed here (line 3)"]


def test_markdown_alias_bomb_is_refused(tmp_path):
    """A YAML 'billion laughs' cannot blow up memory when meta is made JSON."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 9)
    ]
    (problem,) = read(write(tmp_path, "bomb.md", "---\n" + "\n".join(lines) + "\n---\nBody."))
    assert problem.reason == "front matter is too large or nested too deeply"


def test_markdown_odd_yaml_values_become_json(tmp_path):
    """Sets, binary, non-string keys and infinities are stored as JSON-safe values."""
    fm = "---\n1: one\nnull: nothing\ns: !!set {b: null, a: null}\nb: !!binary aGk=\nf: .inf\n---\nBody."
    (rec,) = read(write(tmp_path, "odd.md", fm))
    assert rec.meta == {"1": "one", "null": "nothing", "s": ["a", "b"], "b": "aGk=", "f": "inf"}


# --------------------------------------------------------------------------- .jsonl formats


def test_native_export():
    """newsmark's own export: spans with entities, claims, entities, status, annotator."""
    first, second = read(FIX / "native.jsonl")
    assert first.line == 1 and first.source == f"{FIX / 'native.jsonl'}:1"
    assert first.title == "Taliban claim Panjshir" and first.outlet == "The Meridian Herald"
    assert first.date == "2021-09-06" and first.author == "Hannah Colebrook"
    assert first.meta == {"section": "world", "source_id": 42}
    assert (first.status, first.annotator) == ("done", "alice")
    assert [(first.text[s.start : s.end], s.label, s.entity) for s in first.spans] == [
        ("Panjshir", "GPE", "e1"),
        ("Ahmad Massoud", "PERSON", "e2"),
        ("Masood", "PERSON", "e2"),
        ("Taliban", "ORG", None),
    ]
    (claim,) = first.claims
    assert first.text[claim.start : claim.end] == "The Taliban said on Monday they had taken Panjshir."
    assert (claim.type, claim.speaker, claim.cue, claim.stance, claim.group) == (
        "statement",
        "The Taliban",
        "said",
        "asserted",
        1,
    )
    assert first.entities == [
        EntityIn("e1", "Panjshir", "GPE", ["Panshir"], None),
        EntityIn("e2", "Ahmad Massoud", "PERSON", ["Masood", "Masoud"], "Q4356962"),
    ]
    assert (second.status, second.annotator, second.meta) == ("todo", None, {"source_id": 43})


def test_prodigy_tasks():
    """Accepted spans are kept; rejected and ignored tasks keep the text only."""
    accept, reject, ignore = read(FIX / "prodigy.jsonl")
    assert [(accept.text[s.start : s.end], s.label) for s in accept.spans] == [
        ("Ahmad Massoud", "PERSON"),
        ("Taliban", "ORG"),
        ("Panjshir", "GPE"),
    ]
    assert accept.meta["_input_hash"] == 1183497391 and accept.meta["_task_hash"] == -20746722
    assert accept.meta["source"] == "meridian" and "tokens" not in accept.meta
    assert "answer" not in accept.meta and accept.annotator is None
    assert reject.spans == [] and reject.meta["answer"] == "reject"
    assert reject.text.startswith("Zabihullah Mujahid")
    assert ignore.spans == [] and ignore.meta["answer"] == "ignore"


def test_doccano_sequence_labelling_and_classification():
    """doccano [start, end, LABEL] lists become spans; string labels are categories."""
    seq, cats = read(FIX / "doccano.jsonl")
    assert [(seq.text[s.start : s.end], s.label) for s in seq.spans] == [
        ("The National Resistance Front", "ORG"),
        ("Panjshir", "GPE"),
    ]
    assert seq.outlet == "Kabul Times"
    assert seq.meta == {"source_id": 17, "Comments": []}
    assert cats.spans == [] and cats.meta == {"source_id": 18, "cats": ["denial", "military"]}


def test_doccano_entities_and_relations():
    """doccano with relations: entities are spans, relations are kept in meta."""
    (rec,) = read(FIX / "doccano_entities.jsonl")
    assert rec.spans == [SpanIn(0, 13, "PERSON"), SpanIn(24, 49, "ORG")]
    assert rec.meta["relations"] == [{"id": 7, "from_id": 101, "to_id": 102, "type": "leads"}]
    assert rec.meta["entity_ids"] == [101, 102]


def test_plain_jsonl_and_blank_lines():
    """Plain objects: fields at the top or in meta; blank lines skipped but counted."""
    first, second = read(FIX / "plain.jsonl")
    assert (first.title, first.url, first.outlet) == ("Andarab fighting", "https://example.org/a", "Wire")
    assert first.meta == {"lang": "en"}
    assert second.line == 3 and second.date == "2021-09-07" and second.meta == {"extra": 1}


def test_jsonl_text_is_kept_as_is(tmp_path):
    """JSON text is never normalised: CRs and outer spaces stay, offsets stay right."""
    text = "  Line one\r\nline two\u2028three  "
    (rec,) = read(jsonl(tmp_path, {"text": text, "spans": [{"start": 2, "end": 6, "label": "X"}]}))
    assert rec.text == text and rec.text[2:6] == "Line"


def test_jsonl_bom_and_crlf_lines(tmp_path):
    """A BOM on the first line and CRLF line ends are fine."""
    path = write(tmp_path, "w.ndjson", b'\xef\xbb\xbf{"text": "a"}\r\n{"text": "b"}\r\n')
    assert [r.text for r in read(path)] == ["a", "b"]


def test_bad_truncated_fixture():
    """Good lines read, bad lines named with their line and reason."""
    items = read(FIX / "bad_truncated.jsonl", skip_invalid=True)
    assert [type(i).__name__ for i in items] == ["Record", "Problem", "Problem"]
    name = FIX / "bad_truncated.jsonl"
    assert [str(i) for i in items[1:]] == [
        f"{name}:2: span 2 end 900 is past the end of the text (11 chars)",
        f"{name}:3: invalid JSON: Unterminated string starting at column 10",
    ]


T = "Ahmad Massoud spoke."  # 20 chars


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"text": "a" "b"}', "invalid JSON: Expecting ',' delimiter at column 14"),
        ("[1, 2]", "expected a JSON object, got an array"),
        ('"just a string"', "expected a JSON object, got a string"),
        ('{"title": "x"}', 'missing "text"'),
        ('{"text": 5}', '"text" must be a string, got a number'),
        ('{"text": "   "}', '"text" is empty'),
        ('{"text": "a\\u0000b"}', '"text" contains a NUL character'),
        ('{"text": "a", "n": NaN}', "invalid JSON: NaN is not valid JSON"),
        ('{"text": "a\\ud800"}', "invalid JSON: unpaired surrogate \\ud800 in a string"),
        ("[" * 100_000, "invalid JSON: nested too deeply"),
        ('{"text": "a", "meta": []}', '"meta" must be an object, got an array'),
        ('{"text": "a", "title": {"x": 1}}', '"title" must be a string, got an object'),
        (json.dumps({"text": T, "spans": {}}), '"spans" must be an array, got an object'),
        (json.dumps({"text": T, "spans": [5]}), "span 1 must be an object, got a number"),
        (json.dumps({"text": T, "spans": [{"end": 3, "label": "X"}]}), 'span 1 has no "start"'),
        (
            json.dumps({"text": T, "spans": [{"start": "0", "end": 3, "label": "X"}]}),
            'span 1 start must be an integer, got "0"',
        ),
        (
            json.dumps({"text": T, "spans": [{"start": 0, "end": 3.0, "label": "X"}]}),
            "span 1 end must be an integer, got 3.0",
        ),
        (
            json.dumps({"text": T, "spans": [{"start": True, "end": 3, "label": "X"}]}),
            "span 1 start must be an integer, got true",
        ),
        (json.dumps({"text": T, "spans": [{"start": -1, "end": 3, "label": "X"}]}), "span 1 start -1 is negative"),
        (
            json.dumps(
                {"text": T, "spans": [{"start": 0, "end": 5, "label": "A"}, {"start": 3, "end": 900, "label": "B"}]}
            ),
            "span 2 end 900 is past the end of the text (20 chars)",
        ),
        (
            json.dumps({"text": T, "spans": [{"start": 4, "end": 4, "label": "X"}]}),
            "span 1 end 4 is not after its start 4",
        ),
        (
            json.dumps({"text": T, "spans": [{"start": 0, "end": 5}]}),
            "span 1 label must be a non-empty string, got missing",
        ),
        (
            json.dumps({"text": T, "spans": [{"start": 0, "end": 5, "label": ""}]}),
            'span 1 label must be a non-empty string, got ""',
        ),
        (
            json.dumps({"text": T, "spans": [{"start": 0, "end": 5, "label": "P", "text": "Ahmed"}]}),
            'span 1 text "Ahmed" does not match the text at 0:5 ("Ahmad")',
        ),
        (
            json.dumps({"text": T, "spans": [{"start": 0, "end": 5, "label": "P", "entity": 9}], "entities": []}),
            'span 1 entity 9 is not among the line\'s "entities"',
        ),
        (
            json.dumps({"text": T, "spans": [{"start": 0, "end": 5, "label": "P", "entity": [1]}]}),
            "span 1 entity must be an id (string or integer), got [1]",
        ),
        (
            json.dumps(
                {"text": T, "entities": [{"id": 1, "name": "A", "label": "P"}, {"id": 1, "name": "B", "label": "P"}]}
            ),
            "entity 2 id 1 is used twice",
        ),
        (
            json.dumps({"text": T, "entities": [{"id": 1, "name": "", "label": "P"}]}),
            'entity 1 name must be a non-empty string, got ""',
        ),
        (
            json.dumps({"text": T, "entities": [{"id": 1, "name": "A", "label": "P", "aliases": "A"}]}),
            "entity 1 aliases must be an array of strings",
        ),
        (
            json.dumps({"text": T, "entities": [{"name": "A", "label": "P"}]}),
            "entity 1 id must be a string or integer, got null",
        ),
        (
            json.dumps({"text": T, "claims": [{"start": 0, "end": 50}]}),
            "claim 1 end 50 is past the end of the text (20 chars)",
        ),
        (
            json.dumps({"text": T, "claims": [{"start": 0, "end": 5, "stance": 3}]}),
            "claim 1 stance must be a string or null, got a number",
        ),
        (
            json.dumps({"text": T, "claims": [{"start": 0, "end": 5, "group": [1]}]}),
            "claim 1 group must be a string, an integer or null, got [1]",
        ),
        (json.dumps({"text": T, "status": 1, "spans": []}), '"status" must be a string or null, got a number'),
        (json.dumps({"text": T, "answer": "maybe"}), '"answer" must be "accept", "reject" or "ignore", got "maybe"'),
        (
            json.dumps({"text": T, "tokens": [], "spans": [{"start": 0, "end": 99, "label": "P"}]}),
            "span 1 end 99 is past the end of the text (20 chars)",
        ),
        (json.dumps({"text": T, "label": [[0, 5]]}), 'span 1 must be [start, end, "LABEL"], got [0, 5]'),
        (
            json.dumps({"text": T, "label": [[0, 5, "P"], [6, 60, "P"]]}),
            "span 2 end 60 is past the end of the text (20 chars)",
        ),
        (json.dumps({"text": T, "label": [[0, 5, 7]]}), "span 1 label must be a non-empty string, got 7"),
        (
            json.dumps({"text": T, "entities": [{"id": 1, "label": "P", "start_offset": 0}], "relations": []}),
            'span 1 has no "end_offset"',
        ),
    ],
)
def test_jsonl_line_problems(tmp_path, line, reason):
    """Each bad line is one Problem naming the file, the line and the reason."""
    path = jsonl(tmp_path, {"text": "fine"}, line)
    items = read(path, skip_invalid=True)
    assert isinstance(items[0], Record)
    assert str(items[1]) == f"{path}:2: {reason}"
    assert len(items) == 2


def test_jsonl_accepts_loose_but_sane_values(tmp_path):
    """Numbers for dates, lists of authors, "" for absent claim fields, int speakers."""
    row = {
        "text": T,
        "date": 2021,
        "author": ["A", "B"],
        "claims": [{"start": 0, "end": 5, "type": "", "speaker": 7, "group": "g1"}],
    }
    (rec,) = read(jsonl(tmp_path, row))
    assert (rec.date, rec.author) == ("2021", "A, B")
    assert rec.claims == [ClaimIn(0, 5, None, "7", None, None, "g1")]


def test_jsonl_not_utf8_line(tmp_path):
    """A non-UTF-8 line names its line and its byte offset in the file."""
    path = write(tmp_path, "x.jsonl", b'{"text": "ok"}\n{"text": "caf\xe9"}\n{"text": "ok too"}\n')
    items = read(path, skip_invalid=True)
    assert str(items[1]) == f"{path}:2: not UTF-8 text: invalid byte 0xe9 at byte offset 28"
    assert [r.text for r in items if isinstance(r, Record)] == ["ok", "ok too"]


def test_jsonl_binary(tmp_path):
    """NUL bytes early: a binary file; later: a bad line."""
    path = write(tmp_path, "b.jsonl", b'{"text": "a"}\n\x00\x01\x02{"text"\n{"text": "b"}\n')
    assert problems(path) == [f"{path}: binary file, not text"]
    late = write(tmp_path, "late.jsonl", b'{"text": "' + b"a" * 9000 + b'"}\n{"text": "b\x00"}\n')
    assert problems(late, skip_invalid=True) == [f"{late}:2: binary data (a NUL byte) in the line"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"\n  \n\t\n", "empty file"),
        (b"\xef\xbb\xbf\n", "empty file"),
    ],
)
def test_jsonl_empty(tmp_path, content, reason):
    """Empty jsonl files are one whole-file problem."""
    path = write(tmp_path, "e.jsonl", content)
    assert problems(path) == [f"{path}: {reason}"]


def test_jsonl_no_records(tmp_path):
    """A file whose every line is bad also says it gave no records."""
    path = jsonl(tmp_path, "{bad", '{"no": "text"}')
    assert problems(path, skip_invalid=True) == [
        f"{path}:1: invalid JSON: Expecting property name enclosed in double quotes at column 2",
        f'{path}:2: missing "text"',
        f"{path}: no records",
    ]


def test_jsonl_utf16(tmp_path):
    """UTF-16 JSON Lines are refused with a hint."""
    path = write(tmp_path, "u.jsonl", '{"text": "a"}\n'.encode("utf-16"))
    assert problems(path) == [f"{path}: UTF-16 text is not supported: save the file as UTF-8"]


def test_jsonl_overlong_line_is_skipped(tmp_path, monkeypatch):
    """A line over the limit is a problem and is skipped without being held in memory."""
    monkeypatch.setattr(formats.jsonl, "MAX_LINE_BYTES", 64)
    path = jsonl(tmp_path, {"text": "x" * 200}, {"text": "short"})
    items = read(path, skip_invalid=True)
    assert isinstance(items[0], Problem) and items[0].line == 1 and "line longer than" in items[0].reason
    assert items[1].text == "short" and items[1].line == 2


def test_skip_invalid_controls_records_after_a_problem(tmp_path):
    """All problems are always reported; records after one only with skip_invalid."""
    path = jsonl(tmp_path, {"text": "one"}, "{bad", {"text": "three"}, "[]", {"text": "five"})
    strict = read(path)
    assert [getattr(i, "text", None) or i.line for i in strict] == ["one", 2, 4]
    loose = read(path, skip_invalid=True)
    assert [getattr(i, "text", None) or i.line for i in loose] == ["one", 2, "three", 4, "five"]


def test_jsonl_is_streamed():
    """read_source is lazy: the first record comes before the rest of the input is read."""

    class Endless(io.RawIOBase):
        """A stream of jsonl lines that counts how many were read."""

        def __init__(self) -> None:
            self.served = 0

        def readline(self, limit: int = -1) -> bytes:
            self.served += 1
            return b'{"text": "line %d"}\n' % self.served

    stream = Endless()
    items = read_source("-", stdin=stream)
    for _ in range(3):
        assert isinstance(next(items), Record)
    assert stream.served < 10


# --------------------------------------------------------------------------- stdin


def test_stdin_jsonl_and_text():
    """stdin is JSON Lines when it starts with "{" (after blanks and a BOM), else one document."""
    items = stdin(b'\xef\xbb\xbf\n  \n{"text": "a"}\n{"text": "b"}\n')
    assert [(r.text, r.source, r.line) for r in items] == [("a", "<stdin>:3", 3), ("b", "<stdin>:4", 4)]
    (doc,) = stdin(b"Headline\r\n\r\nBody.\r\n")
    assert (doc.text, doc.title, doc.source) == ("Headline\n\nBody.\n", "Headline", "<stdin>")


def test_stdin_problems():
    """Bad stdin input is reported against <stdin>."""
    assert [str(p) for p in stdin(b"")] == ["<stdin>: empty input"]
    assert [str(p) for p in stdin(b"  \n ")] == ["<stdin>: empty input"]
    assert [str(p) for p in stdin(b'{"text": "a"}\n{"x": 1}\n')][1] == '<stdin>:2: missing "text"'
    assert [str(p) for p in stdin(b"caf\xe9")] == [
        "<stdin>: not UTF-8 text: invalid byte 0xe9 at byte offset 3 (line 1)"
    ]


def test_stdin_front_matter_and_text_streams():
    """Front matter on stdin is honoured; a text stream (StringIO) works too."""
    (doc,) = stdin("---\ntitle: From a pipe\n---\nBody.\n")
    assert (doc.title, doc.text) == ("From a pipe", "Body.\n")
    (line,) = stdin('{"text": "é"}\n')
    assert line.text == "é"


# --------------------------------------------------------------------------- paths


@pytest.fixture
def tree(tmp_path):
    """A corpus directory with nested, hidden and unsupported files."""
    for name in [
        "b.txt",
        "a.md",
        "notes.pdf",
        ".hidden.txt",
        "sub/c.jsonl",
        "sub/d.NDJSON",
        "sub/e.markdown",
        ".git/x.txt",
        "sub/.cache/y.md",
    ]:
        path = tmp_path / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    return tmp_path / "corpus"


def test_expand_directory_recursive_sorted(tree):
    """Directories are walked, hidden things and unsupported suffixes skipped, sorted."""
    assert [p.relative_to(tree).as_posix() for p in expand_paths([str(tree)])] == [
        "a.md",
        "b.txt",
        "sub/c.jsonl",
        "sub/d.NDJSON",
        "sub/e.markdown",
    ]


def test_expand_globs(tree):
    """Globs, recursive ones included, keep only supported files and list each once."""
    assert [p.name for p in expand_paths([str(tree / "*.txt")])] == ["b.txt"]
    assert [p.name for p in expand_paths([str(tree / "**" / "*.*")])] == [
        "a.md",
        "b.txt",
        "c.jsonl",
        "d.NDJSON",
        "e.markdown",
    ]
    assert [p.name for p in expand_paths([str(tree / "s*")])] == ["c.jsonl", "d.NDJSON", "e.markdown"]


def test_expand_keeps_argument_order_and_dedupes(tree):
    """Arguments keep their order; a file named twice is imported once; "-" passes through."""
    got = expand_paths([str(tree / "b.txt"), "-", str(tree / "a.md"), str(tree / "*.txt"), "-"])
    assert [p if p == "-" else p.name for p in got] == ["b.txt", "-", "a.md"]


@pytest.mark.parametrize(
    "arg, message",
    [
        ("missing.txt", "missing.txt: no such file or directory"),
        ("nothing-*.txt", "nothing-*.txt: no such file or directory"),
        ("corpus/notes.pdf", "corpus/notes.pdf: unsupported file type '.pdf'"),
        ("corpus/*.pdf", "corpus/*.pdf: matches no .txt, .md"),
        ("empty-dir", "empty-dir: no .txt, .md"),
        ("", "empty path"),
    ],
)
def test_expand_errors(tree, monkeypatch, arg, message):
    """Typos fail before anything is imported, naming the path."""
    monkeypatch.chdir(tree.parent)
    (tree.parent / "empty-dir").mkdir()
    with pytest.raises(UserInputError) as info:
        expand_paths([str(tree / "a.md"), arg])
    assert str(info.value).startswith(message)
    assert info.value.exit_code == 2


def test_total_bytes(tree):
    """Sizes add up; stdin makes the total unknown."""
    files = expand_paths([str(tree)])
    assert total_bytes(files) == 2 * len(files)
    assert total_bytes([*files, "-"]) is None
    assert total_bytes([str(tree), str(tree / "*.md"), "missing.txt"]) == 2 * len(files) + 2


def test_sample_corpus_reads_cleanly():
    """The bundled sample corpus reads without a problem, every article titled and dated."""
    sample = Path(readers.__file__).parents[1] / "data" / "sample"
    items = [item for path in expand_paths([str(sample)]) for item in read_source(path)]
    assert items and all(isinstance(i, Record) and i.title and i.date and i.outlet for i in items)


# --------------------------------------------------------------------------- fuzzing

# NEWSMARK_FUZZ_EXAMPLES=5000 pytest tests/test_readers.py -k fuzz  for a long run.
FUZZ = settings(
    max_examples=int(os.environ.get("NEWSMARK_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _fuzz_file(suffix: str, data: bytes) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        items = list(read_source(path))
        items += list(read_source(path, skip_invalid=True))
    return items


def _assert_sane(items: list) -> None:
    assert items
    for item in items:
        assert isinstance(item, (Record, Problem))
        if isinstance(item, Record):
            check_record(item)
        else:
            assert item.reason and "\n" not in str(item)


_pieces = st.sampled_from(
    [
        b"{",
        b"}",
        b"[",
        b"]",
        b'"text"',
        b'"spans"',
        b'"start"',
        b'"end"',
        b'"label"',
        b":",
        b",",
        b"0",
        b"5",
        b'"x"',
        b"\n",
        b"\r\n",
        b"---\n",
        b"title: ",
        b"# ",
        b"\xef\xbb\xbf",
        b"\x00",
        b"\xe9",
        b"\\ud800",
        b" ",
    ]
)
_bytes = st.one_of(st.binary(max_size=300), st.lists(_pieces, max_size=40).map(b"".join))


@FUZZ
@given(suffix=st.sampled_from(readers.SUFFIXES), data=_bytes)
def test_fuzz_files_never_raise(suffix, data):
    """Any bytes in any supported file give records or problems, never an exception."""
    _assert_sane(_fuzz_file(suffix, data))


@FUZZ
@given(data=_bytes)
def test_fuzz_stdin_never_raises(data):
    """Any bytes on stdin give records or problems."""
    _assert_sane(list(read_source("-", stdin=io.BytesIO(data))))


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 60) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
_offset = st.one_of(st.integers(-2, 40), _json)
_span = st.fixed_dictionaries(
    {"start": _offset, "end": _offset, "label": st.one_of(st.sampled_from(["PERSON", "GPE", ""]), _json)},
    optional={
        "text": st.text(max_size=5),
        "entity": st.one_of(st.integers(0, 3), _json),
        "token_start": st.integers(0, 3),
    },
)
_entity = st.fixed_dictionaries(
    {
        "id": st.one_of(st.integers(0, 3), _json),
        "name": st.one_of(st.text(max_size=6), _json),
        "label": st.sampled_from(["PERSON", "ORG"]),
    },
    optional={"aliases": st.one_of(st.lists(st.text(max_size=4)), _json)},
)
_record = st.fixed_dictionaries(
    {"text": st.one_of(st.text(min_size=1, max_size=30), _json)},
    optional={
        "spans": st.one_of(st.lists(_span, max_size=3), _json),
        "claims": st.lists(
            st.fixed_dictionaries({"start": _offset, "end": _offset}, optional={"stance": _json, "group": _json}),
            max_size=2,
        ),
        "entities": st.one_of(
            st.lists(_entity, max_size=2),
            st.lists(
                st.fixed_dictionaries({"start_offset": _offset, "end_offset": _offset, "label": st.text(max_size=3)}),
                max_size=2,
            ),
        ),
        "label": st.one_of(
            st.lists(st.tuples(_offset, _offset, st.text(max_size=3)).map(list), max_size=3),
            st.lists(st.text(max_size=4), max_size=2),
            _json,
        ),
        "answer": st.sampled_from(["accept", "reject", "ignore", "maybe"]),
        "meta": _json,
        "title": _json,
        "date": _json,
        "id": _json,
        "status": _json,
        "relations": _json,
    },
)


@FUZZ
@given(rows=st.lists(_record, min_size=1, max_size=4))
def test_fuzz_structured_jsonl(rows):
    """Plausible-but-wrong JSON objects exercise every validator; records stay consistent."""
    data = "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8", "surrogatepass")
    items = _fuzz_file(".jsonl", data)
    _assert_sane(items)
    lines = {i.line for i in items if isinstance(i, (Record, Problem)) and i.line}
    assert lines <= set(range(1, len(rows) + 1))
