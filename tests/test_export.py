"""`export`: native JSONL round-trips through import, Prodigy and spaCy outputs are loadable
(spaCy trains on them as they are), links carry judgements; splits are stable; all streamed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document, add_entity

import annotations.export as export_mod
from annotations.corpus.ingest import import_paths
from annotations.errors import UserInputError
from annotations.export import DEFAULT_SPLIT, export, parse_split, split_counts, split_of
from annotations.store import Store, content_hash, now

FIX = Path(__file__).parent / "fixtures" / "import"

T1 = "Ahmad Massoud said on Monday that the Taliban had not taken Panjshir."
T2 = "Officials in Kabul said the talks with Ahmad Masood collapsed after two days."
T3 = "Zabihullah Mujahid told reporters in Bazarak that the war was over."


def native_lines() -> list[dict]:
    """A small native export: entities shared across lines, a claim group across documents."""
    return [
        {
            "id": "a1",
            "text": T1,
            "meta": {
                "title": "Massoud defiant",
                "outlet": "Meridian",
                "date": "2021-09-06",
                "url": "https://example.org/1",
                "author": "H. Cole",
                "section": "world",
            },
            "status": "done",
            "annotator": "alice",
            "spans": [
                {"start": 0, "end": 13, "label": "PERSON", "text": "Ahmad Massoud", "entity": "e1"},
                {"start": 22, "end": 28, "label": "DATE", "text": "Monday", "entity": None},
                {"start": 38, "end": 45, "label": "ORG", "text": "Taliban", "entity": None},
                {"start": 60, "end": 68, "label": "GPE", "text": "Panjshir", "entity": "e2"},
            ],
            "claims": [
                {
                    "start": 0,
                    "end": 69,
                    "type": "statement",
                    "speaker": "Ahmad Massoud",
                    "role": "resistance leader",
                    "cue": "said",
                    "stance": "denied",
                    "group": "talks",
                }
            ],
            "entities": [
                {
                    "id": "e1",
                    "name": "Ahmad Massoud",
                    "label": "PERSON",
                    "aliases": ["Masood", "Masoud"],
                    "external_id": "Q4356962",
                },
                {"id": "e2", "name": "Panjshir", "label": "GPE", "aliases": ["Panshir"]},
            ],
        },
        {
            "id": "a2",
            "text": T2,
            "meta": {"title": "Talks collapse", "outlet": "Wire"},
            "status": "in progress",
            "annotator": "alice",
            "spans": [
                {"start": 13, "end": 18, "label": "GPE", "text": "Kabul", "entity": None},
                {"start": 39, "end": 51, "label": "PERSON", "text": "Ahmad Masood", "entity": "e1"},
            ],
            "claims": [
                {
                    "start": 0,
                    "end": 77,
                    "type": "quote",
                    "speaker": None,
                    "cue": "said",
                    "stance": None,
                    "group": "talks",
                }
            ],
            "entities": [
                {
                    "id": "e1",
                    "name": "Ahmad Massoud",
                    "label": "PERSON",
                    "aliases": ["Masood", "Masoud"],
                    "external_id": "Q4356962",
                }
            ],
        },
        {
            "id": 7,
            "text": T3,
            "meta": {},
            "status": "done",
            "annotator": "bob",
            "spans": [
                {"start": 0, "end": 18, "label": "PERSON", "text": "Zabihullah Mujahid", "entity": None},
                {"start": 37, "end": 44, "label": "GPE", "text": "Bazarak", "entity": None},
            ],
            "claims": [],
            "entities": [],
        },
        {
            "id": "a4",
            "text": "Islamabad denied any role in the fighting.",
            "meta": {"outlet": "Dawnline"},
            "status": "todo",
            "annotator": None,
            "spans": [],
            "claims": [],
            "entities": [],
        },
    ]


def write_jsonl(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def comparable(lines: list[dict]) -> list[dict]:
    """Lines with database ids (entity ids) replaced by what they name."""
    out = []
    for line in lines:
        line = json.loads(json.dumps(line))
        names = {e["id"]: (e["name"], e["label"]) for e in line.get("entities", [])}
        for e in line.get("entities", []):
            e["id"] = list(names[e["id"]])
        for s in line.get("spans", []):
            if s["entity"] is not None:
                s["entity"] = list(names[s["entity"]])
        out.append(line)
    return out


@pytest.fixture
def loaded(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", native_lines())
    store = Store(tmp_path / "one.db")
    import_paths(store, [str(src)], "importer")
    yield store
    store.close()


def add_claim(store, doc_id, start, end, annotator, **kw):
    with store.transaction() as conn:
        cols = {
            "doc_id": doc_id,
            "start": start,
            "end": end,
            "annotator": annotator,
            "origin": "manual",
            "created_at": now(),
            **kw,
        }
        conn.execute(
            f"INSERT INTO claims ({', '.join(repr(c) for c in cols)}) VALUES ({', '.join('?' for _ in cols)})".replace(
                "'", '"'
            ),
            list(cols.values()),
        )


def judge(store, a, b, label, verdict, annotator="alice"):
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO judgements (a, b, label, verdict, annotator, created_at) VALUES (?,?,?,?,?,?)",
            (a, b, label, verdict, annotator, now()),
        )


# --------------------------------------------------------------------------- native jsonl


def test_native_export_reproduces_the_imported_annotations(loaded, tmp_path):
    report = export(loaded, "jsonl", tmp_path / "out.jsonl", status="all")
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert report.examples == 4 and report.documents == 4 and report.spans == 8 and report.claims == 2
    assert report.files == [str(tmp_path / "out.jsonl")]
    src = native_lines()
    assert [x["id"] for x in lines] == [x["id"] for x in src]  # the source ids come back
    for got, want in zip(comparable(lines), src):
        assert got["text"] == want["text"]
        assert got["meta"] == want["meta"]
        assert (got["status"], got["annotator"]) == (want["status"], want["annotator"])
        assert [(s["start"], s["end"], s["label"], s["text"]) for s in got["spans"]] == sorted(
            (s["start"], s["end"], s["label"], s["text"]) for s in want["spans"]
        )
        names = {e["id"]: e["name"] for e in want["entities"]}
        assert sorted((s["text"], s["entity"] and s["entity"][0]) for s in got["spans"]) == sorted(
            (s["text"], names.get(s["entity"])) for s in want["spans"]
        )
        assert [
            (c["start"], c["end"], c["type"], c["speaker"], c["role"], c["cue"], c["stance"], c["group"])
            for c in got["claims"]
        ] == [
            (c["start"], c["end"], c["type"], c["speaker"], c.get("role"), c["cue"], c["stance"], c["group"])
            for c in want["claims"]
        ]
        assert sorted(
            (e["name"], e["label"], tuple(e["aliases"]), e["external_id"]) for e in got["entities"]
        ) == sorted(
            (e["name"], e["label"], tuple(sorted(e["aliases"])), e.get("external_id")) for e in want["entities"]
        )
    assert set(lines[0]) == {"id", "text", "meta", "status", "annotator", "spans", "claims", "entities"}


def test_native_round_trip_is_identical(loaded, tmp_path):
    first = tmp_path / "first.jsonl"
    export(loaded, "jsonl", first, status="all")
    again = Store(tmp_path / "two.db")
    import_paths(again, [str(first)], "someone-else")
    second = tmp_path / "second.jsonl"
    export(again, "jsonl", second, status="all")
    assert comparable(read_jsonl(first)) == comparable(read_jsonl(second))
    # and so on: a third generation is byte-identical to the second up to entity ids
    third_db = Store(tmp_path / "three.db")
    import_paths(third_db, [str(second)], "x")
    third = tmp_path / "third.jsonl"
    export(third_db, "jsonl", third, status="all")
    assert comparable(read_jsonl(third)) == comparable(read_jsonl(second))
    again.close()
    third_db.close()


def test_fixture_native_file_round_trips(tmp_path):
    store = Store(tmp_path / "a.db")
    import_paths(store, [str(FIX / "native.jsonl")], "me")
    export(store, "jsonl", tmp_path / "a.jsonl", status="all")
    other = Store(tmp_path / "b.db")
    import_paths(other, [str(tmp_path / "a.jsonl")], "me")
    export(other, "jsonl", tmp_path / "b.jsonl", status="all")
    assert comparable(read_jsonl(tmp_path / "a.jsonl")) == comparable(read_jsonl(tmp_path / "b.jsonl"))
    store.close()
    other.close()


def test_two_annotators_of_one_document_round_trip(tmp_path):
    store = Store(tmp_path / "a.db")
    doc = add_document(store, T1)
    store.add_span(doc, 0, 13, "PERSON", "alice")
    store.add_span(doc, 60, 68, "GPE", "bob")
    store.set_status(doc, "alice", "done")
    store.set_status(doc, "bob", "done")
    export(store, "jsonl", tmp_path / "a.jsonl")
    other = Store(tmp_path / "b.db")
    import_paths(other, [str(tmp_path / "a.jsonl")], "x")
    export(other, "jsonl", tmp_path / "b.jsonl")
    assert comparable(read_jsonl(tmp_path / "a.jsonl")) == comparable(read_jsonl(tmp_path / "b.jsonl"))


def test_claim_flags_round_trip(tmp_path):
    store = Store(tmp_path / "a.db")
    doc = add_document(store, T1)
    add_claim(store, doc, 0, 69, "alice", type="statement", checkworthy=1, note="check the date")
    store.set_status(doc, "alice", "done")
    export(store, "jsonl", tmp_path / "a.jsonl")
    assert read_jsonl(tmp_path / "a.jsonl")[0]["claims"][0]["checkworthy"] is True
    other = Store(tmp_path / "b.db")
    import_paths(other, [str(tmp_path / "a.jsonl")], "x")
    export(other, "jsonl", tmp_path / "b.jsonl")
    assert read_jsonl(tmp_path / "a.jsonl") == read_jsonl(tmp_path / "b.jsonl")


def test_export_is_deterministic_and_paging_does_not_change_it(loaded, tmp_path, monkeypatch):
    export(loaded, "jsonl", tmp_path / "a.jsonl", status="all")
    export(loaded, "jsonl", tmp_path / "b.jsonl", status="all")
    monkeypatch.setattr(export_mod.selection, "PAGE", 1)
    export(loaded, "jsonl", tmp_path / "c.jsonl", status="all")
    a = (tmp_path / "a.jsonl").read_bytes()
    assert a == (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "c.jsonl").read_bytes()
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary files left behind


def test_status_annotator_and_label_filters(store, tmp_path):
    d1, d2, d3 = add_document(store, T1), add_document(store, T2), add_document(store, T3)
    store.add_span(d1, 0, 13, "PERSON", "alice")
    store.add_span(d1, 60, 68, "GPE", "alice")
    store.add_span(d1, 0, 13, "PERSON", "bob")
    store.set_status(d1, "alice", "done")
    store.set_status(d1, "bob", "done")
    store.add_span(d2, 13, 18, "GPE", "alice")  # in progress
    out = tmp_path / "x.jsonl"

    export(store, "jsonl", out)  # default: done, every annotator, one line each
    assert [(x["id"], x["annotator"], x["status"]) for x in read_jsonl(out)] == [
        (d1, "alice", "done"),
        (d1, "bob", "done"),
    ]
    export(store, "jsonl", out, annotator="bob")
    assert [(x["id"], x["annotator"], len(x["spans"])) for x in read_jsonl(out)] == [(d1, "bob", 1)]
    export(store, "jsonl", out, labels=["GPE"])
    assert [[s["label"] for s in x["spans"]] for x in read_jsonl(out)] == [["GPE"], []]
    export(store, "jsonl", out, status="in progress")
    assert [(x["id"], x["annotator"]) for x in read_jsonl(out)] == [(d2, "alice")]
    report = export(store, "jsonl", out, status="all")
    assert [(x["id"], x["annotator"], x["status"]) for x in read_jsonl(out)] == [
        (d1, "alice", "done"),
        (d1, "bob", "done"),
        (d2, "alice", "in progress"),
        (d3, None, "todo"),
    ]
    assert report.documents == 3 and report.examples == 4
    with pytest.raises(UserInputError, match="no documents marked done by annotator 'carol'"):
        export(store, "jsonl", out, annotator="carol")


def test_nothing_to_export_and_bad_options(store, tmp_path):
    add_document(store, T1)
    with pytest.raises(UserInputError, match="nothing to export: no documents marked done"):
        export(store, "jsonl", tmp_path / "x.jsonl")
    assert not (tmp_path / "x.jsonl").exists()
    with pytest.raises(UserInputError, match="--format"):
        export(store, "csv", tmp_path / "x.csv")
    with pytest.raises(UserInputError, match="--status"):
        export(store, "jsonl", tmp_path / "x.jsonl", status="finished")
    with pytest.raises(UserInputError, match="add up to"):
        export(store, "jsonl", tmp_path / "x", split="train=0.5,dev=0.1")
    (tmp_path / "file").write_text("x")
    store.set_status(1, "alice", "done")
    with pytest.raises(UserInputError, match="not a directory"):
        export(store, "spacy", tmp_path / "file")
    with pytest.raises(UserInputError, match="does not apply to --format links"):
        export(store, "links", tmp_path / "l.jsonl", split=DEFAULT_SPLIT)


def test_stdout_and_directory_targets(loaded, tmp_path, capsys):
    report = export(loaded, "jsonl", "-")
    out = capsys.readouterr().out
    assert [json.loads(x)["status"] for x in out.splitlines()] == ["done", "done"]
    assert report.files == ["-"]
    (tmp_path / "dir").mkdir()
    report = export(loaded, "jsonl", tmp_path / "dir")
    assert report.files == [str(tmp_path / "dir" / "data.jsonl")]


def test_progress_is_reported_per_document(loaded, tmp_path, monkeypatch):
    monkeypatch.setattr(export_mod.selection, "PAGE", 2)
    calls = []
    export(loaded, "jsonl", tmp_path / "x.jsonl", status="all", on_progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 4) and calls[-1] == (4, 4)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --------------------------------------------------------------------------- splits


def test_parse_split():
    assert parse_split("train=0.8,dev=0.1,test=0.1") == DEFAULT_SPLIT
    assert parse_split("0.8,0.1,0.1") == DEFAULT_SPLIT
    assert parse_split("0.9,0.1") == {"train": 0.9, "dev": 0.1}
    assert parse_split({"all": 1.0}) == {"all": 1.0}
    assert parse_split(None) is None
    for bad in ("", "train=x", "a/b=1", "train=0.5,train=0.5", "train=0,dev=1", "0.2,0.2,0.2,0.4"):
        with pytest.raises(UserInputError, match="--split"):
            parse_split(bad)


HALVES = {"train": 0.5, "dev": 0.25, "test": 0.25}


@pytest.mark.parametrize(
    "n, split, want",
    [
        (4, HALVES, [2, 1, 1]),
        (12, HALVES, [6, 3, 3]),
        (10, DEFAULT_SPLIT, [8, 1, 1]),
        (4, DEFAULT_SPLIT, [2, 1, 1]),  # 3.2/0.4/0.4 rounds to 4/0/0: dev and test still get one each
        (3, {"train": 0.98, "dev": 0.01, "test": 0.01}, [1, 1, 1]),
        (2, DEFAULT_SPLIT, [2, 0, 0]),  # fewer documents than splits: some split must stay empty
        (7, {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}, [3, 2, 2]),
        (0, DEFAULT_SPLIT, [0, 0, 0]),
    ],
)
def test_split_counts_are_exact(n, split, want):
    assert list(split_counts(n, split).values()) == want


def test_split_counts_add_up_and_fill_every_split():
    for split in (DEFAULT_SPLIT, HALVES, {"train": 0.9, "dev": 0.1}, {"a": 0.7, "b": 0.2, "c": 0.05, "d": 0.05}):
        for n in range(60):
            counts = split_counts(n, split)
            assert sum(counts.values()) == n
            if n >= len(split):
                assert min(counts.values()) >= 1, (n, split, counts)


def keys(n: int) -> list[str]:
    return [content_hash(f"document {i}") for i in range(n)]


def test_split_of_cuts_exact_counts_for_any_seed():
    for seed in range(25):
        for n, split, want in ((4, HALVES, [2, 1, 1]), (12, HALVES, [6, 3, 3]), (10, DEFAULT_SPLIT, [8, 1, 1])):
            got = split_of(keys(n), split, seed)
            assert [list(got.values()).count(name) for name in split] == want
            assert set(got) == set(keys(n))


def test_split_of_is_seeded_and_independent_of_order():
    ks = keys(200)
    first = split_of(ks, DEFAULT_SPLIT, 0)
    assert first == split_of(list(reversed(ks)), DEFAULT_SPLIT, 0) == split_of(ks + ks[:10], DEFAULT_SPLIT, 0)
    assert [list(first.values()).count(n) for n in DEFAULT_SPLIT] == [160, 20, 20]
    other = split_of(ks, DEFAULT_SPLIT, 1)
    assert other != first
    assert sorted(other.values()) == sorted(first.values())  # same counts, other documents


def split_parts(out: Path, split) -> dict[str, list[dict]]:
    return {n: read_jsonl(out / f"{n}.jsonl") for n in split}


def test_split_export_by_document(store, tmp_path):
    texts = [f"Report {i}: Ahmad Massoud spoke in Panjshir on day {i}." for i in range(40)]
    ids = [add_document(store, t) for t in texts]
    for doc in ids:
        for who in ("alice", "bob"):
            store.add_span(
                doc, doc_offset(texts[ids.index(doc)]), doc_offset(texts[ids.index(doc)]) + 13, "PERSON", who
            )
            store.set_status(doc, who, "done")
    whole = tmp_path / "all.jsonl"
    export(store, "jsonl", whole)
    report = export(store, "jsonl", tmp_path / "split", split=DEFAULT_SPLIT, seed=3)
    assert sorted(report.files) == sorted(str(tmp_path / "split" / f"{n}.jsonl") for n in DEFAULT_SPLIT)
    parts = split_parts(tmp_path / "split", DEFAULT_SPLIT)
    assert sum(len(v) for v in parts.values()) == 80 == report.examples
    # exact counts: 32/4/4 documents, two annotators' examples each
    assert report.splits == {n: len(v) for n, v in parts.items()} == {"train": 64, "dev": 8, "test": 8}
    # the union is the unsplit export; both annotators of a document are in the same split
    assert sorted(json.dumps(x) for v in parts.values() for x in v) == sorted(json.dumps(x) for x in read_jsonl(whole))
    where = {}
    for name, lines in parts.items():
        for x in lines:
            assert where.setdefault(x["id"], name) == name
    assert sorted(x["annotator"] for x in parts["dev"]) == ["alice"] * 4 + ["bob"] * 4
    # the same seed reproduces the files; another seed picks other documents
    export(store, "jsonl", tmp_path / "again", split=DEFAULT_SPLIT, seed=3)
    assert split_parts(tmp_path / "again", DEFAULT_SPLIT) == parts
    export(store, "jsonl", tmp_path / "other", split=DEFAULT_SPLIT, seed=4)
    assert split_parts(tmp_path / "other", DEFAULT_SPLIT) != parts


def done_corpus(path: Path, texts: list[str]) -> Store:
    store = Store(path)
    for text in texts:
        store.set_status(add_document(store, text), "alice", "done")
    return store


def test_small_split_export_follows_the_fractions(tmp_path):
    """4 done documents at 0.5/0.25/0.25 once put all 4 in test; now 2/1/1 for any seed."""
    store = done_corpus(tmp_path / "s.db", [f"Dispatch {i} from Kabul." for i in range(4)])
    for seed in range(10):
        report = export(store, "jsonl", tmp_path / f"ex{seed}", split="train=0.5,dev=0.25,test=0.25", seed=seed)
        assert report.splits == {"train": 2, "dev": 1, "test": 1} and not report.warnings
        assert {n: len(v) for n, v in split_parts(tmp_path / f"ex{seed}", HALVES).items()} == report.splits
    store.close()


def test_split_does_not_depend_on_import_order(tmp_path):
    texts = [f"Dispatch {i} from Panjshir." for i in range(30)]
    where = []
    for name, order in (("a", texts), ("b", texts[::-1])):
        store = done_corpus(tmp_path / f"{name}.db", order)
        export(store, "jsonl", tmp_path / name, split=DEFAULT_SPLIT, seed=7)
        store.close()
        where.append(
            {x["text"]: split for split, lines in split_parts(tmp_path / name, DEFAULT_SPLIT).items() for x in lines}
        )
    assert where[0] == where[1] and len(where[0]) == 30


def test_split_counts_only_the_exported_documents(loaded, tmp_path):
    """--status todo: the cut is over the documents written, not over the whole corpus."""
    for i in range(3):
        add_document(loaded, f"Untouched dispatch {i} from Bazarak.")
    report = export(loaded, "jsonl", tmp_path / "todo", split=HALVES, status="todo")
    assert report.examples == 4 and report.splits == {"train": 2, "dev": 1, "test": 1}


def test_split_is_cut_from_exactly_the_documents_written(store):
    """The {hash: split} map is computed before streaming: it must cover the same documents the
    pages yield, for every status and annotator filter, or the counts drift from the fractions."""
    states = [None, "todo", "in progress", "done", "skipped", "span", "span+done", "claim"]
    for i in range(len(states) ** 2):
        doc = add_document(store, f"Dispatch {i} from Kabul.")
        for who, state in zip(("alice", "bob"), (states[i % len(states)], states[i // len(states)])):
            if state in ("span", "span+done"):
                store.add_span(doc, 0, 8, "ORG", who)
            if state == "claim":
                add_claim(store, doc, 0, 8, who)
            if state in ("todo", "in progress", "done", "skipped", "span+done"):
                store.set_status(doc, who, state.replace("span+", ""))
    for status in export_mod.STATUS_CHOICES:
        for who in (None, "alice", "nobody"):
            reader = export_mod._Reader(store, status, who, None)
            written = {ex.doc["hash"] for page in reader.pages() for ex in page}
            assert set(reader.hashes()) == written, (status, who)


def doc_offset(text: str) -> int:
    return text.index("Ahmad Massoud")


# --------------------------------------------------------------------------- prodigy


def test_prodigy_tasks(loaded, tmp_path):
    doc = add_document(loaded, "The Panjshiri fighters and Ahmad Massoud met.")
    loaded.add_span(doc, 4, 12, "GPE", "carol")  # "Panjshir" inside the token "Panjshiri"
    loaded.add_span(doc, 27, 40, "PERSON", "carol")
    loaded.set_status(doc, "carol", "done")
    report = export(loaded, "prodigy", tmp_path / "p.jsonl", status="all")
    tasks = read_jsonl(tmp_path / "p.jsonl")
    assert len(tasks) == 5
    for task in tasks:
        text = task["text"]
        for tok in task["tokens"]:
            assert text[tok["start"] : tok["end"]] == tok["text"]
        assert [t["id"] for t in task["tokens"]] == list(range(len(task["tokens"])))
        for span in task["spans"]:
            toks = task["tokens"]
            assert toks[span["token_start"]]["start"] == span["start"]
            assert toks[span["token_end"]]["end"] == span["end"]  # token_end is inclusive
        for key in ("_input_hash", "_task_hash"):
            assert isinstance(task[key], int) and -(2**31) <= task[key] < 2**31
    first = tasks[0]
    assert first["answer"] == "accept" and first["_annotator_id"] == "newsmark-alice"
    assert first["_view_id"] == "ner_manual" and first["meta"]["title"] == "Massoud defiant"
    assert [s["label"] for s in first["spans"]] == ["PERSON", "DATE", "ORG", "GPE"]
    assert "answer" not in tasks[1]  # in progress: a pre-annotated task, not an accepted one
    assert "answer" not in tasks[3] and "_annotator_id" not in tasks[3]  # nobody annotated it
    last = tasks[4]
    assert [s["label"] for s in last["spans"]] == ["PERSON"]  # the misaligned span is left out ...
    assert report.misaligned == 1  # ... and reported
    assert report.misaligned_examples == [
        {"doc": doc, "annotator": "carol", "kind": "span", "start": 4, "end": 12, "label": "GPE", "text": "Panjshir"}
    ]
    # stable hashes: same text, same input hash; different spans, different task hash
    again = read_jsonl(tmp_path / "p.jsonl")
    assert [t["_task_hash"] for t in again] == [t["_task_hash"] for t in tasks]
    export(loaded, "prodigy", tmp_path / "q.jsonl", status="all")
    assert (tmp_path / "q.jsonl").read_bytes() == (tmp_path / "p.jsonl").read_bytes()


def test_prodigy_export_imports_back(loaded, tmp_path):
    export(loaded, "prodigy", tmp_path / "p.jsonl")
    other = Store(tmp_path / "b.db")
    import_paths(other, [str(tmp_path / "p.jsonl")], "x")
    got = other.query(
        'SELECT d.text, s.start, s."end", s.label FROM spans s JOIN documents d ON d.id = s.doc_id '
        "ORDER BY d.text, s.start"
    )
    want = loaded.query(
        'SELECT d.text, s.start, s."end", s.label FROM spans s JOIN documents d ON d.id = s.doc_id '
        "JOIN doc_status st ON st.doc_id = d.id AND st.annotator = s.annotator "
        "WHERE st.status = 'done' ORDER BY d.text, s.start"
    )
    assert got == want
    other.close()


# --------------------------------------------------------------------------- spacy


def load_docbin(path: Path):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_spacy_docbins(loaded, tmp_path):
    doc = add_document(loaded, "The Panjshiri fighters of Ahmad Shah Massoud met in Kabul.")
    loaded.add_span(doc, 4, 12, "GPE", "carol")  # misaligned
    loaded.add_span(doc, 26, 44, "PERSON", "carol")  # Ahmad Shah Massoud
    loaded.add_span(doc, 37, 44, "PERSON", "carol")  # Massoud: overlaps, kept in spans["sc"] only
    loaded.add_span(doc, 52, 57, "GPE", "carol")
    loaded.set_status(doc, "carol", "done")
    add_claim(loaded, doc, 0, 58, "carol", type="statement", speaker="Ahmad Shah Massoud")
    report = export(loaded, "spacy", tmp_path / "corpus", split={"all": 1.0})
    assert report.files == [str(tmp_path / "corpus" / "all.spacy")]
    assert report.overlapping == 1 and report.misaligned == 1 and report.examples == 3
    docs = load_docbin(tmp_path / "corpus" / "all.spacy")
    assert len(docs) == 3
    first = docs[0]
    assert [(e.text, e.label_) for e in first.ents] == [
        ("Ahmad Massoud", "PERSON"),
        ("Monday", "DATE"),
        ("Taliban", "ORG"),
        ("Panjshir", "GPE"),
    ]
    ids = loaded.query("SELECT id, name, external_id FROM entities")
    # kb_id_: the canonical entity's external id (a Wikidata QID) when it has one, else its id
    kb = {r["external_id"] or str(r["id"]): r["name"] for r in ids}
    assert first.ents[0].kb_id_.startswith("Q") and kb[first.ents[0].kb_id_] == "Ahmad Massoud"
    assert first.ents[1].kb_id_ == ""
    massoud = next(r["id"] for r in ids if r["name"] == "Ahmad Massoud")
    loaded.conn.execute("UPDATE entities SET external_id = NULL WHERE id = ?", (massoud,))
    export(loaded, "spacy", tmp_path / "noqid", split={"all": 1.0})
    assert load_docbin(tmp_path / "noqid" / "all.spacy")[0].ents[0].kb_id_ == str(massoud)
    assert [(s.text, s.label_, s.kb_id_) for s in first.spans["claims"]] == [(T1, "statement", "talks")]
    assert first.user_data["claims"][0]["stance"] == "denied"
    assert first.user_data["claims"][0]["role"] == "resistance leader"  # the claim's details carry its role
    assert first.user_data["newsmark"]["annotator"] == "alice"
    assert all(t.ent_iob_ in ("B", "I", "O") for t in first)  # done: every other token is outside
    last = docs[2]
    assert [(e.text, e.label_) for e in last.ents] == [("Ahmad Shah Massoud", "PERSON"), ("Kabul", "GPE")]
    assert sorted(s.text for s in last.spans["sc"]) == ["Ahmad Shah Massoud", "Kabul", "Massoud"]
    assert last[1].text == "Panjshiri" and last[1].ent_iob_ == ""  # misaligned: missing, not "outside"
    assert last[0].ent_iob_ == "O"
    assert len(last.spans["claims"]) == 1


def test_spacy_default_split_writes_every_file(loaded, tmp_path):
    report = export(loaded, "spacy", tmp_path / "c")
    assert sorted(Path(f).name for f in report.files) == ["dev.spacy", "test.spacy", "train.spacy"]
    assert sum(report.splits.values()) == 2 == sum(len(load_docbin(Path(f))) for f in report.files)
    assert any("empty" in w for w in report.warnings)


def test_spacy_small_corpus_fills_train_and_dev(tmp_path):
    """An empty dev.spacy breaks `spacy train`: 4 documents at the default split give 2/1/1."""
    store = done_corpus(tmp_path / "s.db", [f"Dispatch {i} from Kabul." for i in range(4)])
    report = export(store, "spacy", tmp_path / "c", seed=1)
    store.close()
    assert report.splits == {"train": 2, "dev": 1, "test": 1} and not report.warnings
    assert {Path(f).stem: len(load_docbin(Path(f))) for f in report.files} == report.splits


def test_spacy_shards_large_splits(loaded, tmp_path, monkeypatch):
    monkeypatch.setattr(export_mod.writers.spacy, "SHARD_DOCS", 1)
    report = export(loaded, "spacy", tmp_path / "c", split={"train": 1.0}, status="all")
    files = sorted(Path(f).relative_to(tmp_path / "c").as_posix() for f in report.files)
    assert files == ["train/0000.spacy", "train/0001.spacy", "train/0002.spacy", "train/0003.spacy"]
    assert sum(len(load_docbin(tmp_path / "c" / f)) for f in files) == 4
    # a smaller export into the same directory leaves no stale shard behind for spacy train to read
    export(loaded, "spacy", tmp_path / "c", split={"train": 1.0})
    assert sorted(p.name for p in (tmp_path / "c" / "train").iterdir()) == ["0000.spacy", "0001.spacy"]


def test_spacy_train_runs_on_the_export(tmp_path):
    """`python -m spacy train` accepts the DocBins as they are (blank English, a few steps)."""
    store = Store(tmp_path / "t.db")
    names = ["Ahmad Massoud", "Amrullah Saleh", "Zabihullah Mujahid"]
    places = ["Panjshir", "Kabul", "Bazarak"]
    for i in range(30):
        who, where = names[i % 3], places[(i // 3) % 3]
        text = f"On day {i}, {who} said in {where} that the talks had failed."
        doc = add_document(store, text)
        store.add_span(doc, text.index(who), text.index(who) + len(who), "PERSON", "alice")
        store.add_span(doc, text.index(where), text.index(where) + len(where), "GPE", "alice")
        store.set_status(doc, "alice", "done")
    report = export(store, "spacy", tmp_path / "corpus", split={"train": 0.6, "dev": 0.4}, seed=0)
    assert report.splits["train"] and report.splits["dev"]
    store.close()
    cfg = tmp_path / "config.cfg"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner", "--force"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "train",
            str(cfg),
            "--output",
            str(tmp_path / "model"),
            "--paths.train",
            str(tmp_path / "corpus" / "train.spacy"),
            "--paths.dev",
            str(tmp_path / "corpus" / "dev.spacy"),
            "--training.max_steps",
            "5",
            "--training.eval_frequency",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / "meta.json").exists()


# --------------------------------------------------------------------------- links


def test_links_export(store, tmp_path):
    doc = add_document(store, "Ahmad Massoud and Panjshir; Masood.")
    eid = add_entity(store, "Ahmad Massoud", "PERSON", aliases=["Masood"])
    add_entity(store, "Panjshir", "GPE")  # one form only: no pair
    span = store.add_span(doc, 0, 13, "PERSON", "alice", entity_id=eid)
    assert span
    store.add_span(doc, 28, 34, "PERSON", "alice", entity_id=eid)
    judge(store, "Masoud", "Massoud", "PERSON", "different")
    judge(store, "Massoud", "Masoud", "PERSON", "same")  # re-judged: the latest wins
    judge(store, "Ahmad Massoud", "Ahmad Shah Massoud", "PERSON", "different")
    judge(store, "Kabul", "Kabol", "GPE", "unsure")
    judge(store, "Panjshir", "Panshir", "GPE", "same", annotator="bob")
    judge(store, "Massoud", "Ahmad Massoud", "PERSON", "same")
    report = export(store, "links", tmp_path / "links.jsonl")
    lines = read_jsonl(tmp_path / "links.jsonl")
    pairs = [x for x in lines if "a" in x]
    clusters = [x for x in lines if "cluster" in x]
    assert [(p["a"], p["b"], p["label"], p["same"], p["source"]) for p in pairs] == [
        ("Panjshir", "Panshir", "GPE", True, "judgement"),
        ("Ahmad Massoud", "Ahmad Shah Massoud", "PERSON", False, "judgement"),
        ("Ahmad Massoud", "Masood", "PERSON", True, "entity"),
        ("Ahmad Massoud", "Massoud", "PERSON", True, "judgement"),
        ("Masoud", "Massoud", "PERSON", True, "judgement"),
    ]
    assert pairs[2]["entity"] == eid and pairs[0]["annotator"] == "bob" and "kb_id" not in pairs[2]
    store.conn.execute("UPDATE entities SET external_id = 'Q2569263' WHERE id = ?", (eid,))
    export(store, "links", tmp_path / "qid.jsonl")
    derived = [x for x in read_jsonl(tmp_path / "qid.jsonl") if x.get("source") == "entity"]
    assert [(x["a"], x["b"], x["kb_id"]) for x in derived] == [("Ahmad Massoud", "Masood", "Q2569263")]
    assert clusters == [
        {"cluster": ["Panjshir", "Panshir"], "label": "GPE"},
        {"cluster": ["Ahmad Massoud", "Masood", "Masoud", "Massoud"], "label": "PERSON"},
    ]
    assert report.pairs == 5 and report.clusters == 2 and report.unsure == 1
    report = export(store, "links", tmp_path / "bob.jsonl", annotator="bob")
    assert [x.get("a") for x in read_jsonl(tmp_path / "bob.jsonl") if "a" in x] == ["Panjshir", "Ahmad Massoud"]


def test_links_conflicts_and_nothing(store, tmp_path):
    with pytest.raises(UserInputError, match="no variant judgements"):
        export(store, "links", tmp_path / "l.jsonl")
    add_entity(store, "Ahmad Massoud", "PERSON", aliases=["Ahmad Shah Massoud"])
    judge(store, "Ahmad Shah Massoud", "Ahmad Massoud", "PERSON", "different")
    report = export(store, "links", tmp_path / "l.jsonl")
    assert report.conflicts == 1
    assert read_jsonl(tmp_path / "l.jsonl") == [
        {
            "a": "Ahmad Massoud",
            "b": "Ahmad Shah Massoud",
            "label": "PERSON",
            "same": False,
            "source": "judgement",
            "annotator": "alice",
        }
    ]


def test_native_spans_escape_like_json(store, tmp_path):
    """Span objects are written by SQLite's json_object: any text must come back exactly."""
    text = 'He said "Ka\\bul"\n\tthen \x01 café 😀 \u2028 \x7f «Panjshir» end.'
    doc = add_document(store, text)
    tricky = ['"Ka\\bul"', "\n\tthen \x01", "café 😀", "\u2028 \x7f «Panjshir»"]
    for piece in tricky:
        start = text.index(piece)
        store.add_span(doc, start, start + len(piece), "MISC", "alice")
    store.set_status(doc, "alice", "done")
    export(store, "jsonl", tmp_path / "x.jsonl")
    raw = (tmp_path / "x.jsonl").read_text(encoding="utf-8")
    assert raw.count("\n") == 1  # one line: newlines inside strings are escaped
    line = json.loads(raw)
    assert [s["text"] for s in line["spans"]] == tricky
    assert all(text[s["start"] : s["end"]] == s["text"] for s in line["spans"])
    other = Store(tmp_path / "b.db")
    import_paths(other, [str(tmp_path / "x.jsonl")], "x")
    export(other, "jsonl", tmp_path / "y.jsonl")
    assert (tmp_path / "y.jsonl").read_bytes() == raw.encode("utf-8")
    other.close()


# --------------------------------------------------------------------------- several annotators, labels


def two_annotators(store):
    """Two documents: the first done by alice and bob (two gold versions), the second by alice."""
    d1, d2 = add_document(store, T1), add_document(store, T2)
    store.add_span(d1, 0, 13, "PERSON", "alice")
    store.add_span(d1, 0, 13, "NORP", "bob")
    store.add_span(d2, 13, 18, "GPE", "alice")
    for doc, who in ((d1, "alice"), (d1, "bob"), (d2, "alice")):
        store.set_status(doc, who, "done")
    return d1, d2


def test_spacy_refuses_two_gold_versions_of_one_text(store, tmp_path):
    two_annotators(store)
    with pytest.raises(UserInputError) as err:
        export(store, "spacy", tmp_path / "c", split={"train": 1.0})
    msg = str(err.value)
    assert "1 document(s) were annotated by several annotators (alice, bob)" in msg and "--annotator" in msg
    assert not (tmp_path / "c" / "train.spacy").exists()
    report = export(store, "spacy", tmp_path / "c", split={"train": 1.0}, annotator="bob")
    assert report.examples == report.documents == 1 and report.annotators == ["bob"]
    docs = load_docbin(tmp_path / "c" / "train.spacy")
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Ahmad Massoud", "NORP")]


def test_spacy_counts_several_annotators_for_the_status_exported(store, tmp_path):
    d1, _ = two_annotators(store)
    store.set_status(d1, "bob", "in progress")  # done: one version per text again
    report = export(store, "spacy", tmp_path / "c", split={"train": 1.0})
    assert report.examples == report.documents == 2
    with pytest.raises(UserInputError, match=r"several annotators \(alice, bob\)"):
        export(store, "spacy", tmp_path / "c", split={"train": 1.0}, status="all")


def test_jsonl_and_prodigy_keep_every_version_and_say_so(store, tmp_path):
    two_annotators(store)
    report = export(store, "jsonl", tmp_path / "all.jsonl")
    assert len(read_jsonl(tmp_path / "all.jsonl")) == report.examples == 3
    assert report.documents == 2 and report.annotators == ["alice", "bob"]
    report = export(store, "prodigy", tmp_path / "p.jsonl")
    lines = read_jsonl(tmp_path / "p.jsonl")
    assert [x["_annotator_id"] for x in lines] == ["newsmark-alice", "newsmark-bob", "newsmark-alice"]
    assert report.examples == 3 and report.documents == 2


def test_unknown_label_is_an_error(store, tmp_path):
    two_annotators(store)
    with pytest.raises(UserInputError) as err:
        export(store, "jsonl", tmp_path / "x.jsonl", labels=["PERSN"], known_labels=["PERSON", "GPE"])
    assert str(err.value) == "--labels: unknown label 'PERSN' (known: GPE, NORP, PERSON)"
    assert not (tmp_path / "x.jsonl").exists()
    # configured but absent from the data, or present in the data but not configured: fine
    report = export(store, "jsonl", tmp_path / "x.jsonl", labels=["EVENT", "NORP"], known_labels=["EVENT"])
    assert report.spans == 1
    with pytest.raises(UserInputError, match="unknown label 'XX'"):
        export(store, "links", tmp_path / "l.jsonl", labels=["XX"])


def test_canonical_forms_are_the_shared_link_gold(store):
    from annotations.store.entities import canonical_forms

    eid = add_entity(store, "Ahmad Massoud", "PERSON", aliases=["Masood", " "])
    doc = add_document(store, T2)
    store.add_span(doc, 39, 51, "PERSON", "alice", entity_id=eid)  # Ahmad Masood
    store.add_span(doc, 13, 18, "GPE", "bob")  # not linked
    assert canonical_forms(store) == {eid: ("PERSON", {"Ahmad Massoud", "Masood", "Ahmad Masood"})}
    assert canonical_forms(store, annotator="bob") == {eid: ("PERSON", {"Ahmad Massoud", "Masood"})}


def test_exporting_to_a_pipe_or_device_writes_it_and_leaves_it_in_place(loaded, tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(
        target=lambda: received.extend(fifo.read_text(encoding="utf-8").splitlines()), daemon=True
    )
    reader.start()
    export(loaded, "jsonl", str(fifo))  # like --out /dev/null: never rename a file over it
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and all(json.loads(line)["text"] for line in received)
    assert not list(tmp_path.glob(".pipe.tmp-*"))
