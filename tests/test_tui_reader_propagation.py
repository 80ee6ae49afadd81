"""Issue 29 in the Reader at 80x24 (Pilot): a wrong label corrected once is corrected everywhere
in the article and one `u` restores all; `=` counts the same decision in the other documents,
then applies it as one action, and after `d` does so for every decision of the document done;
counts before motions; the status line keeps its key hints and counts whole at 80 columns."""

from __future__ import annotations

import re
import threading

from conftest import add_document
from tui_support import ANNOTATOR, make_app, open_first, run_app, settle

from annotations.reading import everywhere as everywhere_module
from annotations.store import UNDOABLE, Store
from tui.screens import reader_entities

TEXT = (
    "Fighters in Panjshir said they held the valley.\n\n"
    "A commander in Panjshir told Telegram that Kabul was lying.\n\n"
    "Residents of Panjshir fled to Kabul, Telegram channels said."
)
OTHER = "Telegram said Kabul was calm. Panjshir was quiet."


def preds(text: str) -> list[dict]:
    labels = {"Panjshir": "ORG", "Kabul": "GPE", "Telegram": "ORG"}
    found = [
        {"start": m.start(), "end": m.end(), "label": labels[m.group()]} for m in re.finditer("|".join(labels), text)
    ]
    return sorted(found, key=lambda p: p["start"])


def two_docs(store: Store) -> list[int]:
    ids = [add_document(store, TEXT, title="Panjshir"), add_document(store, OTHER, title="Other")]
    store.save_predictions("entities", "t1", [(ids[0], preds(TEXT)), (ids[1], preds(OTHER))])
    return ids


def snapshot(store: Store) -> dict[str, list[dict]]:
    return {t: store.query(f"SELECT * FROM [{t}] ORDER BY id") for t in UNDOABLE}


def gold(store: Store, doc: int) -> list[tuple[str, str]]:
    return sorted((r["text"], r["label"]) for r in store.spans(doc, ANNOTATOR))


def test_a_wrong_label_corrected_once_is_corrected_everywhere_and_one_u_restores_all(store):
    ids = two_docs(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        before = snapshot(store)
        await pilot.press("right_square_bracket")  # ] : the first "Panjshir" (ORG, wrong)
        await pilot.press("4")  # GPE
        await settle(pilot)
        assert gold(store, ids[0]) == [("Panjshir", "GPE")] * 3
        assert "and 2 more like it" in reader.status_bar.plain
        await pilot.press("u")
        await settle(pilot)
        assert snapshot(store) == before
        assert len(reader.session.now.preds) == 7

    run_app(app, body)


def test_equals_counts_the_decision_in_other_documents_then_applies_it_as_one_action(store):
    ids = two_docs(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("right_square_bracket", "4")  # Panjshir ORG -> GPE, three here
        await settle(pilot)
        assert "= elsewhere" in reader.status_bar.plain
        before = snapshot(store)
        await pilot.press("equals_sign")
        await settle(pilot)
        assert "= again: apply to 1 suggestion in 1 document" in reader.status_bar.plain
        assert snapshot(store) == before  # counting writes nothing
        await pilot.press("equals_sign")
        await settle(pilot)
        assert gold(store, ids[1]) == [("Panjshir", "GPE")]
        await pilot.press("u")
        await settle(pilot)
        assert snapshot(store) == before

    run_app(app, body)


def test_a_count_before_a_motion_on_plain_text(store):
    two_docs(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("w")  # "in": plain text, so a digit is a count
        stops = reader.session.stops
        await pilot.press("2", "right_curly_bracket")
        await settle(pilot)
        assert reader.article.cursor == stops[1]

    run_app(app, body)


def test_the_status_line_keeps_its_hints_and_counts_whole_at_80_columns(store):
    long_name = "Panjshir Resistance Front of the Northern Alliance"
    text = f"Fighters of the {long_name} said on Monday they held the valley."
    doc = add_document(store, text, title="Long")
    start = text.index(long_name)
    store.save_predictions("entities", "t1", [(doc, [{"start": start, "end": start + len(long_name), "label": "ORG"}])])
    app = make_app(store, annotator="annotator-with-a-long-name")

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("right_curly_bracket")
        await pilot.press("w")  # a cursor move: the status line shows what is under the cursor
        await settle(pilot)
        line = reader.status_bar.render().plain
        assert len(line) <= 80
        assert "a accept, x reject, l link" in line  # the key hints whole
        assert "done 0/1" in line  # the counts whole
        assert "…" not in line.split("”")[-1]  # nothing cut outside the quoted text

    run_app(app, body)


def test_marking_done_offers_the_documents_decisions_elsewhere_counted_first_one_undo(store):
    ids = two_docs(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("right_square_bracket", "4")  # Panjshir ORG -> GPE (three here); on to Telegram
        await settle(pilot)
        await pilot.press("x")  # Telegram ORG rejected (both); on to Kabul
        await settle(pilot)
        await pilot.press("A", "d")  # Kabul accepted as it was: no decision; done opens the next
        await settle(pilot)
        assert reader.doc_id == ids[1]
        line = reader.status_bar.render().plain
        assert "Marked done (previous document) · = elsewhere" in line and len(line) <= 80
        before = snapshot(store)
        await pilot.press("equals_sign")
        await settle(pilot)
        assert "= again: apply to 2 suggestions in 1 document" in reader.status_bar.plain
        assert snapshot(store) == before  # counting writes nothing
        await pilot.press("equals_sign")
        await settle(pilot)
        assert gold(store, ids[1]) == [("Panjshir", "GPE")]
        assert "Applied to 2 suggestions in 1 document · u undoes" in reader.status_bar.plain
        assert [OTHER[p["start"] : p["end"]] for p in reader.session.now.preds.values()] == ["Kabul"]  # repainted
        await pilot.press("u")
        await settle(pilot)
        assert snapshot(store) == before

    run_app(app, body)


def test_equals_counts_and_applies_in_a_worker_thread_and_shows_it_done_only_once_committed(store, monkeypatch):
    ids = two_docs(store)
    app = make_app(store)
    seen: list[tuple[str, bool, list]] = []  # (what, on the UI thread, the other document's gold then)
    real_find, real_apply = everywhere_module.find_elsewhere, everywhere_module.apply_elsewhere
    counting = threading.Event()  # the count waits for the test: what the UI shows meanwhile

    def find(*args, **kwargs):
        assert counting.wait(10)
        seen.append(("count", threading.current_thread() is threading.main_thread(), gold(store, ids[1])))
        return real_find(*args, **kwargs)

    def apply(*args, **kwargs):
        count = real_apply(*args, **kwargs)
        seen.append(("apply", threading.current_thread() is threading.main_thread(), gold(store, ids[1])))
        return count

    monkeypatch.setattr(reader_entities, "find_elsewhere", find)
    monkeypatch.setattr(reader_entities, "apply_elsewhere", apply)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("right_square_bracket", "4")
        await settle(pilot)
        await pilot.press("equals_sign")
        await pilot.pause()
        assert "Counting in the other documents" in reader.status_bar.plain  # the UI runs on meanwhile
        await pilot.press("equals_sign")  # pressed again while counting: says so, applies nothing
        await pilot.pause()
        assert "Still counting" in reader.status_bar.plain
        counting.set()
        await settle(pilot)
        assert "= again: apply to 1 suggestion in 1 document" in reader.status_bar.plain
        assert gold(store, ids[1]) == []
        await pilot.press("equals_sign")
        await settle(pilot)
        assert "Applied to 1 suggestion in 1 document · u undoes" in reader.status_bar.plain
        assert gold(store, ids[1]) == [("Panjshir", "GPE")]
        assert [s[:2] for s in seen] == [("count", False), ("apply", False)]
        assert seen[1][2] == [("Panjshir", "GPE")]  # committed by the worker, before its message
        assert store.history(ANNOTATOR, limit=1)[0]["name"] == "label “Panjshir” everywhere"

    run_app(app, body)
