"""The model registry: trained pipelines and linker versions in the `models` table (schema v3).

    register(store, ModelRecord, annotator, on_commit=) -> row id   (one undoable action)
    list_models(store, extractor=None) -> [dict]                    newest first, scores decoded
    use(store, name, annotator) -> dict                             the one predict runs for its extractor
    in_use(store, extractor) -> dict | None
    in_use_path(store, extractor="entities") -> str | None

A row is written last, after its directory is complete: `register` runs `on_commit` (the rename
of the finished temporary directory into place) inside the same transaction, so an interrupted
run leaves neither a row without a model nor a half-written directory under the model's name.
At most one model per extractor is in use; `use` switches it in one action (undo switches back).
No spaCy import here: the CLI and the pipeline loader read the registry cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from annotations.errors import UserInputError
from annotations.store import Store
from annotations.vocab import Extractor


@dataclass
class ModelRecord:
    """One trained model as the registry stores it."""

    name: str
    path: str
    extractor: str
    base_model: str | None = None
    data_hash: str | None = None
    train_docs: int = 0
    dev_docs: int = 0
    scores: dict[str, Any] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    try:
        out["scores"] = json.loads(row.get("scores") or "{}")
    except ValueError:
        out["scores"] = {}
    out["in_use"] = bool(row.get("in_use"))
    return out


def get(store: Store, name: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM models WHERE name = ?", [name])
    return _decode(rows[0]) if rows else None


def list_models(store: Store, extractor: str | None = None) -> list[dict[str, Any]]:
    """Registered models, newest first."""
    where, params = ("", []) if extractor is None else (" WHERE extractor = ?", [extractor])
    return [_decode(r) for r in store.query(f"SELECT * FROM models{where} ORDER BY id DESC", params)]


def in_use(store: Store, extractor: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM models WHERE extractor = ? AND in_use = 1 ORDER BY id DESC LIMIT 1", [extractor])
    return _decode(rows[0]) if rows else None


def in_use_path(store: Store, extractor: str = Extractor.ENTITIES) -> str | None:
    """The directory of the model predict should run for `extractor`, or None (the configured one)."""
    row = in_use(store, extractor)
    return row["path"] if row else None


def register(
    store: Store,
    record: ModelRecord,
    annotator: str,
    *,
    use_it: bool = False,
    on_commit: Callable[[], None] | None = None,
) -> int:
    """Insert the model's row (and make it the one in use when `use_it`), as one action.

    `on_commit` runs last inside the transaction (the rename of the finished directory into
    place): if it raises, nothing is registered.
    """
    if get(store, record.name) is not None:
        raise UserInputError(f"--name {record.name}: a model of that name is already registered (newsmark models list)")
    with store.action(annotator, "train model") as act:
        if use_it:
            _clear_in_use(store, act, record.extractor)
        row_id = act.insert(
            "models",
            {
                "name": record.name,
                "path": record.path,
                "extractor": record.extractor,
                "base_model": record.base_model,
                "data_hash": record.data_hash,
                "train_docs": record.train_docs,
                "dev_docs": record.dev_docs,
                "scores": json.dumps(record.scores, ensure_ascii=False, sort_keys=True),
                "in_use": 1 if use_it else 0,
                "created_at": _now(),
                "created_by": annotator,
            },
        )
        if on_commit is not None:
            on_commit()
    return int(row_id)


def _clear_in_use(store: Store, act: Any, extractor: str) -> None:
    for row in store.query("SELECT id FROM models WHERE extractor = ? AND in_use = 1", [extractor]):
        act.update("models", row["id"], {"in_use": 0})


def use(store: Store, name: str, annotator: str) -> dict[str, Any]:
    """Make the model `name` the one predict runs for its extractor; returns its row."""
    row = get(store, name)
    if row is None:
        known = ", ".join(r["name"] for r in list_models(store)[:10]) or "none registered"
        raise UserInputError(f"models use {name}: no such model (known: {known})")
    with store.action(annotator, "use model") as act:
        _clear_in_use(store, act, row["extractor"])
        act.update("models", row["id"], {"in_use": 1})
    return {**row, "in_use": True}


def unuse(store: Store, extractor: str, annotator: str) -> None:
    """Go back to the configured model for `extractor`."""
    with store.action(annotator, "use configured model") as act:
        _clear_in_use(store, act, extractor)
