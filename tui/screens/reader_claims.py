"""The Reader's claim controller: `c` tags a claim (a small form, then one store write) and
`l` links an entity to a canonical entity (a fuzzy picker). What to tag, the form's defaults
and the write are the Textual-free `annotations.reading.claim_editor`; this shows the
dialogs and paints the result."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from annotations.errors import NewsmarkError
from annotations.reading.claim_editor import claim_defaults, claim_target, save_claim, speaker_options
from tui.dialogs.claim_form import ClaimForm
from tui.dialogs.link_picker import LinkPicker, apply_link, entity_choices
from tui.screens.reader_host import ReaderHost
from tui.widgets.doc_list import one_line

__all__ = ["ClaimController"]


class ClaimController:
    """`c` and `l` for one Reader screen."""

    def __init__(self, screen: ReaderHost) -> None:
        self.screen = screen

    def claim(self) -> None:
        """Tag a claim on the selection, else on the suggested or tagged claim under the
        cursor, else on the sentence under the cursor: a small form, then one store write."""
        screen = self.screen
        app, view, session = screen.app, screen.article, screen.session
        target = claim_target(session, view.cursor, view.selection, view.sentence_at_cursor())
        if target.start >= target.end:
            app.notify("No text here to tag as a claim", severity="warning", markup=False)
            return
        speakers = speaker_options(session)
        defaults = claim_defaults(target, list(session.now.gold.values()), speakers)

        def saved(fields: dict[str, Any] | None) -> None:
            if fields is None:
                return
            feedback = save_claim(session, target, fields)
            if feedback.failed:
                app.notify(feedback.message, severity="error", markup=False)
                screen.refresh_marks()
                return
            view.clear_selection()
            screen.refresh_marks(reread=False)
            screen.flash(Text(feedback.message))

        app.push_screen(
            ClaimForm(
                view.text[target.start : target.end],
                types=list(app.config.claims.types),
                stances=list(app.config.claims.stances),
                speakers=speakers,
                defaults=defaults,
                title=target.title,
            ),
            saved,
        )

    def link(self) -> None:
        """Link the span under the cursor to a canonical entity (fuzzy picker); a suggestion
        is accepted and linked in one action."""
        screen = self.screen
        app, session, cursor = screen.app, screen.session, screen.article.cursor
        span = session.gold_at(cursor)
        if span is None:
            pred = session.pred_at(cursor)
            if pred is None:
                app.notify(
                    f"Put the cursor on an entity to link it ({screen.key_for('reader.next_entity')} jumps to the next)",
                    severity="warning",
                    markup=False,
                )
                return
            span = {
                "id": None,
                "doc_id": screen.doc_id,
                "start": pred["start"],
                "end": pred["end"],
                "label": pred["label"],
                "text": session.text[pred["start"] : pred["end"]],
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
                screen.refresh_marks()
                return
            screen.refresh_marks()
            more = f" ({linked} mentions)" if linked > 1 else ""
            screen.flash(Text(f"Linked to {one_line(choice.name)}{more}"))

        app.push_screen(LinkPicker(span["text"], span["label"], choices, current=span.get("entity_id")), chosen)
