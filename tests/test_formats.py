"""The formats added to import: web pages, WARC crawls, CSV/TSV tables, CoNLL token-tag files.

Each is read from files written here (a page with a cookie banner and a footer, a crawl with
mixed records, a cut-short crawl, tables with and without the default text column, CoNLL in
each scheme) and imported into a real SQLite file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from formats_support import STORIES, write_warc

from annotations.corpus.ingest import import_paths
from annotations.corpus.sources import Problem, ReadOptions, Record, read_source
from annotations.errors import ImportFailed
from annotations.store import Store

FIX = Path(__file__).parent / "fixtures" / "formats"


def items(path, **kw) -> list:
    return list(read_source(path, **kw))


def only_record(path, **kw) -> Record:
    (record,) = items(path, **kw)
    assert isinstance(record, Record), record
    return record


# --------------------------------------------------------------------------- HTML


def test_html_page_keeps_the_article_and_drops_the_furniture():
    """Title, date, author, outlet and canonical url come from the page; the text is the
    article, first paragraph to last, without navigation, cookie banner, related links or footer."""
    rec = only_record(FIX / "valley-floods.html")
    assert rec.title == "Floods cut the Kabul–Jalalabad highway"
    assert (rec.date, rec.author, rec.outlet) == ("2024-03-05", "Mina Rahimi", "Valley Times")
    assert rec.url == "https://valleytimes.example/2024/03/05/floods-cut-highway"
    assert "Heavy rain overnight washed away a stretch of the highway" in rec.text
    assert rec.text.rstrip().endswith("expected the road to stay closed until at least Thursday.")
    for furniture in (
        "cookies",
        "All rights reserved",
        "Privacy policy",
        "Subscribe",
        "Related stories",
        "Salang tunnel",
    ):
        assert furniture not in rec.text


def test_html_extraction_settings_are_kept_for_a_reproducible_reimport():
    rec = only_record(FIX / "valley-floods.html")
    settings = rec.meta["extraction"]
    assert settings["tool"] == "trafilatura" and settings["version"]
    assert settings["include_comments"] is False and settings["favor_precision"] is False
    assert settings["path"] == "trafilatura"
    assert only_record(FIX / "valley-floods.html").text == rec.text  # same page, same text


def test_html_article_shipped_only_as_json_ld_is_read_from_its_article_body():
    """Issue 22: an outlet ships the article as JSON-LD articleBody behind a visible teaser;
    trafilatura alone gave the 151-character teaser (or the body with its paragraphs run together)."""
    page = FIX / "panjshir-jsonld.html"
    for precision in (False, True):
        rec = only_record(page, options=ReadOptions(favor_precision=precision))
        assert rec.meta["extraction"]["path"] == "json-ld articleBody"
        assert rec.meta["extraction"]["favor_precision"] is precision
        lines = rec.text.split("\n")
        assert lines[0].startswith("The National Resistance Front said on Sunday its fighters still held the passes")
        assert (
            lines[1]
            == '"We will fight," Ahmad Massoud said in an audio message sent to reporters. "We will never give up fighting for God, freedom and justice."'
        )
        assert lines[-1] == "Additional reporting by Lena Kaufmann in Doha."
        assert len(lines) == 6 and "Subscribe" not in rec.text
        assert rec.title == "Resistance front says it holds Panjshir passes"
        assert (rec.date, rec.author, rec.outlet) == ("2021-09-05", "Farid Ahmadi; Lena Kaufmann", "Kabul Ledger")


def test_html_json_ld_fills_the_metadata_trafilatura_leaves_empty(tmp_path):
    body = " ".join(["Delegations met in Doha on Monday to resume talks on the Helmand waters."] * 10)
    page = tmp_path / "bare.html"
    page.write_text(
        '<html><head><script type="application/ld+json">{"@type": ["NewsArticle"], "headline": "Talks resume", '
        '"datePublished": "2024-04-02T08:00:00Z", "author": {"@type": "Person", "name": "Mina Rahimi"}, '
        '"publisher": {"name": "Frontier Post"}}</script></head>'
        f"<body><article><p>{body}</p></article></body></html>"
    )
    rec = only_record(page)
    assert rec.meta["extraction"]["path"] == "trafilatura" and rec.text == body
    assert (rec.title, rec.date, rec.author, rec.outlet) == (
        "Talks resume",
        "2024-04-02",
        "Mina Rahimi",
        "Frontier Post",
    )


def test_html_keeps_the_articles_closing_credit_line():
    """Issue 22: favor_precision dropped the "Additional reporting by" line in div.article-bottom,
    which trafilatura's default settings keep; --favor-precision still asks for the stricter cut."""
    page = FIX / "torkham-credit.html"
    rec = only_record(page)
    assert rec.meta["extraction"]["path"] == "trafilatura"
    assert (
        rec.text.split("\n")[-1]
        == "Additional reporting by Mohammad Yunus Yawar in Kabul; Editing by Raju Gopalakrishnan"
    )
    assert "Trust Principles" not in rec.text and "Read next" not in rec.text and "All rights reserved" not in rec.text
    assert (rec.title, rec.date, rec.author, rec.outlet) == (
        "Pakistan reopens Torkham crossing after week-long closure",
        "2024-09-14",
        "Saeed Shah",
        "Frontier Wire",
    )
    strict = only_record(page, options=ReadOptions(favor_precision=True))
    assert "Additional reporting" not in strict.text and strict.meta["extraction"]["favor_precision"] is True


def test_html_page_with_too_many_elements_is_refused_before_extraction(tmp_path):
    """Issue 22: a 14 MB page of 200,000 paragraphs spent 521 s inside trafilatura."""
    import time

    page = tmp_path / "huge.html"
    para = "<p>Paragraph of the long page on the talks in Doha.</p>\n"
    page.write_text(f"<html><body><article>{para * 20_001}</article></body></html>")
    began = time.monotonic()
    (problem,) = items(page)
    assert time.monotonic() - began < 5
    assert str(problem) == (
        f"{page}: page too large to extract: 20,004 HTML elements (the limit is 20,000; "
        "extraction time grows faster than the page)"
    )


def test_html_without_an_article_is_one_problem(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text("<html><head><title>Index</title></head><body><div></div></body></html>")
    (problem,) = items(path)
    assert isinstance(problem, Problem) and problem.line is None
    assert str(problem).startswith(f"{path}: no article text")


def test_html_import_offsets_index_the_stored_text(store):
    report = import_paths(store, [str(FIX / "valley-floods.html")], "alice")
    assert report.imported == 1
    doc = store.document(1)
    assert doc["outlet"] == "Valley Times" and doc["meta"]["extraction"]["tool"] == "trafilatura"


# --------------------------------------------------------------------------- WARC


@pytest.mark.parametrize("gzip", [False, True])
def test_warc_every_html_response_is_a_document(tmp_path, gzip):
    """Two article pages of seven records: url and fetch date from the record, the rest
    (warcinfo, request, image, 404, metadata) skipped and counted in one notice."""
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    write_warc(path, gzip=gzip)
    got = items(path)
    pages = [i for i in got if isinstance(i, Record)]
    assert [p.title for p in pages] == [title for title, _, _ in STORIES]
    assert [p.url for p in pages] == ["https://frontier.example/story-0", "https://frontier.example/story-1"]
    assert [p.date for p in pages] == ["2024-04-02", "2024-04-03"]
    assert all(p.meta["fetched"].endswith("Z") and p.outlet == "Frontier Post" for p in pages)
    assert all("cookies" not in p.text and "All rights reserved" not in p.text for p in pages)
    (notice,) = [i for i in got if isinstance(i, Problem)]
    assert notice.keeps and "5 record(s) that are not HTML pages were skipped" in notice.reason
    assert "HTTP 404 1" in notice.reason and "warcinfo 1" in notice.reason


@pytest.mark.parametrize("gzip", [False, True])
def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path, gzip, store):
    whole = tmp_path / "whole.warc"
    offsets = write_warc(whole, gzip=gzip)
    cut = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    cut.write_bytes(whole.read_bytes()[: offsets[4] + 60])  # inside the second article's record
    got = items(cut)
    assert [i.title for i in got if isinstance(i, Record)] == [STORIES[0][0]]
    (damage,) = [i for i in got if isinstance(i, Problem)]
    assert damage.keeps and f"damaged at byte offset {offsets[4]}" in damage.reason
    report = import_paths(store, [str(cut)], "alice")
    assert report.imported == 1 and report.notices == [str(damage)]


def test_a_file_that_is_not_warc_is_rejected(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("These are my notes about the crawl, not a crawl.\n" * 3)
    (problem,) = items(path)
    assert not problem.keeps and str(problem).startswith(f"{path}: not a readable WARC file")


def test_warc_reports_progress_in_bytes(tmp_path):
    path = tmp_path / "crawl.warc"
    write_warc(path, gzip=False, repeat=40)  # about 100 KB, read in warcio's 16 KB blocks
    seen: list[int] = []
    assert len([i for i in items(path, on_bytes=seen.append) if isinstance(i, Record)]) == 80
    assert len(seen) > 3 and sum(seen) == path.stat().st_size


# --------------------------------------------------------------------------- CSV / TSV


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_the_default_text_column(tmp_path):
    path = write(
        tmp_path,
        "wire.csv",
        "id,headline,body,date,desk\n"
        'w-101,Border reopens,"Lorries crossed at Torkham again on Sunday, officials said.",2024-02-04,region\n'
        'w-102,Fuel prices rise,"Diesel rose by 4 per cent in Kabul markets.\nTraders blamed the exchange rate.",2024-02-05,economy\n',
    )
    recs = items(path)
    assert [r.title for r in recs] == ["Border reopens", "Fuel prices rise"]
    assert recs[1].text == "Diesel rose by 4 per cent in Kabul markets.\nTraders blamed the exchange rate."
    assert recs[0].meta == {"desk": "region", "source_id": "w-101"} and recs[0].date == "2024-02-04"
    assert [r.line for r in recs] == [2, 3]


def test_csv_without_the_default_column_names_the_columns_found(tmp_path):
    path = write(tmp_path, "dump.csv", "slug,story_text\nkabul-rain,It rained in Kabul all day.\n")
    (problem,) = items(path)
    assert str(problem) == (
        f"{path}: no text column: none is named text, body, content (columns found: "
        "'slug', 'story_text'); name it with --text-col"
    )
    rec = only_record(path, options=ReadOptions(text_col="story_text", id_col="slug", meta_cols=[]))
    assert rec.text == "It rained in Kabul all day." and rec.meta == {"source_id": "kabul-rain"}


def test_tsv_and_a_bad_row(tmp_path, store):
    path = write(tmp_path, "feed.tsv", "title\ttext\nOne\tFirst story text.\nTwo\t\nThree\tThird story text.\n")
    with pytest.raises(ImportFailed) as err:
        import_paths(store, [str(path)], "alice")
    assert err.value.problems == [f"{path}:3: empty text in column 'text'"]
    report = import_paths(store, [str(path)], "alice", skip_invalid=True)
    assert (report.imported, report.skipped_lines) == (2, 1)


def test_csv_named_column_missing(tmp_path):
    path = write(tmp_path, "a.csv", "text\nA short report.\n")
    (problem,) = items(path, options=ReadOptions(meta_cols=["desk"]))
    assert str(problem) == f"{path}: --meta-cols: no column 'desk' (columns found: 'text')"


def newsmark(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, in `cwd` (no config.yaml there: the default labels)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", "n.db", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_csv_unterminated_quote_is_refused_at_its_line_not_swallowing_the_rows(tmp_path):
    """Issue 22: a quote left open took every following row into one document (exit 0, "imported 1")."""
    write(
        tmp_path,
        "wire.csv",
        'id,text\n1,"Lorries crossed at Torkham.\n2,Diesel rose in Kabul.\n3,Snow closed the pass.\n',
    )
    proc = newsmark(tmp_path, "import", "wire.csv")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        "wire.csv:2: a quote opened in the row starting on line 2 is never closed (the file ends inside it)"
    )
    assert not (tmp_path / "n.db").exists() or Store(tmp_path / "n.db").count_documents() == 0


def test_csv_open_quote_closed_by_a_later_row_names_the_row_it_opened_in(tmp_path):
    path = write(
        tmp_path,
        "wire.csv",
        'id,text\n1,Border reopens.\n2,"Lorries crossed at Torkham.\n3,Diesel rose.\n4,"Snow, and ice" closed the pass.\n',
    )
    recs = items(path)
    assert [str(p) for p in recs if isinstance(p, Problem)] == [
        f"{path}:3: a quote opened in the row starting on line 3 is not closed where its field ends "
        "(line 5 goes on after a closing quote): is a quote left open?"
    ]
    path = write(tmp_path, "two.csv", 'id,text\n1,"Lorries crossed.\n2,"Diesel, rose",x\n3,Snow.\n')
    assert [str(p) for p in items(path) if isinstance(p, Problem)][0].startswith(f"{path}:2: a quote opened")


def test_csv_bad_row_names_the_line_the_row_starts_on(tmp_path):
    path = write(
        tmp_path, "wire.csv", 'id,text\n1,"A story\nover two lines."\n2,"Another\nstory\nhere.",extra\n3,Fine.\n'
    )
    problems = [str(p) for p in items(path) if isinstance(p, Problem)]
    assert problems == [
        f"{path}:4: expected 2 fields (as in the header), got 3 (the row runs from line 4 to 6: is a quote on line 4 left open?)"
    ]


def test_tsv_keeps_quotation_marks_in_the_text(tmp_path):
    """Issue 22: TSV has no quoting; reading it as CSV dropped the quotes of a quotation."""
    path = write(
        tmp_path,
        "feed.tsv",
        'title\ttext\nPanjshir\t"We will fight," Massoud said.\n"Quoted title"\tHe said "no".\n',
    )
    recs = items(path)
    assert [r.text for r in recs] == ['"We will fight," Massoud said.', 'He said "no".']
    assert recs[1].title == '"Quoted title"'


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("text,date,Date", "column name 'Date' is used twice (columns 2 and 3)"),
        ("text,,desk", "column 2 of the header has no name: name every column"),
        ("text,desk,", "column 3 of the header has no name: name every column"),
    ],
)
def test_csv_duplicate_or_empty_header_names_are_refused(tmp_path, header, reason):
    path = write(tmp_path, "wire.csv", f"{header}\nA story.,a,b\n")
    assert [str(p) for p in items(path)] == [f"{path}:1: {reason}"]


def test_csv_date_from_common_column_names_and_date_col(tmp_path):
    path = write(tmp_path, "wire.csv", "text,published,when\nA story.,2024-02-04,Sunday\n")
    rec = only_record(path)
    assert rec.date == "2024-02-04" and rec.meta == {"when": "Sunday"}
    path = write(tmp_path, "feed.tsv", "body\tpubDate\nA story.\t2024-02-05\n")
    assert only_record(path).date == "2024-02-05"
    proc = newsmark(tmp_path, "import", "wire.csv", "--date-col", "when")
    assert proc.returncode == 0, proc.stderr
    with Store(tmp_path / "n.db") as store:
        row = store.query("SELECT date, meta FROM documents")[0]
    assert row["date"] == "Sunday" and json.loads(row["meta"]) == {"published": "2024-02-04"}
    proc = newsmark(tmp_path, "import", "wire.csv", "--date-col", "day")
    assert proc.returncode == 2
    assert (
        proc.stderr.splitlines()[0]
        == "wire.csv: --date-col: no column 'day' (columns found: 'text', 'published', 'when')"
    )


def test_jsonl_one_annotators_overlapping_spans_are_refused_with_file_and_line(tmp_path):
    """Issue 22: one annotator's spans never overlap (DESIGN), but JSONL import let them in."""
    good = {"text": "Ahmad Massoud spoke in Panjshir.", "spans": [{"start": 0, "end": 13, "label": "PERSON"}]}
    bad = {
        "text": "Ahmad Massoud spoke in Panjshir.",
        "annotator": "bob",
        "spans": [
            {"start": 23, "end": 31, "label": "GPE"},
            {"start": 6, "end": 13, "label": "PERSON"},
            {"start": 0, "end": 13, "label": "PERSON"},
        ],
    }
    write(tmp_path, "a.jsonl", json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    proc = newsmark(tmp_path, "import", "a.jsonl")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        "a.jsonl:2: span 2 (6-13 PERSON) overlaps span 3 (0-13 PERSON): one annotator's spans never overlap"
    )


# --------------------------------------------------------------------------- CoNLL


@pytest.mark.parametrize(
    "name, scheme, entities",
    [
        (
            "wire-iob1.conll",
            "iob1",
            [
                [
                    ("HERAT", "LOC"),
                    ("Iran", "LOC"),
                    ("Islam Qala", "LOC"),
                    ("Herat Chamber of Commerce", "ORG"),
                    ("Ismail Khan", "PER"),
                    ("Amir Hamza", "PER"),
                ],
                [("KANDAHAR", "LOC"), ("Pakistani", "MISC"), ("Spin Boldak", "LOC")],
            ],
        ),
        (
            "dispatch-iob2.iob",
            "iob2",
            [
                [
                    ("Ahmad Massoud", "PERSON"),
                    ("Tehran", "GPE"),
                    ("Bazarak", "GPE"),
                    ("Panjshir Valley", "LOC"),
                    ("Associated Press", "ORG"),
                ]
            ],
        ),
        (
            "brief-bioes.bio",
            "bioes",
            [[("Amrullah Saleh", "PERSON"), ("Charikar", "GPE"), ("United Nations Assistance Mission", "ORG")]],
        ),
    ],
)
def test_conll_each_scheme_becomes_documents_with_gold_spans(name, scheme, entities):
    recs = items(FIX / name)
    assert all(isinstance(r, Record) for r in recs)
    assert [[(r.text[s.start : s.end], s.label) for s in r.spans] for r in recs] == entities
    assert all(r.meta["conll"]["scheme"] == scheme for r in recs)


def test_conll_text_is_tokens_joined_by_one_space_a_sentence_a_line():
    first = items(FIX / "wire-iob1.conll")[0]
    assert first.text.split("\n")[0] == "HERAT 1996-05-14"
    assert first.text.split("\n")[2] == "Ismail Khan Amir Hamza met the traders ."
    assert len(first.meta["conll"]["columns"]) == len(first.text.split())  # POS and chunk kept


@pytest.mark.parametrize(
    "text, scheme, reason",
    [
        ("Kabul B-GPE\nis O\ncold X-GPE\n", None, "3: invalid tag 'X-GPE' (expected O, or B-, I-, E-, S- and a label)"),
        ("Kabul\n", None, "1: expected a token and its tag (two or more columns), got one column"),
        (
            "the O\nKabul I-GPE\n",
            "iob2",
            "2: I-GPE follows O or the start of a sentence (IOB2 opens an entity with B-)",
        ),
        ("Kabul B-GPE\ncity O\n", "bioes", "2: O inside the GPE entity opened by B- (BIOES closes it with E-)"),
        ("in O\nKabul E-GPE\n", "bioes", "2: E-GPE closes no open GPE entity"),
        ("Kabul S-GPE\n", "iob1", "1: tag S-GPE is BIOES, not IOB1"),
        ("a B-X\n\x1b]52;c;aGk=\x07 O\n", None, None),
        ("Kabul NNP B-GPE\nis O\n", None, "2: expected 3 columns as on line 1, got 2"),
    ],
)
def test_conll_invalid_tag_or_sequence_names_file_and_line(tmp_path, text, scheme, reason):
    path = write(tmp_path, "bad.conll", text)
    got = items(path, options=ReadOptions(scheme=scheme))
    if reason is None:  # an escape sequence as a token is data, not an error
        assert isinstance(got[0], Record)
        return
    assert [str(p) for p in got if isinstance(p, Problem)][0] == f"{path}:{reason}"


def test_conll_bad_label_is_not_a_plain_name(tmp_path):
    path = write(tmp_path, "bad.conll", "Kabul B-G\x1b[31mPE\n")
    (problem,) = items(path)
    assert problem.line == 1 and "not a plain name" in problem.reason


def test_conll_forced_on_another_suffix(tmp_path):
    path = write(tmp_path, "tags.txt", "Kabul B-GPE\nis O\ncold O\n")
    rec = only_record(path, options=ReadOptions(format="conll"))
    assert rec.text == "Kabul is cold" and rec.spans[0].label == "GPE"


# --------------------------------------------------------------------------- config vocabulary


def test_import_refuses_labels_and_claim_types_not_in_the_config(tmp_path, store):
    line = {"text": "Saleh spoke in Charikar.", "spans": [{"start": 0, "end": 5, "label": "PER"}]}
    path = write(tmp_path, "a.jsonl", json.dumps(line) + "\n")
    with pytest.raises(ImportFailed) as err:
        import_paths(store, [str(path)], "alice", labels=["PERSON", "GPE"], claim_types=["statement"])
    assert err.value.problems == [
        f"{path}:1: span label 'PER' is not in the config (GPE, PERSON); "
        "add it to config.yaml, or import with --new-labels to keep it as it is"
    ]
    claim = {"text": "Saleh said it.", "claims": [{"start": 0, "end": 14, "type": "rumour"}]}
    path.write_text(json.dumps(claim) + "\n")
    with pytest.raises(ImportFailed) as err:
        import_paths(store, [str(path)], "alice", labels=["PERSON"], claim_types=["statement"])
    assert "claim type 'rumour' is not in the config (statement)" in err.value.problems[0]
    conll = FIX / "wire-iob1.conll"
    with pytest.raises(ImportFailed) as err:
        import_paths(store, [str(conll)], "alice", labels=["PERSON", "LOC", "ORG"])
    assert err.value.problems[0].startswith(f"{conll}:26: span label 'PER' is not in the config")
    assert store.count_documents() == 0


def test_new_labels_imports_a_conll_file_with_its_own_tag_set(tmp_path):
    """--new-labels: a CoNLL-2003 file's PER / MISC come in as they are (plain names still checked)."""
    conll = FIX / "wire-iob1.conll"
    db = tmp_path / "c.db"
    base = [sys.executable, "-m", "tui.cli", "--db", str(db), "import", str(conll)]
    refused = subprocess.run(base, capture_output=True, text=True)
    assert refused.returncode == 2 and "--new-labels" in refused.stderr
    done = subprocess.run([*base, "--new-labels"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        labels = {r["label"] for r in store.query("SELECT label FROM spans")}
    assert "PER" in labels


@pytest.mark.parametrize("label", ["B\x1b]52;c;aGk=\x07", "[bold]X[/]", "two words"])
def test_import_refuses_labels_that_are_not_plain_names(tmp_path, label):
    line = {"text": "Saleh spoke.", "spans": [{"start": 0, "end": 5, "label": label}]}
    path = write(tmp_path, "a.jsonl", json.dumps(line) + "\n")
    (problem, _) = items(path)
    assert problem.line == 1 and "is not a plain name" in problem.reason


def test_native_status_must_be_a_known_status(tmp_path):
    line = {"text": "Saleh spoke.", "status": "banana", "annotator": "alice"}
    path = write(tmp_path, "a.jsonl", json.dumps(line) + "\n")
    problem = items(path)[0]
    assert str(problem) == (
        f'{path}:1: "status" must be one of todo, in progress, done, skipped, reviewed, got "banana"'
    )
