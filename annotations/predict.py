"""Run the extractors over documents that lack current predictions, resumably.

One `nlp.pipe` stream over all pending documents (so n_process workers start once); results
are committed every `commit_every` documents, so after a crash or Ctrl-C the finished part
stays and a rerun continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .config import Config
from .store import Store


@dataclass
class PredictReport:
    model: str
    documents: int
    entities: int
    claims: int
    versions: dict[str, str]


def confirmed_entries(store: Store) -> list[dict[str, Any]]:
    """Canonical entities with their aliases and the documents each name was confirmed in."""
    entries: dict[int, dict[str, Any]] = {}
    for row in store.query("SELECT id, name, label FROM entities"):
        entries[row["id"]] = {"id": row["id"], "name": row["name"], "label": row["label"],
                              "aliases": [], "sources": {}}
    for row in store.query("SELECT entity_id, form FROM aliases"):
        if row["entity_id"] in entries:
            entries[row["entity_id"]]["aliases"].append(row["form"])
    for row in store.query("SELECT DISTINCT entity_id, text, doc_id FROM spans WHERE entity_id IS NOT NULL"):
        entry = entries.get(row["entity_id"])
        if entry is None:
            continue
        if row["text"] not in entry["aliases"] and row["text"] != entry["name"]:
            entry["aliases"].append(row["text"])
        entry["sources"].setdefault(row["text"], set()).add(row["doc_id"])
    return list(entries.values())


def run_predict(
    store: Store,
    config: Config,
    *,
    batch_size: int | None = None,
    n_process: int | None = None,
    model: str | None = None,
    commit_every: int = 200,
    on_progress: Callable[[int, int], None] | None = None,
    pipeline: Any = None,
    limit: int | None = None,
) -> PredictReport:
    """Predict entities and claims for every document lacking them for the current versions
    (at most `limit` of them, in import order: a big corpus can be done a slice at a time)."""
    from .extract.pipeline import load_configured

    nlp = pipeline or load_configured(config.model, override=model, store=store)  # the model in use wins
    entries = confirmed_entries(store)
    if entries and pipeline is None:
        nlp.add_gazetteer(entries)
    tasks = [t for t in ("entities", "claims") if nlp.supports(t)]
    versions = dict(nlp.extractor(t) for t in tasks)
    pending = sorted(set().union(*(store.docs_lacking_predictions(name, ver) for name, ver in versions.items())))
    if limit is not None:
        pending = pending[:max(0, limit)]
    total = len(pending)
    if on_progress:
        on_progress(0, total)

    def texts() -> Iterator[tuple[int, str]]:
        for i in range(0, len(pending), 64):
            chunk = pending[i:i + 64]
            marks = ",".join("?" for _ in chunk)
            rows = {r["id"]: r["text"] for r in store.query(
                f"SELECT id, text FROM documents WHERE id IN ({marks})", chunk)}
            for doc_id in chunk:
                if doc_id in rows:
                    yield doc_id, rows[doc_id]

    done = n_ents = n_claims = 0
    buffer: dict[str, list[tuple[int, list[dict[str, Any]]]]] = {t: [] for t in tasks}

    def flush() -> None:
        for task, results in buffer.items():
            if results:
                store.save_predictions(task, versions[task], results)
                results.clear()

    for doc_id, result in nlp.predict(
        texts(), tasks=tasks, batch_size=batch_size or config.model.batch_size,
        n_process=n_process or config.model.n_process, labels=config.label_names,
        claim_types=config.claims.types,
    ):
        for task in tasks:
            buffer[task].append((doc_id, result.get(task, [])))
        n_ents += len(result.get("entities", []))
        n_claims += len(result.get("claims", []))
        done += 1
        if done % commit_every == 0:
            flush()
        if on_progress:
            on_progress(done, total)
    flush()
    return PredictReport(model=nlp.version, documents=done, entities=n_ents, claims=n_claims,
                         versions=versions)
