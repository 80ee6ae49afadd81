"""Tagging a claim from the Reader, Textual-free: which range `c` tags (the selection, the
claim or suggestion under the cursor, else the sentence), the form's starting values, the
speakers it offers, and the one store write that saves it. The Reader's claim controller
shows the form; everything it decides is here, tested without Pilot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from annotations.reading import claims as claim_actions
from annotations.reading.edits import trim
from annotations.reading.speakers import Speaker, canonical_speakers, mention_speakers, suggested_speaker
from annotations.reading.values import Feedback, Row
from annotations.vocab import Origin

if TYPE_CHECKING:
    from annotations.reading.session import ReadingSession

__all__ = ["ClaimTarget", "claim_defaults", "claim_target", "save_claim", "speaker_options"]

EDITABLE = ("type", "speaker", "role", "speaker_span_id", "speaker_entity_id", "cue", "stance", "checkworthy", "note")


@dataclass(frozen=True)
class ClaimTarget:
    """The range `c` tags, the tagged claim it edits and the claim suggestion it accepts."""

    start: int
    end: int
    existing: Row | None = None
    pred: Row | None = None

    @property
    def title(self) -> str:
        return "Edit the claim" if self.existing else ("Tag the suggested claim" if self.pred else "Tag a claim")


def claim_target(
    session: ReadingSession, cursor: int, selection: tuple[int, int] | None, sentence: tuple[int, int]
) -> ClaimTarget:
    """The trimmed selection, else the claim or suggestion under the cursor, else the
    sentence. A range that is exactly a tagged claim edits that claim, not a duplicate."""
    text = session.text
    existing = pred = None
    if selection is not None:
        start, end = trim(text, *selection)
    else:
        existing = session.claim_at(cursor)
        pred = None if existing is not None else session.claim_pred_at(cursor)
        source = existing or pred
        start, end = (source["start"], source["end"]) if source else trim(text, *sentence)
    if existing is None and start < end:
        claims = session.now.claims.values()
        existing = next((c for c in claims if (c["start"], c["end"]) == (start, end)), None)
    return ClaimTarget(start, end, existing, pred)


def claim_defaults(target: ClaimTarget, gold: list[Row], speakers: list[Speaker]) -> dict[str, Any]:
    """The form's starting values: the tagged claim's fields, else the suggestion's type,
    cue and stance with its speaker matched to a mention (by position, else by its text),
    so accepting a suggestion as it stands is one key."""
    existing, pred = target.existing, target.pred
    if existing is not None:
        return {k: existing.get(k) for k in EDITABLE}
    if pred is None:
        return {}
    defaults = {
        "type": pred.get("type"),
        "cue": pred.get("cue"),
        "stance": pred.get("stance"),
        "role": pred.get("role"),
        **suggested_speaker(pred, gold, speakers),
    }
    if defaults.get("speaker_span_id") is None:
        said = pred.get("speaker")
        match = next((o for o in speakers if o.span_id is not None and said and o.text == said), None)
        if match is not None:
            defaults.update(speaker_span_id=match.span_id, speaker_entity_id=match.entity_id)
    return defaults


def speaker_options(session: ReadingSession) -> list[Speaker]:
    """Claim speakers: this document's mentions (gold spans with their ids first, then
    suggestions), then the corpus's canonical entities not already among them."""
    now = session.now
    mentions = mention_speakers(session.text, now.gold.values(), now.preds.values())
    canonical = {c.entity_id: c for c in canonical_speakers(session.store)}
    # a linked mention answers to its entity's name and aliases too
    mentions = [
        replace(m, aliases=(canonical[m.entity_id].text, *canonical[m.entity_id].aliases))
        if m.entity_id in canonical
        else m
        for m in mentions
    ]
    linked = {m.entity_id for m in mentions}
    return mentions + [c for c in canonical.values() if c.entity_id not in linked]


def save_claim(session: ReadingSession, target: ClaimTarget, fields: dict[str, Any]) -> Feedback:
    """The form's one store write: update the tagged claim, else add one (an accepted
    suggestion keeps that origin)."""
    s = session
    if target.existing is not None:
        _, failed = s.run(claim_actions.update_claim, s.store, target.existing["id"], s.annotator, **fields)
        message = "Claim updated"
    else:
        origin = Origin.ACCEPTED if target.pred else Origin.MANUAL
        _, failed = s.run(
            claim_actions.add_claim, s.store, s.doc_id, target.start, target.end, s.annotator, origin=origin, **fields
        )
        message = f"Tagged a {fields.get('type') or 'claim'}"
    if failed:
        return failed
    s.refresh()
    return Feedback(message, changed=True)
