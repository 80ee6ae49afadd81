"""Shared fixtures: a real SQLite store in a temporary directory."""

from __future__ import annotations

import pytest

from annotations.store import Store, content_hash, now


def add_document(store: Store, text: str, **fields) -> int:
    """Insert one document directly (import has its own tests)."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO documents (hash, title, text, outlet, date, imported_at, meta) VALUES (?,?,?,?,?,?,?)",
            (content_hash(text), fields.get("title"), text, fields.get("outlet"), fields.get("date"), now(), "{}"),
        )
        doc_id = int(cur.lastrowid)
        store.index_documents(doc_id - 1)
        return doc_id


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "test.db")
    yield s
    s.close()
