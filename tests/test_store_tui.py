"""Store methods the TUI uses, and the app meeting store faults (a held lock, a full disk) and hostile labels."""

from __future__ import annotations

from conftest import add_document

from annotations.store import Store


def test_progress_counts_one_annotators_statuses(store: Store):
    ids = [add_document(store, f"Text number {i}.") for i in range(5)]
    assert store.progress("alice") == {"todo": 5, "in progress": 0, "done": 0, "skipped": 0, "reviewed": 0, "total": 5}
    store.set_status(ids[0], "alice", "done")
    store.set_status(ids[1], "alice", "skipped")
    store.add_span(ids[2], 0, 4, "ORG", "alice")  # moves it to in progress
    store.set_status(ids[3], "bob", "done")
    assert store.progress("alice") == {"todo": 2, "in progress": 1, "done": 1, "skipped": 1, "reviewed": 0, "total": 5}
    assert store.progress("bob") == {"todo": 4, "in progress": 0, "done": 1, "skipped": 0, "reviewed": 0, "total": 5}
    assert store.progress("nobody")["todo"] == 5


def test_progress_of_an_empty_database(store: Store):
    assert store.progress("alice") == {"todo": 0, "in progress": 0, "done": 0, "skipped": 0, "reviewed": 0, "total": 0}


def test_span_at_finds_exact_offsets_for_this_annotator_only(store: Store):
    doc = add_document(store, "Ahmad Massoud spoke in Panjshir.")
    span = store.add_span(doc, 0, 13, "PERSON", "alice")
    store.add_span(doc, 23, 31, "GPE", "bob")
    assert store.span_at(doc, "alice", 0, 13)["id"] == span
    assert store.span_at(doc, "alice", 0, 5) is None
    assert store.span_at(doc, "alice", 23, 31) is None
    assert store.span_at(doc, "bob", 23, 31)["label"] == "GPE"


# -- faults and hostile data as the app meets them ---------------------------------------------

STORY = (
    "The port authority said on Monday that Ahmad Massoud, its director, would brief "
    'reporters. "The pier is safe," he said, adding that repairs would take a month.'
)


def test_a_write_refused_by_a_held_lock_leaves_the_reader_running_and_unchanged(tmp_path):
    """Another process holds the write lock past the busy timeout: the Reader shows one
    message, stays on the same document with nothing marked, and the same key works once the
    lock is released (retry)."""
    import sqlite3

    from tui_support import make_app, open_first, run_app, settle

    path = tmp_path / "locked.db"
    with Store(path) as setup:
        first = add_document(setup, STORY, title="Pier safe, port says")
        add_document(setup, "A second story about the harbour dredging contract.", title="Dredging")
    store = Store(path, busy_timeout=0.2)
    app = make_app(store)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    async def body(app, pilot):
        reader = await open_first(pilot)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("d")  # done and next: the write fails
        await settle(pilot)
        assert app.is_running and app.screen is reader and reader.doc_id == first
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "locked by another process" in errors[0] and "try again" in errors[0]
        assert store.status(first, "alice") == "todo"
        other.execute("ROLLBACK")
        await pilot.press("d")  # the retry
        await settle(pilot)
        assert store.status(first, "alice") == "done"

    try:
        run_app(app, body)
    finally:
        other.close()
        store.close()


def test_a_full_disk_leaves_the_reader_running_with_one_message(tmp_path):
    from tui_support import make_app, open_first, run_app, settle

    store = Store(tmp_path / "full.db")
    first = add_document(store, STORY, title="Pier safe, port says")
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        # No room for one more page: labelling word after word soon finds the disk full.
        store.conn.execute(f"PRAGMA max_page_count = {store.scalar('PRAGMA page_count')}")
        errors: list[str] = []
        for _ in range(20):
            before = store.spans(first, "alice")
            await pilot.press("v", "1", "w")  # label the word under the cursor, go on
            await settle(pilot)
            errors = [n.message for n in app._notifications if n.severity == "error"]
            if errors:
                break
        assert app.is_running and reader.doc_id == first
        assert len(errors) == 1 and "disk full" in errors[0] and "nothing was saved" in errors[0]
        assert store.spans(first, "alice") == before  # the failed action left nothing behind

    try:
        run_app(app, body)
    finally:
        store.close()


def test_hostile_labels_and_claim_types_reach_the_screen_inert(store):
    """Labels and claim types come from imports: the side panel and status line show them
    as text (an OSC 52 label once wrote to the clipboard)."""
    from hostile import HOSTILE, assert_inert
    from textual.widgets import Static
    from tui_support import make_app, open_first, run_app, settle

    from annotations.store import now

    doc = add_document(store, STORY, title="Pier safe, port says")
    start = STORY.index("Ahmad Massoud")
    with store.action("alice", "seed", doc_id=doc) as act:
        act.insert(
            "spans",
            {
                "doc_id": doc,
                "start": start,
                "end": start + 13,
                "label": f"L{HOSTILE}",
                "text": "Ahmad Massoud",
                "annotator": "alice",
                "origin": "imported",
                "created_at": now(),
            },
        )
        act.insert(
            "claims",
            {
                "doc_id": doc,
                "start": STORY.index('"The'),
                "end": STORY.index(" he said"),
                "type": f"C{HOSTILE}",
                "annotator": "alice",
                "origin": "imported",
                "created_at": now(),
            },
        )
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("tab")  # show the side panel
        await settle(pilot)
        panel = reader.side_panel
        shown = "".join(str(panel.query_one(f"#side-{part}", Static).render()) for part in ("entities", "claims"))
        assert "L␛[2J" in shown and "C␛[2J" in shown
        assert "[/][bold red]loud" in shown  # markup shown, not parsed
        assert_inert(shown)
        for _ in range(12):  # walk the cursor over the span: the status line names its label
            await pilot.press("w")
        await settle(pilot)
        assert_inert(app.export_screenshot())

    run_app(app, body)
