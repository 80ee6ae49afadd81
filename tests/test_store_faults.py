"""The store in a faulty environment, on real SQLite files: hostile paths, foreign and newer
files, a full disk, a write lock held past the busy timeout, a -wal deleted under a session.

Each fault must end in a StoreError subclass with one true line and leave the data as it was.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import add_document

from annotations.corpus.ingest import import_paths
from annotations.errors import (
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreIOFailure,
    StoreLocked,
    StoreReadOnly,
)
from annotations.store import Store
from annotations.store.schema import APPLICATION_ID, SCHEMA_VERSION

HOSTILE_NAMES = ["o#x.db", "what?.db", "a%20b.db", "two words.db", "p#q?r%41 s.db"]
STORY = (
    "The harbour authority said on Friday that the north pier will close for repairs "
    "until March, after divers found cracks in two of its pylons."
)


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    conn.commit()
    conn.close()


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_foreign_file_at_a_hostile_path_is_refused_untouched(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)  # a stray file would land in the working directory
    path = tmp_path / name
    _foreign(path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a newsmark database"):
        Store(name)
    assert path.read_bytes() == before
    assert _listing(tmp_path) == [name]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_newsmark_database_at_a_hostile_path_opens_and_keeps_its_data(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with Store(name) as store:
        add_document(store, STORY)
    with Store(tmp_path / name) as store:
        assert store.count_documents() == 1
    assert _listing(tmp_path) == [name]


def _newer_wal_database(path: Path) -> sqlite3.Connection:
    """A newsmark database a newer version is using: its newest header sits in the -wal."""
    with Store(path) as store:
        add_document(store, STORY)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("PRAGMA user_version = 999")
    return conn


@pytest.mark.parametrize("name", ["new.db", "new #2?.db"])
def test_a_newer_schema_is_refused_without_leaving_files(tmp_path, name):
    path = tmp_path / name
    conn = _newer_wal_database(path)
    conn.close()  # checkpointed: the version is in the main file
    with pytest.raises(StoreError, match="schema version 999 is newer"):
        Store(path)
    assert _listing(tmp_path) == [name]


def test_a_newer_schema_still_in_the_wal_is_refused_and_no_shm_is_left(tmp_path):
    path = tmp_path / "new#wal.db"
    conn = _newer_wal_database(path)
    # Copy the main file and its -wal as another machine left them: no -shm beside them.
    copy = tmp_path / "copy #1.db"
    copy.write_bytes(path.read_bytes())
    Path(f"{copy}-wal").write_bytes(Path(f"{path}-wal").read_bytes())
    conn.close()
    with pytest.raises(StoreError, match="schema version 999 is newer"):
        Store(copy)
    assert not Path(f"{copy}-shm").exists()
    assert Path(f"{copy}-wal").exists()  # not ours to remove: it holds the newer data


@pytest.mark.parametrize("target", ["/dev/null", "."])
def test_a_device_or_directory_is_not_a_database(tmp_path, monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="not a regular file"):
        Store(target)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list: eggs, flour\n" * 10)
    with pytest.raises(StoreError, match="not an SQLite file"):
        Store(path)
    assert path.read_text().startswith("shopping list")


# -- a full disk ---------------------------------------------------------------------------


def _fill(store: Store) -> None:
    """Cap the file a few pages above its size: the next big write finds the disk full."""
    pages = store.scalar("PRAGMA page_count")
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")


def test_a_full_disk_is_one_clear_error_and_loses_nothing_committed(tmp_path):
    with Store(tmp_path / "full.db") as store:
        doc = add_document(store, STORY)
        store.set_status(doc, "mira", "in progress")
        _fill(store)
        with pytest.raises(StoreFull, match=r"disk full .*nothing was saved") as info:
            with store.transaction() as conn:
                conn.execute(
                    "INSERT INTO documents (hash, text, imported_at) VALUES (?, ?, 'now')", ("h", "x" * 200_000)
                )
        assert "\n" not in str(info.value)
        assert store.count_documents() == 1
        store.set_status(doc, "mira", "done")  # the store still works for small writes
        assert store.status(doc, "mira") == "done"


def test_a_full_disk_during_import_says_disk_full_not_cannot_rollback(tmp_path):
    source = tmp_path / "wire.jsonl"
    body = " ".join(["Officials said the talks would resume next week in Geneva."] * 40)
    source.write_text("".join(f'{{"text": "{i}. {body}"}}\n' for i in range(200)))
    with Store(tmp_path / "full.db") as store:
        add_document(store, STORY)
        _fill(store)
        with pytest.raises(StoreFull, match="disk full") as info:
            import_paths(store, [str(source)], "mira")
        assert "rollback" not in str(info.value)
        assert store.count_documents() == 1


# -- a write lock held by another process ---------------------------------------------------


def test_a_lock_held_past_the_busy_timeout_is_a_retryable_error(tmp_path):
    path = tmp_path / "locked.db"
    with Store(path) as setup:
        doc = add_document(setup, STORY)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store(path, busy_timeout=0.2) as store:
            with pytest.raises(StoreLocked, match=r"locked by another process .*try again") as info:
                store.set_status(doc, "mira", "done")
            assert info.value.retry
            other.execute("ROLLBACK")
            store.set_status(doc, "mira", "done")  # the retry succeeds once the lock is gone
            assert store.status(doc, "mira") == "done"
            assert [g["name"] for g in store.history("mira")] == ["mark done"]
    finally:
        other.close()


def test_the_lock_is_waited_for_within_the_busy_timeout(tmp_path):
    path = tmp_path / "wait.db"
    with Store(path) as setup:
        doc = add_document(setup, STORY)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    with Store(path, busy_timeout=5) as store:
        store.set_status(doc, "mira", "done")
        assert store.status(doc, "mira") == "done"
    other.close()


# -- read-only and damaged files --------------------------------------------------------------


def test_a_file_we_cannot_write_opens_read_only_and_refuses_writes_in_one_line(tmp_path, monkeypatch):
    path = tmp_path / "ro.db"
    with Store(path) as store:
        doc = add_document(store, STORY)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # as a 0444 file for non-root
    with Store(path) as store:
        assert store.readonly and store.count_documents() == 1
        with pytest.raises(StoreReadOnly, match="read-only"):
            store.set_status(doc, "mira", "done")
        assert store.status(doc, "mira") == "todo"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ro.db"]  # no -wal or -shm made


def test_a_second_connection_sees_and_makes_committed_changes(tmp_path):
    """`readonly=True` (the app's worker connection) skips set-up, not writes."""
    path = tmp_path / "two.db"
    with Store(path) as main, Store(path, readonly=True) as worker:
        doc = add_document(main, STORY)
        assert worker.count_documents() == 1
        assert worker.index_pending() == 1
        assert main.document_ids(query="ferry") == [] and main.document_ids(query="harbour") == [doc]


def test_a_deleted_wal_under_a_session_stops_writes(tmp_path):
    path = tmp_path / "wal.db"
    with Store(path) as store:
        doc = add_document(store, STORY)
        Path(f"{path}-wal").unlink()
        with pytest.raises(StoreIOFailure, match="-wal file was deleted"):
            store.set_status(doc, "mira", "done")


def test_a_damaged_file_is_reported_as_damaged(tmp_path):
    path = tmp_path / "bad.db"
    with Store(path) as store:
        for i in range(50):
            add_document(store, f"{STORY} ({i})" * 20)
        root = store.scalar("SELECT rootpage FROM sqlite_master WHERE name = 'documents'")
        size = store.scalar("PRAGMA page_size")
    data = bytearray(path.read_bytes())
    data[size * (root - 1) : size * root] = b"\xff" * size  # the documents table's root page
    path.write_bytes(bytes(data))
    with Store(path) as store, pytest.raises(StoreCorrupt, match="damaged"):
        store.query("SELECT text FROM documents")


def test_the_header_check_matches_what_sqlite_reports(tmp_path):
    with Store(tmp_path / "ok.db") as store:
        assert store.scalar("PRAGMA application_id") == APPLICATION_ID
        assert store.schema_version == SCHEMA_VERSION


def test_a_second_store_in_the_same_process_keeps_the_first_ones_locks(tmp_path):
    """The app opens a second connection for its workers; reading the file header for it once
    dropped every POSIX lock the process held on the database (closing any descriptor does),
    so another process closing its connection (a learning round ending, a CLI command) deleted
    the -wal and -shm under the app, and the app's later writes reached no other process."""
    db = tmp_path / "news.db"
    store = Store(db)
    add_document(store, "One article.")
    workers = Store(db, readonly=True)  # as NewsmarkApp.read_store does
    count = "from annotations.store import Store; s = Store({!r}); print(s.scalar('SELECT count(*) FROM documents')); s.close()"
    other = subprocess.run([sys.executable, "-c", count.format(str(db))], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "1"
    assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()  # still this process's
    add_document(store, "Another article.")  # lands where every process reads
    other = subprocess.run([sys.executable, "-c", count.format(str(db))], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "2"
    workers.close()
    store.close()
