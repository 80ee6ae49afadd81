"""Who made a claim: the candidates the claim form offers, and how a typed or suggested
speaker becomes a link (to a gold span of this document and/or a canonical entity).

Candidates are this document's mentions (gold spans first, with their ids and entities, then
open suggestions) and then the corpus's canonical entities (name, label, aliases), so a
speaker quoted here but named in full elsewhere ("Hemedti" -> Mohamed Hamdan Dagalo) links to
the same entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotations.extract.normalize import strip_possessive
from annotations.store import Store

__all__ = ["Speaker", "canonical_speakers", "match_typed", "mention_speakers", "suggested_speaker"]


@dataclass(frozen=True)
class Speaker:
    """A candidate speaker: a mention of this document or a canonical entity."""

    text: str
    label: str
    span_id: int | None = None
    entity_id: int | None = None
    count: int = 1
    aliases: tuple[str, ...] = ()


def _key(text: str) -> str:
    return strip_possessive(" ".join(text.split())).casefold()


def mention_speakers(text: str, gold: Iterable[Mapping[str, Any]], preds: Iterable[Mapping[str, Any]]) -> list[Speaker]:
    """The document's entity forms, one each (counted): gold spans first, then suggestions."""
    found: dict[str, Speaker] = {}
    for rows, is_gold in ((gold, True), (preds, False)):
        for row in rows:
            form = " ".join(text[row["start"] : row["end"]].split())
            if not form:
                continue
            key = form.casefold()
            old = found.get(key)
            if old is not None:
                found[key] = Speaker(old.text, old.label, old.span_id, old.entity_id, old.count + 1)
                continue
            found[key] = Speaker(
                form, row.get("label") or "?", row["id"] if is_gold else None, row.get("entity_id") if is_gold else None
            )
    return list(found.values())


def canonical_speakers(store: Store) -> list[Speaker]:
    """Every canonical entity as a speaker candidate, with its aliases."""
    aliases: dict[int, list[str]] = {}
    for row in store.query("SELECT entity_id, form FROM aliases ORDER BY id"):
        aliases.setdefault(row["entity_id"], []).append(row["form"])
    return [
        Speaker(row["name"], row["label"] or "?", None, row["id"], aliases=tuple(aliases.get(row["id"], ())))
        for row in store.query("SELECT id, name, label FROM entities ORDER BY name")
    ]


def match_typed(typed: str | None, candidates: Iterable[Speaker]) -> int | None:
    """The one canonical entity whose name or alias is what was typed (case, spacing and a
    possessive aside), else None."""
    if not typed or not typed.strip():
        return None
    key = _key(typed)
    hits = {
        c.entity_id
        for c in candidates
        if c.entity_id is not None and key in {_key(c.text), *(_key(a) for a in c.aliases)}
    }
    return hits.pop() if len(hits) == 1 else None


def suggested_speaker(
    pred: Mapping[str, Any], gold: Iterable[Mapping[str, Any]], candidates: Iterable[Speaker]
) -> dict[str, Any]:
    """Speaker fields for a claim suggestion: the gold span at the detector's resolved speaker
    mention (`speaker_start`, `speaker_end`) and its entity; else a canonical entity the
    speaker's text names."""
    out: dict[str, Any] = {"speaker": pred.get("speaker")}
    start, end = pred.get("speaker_start"), pred.get("speaker_end")
    if isinstance(start, int) and isinstance(end, int):
        spans = list(gold)
        exact = [g for g in spans if (g["start"], g["end"]) == (start, end)]
        near = exact or [g for g in spans if g["start"] < end and start < g["end"]]
        if near:
            span = near[0]
            out.update(
                speaker=span.get("text") or out["speaker"],
                speaker_span_id=span["id"],
                speaker_entity_id=span.get("entity_id"),
            )
    if out.get("speaker_entity_id") is None:
        entity = match_typed(out.get("speaker"), candidates)
        if entity is not None:
            out["speaker_entity_id"] = entity
    return out
