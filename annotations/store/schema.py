"""Database schema as forward migrations, one per version in PRAGMA user_version.

Add a migration by appending a function to MIGRATIONS; never edit a released one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database

# "NMRK": marks a file as a newsmark database in PRAGMA application_id.
APPLICATION_ID = 0x4E4D524B

_V1 = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    title TEXT,
    text TEXT NOT NULL,
    source TEXT,
    url TEXT,
    date TEXT,
    outlet TEXT,
    author TEXT,
    meta TEXT NOT NULL DEFAULT '{}',
    imported_at TEXT NOT NULL
);
CREATE INDEX documents_outlet ON documents(outlet);

CREATE TABLE entities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    external_id TEXT,
    notes TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX entities_name ON entities(name);

CREATE TABLE aliases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    form TEXT NOT NULL,
    UNIQUE (entity_id, form)
);

CREATE TABLE spans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    annotator TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('manual', 'accepted-prediction', 'imported')),
    entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX spans_doc ON spans(doc_id, annotator);
CREATE INDEX spans_entity ON spans(entity_id);

CREATE TABLE claim_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE claims (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    type TEXT,
    speaker TEXT,
    speaker_span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
    speaker_entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    cue TEXT,
    stance TEXT,
    checkworthy INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    group_id INTEGER REFERENCES claim_groups(id) ON DELETE SET NULL,
    annotator TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX claims_doc ON claims(doc_id, annotator);
CREATE INDEX claims_group ON claims(group_id);

CREATE TABLE judgements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    label TEXT,
    verdict TEXT NOT NULL CHECK (verdict IN ('same', 'different', 'unsure')),
    annotator TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX judgements_pair ON judgements(a, b);

CREATE TABLE doc_status (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('todo', 'in progress', 'done', 'skipped')),
    updated_at TEXT NOT NULL,
    UNIQUE (doc_id, annotator)
);
CREATE INDEX doc_status_annotator ON doc_status(annotator, status);

CREATE TABLE positions (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    top INTEGER NOT NULL,
    PRIMARY KEY (doc_id, annotator)
);

CREATE TABLE rejections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT,
    annotator TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX rejections_doc ON rejections(doc_id, annotator);

CREATE TABLE prediction_runs (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    extractor TEXT NOT NULL,
    version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, extractor, version)
);

CREATE TABLE predictions (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    extractor TEXT NOT NULL,
    version TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX predictions_doc ON predictions(doc_id, extractor, version);

CREATE TABLE action_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    annotator TEXT NOT NULL,
    at TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('do', 'undo', 'redo', 'bulk')),
    reverts INTEGER REFERENCES action_groups(id),
    doc_id INTEGER,
    note TEXT
);
CREATE INDEX action_groups_annotator ON action_groups(annotator, id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES action_groups(id),
    tbl TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX events_group ON events(group_id);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"""


# Full-text search laid out the way sqlite-utils' enable_fts does it (so Table.search works),
# written out because enable_fts runs executescript, which would commit mid-migration.
# No insert trigger: indexing a batch of new documents with one statement is twice as fast
# as a trigger per row (v2 moves that statement out of import altogether).
_V1_FTS = """
CREATE VIRTUAL TABLE documents_fts USING FTS5 (
    title, text, content=[documents], tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title, text)
  VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title, text)
  VALUES ('delete', old.rowid, old.title, old.text);
  INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
"""


def _statements(script: str) -> list[str]:
    """Split a script into statements (trigger bodies included) without executescript."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]


def _v1(db: Database) -> None:
    for statement in _statements(_V1 + _V1_FTS):
        db.conn.execute(statement)


# v2: search is indexed lazily and more cheaply; reading positions know when they were saved
# (so the Library reopens on the document last read).
# * The index keeps which columns a term is in, not its positions (detail=column), and no
#   per-row sizes (columnsize=0): Library search asks for prefix terms only, never phrases or
#   ranking, and building it costs about 40% less.
# * Import no longer indexes: search_index.indexed_to marks how far the index goes, and
#   Store.index_pending() brings it up to date in batches (the app does it in the background
#   when it opens; a search does it first). The triggers only touch rows already indexed.
_V2 = """
DROP TRIGGER documents_ad;
DROP TRIGGER documents_au;
DROP TABLE documents_fts;
CREATE VIRTUAL TABLE documents_fts USING FTS5 (
    title, text, content=[documents], tokenize='unicode61 remove_diacritics 2',
    detail=column, columnsize=0
);
CREATE TABLE search_index (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_to INTEGER NOT NULL
);
INSERT INTO search_index (id, indexed_to) VALUES (1, 0);
ALTER TABLE positions ADD COLUMN read_at TEXT;
CREATE TRIGGER documents_ad AFTER DELETE ON documents
WHEN old.id <= (SELECT indexed_to FROM search_index) BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title, text)
  VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE ON documents
WHEN old.id <= (SELECT indexed_to FROM search_index) BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title, text)
  VALUES ('delete', old.rowid, old.title, old.text);
  INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
"""


def _v2(db: Database) -> None:
    for statement in _statements(_V2):
        db.conn.execute(statement)


# v3: what teams and training need.
# * doc_status accepts `reviewed` (the review layer's status): SQLite cannot change a CHECK,
#   so the table is rebuilt with its rows and ids.
# * spans and claims know which annotators proposed them (JSON list; review provenance).
# * assignments: who is asked to annotate what (overlap for agreement).
# * models: trained pipelines and linker versions, and which one predict uses.
_V3 = """
CREATE TABLE doc_status_v3 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('todo', 'in progress', 'done', 'skipped', 'reviewed')),
    updated_at TEXT NOT NULL,
    UNIQUE (doc_id, annotator)
);
INSERT INTO doc_status_v3 (id, doc_id, annotator, status, updated_at)
    SELECT id, doc_id, annotator, status, updated_at FROM doc_status;
DROP TABLE doc_status;
ALTER TABLE doc_status_v3 RENAME TO doc_status;
CREATE INDEX doc_status_annotator ON doc_status(annotator, status);
ALTER TABLE spans ADD COLUMN proposed_by TEXT;
ALTER TABLE claims ADD COLUMN proposed_by TEXT;
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    assigned_by TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (doc_id, annotator)
);
CREATE INDEX assignments_annotator ON assignments(annotator, doc_id);
CREATE TABLE models (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    extractor TEXT NOT NULL,
    base_model TEXT,
    data_hash TEXT,
    train_docs INTEGER,
    dev_docs INTEGER,
    scores TEXT NOT NULL DEFAULT '{}',
    in_use INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT
);
"""


def _v3(db: Database) -> None:
    for statement in _statements(_V3):
        db.conn.execute(statement)


# v4: time per annotator. Keystrokes are telemetry for `stats --time` (when keys were pressed,
# by whom, in which document, for which action), written in batches outside the undo log; a
# gold-check assignment is a reviewed document mixed into a queue to score its annotator.
_V4 = """
CREATE TABLE keystrokes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    annotator TEXT NOT NULL,
    doc_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    at REAL NOT NULL,
    action TEXT
);
CREATE INDEX keystrokes_annotator ON keystrokes(annotator, at);
ALTER TABLE assignments ADD COLUMN gold_check INTEGER NOT NULL DEFAULT 0;
"""


def _v4(db: Database) -> None:
    for statement in _statements(_V4):
        db.conn.execute(statement)


# v5: tombstones, so that merge carries deletions (store/tombstones.py): a row's natural key,
# the table it was in, when it went and, for an entity, the key of the one that replaced it.
# Deletions made before this version are not backfilled: the log's copied history holds other
# databases' ids, so only a copy's own events could be read, and a merge of an old copy would
# still miss the rest.
_V5 = """
CREATE TABLE tombstones (
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    successor TEXT,
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
"""


def _v5(db: Database) -> None:
    for statement in _statements(_V5):
        db.conn.execute(statement)


# v6: what learning needs (issues 24 and 29).
# * held_out: documents set aside for evaluation, which training, rehearsal and the learning
#   loop never touch (a row per held-out document; undo deletes or restores it).
# * learn_rounds: the background learner's rounds, one row each, so every annotator's app can
#   show what it is doing (state running / used / kept / failed / interrupted) and how it went.
_V6 = """
CREATE TABLE held_out (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    set_by TEXT,
    set_at TEXT NOT NULL
);
CREATE TABLE learn_rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pid INTEGER,
    host TEXT,
    annotator TEXT,
    state TEXT NOT NULL,
    docs INTEGER NOT NULL DEFAULT 0,
    before_f1 REAL,
    after_f1 REAL,
    model TEXT,
    used INTEGER NOT NULL DEFAULT 0,
    repredicted INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    finished_at TEXT
);
"""


def _v6(db: Database) -> None:
    for statement in _statements(_V6):
        db.conn.execute(statement)


# v7: a claim keeps its speaker's role or title as written ("Meteorologist" in "Meteorologist
# Siri Nygaard said", "spokeswoman" in "a spokeswoman for Harcourt said"), apart from the name
# (issue 25). Claims written before it have none (NULL); undo of an older event reads the
# missing column as NULL (history._apply).
_V7 = """
ALTER TABLE claims ADD COLUMN role TEXT;
"""


def _v7(db: Database) -> None:
    for statement in _statements(_V7):
        db.conn.execute(statement)


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database, current: int) -> None:
    """Apply every migration after the database's version, each in its own transaction.

    `current` is the version read before any lock, so another process may have moved it on
    meanwhile (four imports into a new file at once): each step takes the write lock (BEGIN
    IMMEDIATE, waiting the busy timeout) and reads PRAGMA user_version again under it, so a
    migration another process has committed is never run twice."""
    conn: sqlite3.Connection = db.conn
    while current < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current < SCHEMA_VERSION:
                MIGRATIONS[current](db)
                current += 1
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {current}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite has already rolled back after a full disk
                conn.execute("ROLLBACK")
            raise
