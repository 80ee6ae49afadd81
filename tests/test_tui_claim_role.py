"""Pilot at 80x24: the claim form's Role field (prefilled from the suggestion, in keyboard order
beside Speaker, the whole form on screen) and the role shown where the speaker is."""

from __future__ import annotations

import pytest
from tui_support import ANNOTATOR, add_doc, make_app, open_first, run_app, settle

from annotations.reading import claims as claim_actions
from annotations.store import Store

TEXT = (
    "Meteorologist Siri Nygaard said the storm would reach Bergen by Friday.\n\nFerries were cancelled along the coast."
)
SAID = TEXT.index("\n")


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "role.db")
    yield s
    s.close()


def suggest(store: Store, doc: int) -> None:
    claim = {
        "start": 0,
        "end": SAID,
        "type": "statement",
        "speaker": "Siri Nygaard",
        "speaker_start": 14,
        "speaker_end": 26,
        "role": "Meteorologist",
        "cue": "said",
        "stance": "asserted",
        "text": TEXT[:SAID],
    }
    store.save_predictions("claims", "test-1", [(doc, [claim])])


def plain(widget) -> str:
    return widget.render().plain


def test_the_form_takes_the_suggested_role_in_keyboard_order_and_fits_80x24(store):
    doc = add_doc(store, TEXT, title="Storm", outlet="Wire")
    suggest(store, doc)

    async def body(app, pilot):
        from textual.widgets import Input

        from tui.dialogs.claim_form import ClaimForm

        reader = await open_first(pilot)
        reader.article.set_cursor(40)
        await settle(pilot)
        # who the suggestion quotes; at 80 columns the status line has no room for the role too
        assert "claim? statement · Siri Nygaard · c tag it" in reader.status_bar.plain
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ClaimForm)
        assert form.query_one("#claim-role", Input).value == "Meteorologist"
        # every row of the form is on the 80x24 screen, the help line last
        help_line = form.query_one("#claim-help")
        assert 0 < help_line.region.bottom <= 24 and help_line.region.right <= 80
        order = []
        for _ in range(6):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order == ["claim-stance", "claim-speaker", "claim-role", "claim-cue", "claim-checkworthy", "claim-note"]
        await pilot.press("enter")
        await settle(pilot)
        (claim,) = claim_actions.claims(store, doc, ANNOTATOR)
        assert (claim["speaker"], claim["role"], claim["origin"]) == (
            "Siri Nygaard",
            "Meteorologist",
            "accepted-prediction",
        )
        await pilot.press("w")  # a word on: the status line says what is under the cursor again
        await settle(pilot)
        assert "claim · statement · Siri Nygaard · c edit" in reader.status_bar.plain  # the tagged claim
        # editing it: the role is there to change, and a cleared role is stored as none
        await pilot.press("c")
        await settle(pilot)
        role = app.screen.query_one("#claim-role", Input)
        assert role.value == "Meteorologist"
        role.value = "   "
        await pilot.press("enter")
        await settle(pilot)
        assert claim_actions.claims(store, doc, ANNOTATOR)[0]["role"] is None
        await pilot.press("u")
        await settle(pilot)
        assert claim_actions.claims(store, doc, ANNOTATOR)[0]["role"] == "Meteorologist"

    run_app(make_app(store), body)


def test_the_claims_screen_shows_the_role_beside_the_speaker_as_text(store):
    doc = add_doc(store, TEXT, title="Storm", outlet="Wire")
    claim_actions.add_claim(
        store, doc, 0, SAID, ANNOTATOR, type="statement", speaker="Siri Nygaard", role="[bold red]chief[/] \x1b[31mx"
    )

    async def body(app, pilot):
        await pilot.press("C")
        await settle(pilot)
        detail = plain(app.screen.query_one("#claim-detail"))
        assert "speaker Siri Nygaard ([bold red]chief[/] [31mx)" in detail  # markup shown literally, no escape
        assert "\x1b" not in detail
        await pilot.press("slash", *"chief")  # the filter finds a claim by its role
        await settle(pilot)
        assert len(app.screen.rows) == 1

    run_app(make_app(store), body)


def test_a_wider_status_line_names_the_speakers_role_too(store):
    doc = add_doc(store, TEXT, title="Storm", outlet="Wire")
    suggest(store, doc)

    async def body(app, pilot):
        reader = await open_first(pilot)
        reader.article.set_cursor(40)
        await settle(pilot)
        assert "claim? statement · Siri Nygaard (Meteorologist) · c tag it" in reader.status_bar.plain

    run_app(make_app(store), body, size=(120, 30))
