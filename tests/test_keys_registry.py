"""Every key is an action in the one registry: the dialogs' keys too are rebindable, in Help
and named in their hint lines from the keymap."""

from __future__ import annotations

import ast
from pathlib import Path

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
    assert "claim.save" in text and "claim_field.next" in text and "palette.page_down" in text


def test_no_key_is_bound_outside_the_registry():
    """A Binding made anywhere but from the registry (tui/keys.py) could not be rebound and would not be in Help."""
    root = Path(__file__).resolve().parents[1] / "tui"
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None))
            if called == "Binding" and path.name != "keys.py":
                found.append(f"{path.relative_to(root)}:{node.lineno}")
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "BINDINGS" for t in node.targets):
                uses_registry = (
                    isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "bindings_for"
                )
                if not uses_registry:
                    found.append(f"{path.relative_to(root)}:{node.lineno} BINDINGS")
    assert found == []


def test_the_claim_form_saves_and_cancels_on_rebound_keys(store):
    story_store(store)
    config = make_config({"claim.cancel": "ctrl+g", "claim.save": "ctrl+o"})

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClaimForm"
        await pilot.press("escape")  # no longer cancel
        await settle(pilot)
        assert type(app.screen).__name__ == "ClaimForm"
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReaderScreen"

    run_app(make_app(store, config), body)
