"""Entity predictions from a processed spaCy Doc (no spaCy import needed here).

    entity_predictions(doc, labels=None, *, offset=0) -> [{"start", "end", "label", "text"}, ...]

Offsets are character offsets into doc.text (Python str indices, end exclusive), shifted by
`offset` when the doc is a piece of a longer text. A span found by the confirmed-entity
gazetteer (see gazetteer.py) also carries "entity": the canonical entity id it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def entity_predictions(
    doc: Any,
    labels: Iterable[str] | None = None,
    *,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """doc.ents as dicts, in text order; `labels` keeps only those labels (None keeps all)."""
    keep = None if labels is None else set(labels)
    out: list[dict[str, Any]] = []
    for ent in doc.ents:
        label = ent.label_
        if keep is not None and label not in keep:
            continue
        start, end = ent.start_char, ent.end_char
        if end <= start:
            continue
        pred: dict[str, Any] = {
            "start": start + offset,
            "end": end + offset,
            "label": label,
            "text": ent.text,
        }
        if ent.ent_id_:
            pred["entity"] = ent.ent_id_
        out.append(pred)
    return out
