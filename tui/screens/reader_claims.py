"""The Reader's claim and link actions: tag a claim (a small form, then one store write),
link an entity to a canonical entity (a fuzzy picker). A base of `ReaderScreen`, kept apart
so the screen stays about reading and correcting."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text

from annotations.errors import NewsmarkError
from annotations.reading import claims as claim_actions
from annotations.reading.session import trim
from annotations.reading.speakers import (
    Speaker,
    canonical_speakers,
    mention_speakers,
    suggested_speaker,
)
from tui.screens.reader_base import ReaderBase
from tui.widgets.doc_list import one_line

__all__ = ["ClaimActions"]

Row = dict[str, Any]


class ClaimActions(ReaderBase):
    """`c` and `l` in the Reader (ReaderScreen adds the other keys)."""

    def action_claim(self) -> None:
        """Tag a claim on the selection, else on the suggested or tagged claim under the
        cursor, else on the sentence under the cursor: a small form, then one store write."""
        from tui.dialogs.claim_form import ClaimForm

        app, view = self.app, self.article
        start, end, existing, pred = self._claim_target()
        if start >= end:
            app.notify("No text here to tag as a claim", severity="warning", markup=False)
            return
        speakers = self._speaker_options()
        defaults = self._claim_defaults(existing, pred, speakers)
        title = "Edit the claim" if existing else ("Tag the suggested claim" if pred else "Tag a claim")

        def saved(fields: dict[str, Any] | None) -> None:
            if fields is not None:
                self._save_claim(start, end, existing, pred, fields)

        app.push_screen(
            ClaimForm(
                view.text[start:end],
                types=list(app.config.claims.types),
                stances=list(app.config.claims.stances),
                speakers=speakers,
                defaults=defaults,
                title=title,
            ),
            saved,
        )

    def _claim_target(self) -> tuple[int, int, Row | None, Row | None]:
        """(start, end, the tagged claim being edited, the claim suggestion being accepted):
        the trimmed selection, else the claim or suggestion under the cursor, else the
        sentence. A range that is exactly a tagged claim edits that claim, not a duplicate."""
        view = self.article
        existing = pred = None
        selection = view.selection
        if selection is not None:
            start, end = trim(view.text, *selection)
        else:
            existing = self._claim_under_cursor()
            pred = None if existing is not None else self._claim_pred_under_cursor()
            source = existing or pred
            start, end = (source["start"], source["end"]) if source else trim(view.text, *view.sentence_at_cursor())
        if existing is None and start < end:
            existing = next((c for c in self._claims.values() if (c["start"], c["end"]) == (start, end)), None)
        return start, end, existing, pred

    def _claim_defaults(self, existing: Row | None, pred: Row | None, speakers: list[Speaker]) -> dict[str, Any]:
        """The form's starting values: the tagged claim's fields, else the suggestion's type,
        cue and stance with its speaker matched to a mention (by position, else by its text),
        so accepting a suggestion as it stands is one key."""
        if existing is not None:
            keys = ("type", "speaker", "speaker_span_id", "speaker_entity_id", "cue", "stance", "checkworthy", "note")
            return {k: existing.get(k) for k in keys}
        if pred is None:
            return {}
        defaults = {
            "type": pred.get("type"),
            "cue": pred.get("cue"),
            "stance": pred.get("stance"),
            **suggested_speaker(pred, self._gold.values(), speakers),
        }
        if defaults.get("speaker_span_id") is None:
            match = next(
                (
                    o
                    for o in speakers
                    if o.span_id is not None and pred.get("speaker") and o.text == pred.get("speaker")
                ),
                None,
            )
            if match is not None:
                defaults.update(speaker_span_id=match.span_id, speaker_entity_id=match.entity_id)
        return defaults

    def _save_claim(self, start: int, end: int, existing: Row | None, pred: Row | None, fields: dict[str, Any]) -> None:
        """The form's one store write: update the tagged claim, else add one (an accepted
        suggestion keeps that origin); on success clear the selection and repaint."""
        app = self.app
        if existing is not None:
            ok = self._write(claim_actions.update_claim, app.store, existing["id"], app.annotator, **fields)
            message = "Claim updated"
        else:
            ok = self._write(
                claim_actions.add_claim,
                app.store,
                self.doc_id,
                start,
                end,
                app.annotator,
                origin="accepted-prediction" if pred else "manual",
                **fields,
            )
            message = f"Tagged a {fields.get('type') or 'claim'}"
        if not ok:
            return
        self.article.clear_selection()
        self.refresh_marks()
        self.flash(Text(message))

    def _speaker_options(self) -> list[Speaker]:
        """Claim speakers: this document's mentions (gold spans with their ids first, then
        suggestions), then the corpus's canonical entities not already among them."""
        now = self.session.now
        mentions = mention_speakers(self.session.text, now.gold.values(), now.preds.values())
        canonical = {c.entity_id: c for c in canonical_speakers(self.app.store)}
        # a linked mention answers to its entity's name and aliases too
        mentions = [
            replace(m, aliases=(canonical[m.entity_id].text, *canonical[m.entity_id].aliases))
            if m.entity_id in canonical
            else m
            for m in mentions
        ]
        linked = {m.entity_id for m in mentions}
        return mentions + [c for c in canonical.values() if c.entity_id not in linked]

    def action_link(self) -> None:
        """Link the span under the cursor to a canonical entity (fuzzy picker); a suggestion
        is accepted and linked in one action."""
        from tui.dialogs.link_picker import LinkPicker, apply_link, entity_choices

        app = self.app
        span = self._under_cursor("gold")
        if span is None:
            pred = self._under_cursor("pred")
            if pred is None:
                app.notify(
                    f"Put the cursor on an entity to link it ({self._key_for('reader.next_entity')} jumps to the next)",
                    severity="warning",
                    markup=False,
                )
                return
            span = {
                "id": None,
                "doc_id": self.doc_id,
                "start": pred["start"],
                "end": pred["end"],
                "label": pred["label"],
                "text": self.session.text[pred["start"] : pred["end"]],
            }
        try:
            choices = entity_choices(app.store)
        except NewsmarkError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return

        def chosen(choice) -> None:
            if choice is None:
                return
            try:
                _, linked = apply_link(app.store, choice, span, app.annotator)
            except NewsmarkError as exc:
                app.notify(str(exc), severity="error", markup=False)
                self.refresh_marks()
                return
            self.refresh_marks()
            more = f" ({linked} mentions)" if linked > 1 else ""
            self.flash(Text(f"Linked to {one_line(choice.name)}{more}"))

        app.push_screen(LinkPicker(span["text"], span["label"], choices, current=span.get("entity_id")), chosen)
