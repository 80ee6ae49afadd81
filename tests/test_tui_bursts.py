"""Keys that arrive in one burst (a terminal delivers a fast typist's or a paste's keys in one
read) never crash the app: the palette's page keys before its list is laid out, and Enters that
pick a screen's "Back" in the palette and then reach the screens behind it. Pilot at 80x24;
the keys are posted together, without a pause between them, as a terminal delivers them."""

from __future__ import annotations

from textual import events
from tui_support import ANNOTATOR, load_sample, make_app, run_app, settle

from annotations.entities import actions as entity_actions


def burst(app, *keys: str) -> None:
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def test_page_keys_with_the_palette_opening_do_not_crash(store):
    load_sample(store, 3)

    async def body(app, pilot):
        from textual.command import CommandPalette

        burst(app, "ctrl+p", "pageup", "pagedown")  # KeyError in Textual's page move before
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("pagedown", "pageup")  # laid out now: the page keys still work
        await settle(pilot)
        assert app.screen.query_one("CommandList").highlighted is not None

    run_app(make_app(store), body)


def test_back_from_the_palette_then_enters_at_once_do_not_crash(store):
    ids = load_sample(store, 3)
    text = store.document(ids[0])["text"]
    at = text.index("Massoud")
    span = store.add_span(ids[0], at, at + 7, "PERSON", ANNOTATOR)
    entity_actions.link_span(
        store, span, entity_actions.create_entity(store, "Massoud", "PERSON", ANNOTATOR), ANNOTATOR
    )

    async def body(app, pilot):
        from tui.screens.entities import EntitiesScreen
        from tui.screens.library import LibraryScreen

        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EntitiesScreen)
        await pilot.press("ctrl+p", *"back")
        await settle(pilot)
        # Enter picks "Back"; the next two arrive before the palette has gone (ScreenStackError,
        # or NoMatches '#mention-table' from Back run on the closed Entities screen, before).
        burst(app, "enter", "enter", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, EntitiesScreen)
        assert [type(s) for s in app.screen_stack][0] is LibraryScreen

    run_app(make_app(store), body)
