"""Gold read from the store: which (document, annotator) pairs count, their texts, spans and claims.

`gold_pairs` is the one place that decides whose gold counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from annotations.store import Store
from annotations.team.layers import gold_sources

PAGE = 200


def gold_pairs(store: Store, annotator: str | None) -> list[tuple[int, str]]:
    """The (document, annotator) pairs whose gold is scored, by the one gold rule
    (annotations.team.layers): the reviewed layer where a document has one, else `annotator`'s when
    given, else every annotator who marked it done."""
    return gold_sources(store, annotator=annotator).pairs


def chunks(ids: list[int], size: int = PAGE) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def marks(n: int) -> str:
    return ",".join("?" for _ in range(n))


def texts(store: Store, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunks(ids):
        for r in store.query(f"SELECT id, text FROM documents WHERE id IN ({marks(len(chunk))})", chunk):
            out[r["id"]] = r["text"]
    return out


def gold_spans(store: Store, ids: list[int], labels: set[str]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    out: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for chunk in chunks(ids):
        for r in store.query(
            f'SELECT doc_id, annotator, start, "end", label FROM spans WHERE doc_id IN ({marks(len(chunk))}) '
            'ORDER BY doc_id, annotator, start, "end", id',
            chunk,
        ):
            if r["label"] in labels:
                out[(r["doc_id"], r["annotator"])].append(r)
    return out


def gold_claims(store: Store, ids: list[int]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    out: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    entity_ids: set[int] = set()
    rows = []
    for chunk in chunks(ids):
        rows += store.query(
            f"""SELECT c.doc_id, c.annotator, c.start, c."end", c.type, c.stance, c.speaker, c.speaker_entity_id, c.role,
                       sp.text AS speaker_span, sp.entity_id AS speaker_span_entity
                FROM claims c LEFT JOIN spans sp ON sp.id = c.speaker_span_id
                WHERE c.doc_id IN ({marks(len(chunk))}) ORDER BY c.doc_id, c.annotator, c.start, c."end", c.id""",
            chunk,
        )
    for r in rows:
        for key in ("speaker_entity_id", "speaker_span_entity"):
            if r[key] is not None:
                entity_ids.add(r[key])
    names: dict[int, list[str]] = defaultdict(list)
    if entity_ids:
        eids = sorted(entity_ids)
        for chunk in chunks(eids):
            m = marks(len(chunk))
            for e in store.query(f"SELECT id, name FROM entities WHERE id IN ({m})", chunk):
                names[e["id"]].append(e["name"])
            for a in store.query(f"SELECT entity_id, form FROM aliases WHERE entity_id IN ({m})", chunk):
                names[a["entity_id"]].append(a["form"])
    for r in rows:
        speakers = [s for s in (r["speaker"], r["speaker_span"]) if s]
        entity = r["speaker_entity_id"] if r["speaker_entity_id"] is not None else r["speaker_span_entity"]
        for key in ("speaker_entity_id", "speaker_span_entity"):
            if r[key] is not None:
                speakers += names.get(r[key], [])
        out[(r["doc_id"], r["annotator"])].append(
            {
                "start": r["start"],
                "end": r["end"],
                "type": r["type"],
                "stance": r["stance"],
                "speakers": speakers,
                "role": r["role"],
                "speaker_entity": entity,
                "speaker_names": names.get(entity, []) if entity is not None else [],
            }
        )
    return out


def several_annotators(pairs: list[tuple[int, str]]) -> str | None:
    """A note when some documents have gold from several annotators: each version is its own
    example, so the same text counts once per annotator."""
    by_doc: dict[int, set[str]] = defaultdict(set)
    for doc_id, ann in pairs:
        by_doc[doc_id].add(ann)
    shared = [anns for anns in by_doc.values() if len(anns) > 1]
    if not shared:
        return None
    names = ", ".join(sorted(set().union(*shared)))
    return (
        f"{len(shared)} document(s) have gold from several annotators ({names}): each annotator's "
        "version is scored as its own example; pass --annotator to score one"
    )
