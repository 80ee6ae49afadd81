"""The variant queue at 80x24 under Pilot: one `y` links every mention of both spellings."""

from __future__ import annotations

import pytest
from tui_support import add_doc, make_app, run_app, settle

from annotations.store import Store

DOCS = [
    "KABUL — The Taliban said on Monday that the city was calm.",
    "Residents of Kabul queued for bread as banks stayed shut.",
    "Flights from Kabul resumed on Thursday, officials said.",
]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "variants.db")
    yield s
    s.close()


async def loaded(pilot, queue) -> None:
    """Wait for the queue's linker run (a thread worker)."""
    for _ in range(100):
        if queue.loaded:
            return
        await pilot.pause(0.05)
    raise AssertionError("the variant queue never loaded")


def kabul_store(store: Store) -> list[int]:
    ids = [add_doc(store, text, title=f"Story {i}", outlet="Wire") for i, text in enumerate(DOCS)]
    batch = []
    for doc_id, text in zip(ids, DOCS):
        at = text.find("KABUL") if "KABUL" in text else text.find("Kabul")
        label = "ORG" if text[at : at + 5] == "KABUL" else "GPE"  # the model's labels disagree
        batch.append((doc_id, [{"start": at, "end": at + 5, "label": label, "text": text[at : at + 5]}]))
    store.save_predictions("entities", "test-1", batch)
    return ids


def test_one_y_links_every_mention_of_both_spellings(store):
    kabul_store(store)

    async def body(app, pilot):
        from tui.screens.variants import VariantsScreen

        await pilot.press("E")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, VariantsScreen)
        await loaded(pilot, queue)
        assert {queue.current.a, queue.current.b} == {"Kabul", "KABUL"}
        await pilot.press("y")
        await settle(pilot)
        status = queue.query_one("#variant-status")._left.plain  # the status line says what it did
        assert "3 mentions linked to “Kabul” (new)" in status, status
        linked = store.query("SELECT text, label FROM spans WHERE entity_id IS NOT NULL ORDER BY doc_id")
        assert [(r["text"], r["label"]) for r in linked] == [("KABUL", "GPE"), ("Kabul", "GPE"), ("Kabul", "GPE")]
        await pilot.press("q")
        await settle(pilot)
        entities = app.screen
        for _ in range(100):  # the list reloads in a worker
            if entities.rows:
                break
            await pilot.pause(0.05)
        rows = [(r["name"], r["mentions"]) for r in entities.rows]
        assert rows == [("Kabul", 3)]  # the linked mention count rose by all of them
        await pilot.press("v")  # the judged count is the annotator's, across visits
        await settle(pilot)
        await loaded(pilot, app.screen)
        assert app.screen.judged == 1 and app.screen.current is None
        await pilot.press("backspace")  # and one undo takes it all back
        await settle(pilot)
        assert store.scalar("SELECT count(*) FROM spans") == 0
        assert store.scalar("SELECT count(*) FROM entities") == 0

    run_app(make_app(store), body)
