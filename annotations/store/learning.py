"""The learning loop's rounds (schema v4, table `learn_rounds`): machine state, not a user
action, so written directly (like reading positions) and never undone.

    start_round(store, pid, host, annotator, docs) -> round id
    beat(store, round_id)                       the trainer is alive
    finish_round(store, round_id, state, **figures)
    interrupt_stale(store)                      rounds left "running" by a dead trainer
    latest_round(store) -> dict | None
    last_trained_docs(store) -> documents the last round (not skipped) started from
    gold_document_count(store) -> documents done or reviewed, held-out ones left out
    gold_documents(store) -> their ids, in the order they were last marked (oldest first)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotations.store.history import now
from annotations.vocab import RoundState

if TYPE_CHECKING:
    from annotations.store.database import Store

_FIGURES = ("docs", "before_f1", "after_f1", "model", "used", "repredicted", "message")


def start_round(store: Store, pid: int, host: str, annotator: str, docs: int) -> int:
    stamp = now()
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO learn_rounds (pid, host, annotator, state, docs, started_at, heartbeat_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (pid, host, annotator, RoundState.RUNNING, docs, stamp, stamp),
        )
        return int(cur.lastrowid or 0)


def beat(store: Store, round_id: int, message: str | None = None) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE learn_rounds SET heartbeat_at = ?, message = coalesce(?, message) WHERE id = ?",
            (now(), message, round_id),
        )


def finish_round(store: Store, round_id: int, state: str, **figures: Any) -> None:
    unknown = set(figures) - set(_FIGURES)
    if unknown:
        raise ValueError(f"finish_round: unknown figure {sorted(unknown)[0]}")
    sets = "".join(f", {k} = ?" for k in figures)
    with store.transaction() as conn:
        conn.execute(
            f"UPDATE learn_rounds SET state = ?, finished_at = ?, heartbeat_at = ?{sets} WHERE id = ?",
            (state, now(), now(), *figures.values(), round_id),
        )


def interrupt_stale(store: Store) -> int:
    """Mark every round still "running" interrupted (the caller holds the trainer lock, so no
    other trainer is alive); returns how many."""
    with store.transaction() as conn:
        return conn.execute(
            "UPDATE learn_rounds SET state = ?, finished_at = ?, message = 'the trainer stopped before the end' "
            "WHERE state = ?",
            (RoundState.INTERRUPTED, now(), RoundState.RUNNING),
        ).rowcount


def latest_round(store: Store) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM learn_rounds ORDER BY id DESC LIMIT 1")
    return rows[0] if rows else None


def last_trained_docs(store: Store) -> int:
    """How many gold documents the latest round started from (whatever became of it, so a
    round that failed is not retried until more documents are marked)."""
    return int(store.scalar("SELECT docs FROM learn_rounds ORDER BY id DESC LIMIT 1") or 0)


def gold_document_count(store: Store) -> int:
    """Documents someone marked done (or the review layer reviewed), held-out ones left out."""
    return int(
        store.scalar(
            "SELECT count(DISTINCT doc_id) FROM doc_status WHERE status IN ('done', 'reviewed') "
            "AND doc_id NOT IN (SELECT doc_id FROM held_out)"
        )
    )


def gold_documents(store: Store) -> list[int]:
    """The documents `gold_document_count` counts, in the order they were last marked done or
    reviewed (oldest first; ties by id)."""
    rows = store.query(
        "SELECT doc_id, max(updated_at) AS at FROM doc_status WHERE status IN ('done', 'reviewed') "
        "AND doc_id NOT IN (SELECT doc_id FROM held_out) GROUP BY doc_id ORDER BY at, doc_id"
    )
    return [int(r["doc_id"]) for r in rows]
