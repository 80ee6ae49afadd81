"""Shared fixtures: a real SQLite store in a temporary directory."""

from __future__ import annotations

from typing import Any

import pytest

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
