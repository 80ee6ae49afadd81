"""Predictions to score: stored ones (never those made with the confirmed-entity gazetteer), or
fresh ones from a pipeline run with a cross-fitted gazetteer, so no gold scores itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from annotations.config import Config
from annotations.extract.pipeline import ModelMissing, load_configured
from annotations.learn.evaluate.gold import chunks, marks
from annotations.learn.evaluate.gold import texts as doc_texts
from annotations.store import Store
from annotations.store.entities import confirmed_entries


def _stored(store: Store, ids: list[int], extractor: str) -> tuple[dict[int, list[dict[str, Any]]], dict[int, str]]:
    """Latest stored predictions and their version, per document that has a run."""
    versions: dict[int, str] = {}
    preds: dict[int, list[dict[str, Any]]] = {}
    for chunk in chunks(ids):
        m = marks(len(chunk))
        for r in store.query(
            f"SELECT doc_id, version FROM prediction_runs WHERE extractor = ? AND doc_id IN ({m}) ORDER BY rowid",
            [extractor, *chunk],
        ):
            versions[r["doc_id"]] = r["version"]
        for r in store.query(
            f'SELECT doc_id, version, start, "end", label, data FROM predictions '
            f'WHERE extractor = ? AND doc_id IN ({m}) ORDER BY doc_id, start, "end", id',
            [extractor, *chunk],
        ):
            if versions.get(r["doc_id"]) != r["version"]:
                continue
            item = {"start": r["start"], "end": r["end"], "label": r["label"]}
            try:
                item.update({k: v for k, v in json.loads(r["data"] or "{}").items() if k not in item})
            except ValueError:
                pass
            preds.setdefault(r["doc_id"], []).append(item)
    for doc_id in versions:
        preds.setdefault(doc_id, [])
    return preds, versions


def _tainted(version: str) -> bool:
    return "+gaz." in (version or "")


class Runner:
    """Loads a pipeline once and predicts documents with a cross-fitted gazetteer."""

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        model: str | None,
        pipeline: Any,
        folds: int,
        gazetteer: bool,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        self.store, self.config, self.model = store, config, model
        self.pipe = pipeline
        self.folds = max(1, int(folds))
        self.use_gazetteer = gazetteer
        self.on_progress = on_progress
        self.error: str | None = None
        self.gazetteer_note: str | None = None

    def load(self, tasks: set[str]) -> Any:
        if self.pipe is None and self.error is None:
            try:
                self.pipe = load_configured(
                    self.config.model, components=tasks | {"entities", "claims"}, override=self.model, store=self.store
                )  # the model in use
            except ModelMissing as exc:
                if self.model:
                    raise
                self.error = str(exc)
        return self.pipe

    @property
    def version(self) -> str | None:
        return getattr(self.pipe, "version", None)

    def predict(self, ids: list[int], tasks: set[str]) -> dict[str, dict[int, list[dict[str, Any]]]]:
        """{task: {doc_id: predictions}} for the tasks the pipeline supports."""
        out: dict[str, dict[int, list[dict[str, Any]]]] = {t: {} for t in tasks}
        pipe = self.load(tasks)
        if pipe is None or not ids:
            return out
        tasks = {t for t in tasks if pipe.supports(t)}

        entries = confirmed_entries(self.store) if (self.use_gazetteer and "entities" in tasks) else []
        pipe.remove_gazetteer()  # never reuse a ruler built from every confirmed entity
        ids = sorted(ids)
        k = min(self.folds, len(ids)) if entries else 1
        folds = [ids[i::k] for i in range(k)]
        done = 0
        if self.on_progress:
            self.on_progress(0, len(ids))
        try:
            for fold in folds:
                if entries:
                    pipe.add_gazetteer(entries, exclude_doc_ids=fold)
                fold_texts = doc_texts(self.store, fold)
                items = [(d, fold_texts[d]) for d in fold if d in fold_texts]
                for doc_id, result in pipe.predict(
                    items,
                    tasks=sorted(tasks),
                    batch_size=self.config.model.batch_size,
                    labels=self.config.label_names,
                    claim_types=self.config.claims.types,
                ):
                    for task in tasks:
                        out[task][doc_id] = list(result.get(task, []))
                    done += 1
                    if self.on_progress:
                        self.on_progress(done, len(ids))
        finally:
            pipe.remove_gazetteer()
        if entries:
            self.gazetteer_note = (
                f"cross-fitted: {k} fold(s), each predicted without the entities confirmed in its own documents"
            )
        elif "entities" in tasks:
            self.gazetteer_note = "none" if self.use_gazetteer else "off"
        return out


_Preds = dict[int, list[dict[str, Any]]]  # doc id -> predictions


def predictions(
    store: Store, ids: list[int], task: str, runner: Runner, model: str | None, cache: dict[str, _Preds]
) -> tuple[_Preds, dict[str, Any]]:
    """Predictions for `task` ("entities" or "claims") on the gold documents, and where they came from."""
    info: dict[str, Any] = {"stored": 0, "predicted": 0, "skipped": 0, "notes": []}
    if model is not None:
        if task not in cache:
            cache.update(runner.predict(ids, {"entities", "claims"}))
        preds = cache.get(task, {})
        info["predicted"] = len(preds)
        info["skipped"] = len(ids) - len(preds)
        if info["skipped"]:
            info["notes"].append(f"{runner.version} cannot run the {task} extractor")
        info["source"] = f"model {runner.version}"
        return preds, info
    stored, versions = _stored(store, ids, task)
    need = [d for d in ids if d not in versions or (task == "entities" and _tainted(versions[d]))]
    need_set = set(need)
    tainted = sum(1 for d in ids if d in versions and task == "entities" and _tainted(versions[d]))
    preds = {d: stored[d] for d in ids if d in versions and d not in need_set}
    info["stored"] = len(preds)
    if need:
        fresh = runner.predict(need, {task}).get(task, {})
        preds.update(fresh)
        info["predicted"] = len(fresh)
        info["skipped"] = len(need) - len(fresh)
        if tainted:
            info["notes"].append(
                f"{tainted} document(s) had stored predictions made with the confirmed-entity "
                "gazetteer; they were predicted again without their own entities"
            )
        if info["skipped"]:
            why = runner.error or "the pipeline cannot run this extractor"
            info["notes"].append(
                f"{info['skipped']} gold document(s) without usable stored predictions were skipped: {why}"
            )
    used = sorted({versions[d] for d in preds if d in versions and d not in need_set})
    parts = []
    if used:
        parts.append("stored " + ", ".join(used))
    if info["predicted"]:
        parts.append(f"predicted {runner.version}")
    info["source"] = "; ".join(parts) or "none"
    return preds, info


def no_predictions(n: int, what: str, runner: Runner) -> str:
    why = f" ({runner.error})" if runner.error else ""
    return f"no {what} predictions for the {n} gold document(s){why}: run `newsmark predict` first, or pass --model"
