"""Counts: the corpus and each annotator's progress (`stats`, the Library header)."""

from __future__ import annotations

from typing import Any

from annotations.store.documents import STATUSES
from annotations.store.history import StoreHandle
from annotations.vocab import Status


def _blank() -> dict[str, int]:
    return {s: 0 for s in STATUSES}


def stats(store: StoreHandle) -> dict[str, Any]:
    """Corpus and annotation counts, with progress per annotator (the stats --json shape)."""
    q = store.scalar
    annotators: dict[str, dict[str, int]] = {}
    for found in store.query("SELECT annotator, status, count(*) AS n FROM doc_status GROUP BY annotator, status"):
        annotators.setdefault(found["annotator"], _blank())[found["status"]] = found["n"]
    for table in ("spans", "claims"):
        for found in store.query(f"SELECT annotator, count(*) AS n FROM {table} GROUP BY annotator"):
            annotators.setdefault(found["annotator"], _blank())[table] = found["n"]
    total = q("SELECT count(*) FROM documents")
    for entry in annotators.values():
        entry.setdefault("spans", 0)
        entry.setdefault("claims", 0)
        entry[Status.TODO] = total - sum(entry[s] for s in STATUSES if s != Status.TODO)
    return {
        "documents": total,
        "done": q("SELECT count(DISTINCT doc_id) FROM doc_status WHERE status = ?", (Status.DONE.value,)),
        "reviewed": q("SELECT count(DISTINCT doc_id) FROM doc_status WHERE status = ?", (Status.REVIEWED.value,)),
        "held_out": q("SELECT count(*) FROM held_out"),
        "spans": q("SELECT count(*) FROM spans"),
        "claims": q("SELECT count(*) FROM claims"),
        "entities": q("SELECT count(*) FROM entities"),
        "judgements": q("SELECT count(*) FROM judgements"),
        "predictions": q("SELECT count(*) FROM predictions"),
        "outlets": q("SELECT count(DISTINCT outlet) FROM documents WHERE outlet IS NOT NULL"),
        "annotators": annotators,
    }


def progress(store: StoreHandle, annotator: str) -> dict[str, int]:
    """Documents per status for one annotator, plus the total (the Library header)."""
    counts = _blank()
    with store.reading() as conn:
        for value, n in conn.execute(
            "SELECT status, count(*) FROM doc_status WHERE annotator = ? GROUP BY status", (annotator,)
        ):
            counts[value] = n
        total = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    counts[Status.TODO] = total - sum(counts[s] for s in STATUSES if s != Status.TODO)
    counts["total"] = total
    return counts
