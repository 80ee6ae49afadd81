"""Pilot tests of the Library: virtual list, search, filters, open and return, quit."""

from __future__ import annotations

import pytest
from tui_support import (
    ANNOTATOR,
    add_doc,
    load_sample,
    make_app,
    run_app,
    screen_text,
    settle,
    typed_search,
    until,
)

from annotations.store import Store, content_hash, now


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "library.db")
    yield s
    s.close()


def library(app):
    from tui.screens.library import LibraryScreen

    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def type_search(pilot, text: str) -> None:
    await typed_search(pilot, text)


def bulk_documents(store: Store, n: int) -> None:
    rows = [
        (content_hash(f"doc {i}"), f"Headline {i}", f"doc {i} body text", "Wire", "2021-09-06", now(), "{}")
        for i in range(n)
    ]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO documents (hash, title, text, outlet, date, imported_at, meta) VALUES (?,?,?,?,?,?,?)", rows
        )


def test_empty_database_says_how_to_import(store):
    app = make_app(store)

    async def body(app, pilot):
        doc_list = library(app).doc_list
        assert doc_list.ids == []
        assert any("No documents yet: newsmark import PATH" in line for line in screen_text(doc_list))

    run_app(app, body)


def test_rows_show_title_outlet_date_status_and_spans(store):
    ids = load_sample(store, 3)
    store.set_status(ids[1], ANNOTATOR, "done")
    store.add_span(ids[2], 0, 5, "GPE", ANNOTATOR)
    app = make_app(store)

    async def body(app, pilot):
        screen = library(app)
        lines = screen_text(screen.doc_list)
        assert lines[0].startswith("› Taliban claim control")
        assert "The Meridian" in lines[0] and "2021-09-06" in lines[0] and "todo" in lines[0]
        assert "done" in lines[1]
        assert "in progress" in lines[2] and lines[2].rstrip().endswith("1")
        assert "done 1/3" in screen.query_one("#library-bar").plain

    run_app(app, body)


def test_titles_are_untrusted(store):
    add_doc(store, "body", title="A \x1b[2J\x1b]0;x\x07 [red]title[/red]\nsecond line", outlet="\x9bbad")
    app = make_app(store)

    async def body(app, pilot):
        line = screen_text(library(app).doc_list)[0]
        assert "[red]title[/red] se" in line  # markup literal, newline flattened
        assert "\u241b[2J" in line
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in line)

    run_app(app, body)


def test_virtual_list_fetches_only_what_it_shows(store):
    bulk_documents(store, 20_000)
    app = make_app(store)

    async def body(app, pilot):
        doc_list = library(app).doc_list
        assert len(doc_list.ids) == 20_000
        assert doc_list.fetches == 1 and len(doc_list._rows) <= 200
        await pilot.press("G")
        await pilot.pause()
        assert doc_list.cursor == 19_999
        assert "Headline 19999" in screen_text(doc_list)[-1]
        assert doc_list.fetches == 2 and len(doc_list._rows) <= 400
        await pilot.press("g", "pagedown", "pagedown", "down")
        await pilot.pause()
        assert doc_list.cursor == 2 * (doc_list.size.height - 1) + 1

    run_app(app, body)


def test_search_finds_a_document_and_enter_opens_it(store):
    ids = load_sample(store)
    app = make_app(store)

    async def body(app, pilot):
        from tui.screens.reader import ReaderScreen

        screen = library(app)
        await pilot.press("G")  # from the end of the list, a search starts at its first result
        await type_search(pilot, "Panjshir")
        assert len(screen.doc_list.ids) > 1 and screen.doc_list.cursor == 0
        await pilot.press("escape")
        await settle(pilot)
        await type_search(pilot, "Rahmon")
        expected = store.document_ids(query="Rahmon")
        assert expected and screen.doc_list.ids == expected
        assert screen.doc_list.cursor == 0
        assert "search: Rahmon" in screen.query_one("#library-bar").plain
        await pilot.press("enter")  # leaves the search box for the list
        await pilot.press("enter")  # opens
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.doc_id == expected[0]
        assert "Rahmon" in app.screen.article.text
        await pilot.press("q")
        await settle(pilot)
        assert library(app).doc_list.current_id == expected[0]
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        assert library(app).doc_list.ids == ids
        assert library(app).doc_list.current_id == expected[0]

    run_app(app, body)


def test_search_with_no_match_says_so(store):
    load_sample(store, 2)
    app = make_app(store)

    async def body(app, pilot):
        await type_search(pilot, 'zzzz "quoted"')
        doc_list = library(app).doc_list
        assert doc_list.ids == []
        assert "No documents match" in doc_list.message

    run_app(app, body)


def test_q_returns_to_the_same_position_and_q_quits(store):
    ids = load_sample(store)
    app = make_app(store)

    async def body(app, pilot):
        screen = library(app)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert app.screen.doc_id == ids[3]
        await pilot.press("q")
        await settle(pilot)
        assert library(app) is screen
        assert screen.doc_list.cursor == 3
        # n in the Reader moves through the Library's order; q comes back on that document.
        await pilot.press("enter", "n")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert screen.doc_list.cursor == 4
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    run_app(app, body)

    async def reopened(app, pilot):  # the next session starts on the document read last
        assert library(app).doc_list.current_id == ids[4]

    run_app(make_app(store), reopened)


def test_status_filter_cycles(store):
    ids = load_sample(store, 4)
    store.set_status(ids[2], ANNOTATOR, "done")
    store.set_status(ids[3], ANNOTATOR, "skipped")
    store.set_status(ids[0], "bob", "done")  # another annotator's work does not count
    app = make_app(store)

    async def body(app, pilot):
        screen = library(app)
        seen = {}
        for _ in range(5):
            await pilot.press("f")
            await settle(pilot)
            seen[screen.status_filter] = list(screen.doc_list.ids)
        assert seen == {"todo": ids[:2], "in progress": [], "done": [ids[2]], "skipped": [ids[3]], None: ids}
        assert screen.status_filter is None

    run_app(app, body)


def test_marking_done_in_the_reader_updates_the_library(store):
    ids = load_sample(store, 3)
    app = make_app(store)

    async def body(app, pilot):
        screen = library(app)
        await pilot.press("enter", "d", "q")
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "done"
        assert screen.doc_list.current_id == ids[1]
        assert "done" in screen_text(screen.doc_list)[0]
        assert "done 1/3" in screen.query_one("#library-bar").plain

    run_app(app, body)


def test_help_and_palette_in_the_library(store):
    load_sample(store, 2)
    app = make_app(store)

    async def body(app, pilot):
        from tui.screens.help import HelpScreen

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        library(app)
        # The palette offers the Library's actions: "filter" runs the status filter.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"filter by status")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert library(app).status_filter == "todo"

    run_app(app, body)


def test_opening_the_app_indexes_new_documents_for_search_in_the_background(store):
    bulk_documents(store, 1500)
    assert store.pending_index() == 1500  # what an import leaves behind

    async def body(app, pilot):
        await settle(pilot)
        assert store.pending_index() == 0
        await type_search(pilot, "1499")
        assert library(app).doc_list.ids == [1500]

    run_app(make_app(store), body)


def test_enter_during_a_running_search_does_not_open_a_row_of_the_previous_list(store):
    load_sample(store)
    app = make_app(store)

    async def body(app, pilot):
        from tui.screens.reader import ReaderScreen

        screen = library(app)
        await pilot.press("slash", *"Rahmon")  # typed: the search has not run yet
        screen.doc_list.focus()
        await pilot.press("enter")
        assert not isinstance(app.screen, ReaderScreen)
        assert any("Still searching" in n.message for n in app._notifications)
        await until(pilot, lambda: screen.search_text == "Rahmon")  # the typed search applied
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen) and "Rahmon" in app.screen.article.text

    run_app(app, body)
