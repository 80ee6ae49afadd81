"""Variant-spelling suggestions for a whole store: mentions from gold and predictions, judgements as edges."""

from __future__ import annotations

from collections.abc import Iterator

from .extract.variants import Judgement, Mention, Suggestions, suggest
from .store import Store


def store_mentions(store: Store) -> Iterator[Mention]:
    """Every entity mention: gold spans of all annotators and each document's latest entity predictions."""
    for row in store.conn.execute('SELECT text, label, doc_id, start, "end" FROM spans'):
        yield Mention(row[0], row[1], row[2], row[3], row[4])
    latest = """SELECT p.text_form, p.label, p.doc_id, p.start, p."end" FROM (
        SELECT json_extract(data, '$.text') AS text_form, label, doc_id, start, "end", version, extractor
        FROM predictions WHERE extractor = 'entities') p
        WHERE p.version = (SELECT r.version FROM prediction_runs r WHERE r.doc_id = p.doc_id
                           AND r.extractor = 'entities' ORDER BY r.rowid DESC LIMIT 1)"""
    for row in store.conn.execute(latest):
        if row[0]:
            yield Mention(row[0], row[1], row[2], row[3], row[4])


def store_judgements(store: Store) -> list[Judgement]:
    """Judgements in time order (the latest verdict on a pair wins inside `suggest`)."""
    return [Judgement(r["a"], r["b"], r["label"] or "", r["verdict"])
            for r in store.query("SELECT a, b, label, verdict FROM judgements ORDER BY id")]


def suggest_for_store(store: Store, *, threshold: float = 85, limit: int | None = None) -> Suggestions:
    with store._lock:
        mentions = list(store_mentions(store))
    return suggest(mentions, store_judgements(store), threshold=threshold, limit=limit)
