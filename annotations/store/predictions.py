"""Predictions: what the extractors suggested, per document and model version, kept apart
from gold; a run is recorded per document so `predict` resumes where it stopped."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from annotations.store.history import StoreHandle, now


def docs_lacking_predictions(store: StoreHandle, extractor: str, version: str) -> list[int]:
    rows = store.query(
        "SELECT id FROM documents WHERE id NOT IN "
        "(SELECT doc_id FROM prediction_runs WHERE extractor = ? AND version = ?) ORDER BY id",
        (str(extractor), version),
    )
    return [r["id"] for r in rows]


def save_predictions(
    store: StoreHandle, extractor: str, version: str, results: Iterable[tuple[int, list[dict[str, Any]]]]
) -> int:
    """StoreHandle one batch of predictions and mark those documents done for this version."""
    count = 0
    stamp = now()
    extractor = str(extractor)
    with store.transaction() as conn:
        for doc_id, items in results:
            conn.execute(
                "DELETE FROM predictions WHERE doc_id = ? AND extractor = ? AND version = ?",
                (doc_id, extractor, version),
            )
            conn.executemany(
                'INSERT INTO predictions (doc_id, extractor, version, start, "end", label, data) '
                "VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        doc_id,
                        extractor,
                        version,
                        it["start"],
                        it["end"],
                        it.get("label"),
                        json.dumps(
                            {k: v for k, v in it.items() if k not in ("start", "end", "label")}, ensure_ascii=False
                        ),
                    )
                    for it in items
                ],
            )
            conn.execute(
                "INSERT OR REPLACE INTO prediction_runs (doc_id, extractor, version, created_at) VALUES (?,?,?,?)",
                (doc_id, extractor, version, stamp),
            )
            count += len(items)
    return count


def predictions(store: StoreHandle, doc_id: int, extractor: str | None = None) -> list[dict[str, Any]]:
    """Latest-run predictions for a document (every extractor unless one is named)."""
    only = "AND p.extractor = ?" if extractor else ""
    rows = store.query(
        f"""SELECT p.* FROM predictions p
           WHERE p.doc_id = ? {only} AND p.version = (
               SELECT r.version FROM prediction_runs r WHERE r.doc_id = p.doc_id
               AND r.extractor = p.extractor ORDER BY r.rowid DESC LIMIT 1)
           ORDER BY p.start, p.[end]""",
        (doc_id, str(extractor)) if extractor else (doc_id,),
    )
    for found in rows:
        found.update(json.loads(found.pop("data") or "{}"))
    return rows
