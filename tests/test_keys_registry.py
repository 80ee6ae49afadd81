"""Every key is an action in the one registry: the dialogs' keys too are rebindable, in Help
and named in their hint lines from the keymap."""

from __future__ import annotations

import pytest
from test_tui_reader import spans, story_store
from tui_support import ANNOTATOR, make_app, make_config, open_first, run_app, settle

from annotations.store import Store
from tui.actions import SCOPES, actions_for
from tui.screens.help import help_table


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "keys.db")
    yield s
    s.close()


def test_the_done_dialog_takes_its_keys_from_the_keymap(store):
    ids = story_store(store)

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("d")
        await settle(pilot)
        hints = str(app.screen.query_one("#done-keys").render())
        assert "y accept the 5 remaining" in hints
        await pilot.press("a")  # no longer accept: nothing happens
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) != "done"
        await pilot.press("y")
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "done" and len(spans(store, ids[0])) == 5

    run_app(make_app(store, make_config({"done.accept": "y"})), body)


def test_help_lists_every_scope_the_dialogs_included():
    table = help_table(make_config(), {})
    text = " ".join(str(cell) for column in table.columns for cell in column._cells)
    for scope in SCOPES:
        for action in actions_for(scope, make_config()):
            assert action.id in text
    assert "link.scope" in text and "done.leave" in text
