"""Entities scored by spaCy's Scorer: exact span and label, micro-averaged, over the labels the
gold uses (configured labels only): a label the team never annotates (DATE, CARDINAL in a team
that marks names) would count every prediction of it as wrong. `scored_labels` decides, and the
result's notes say which labels were scored and which predictions were left out."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from annotations.config import Config
from annotations.learn.evaluate.examples import build_example, spans_getter
from annotations.learn.evaluate.gold import gold_spans
from annotations.learn.evaluate.predictions import Runner
from annotations.learn.evaluate.results import LabelScore, NerResult
from annotations.store import Store


def ner_section(
    store: Store,
    config: Config,
    pairs: list[tuple[int, str]],
    texts: dict[int, str],
    preds: dict[int, list[dict[str, Any]]],
    info: dict[str, Any],
    runner: Runner,
) -> NerResult:
    from spacy.scorer import Scorer

    ids = sorted({d for d, _ in pairs})
    gold_all = gold_spans(store, ids, set(config.label_names))
    labels, note = scored_labels(config.label_names, gold_all, pairs, preds)
    gold = {key: [x for x in spans if x["label"] in labels] for key, spans in gold_all.items()}
    examples = []
    docs: set[int] = set()
    n_gold = n_pred = 0
    gold_by: dict[str, int] = defaultdict(int)
    pred_by: dict[str, int] = defaultdict(int)
    for doc_id, ann in pairs:
        if doc_id not in preds or doc_id not in texts:
            continue
        g = gold.get((doc_id, ann), [])
        p = [x for x in preds[doc_id] if x.get("label") in labels]
        examples.append(build_example(texts[doc_id], g, p))
        docs.add(doc_id)
        n_gold += len(g)
        n_pred += len(p)
        for x in g:
            gold_by[x["label"]] += 1
        for x in p:
            pred_by[x["label"]] += 1
    scores = Scorer.score_spans(examples, "ents", getter=spans_getter)
    per_label = {
        label: LabelScore(prf["p"], prf["r"], prf["f"], gold_by.get(label, 0), pred_by.get(label, 0))
        for label, prf in sorted((scores.get("ents_per_type") or {}).items())
    }
    return NerResult(
        p=scores["ents_p"],
        r=scores["ents_r"],
        f=scores["ents_f"],
        per_label=per_label,
        docs=len(docs),
        examples=len(examples),
        gold=n_gold,
        pred=n_pred,
        labels=sorted(labels),
        source=info["source"],
        gazetteer=runner.gazetteer_note or ("n/a (stored predictions)" if not info["predicted"] else "none"),
        skipped=info["skipped"],
        notes=[*info["notes"], note],
    )


def scored_labels(
    configured: list[str],
    gold: dict[tuple[int, str], list[dict[str, Any]]],
    pairs: list[tuple[int, str]],
    preds: dict[int, list[dict[str, Any]]],
) -> tuple[set[str], str]:
    """(the labels to score, one sentence saying so): the configured labels the scored gold
    uses, else (a gold without spans) every configured label."""
    used = {x["label"] for key in pairs for x in gold.get(key, [])}
    labels = used or set(configured)
    docs = {d for d, _ in pairs}
    left: dict[str, int] = defaultdict(int)
    for doc_id in docs:
        for x in preds.get(doc_id, []):
            if x.get("label") not in labels:
                left[str(x.get("label"))] += 1
    why = "the labels the gold uses" if used else "the configured labels (the gold has no spans)"
    note = f"scored labels: {', '.join(sorted(labels))} ({why})"
    if left:
        note += "; predictions of other labels left out: " + ", ".join(f"{k} {v}" for k, v in sorted(left.items()))
    return labels, note
