"""One error path for every worker, typed errors instead of substrings, named message fields."""

from __future__ import annotations

import pytest
from conftest import add_document
from tui_support import make_app, run_app, settle

from annotations.errors import QueryInterrupted
from annotations.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "w.db")
    add_document(s, "Ahmad Massoud said the valley would hold.", title="Valley")
    yield s
    s.close()


def test_an_interrupted_read_is_its_own_error_type(store):
    store.conn.set_progress_handler(lambda: 1, 1)  # what interrupt() does to a running query
    with pytest.raises(QueryInterrupted):
        store.document_ids(query="valley")
    store.conn.set_progress_handler(None, 1)
    assert store.document_ids(query="valley") == [1]


def test_a_failing_worker_is_reported_once_and_the_app_runs_on(store, monkeypatch):
    from tui.screens.claims import ClaimsScreen

    def broken(self, store):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ClaimsScreen, "fetch", broken)
    app = make_app(store)
    shown: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append(message))

    async def body(app, pilot) -> None:
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running

    run_app(app, body)
    assert shown == ["internal error: RuntimeError: disk on fire"]


def test_library_message_fields_are_named():
    from tui.screens.library import LibraryScreen, _Query

    msg = LibraryScreen.IdsLoaded(_Query(None, ""), [1, 2], keep_index=0, partial=True)
    assert (msg.ids, msg.progress, msg.keep_id, msg.keep_index, msg.error, msg.partial) == (
        [1, 2],
        {},
        None,
        0,
        None,
        True,
    )
