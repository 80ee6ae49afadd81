"""`merge`: two databases annotated apart give the union; merging again changes nothing;
the same annotator's different spans are a conflict the later edit wins; foreign or newer
databases are refused untouched."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document

import annotations.entities.actions as entity_actions
import annotations.reading.claims as claim_actions
import annotations.store as store_module
from annotations.errors import UserInputError
from annotations.store import Store, held_out
from annotations.store import history as store_history
from annotations.team.merge import merge_database

ROOT = Path(__file__).resolve().parents[1]
SHARED = [
    "Ahmad Massoud said on Monday that resistance fighters still held the Panjshir valley.",
    "Taliban spokesman Zabihullah Mujahid told reporters in Kabul that Bazarak had fallen.",
]
ONLY_A = "Amrullah Saleh, the former vice-president, said he remained inside Panjshir."
ONLY_B = "Residents of Rokha said the road to Charikar had been closed since Sunday."


class Clock:
    """Every module's `now()` reads this, so which edit is later is decided by the test."""

    def __init__(self) -> None:
        self.t = 0

    def __call__(self) -> str:
        self.t += 1
        return f"2026-12-01T10:{self.t // 60:02d}:{self.t % 60:02d}+00:00"


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    for module in (store_module, store_history, claim_actions, entity_actions):
        if hasattr(module, "now"):
            monkeypatch.setattr(module, "now", c)
    return c


def dump(store: Store) -> dict[str, list]:
    """The annotations by what they mean (ids differ between databases)."""
    q = store.query
    return {
        "documents": sorted(r["hash"] for r in q("SELECT hash FROM documents")),
        "spans": sorted(
            (r["hash"], r["start"], r["end"], r["label"], r["annotator"], r["entity"])
            for r in q(
                'SELECT d.hash, s.start, s."end", s.label, s.annotator, e.name AS entity FROM spans s '
                "JOIN documents d ON d.id = s.doc_id LEFT JOIN entities e ON e.id = s.entity_id"
            )
        ),
        "claims": sorted(
            (r["hash"], r["start"], r["end"], r["annotator"], r["stance"])
            for r in q(
                'SELECT d.hash, c.start, c."end", c.annotator, c.stance FROM claims c JOIN documents d ON d.id = c.doc_id'
            )
        ),
        "entities": sorted((r["name"], r["label"], r["external_id"] or "") for r in q("SELECT * FROM entities")),
        "aliases": sorted(
            (r["name"], r["form"])
            for r in q("SELECT e.name, a.form FROM aliases a JOIN entities e ON e.id = a.entity_id")
        ),
        "judgements": sorted((r["a"], r["b"], r["verdict"], r["annotator"]) for r in q("SELECT * FROM judgements")),
        "status": sorted(
            (r["hash"], r["annotator"], r["status"])
            for r in q("SELECT d.hash, s.annotator, s.status FROM doc_status s JOIN documents d ON d.id = s.doc_id")
        ),
    }


def span_at(store: Store, text: str, word: str, label: str, who: str) -> int:
    doc = store.scalar("SELECT id FROM documents WHERE hash = ?", (store_module.content_hash(text),))
    start = text.index(word)
    return store.add_span(doc, start, start + len(word), label, who)


@pytest.fixture
def pair(tmp_path, clock):
    """Server A (alice) and server B (bob, and alice on another day), annotated apart."""
    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    for text in [*SHARED, ONLY_A]:
        add_document(a, text)
    for text in [ONLY_B, *SHARED]:  # another import order: other ids
        add_document(b, text)
    s = span_at(a, SHARED[0], "Ahmad Massoud", "PERSON", "alice")
    entity_actions.link(a, s, "alice", new=("Ahmad Massoud", "PERSON"))
    span_at(a, ONLY_A, "Amrullah Saleh", "PERSON", "alice")
    a.set_status(1, "alice", "done")
    claim_actions.add_claim(a, 2, 0, len(SHARED[1]), "alice", stance="reported")
    s = span_at(b, SHARED[0], "Panjshir", "GPE", "bob")
    entity_actions.link(b, s, "bob", new=("Panjshir", "GPE"))
    span_at(b, SHARED[1], "Zabihullah Mujahid", "PERSON", "bob")
    span_at(b, ONLY_B, "Charikar", "GPE", "bob")
    entity_actions.judge(b, "Panjshir", "Panshir", "GPE", "same", "bob")
    yield a, b
    a.close()
    b.close()


def test_merging_gives_the_union_and_merging_again_changes_nothing(pair):
    a, b = pair
    before_a, before_b = dump(a), dump(b)
    report = merge_database(a, b.path, "alice")
    assert report.conflicts == []
    merged = dump(a)
    for key in merged:
        assert set(merged[key]) == set(before_a[key]) | set(before_b[key]), key
    assert ("Panjshir", "Panshir", "same", "bob") in merged["judgements"]
    events = a.scalar("SELECT count(*) FROM events")
    groups = a.scalar("SELECT count(*) FROM action_groups")
    again = merge_database(a, b.path, "alice")
    assert again.changed == 0 and again.counts.get("history", 0) == 0
    assert dump(a) == merged
    assert a.scalar("SELECT count(*) FROM events") == events
    assert a.scalar("SELECT count(*) FROM action_groups") == groups + 1  # the merge itself, logged
    # B takes A's union, then A takes B's again: still nothing new anywhere
    merge_database(b, a.path, "bob")
    assert dump(b) == merged
    assert merge_database(a, b.path, "alice").changed == 0
    assert merge_database(a, b.path, "alice").counts.get("history", 0) == 0


def test_the_event_history_comes_along_off_the_undo_stack(pair):
    a, b = pair
    merge_database(a, b.path, "alice")
    copied = a.query("SELECT * FROM action_groups WHERE note LIKE 'merged %'")
    assert {g["annotator"] for g in copied} == {"bob"} and all(g["kind"] == "bulk" for g in copied)
    assert len(copied) == b.scalar("SELECT count(*) FROM action_groups")
    assert a.undo("bob") is None  # bob's history here is for audit, not to undo
    undone = a.undo("alice")  # alice's own last action is still hers to undo
    assert undone is not None and undone["name"] != "merge b.db"


def test_the_same_annotators_different_spans_conflict_and_the_later_edit_wins(tmp_path, clock):
    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    for s in (a, b):
        for text in SHARED:
            add_document(s, text)
    span_at(a, SHARED[0], "Ahmad", "PERSON", "alice")  # earlier, on server A
    span_at(b, SHARED[0], "Ahmad Massoud", "PERSON", "alice")  # later, on server B
    span_at(b, SHARED[1], "Kabul", "GPE", "alice")
    span_at(a, SHARED[1], "Kabul", "LOC", "alice")  # later here: A's label stays
    report = merge_database(a, b.path, "alice")
    assert len(report.conflicts) == 2
    assert any("'Ahmad'" in c and "'Ahmad Massoud'" in c and "kept b.db" in c for c in report.conflicts)
    assert any("GPE" in c and "LOC" in c and "kept here" in c for c in report.conflicts)
    texts = {(r["text"], r["label"]) for r in a.query("SELECT text, label FROM spans WHERE annotator = 'alice'")}
    assert texts == {("Ahmad Massoud", "PERSON"), ("Kabul", "LOC")}
    again = merge_database(a, b.path, "alice")
    assert again.changed == 0  # the loser stays lost: nothing flips back
    assert {(r["text"], r["label"]) for r in a.query("SELECT text, label FROM spans")} == texts


def test_a_dry_run_reports_and_writes_nothing(pair):
    a, b = pair
    before = dump(a)
    size = a.scalar("SELECT count(*) FROM action_groups")
    report = merge_database(a, b.path, "alice", dry_run=True)
    assert report.counts["spans"] == 3 and report.counts["documents"] == 1
    assert dump(a) == before and a.scalar("SELECT count(*) FROM action_groups") == size


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_a_foreign_or_newer_database_is_refused_untouched(tmp_path, pair):
    a, b = pair
    foreign = tmp_path / "other app#1.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE c (id)")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    ours = dump(a)
    for bad in (foreign, newer):
        before = digest(bad)
        with pytest.raises(UserInputError, match="nothing merged"):
            merge_database(a, bad, "alice")
        assert digest(bad) == before
    assert dump(a) == ours
    a.close()
    out = cli("merge", str(b.path), str(foreign), "--db", str(tmp_path / "a.db"))
    assert out.returncode == 2 and "not a newsmark database" in out.stderr
    assert "Traceback" not in out.stderr
    assert dump(Store(tmp_path / "a.db")) == ours  # the good source was not merged either


def test_the_cli_merges_and_reports(tmp_path, pair):
    a, b = pair
    a.close()
    db = str(tmp_path / "a.db")
    dry = cli("merge", str(b.path), "--db", db, "--dry-run")
    assert dry.returncode == 0 and "would add" in dry.stdout
    out = cli("merge", str(b.path), "--db", db, "--json")
    assert out.returncode == 0, out.stderr
    counts = json.loads(out.stdout)["merged"][0]["counts"]
    assert counts["spans"] == 3 and counts["documents"] == 1 and counts["judgements"] == 1
    again = cli("merge", str(b.path), "--db", db)
    assert again.returncode == 0 and "nothing new" in again.stdout and "0 history" in again.stdout


# -- deletions, finished work and settled conflicts survive round trips (issue 24.2, 24.3) --


@pytest.fixture
def copies(tmp_path, clock):
    """Server A annotated; server B a copy of it made by merging A into a new file."""
    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    for text in SHARED:
        add_document(a, text)
    span_at(a, SHARED[0], "Ahmad Massoud", "PERSON", "alice")
    span_at(a, SHARED[0], "Panjshir", "GPE", "alice")
    span_at(a, SHARED[1], "Kabul", "GPE", "alice")
    claim_actions.add_claim(a, 2, 0, 30, "alice", stance="reported")
    entity_actions.judge(a, "Panjshir", "Panshir", "GPE", "same", "alice")
    merge_database(b, a.path, "bob")
    assert dump(b) == dump(a)
    yield a, b
    a.close()
    b.close()


def spans_of(store: Store) -> set[tuple[str, str]]:
    return {(r["text"], r["label"]) for r in store.query("SELECT text, label FROM spans")}


def test_a_deleted_span_stays_deleted_whichever_way_the_merge_runs(copies):
    a, b = copies
    massoud = a.scalar("SELECT id FROM spans WHERE text = 'Ahmad Massoud'")
    a.delete_span(massoud, "alice")
    expected = spans_of(a)
    # A takes B first: B still has the span, but A deleted it later than B's last edit
    report = merge_database(a, b.path, "alice")
    assert spans_of(a) == expected and "spans" not in report.counts and report.conflicts == []
    # B takes A: the deletion travels
    report = merge_database(b, a.path, "bob")
    assert spans_of(b) == expected and report.counts.get("spans deleted") == 1
    assert merge_database(a, b.path, "alice").changed == 0
    assert merge_database(b, a.path, "bob").changed == 0
    assert dump(a) == dump(b)


def test_the_reverse_merge_does_not_count_a_deletion_as_added(copies):
    a, b = copies
    b.delete_span(b.scalar("SELECT id FROM spans WHERE text = 'Kabul'"), "alice")
    report = merge_database(a, b.path, "alice")  # the copy that still has it takes the deletion
    assert ("Kabul", "GPE") not in spans_of(a) and report.counts.get("spans deleted") == 1
    report = merge_database(b, a.path, "bob")  # and the deleting copy adds nothing back
    assert report.counts.get("spans", 0) == 0 and ("Kabul", "GPE") not in spans_of(b)


def test_an_undone_annotation_is_a_deletion_too_and_a_redo_brings_it_back(copies):
    a, b = copies
    span_at(b, SHARED[1], "Zabihullah Mujahid", "PERSON", "alice")
    merge_database(a, b.path, "alice")
    assert ("Zabihullah Mujahid", "PERSON") in spans_of(a)
    b.undo("alice")  # undoing the span in B deletes it there
    merge_database(a, b.path, "alice")
    assert ("Zabihullah Mujahid", "PERSON") not in spans_of(a)
    b.redo("alice")  # and redoing it is a later edit again
    merge_database(a, b.path, "alice")
    assert ("Zabihullah Mujahid", "PERSON") in spans_of(a)


def test_deleted_claims_aliases_judgements_and_links_stay_deleted(copies):
    a, b = copies
    claim_actions.delete_claim(a, a.scalar("SELECT id FROM claims"), "alice")
    alias = a.scalar("SELECT id FROM aliases WHERE form = 'Panshir'")
    with a.action("alice", "drop alias") as act:
        act.delete("aliases", alias)
    judged = a.scalar("SELECT id FROM judgements")
    with a.action("alice", "drop judgement") as act:
        act.delete("judgements", judged)
    linked = a.scalar("SELECT id FROM spans WHERE entity_id IS NOT NULL")
    entity_actions.link_span(a, linked, None, "alice")  # unlinked in A, still linked in B
    merge_database(a, b.path, "alice")
    assert a.scalar("SELECT count(*) FROM claims") == 0
    assert a.scalar("SELECT count(*) FROM aliases WHERE form = 'Panshir'") == 0
    assert a.scalar("SELECT count(*) FROM judgements") == 0
    assert a.scalar("SELECT count(*) FROM spans WHERE entity_id IS NOT NULL") == 0
    merge_database(b, a.path, "bob")
    assert dump(b) == dump(a)


def test_an_edit_after_the_other_copy_deleted_wins(copies):
    a, b = copies
    a.delete_span(a.scalar("SELECT id FROM spans WHERE text = 'Panjshir'"), "alice")
    span = b.scalar("SELECT id FROM spans WHERE text = 'Panjshir'")
    entity_actions.link_span(b, span, None, "alice")  # B edits it later than A deleted it
    merge_database(a, b.path, "alice")
    assert ("Panjshir", "GPE") in spans_of(a)
    merge_database(b, a.path, "bob")
    assert dump(b) == dump(a)


def test_an_entity_merged_away_in_one_copy_maps_to_its_successor_in_the_other(copies):
    a, b = copies
    saleh = entity_actions.create_entity(b, "Massoud", "PERSON", "alice")
    merge_database(a, b.path, "alice")
    keep = entity_actions.create_entity(a, "Ahmad Massoud", "PERSON", "alice")
    drop = a.scalar("SELECT id FROM entities WHERE name = 'Massoud'")
    entity_actions.merge_entities(a, keep, drop, "alice")
    span = b.scalar("SELECT id FROM spans WHERE text = 'Ahmad Massoud'")
    entity_actions.link_span(b, span, saleh, "alice")  # B links to the entity A merged away, earlier
    merge_database(b, a.path, "bob")  # B takes A's merge: its entity goes, its link follows
    names = {r["name"] for r in b.query("SELECT name FROM entities")}
    assert "Massoud" not in names and "Ahmad Massoud" in names
    assert (
        b.scalar("SELECT e.name FROM spans s JOIN entities e ON e.id = s.entity_id WHERE s.text = 'Ahmad Massoud'")
        == "Ahmad Massoud"
    )
    merge_database(a, b.path, "alice")
    assert dump(a) == dump(b)


def test_done_is_not_demoted_by_a_later_open_in_the_other_copy(copies):
    a, b = copies
    a.set_status(1, "alice", "done")
    b.set_status(1, "alice", "in progress")  # later: opening it on the other server
    b.set_status(2, "alice", "reviewed")
    a.set_status(2, "alice", "todo")
    merge_database(a, b.path, "alice")
    merge_database(b, a.path, "bob")
    for store in (a, b):
        assert store.status(1, "alice") == "done" and store.status(2, "alice") == "reviewed"


def test_a_settled_conflict_is_not_reported_again_in_either_direction(tmp_path, clock):
    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    for s in (a, b):
        for text in SHARED:
            add_document(s, text)
    span_at(a, SHARED[0], "Ahmad", "PERSON", "alice")
    span_at(b, SHARED[0], "Ahmad Massoud", "PERSON", "alice")  # later: B wins
    span_at(b, SHARED[1], "Kabul", "GPE", "alice")
    span_at(a, SHARED[1], "Kabul", "LOC", "alice")  # later: A wins
    claim_actions.add_claim(b, 1, 0, 20, "alice", stance="reported")
    claim_actions.add_claim(a, 1, 0, 20, "alice", stance="denied")  # later: A wins
    assert len(merge_database(a, b.path, "alice").conflicts) == 3
    again = merge_database(a, b.path, "alice")
    assert again.conflicts == [] and again.changed == 0
    back = merge_database(b, a.path, "bob")
    assert back.conflicts == []
    assert dump(b) == dump(a)
    assert merge_database(a, b.path, "alice").conflicts == []
    a.close()
    b.close()


# -- the source is outside input: checked whole, one line, exit 2, nothing merged (issue 22) --


def source_db(tmp_path: Path, tamper: str = "", *, name: str = "b.db") -> Path:
    """A valid other database (two documents, bob's spans), then `tamper` run on it raw."""
    path = tmp_path / name
    with Store(path) as b:
        for text in SHARED:
            add_document(b, text)
        span_at(b, SHARED[0], "Panjshir", "GPE", "bob")
        span_at(b, SHARED[1], "Kabul", "GPE", "bob")
    if tamper:
        conn = sqlite3.connect(path)
        conn.executescript(tamper)
        conn.close()
    return path


def target_db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    with Store(path) as a:
        add_document(a, SHARED[0])
        span_at(a, SHARED[0], "Ahmad Massoud", "PERSON", "alice")
    return path


NULL_TEXT = """
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, 'text TEXT NOT NULL', 'text TEXT') WHERE name = 'documents';
PRAGMA writable_schema = OFF;
"""

REFUSED = {
    "escaped label": (
        "UPDATE spans SET label = 'GPE' || char(27) || ']52;c;SGVsbG8=' || char(7) WHERE text = 'Kabul';",
        "is not a label",
    ),
    "label outside the config": ("UPDATE spans SET label = 'WEAPON' WHERE text = 'Kabul';", "not in the config"),
    "span past its text": ("UPDATE spans SET \"end\" = 500 WHERE text = 'Kabul';", "outside its document's text"),
    "span text not its characters": ("UPDATE spans SET text = 'Herat' WHERE text = 'Kabul';", "not its document's"),
    "extra column": ("ALTER TABLE spans ADD COLUMN mood TEXT;", "has a column 'mood'"),
    "extra column, escaped": ('ALTER TABLE spans ADD COLUMN "x' + "\x1b[31m" + '";', "has a column"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_source_is_refused_in_one_line_and_nothing_is_merged(tmp_path, case):
    tamper, message = REFUSED[case]
    source = source_db(tmp_path, tamper)
    db = target_db(tmp_path)
    before = digest(db)
    good = source_db(tmp_path, name="good.db")
    config = tmp_path / "config.yaml"
    config.write_text("labels:\n  - {name: PERSON}\n  - {name: GPE}\n", encoding="utf-8")
    out = cli("merge", str(good), str(source), "--db", str(db), "--config", str(config))
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "b.db" in lines[0] and message in lines[0] and "nothing merged" in lines[0]
    assert "\x1b" not in out.stderr and "\x07" not in out.stderr and "Traceback" not in out.stderr
    assert digest(db) == before  # not even the good source was merged


def test_new_labels_lets_a_label_outside_the_config_in(tmp_path):
    source = source_db(tmp_path, "UPDATE spans SET label = 'WEAPON' WHERE text = 'Kabul';")
    db = target_db(tmp_path)
    out = cli("merge", str(source), "--db", str(db), "--new-labels")
    assert out.returncode == 0, out.stderr
    with Store(db) as a:
        assert a.scalar("SELECT count(*) FROM spans WHERE label = 'WEAPON'") == 1


def test_a_document_with_no_text_is_one_line_not_an_internal_error(tmp_path):
    source = source_db(tmp_path, NULL_TEXT)
    conn = sqlite3.connect(source)
    conn.execute("UPDATE documents SET text = NULL WHERE id = 2")
    conn.commit()
    conn.close()
    out = cli("merge", str(source), "--db", str(target_db(tmp_path)))
    assert out.returncode == 2 and "document 2 has no text" in out.stderr and "internal error" not in out.stderr


def test_a_note_that_only_starts_like_a_merge_note_merges(tmp_path):
    source = source_db(tmp_path, "UPDATE action_groups SET note = 'merged ';")
    db = target_db(tmp_path)
    out = cli("merge", str(source), "--db", str(db))
    assert out.returncode == 0, out.stderr
    with Store(db) as a:
        assert a.scalar("SELECT count(*) FROM spans WHERE annotator = 'bob'") == 2


def test_a_tampered_hash_is_recomputed_so_the_same_article_is_not_stored_twice(tmp_path):
    source = source_db(tmp_path, "UPDATE documents SET hash = 'forged' || id;")
    db = target_db(tmp_path)
    assert cli("merge", str(source), "--db", str(db)).returncode == 0
    with Store(db) as a:
        assert a.scalar("SELECT count(*) FROM documents") == 2
        hashes = {r["hash"] for r in a.query("SELECT hash FROM documents")}
        assert hashes == {store_module.content_hash(t) for t in SHARED}


def test_a_source_in_a_read_only_directory_merges(tmp_path):
    """A read-only bind mount in a private mount namespace (unshare), so root cannot write there either."""
    import shutil

    if not shutil.which("unshare") or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("needs unshare -rm for a read-only mount")
    (tmp_path / "src").mkdir()
    source = source_db(tmp_path / "src")
    (tmp_path / "ro").mkdir()
    db = target_db(tmp_path)
    script = (
        f"mount --bind -o ro {tmp_path / 'src'} {tmp_path / 'ro'} && touch {tmp_path / 'ro' / 'probe'} 2>/dev/null "
        f"&& exit 9; {sys.executable} -m tui.cli merge {tmp_path / 'ro' / source.name} --db {db}"
    )
    out = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "added" in out.stdout
    assert sorted(p.name for p in (tmp_path / "src").iterdir()) == ["b.db"]  # nothing created beside it


def test_merge_json_is_terminal_safe(tmp_path):
    source = source_db(tmp_path, name="b\u202egpj.\x9b31m.db")  # a file name is outside text too
    db = target_db(tmp_path)
    with Store(db) as a:  # a conflict, so the source's name is in its line as well
        span_at(a, SHARED[0], "Panjshir valley", "LOC", "bob")
    out = cli("merge", str(source), "--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    assert not any(c in out.stdout for c in "\x1b\x07\x9b\u202e")
    report = json.loads(out.stdout)["merged"][0]
    assert report["source"] == str(source)  # escaped for the terminal, exact as data
    assert report["conflicts"] and report["counts"]["spans"] == 1


def test_a_document_held_out_in_either_copy_stays_held_out(copies):
    a, b = copies
    one = a.scalar("SELECT id FROM documents WHERE hash = ?", (store_module.content_hash(SHARED[0]),))
    with a.action("alice", "hold out") as act:
        held_out.set_held_out(act, [one], True, "alice")
    two_b = b.scalar("SELECT id FROM documents WHERE hash = ?", (store_module.content_hash(SHARED[1]),))
    with b.action("bob", "hold out") as act:
        held_out.set_held_out(act, [two_b], True, "bob")
    report = merge_database(b, a.path, "bob")
    assert report.counts.get("held_out") == 1
    merge_database(a, b.path, "alice")
    for store in (a, b):
        held = {store.scalar("SELECT hash FROM documents WHERE id = ?", (d,)) for d in held_out.held_out_ids(store)}
        assert held == {store_module.content_hash(t) for t in SHARED}
    assert merge_database(a, b.path, "alice").changed == 0
