"""Variant-spelling suggestions for a whole store: mentions from gold and predictions,
judgements and canonical-entity links as edges.

What the annotators said wins over the model: a prediction overlapping a gold span (or one
they rejected) is not a mention, and a predicted mention takes the label its form has in the
gold spans (the model's ORG "El Fasher" is the annotators' GPE). Forms already linked to one
canonical entity are "same" edges, so the queue never asks about them again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from .extract.normalize import normalize
from .extract.variants import Judgement, Mention, Suggestions, suggest
from .ranges import Coverage
from .store import Store

_LATEST_PREDICTIONS = """SELECT p.text_form, p.label, p.doc_id, p.start, p."end" FROM (
    SELECT json_extract(data, '$.text') AS text_form, label, doc_id, start, "end", version, extractor
    FROM predictions WHERE extractor = 'entities') p
    WHERE p.version = (SELECT r.version FROM prediction_runs r WHERE r.doc_id = p.doc_id
                       AND r.extractor = 'entities' ORDER BY r.rowid DESC LIMIT 1)"""


def store_mentions(store: Store) -> Iterator[Mention]:
    """Every entity mention: gold spans of all annotators, then each document's latest entity
    predictions that no gold span covers and nobody rejected, labelled as the gold labels
    their normalised form (see the module docstring)."""
    gold_by_doc: dict[int, list[tuple[int, int]]] = defaultdict(list)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for text, label, doc_id, start, end in store.conn.execute(
            'SELECT text, label, doc_id, start, "end" FROM spans'):
        gold_by_doc[doc_id].append((start, end))
        labels[normalize(text)][label] += 1
        yield Mention(text, label, doc_id, start, end)
    covered = {doc: Coverage(ranges) for doc, ranges in gold_by_doc.items()}
    rejected = {tuple(r) for r in store.conn.execute(
        "SELECT doc_id, start, \"end\" FROM rejections WHERE kind = 'ent'")}
    gold_label = {text: counts.most_common(1)[0][0] for text, counts in labels.items()}
    for form, label, doc_id, start, end in store.conn.execute(_LATEST_PREDICTIONS):
        if not form or (doc_id, start, end) in rejected:
            continue
        if doc_id in covered and covered[doc_id].overlaps(start, end):
            continue
        yield Mention(form, gold_label.get(normalize(form), label), doc_id, start, end)


def store_judgements(store: Store) -> list[Judgement]:
    """Forms of one canonical entity (`export.entity_forms`) as "same" edges (a chain is
    enough: clusters are transitive), then the judgements in time order (the latest verdict on
    a pair wins inside `suggest`, so a person's "different" still overrides)."""
    from .export import entity_forms

    edges: list[Judgement] = []
    for label, forms in entity_forms(store).values():
        first, *rest = sorted(forms) or [""]
        edges += [Judgement(first, form, label or "", "same") for form in rest]
    return edges + [Judgement(r["a"], r["b"], r["label"] or "", r["verdict"])
                    for r in store.query("SELECT a, b, label, verdict FROM judgements ORDER BY id")]


def suggest_for_store(store: Store, *, threshold: float = 85, limit: int | None = None) -> Suggestions:
    with store._lock:
        mentions = list(store_mentions(store))
        judgements = store_judgements(store)
    return suggest(mentions, judgements, threshold=threshold, limit=limit)
