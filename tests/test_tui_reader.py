"""Pilot tests of the Reader against a real SQLite store: every assertion that matters
is made on the database, not on the screen."""

from __future__ import annotations

import pytest
from tui_support import (
    ANNOTATOR,
    add_doc,
    load_sample,
    make_app,
    make_config,
    open_first,
    predict,
    run_app,
    settle,
)

from annotations.errors import ConfigError
from annotations.store import Store

STORY = (
    "Ahmad Massoud spoke in Panjshir on Monday. The Taliban said the valley had fallen.\n"
    "\n"
    "Amrullah Saleh said he was still in the valley."
)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "reader.db")
    yield s
    s.close()


def story_store(store: Store, n: int = 3) -> list[int]:
    ids = [add_doc(store, STORY, title="Story one", outlet="Wire", date="2021-09-06", author="A. Writer")]
    for i in range(1, n):
        ids.append(add_doc(store, f"Document number {i}. Kabul is quiet.", title=f"Other {i}", date=f"2021-09-0{i}"))
    predict(store, ids)
    return ids


def spans(store: Store, doc_id: int, annotator: str = ANNOTATOR):
    return [(s["start"], s["end"], s["label"], s["origin"]) for s in store.spans(doc_id, annotator)]


# ------------------------------------------------------------------ accept / delete / undo


def test_next_entity_then_accept_stores_a_gold_span_and_x_and_u(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert reader.article.cursor == 0
        await pilot.press("right_square_bracket")  # ] : first entity is at 0, so next is Panjshir
        await pilot.press("a")
        await settle(pilot)
        start = STORY.index("Panjshir")
        assert spans(store, ids[0]) == [(start, start + 8, "GPE", "accepted-prediction")]
        assert store.status(ids[0], ANNOTATOR) == "in progress"
        # The accepted suggestion is now gold (and no longer offered as a prediction).
        kinds = {(m.start, m.kind) for m in reader.article.spans}
        assert (start, "gold") in kinds and (start, "pred") not in kinds
        assert reader.article.cursor == STORY.index("Monday")  # auto-advance: on to the next open one
        await pilot.press("left_square_bracket", "x")
        await settle(pilot)
        assert spans(store, ids[0]) == []
        # x means "not an entity": the suggestion it came from does not come back
        assert start not in {m.start for m in reader.article.spans}
        assert [(r["start"], r["label"]) for r in store.rejections(ids[0], ANNOTATOR)] == [(start, "GPE")]
        await pilot.press("G", "u")  # one undo: the span is back, the rejection gone
        await settle(pilot)
        assert spans(store, ids[0]) == [(start, start + 8, "GPE", "accepted-prediction")]
        assert reader.article.cursor == start  # and the cursor is back on it
        assert store.rejections(ids[0], ANNOTATOR) == []
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert spans(store, ids[0]) == []

    run_app(app, body)


def test_a_gold_span_inside_a_suggestion_supersedes_it(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert (0, 13, "pred") in {(m.start, m.end, m.kind) for m in reader.article.spans}
        await pilot.press("w", "v", "w", "1")  # select "Massoud" inside "Ahmad Massoud", PERSON
        await settle(pilot)
        assert spans(store, ids[0]) == [(6, 13, "PERSON", "manual")]
        marks = {(m.start, m.end, m.kind) for m in reader.article.spans}
        assert (6, 13, "gold") in marks and (0, 13, "pred") not in marks

    run_app(app, body)


def test_x_on_a_suggestion_rejects_it_for_good(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("x")  # cursor at 0: on the "Ahmad Massoud" suggestion
        await settle(pilot)
        rejected = store.rejections(ids[0], ANNOTATOR)
        assert [(r["start"], r["end"], r["label"]) for r in rejected] == [(0, 13, "PERSON")]
        assert spans(store, ids[0]) == []
        assert 0 not in {m.start for m in reader.article.spans}
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        # Still rejected after reopening.
        assert 0 not in {m.start for m in app.screen.article.spans}

    run_app(app, body)


def test_number_key_relabels_the_span_under_the_cursor(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("a")  # accept Ahmad Massoud as PERSON (the cursor moves on)
        await pilot.press("left_square_bracket", "3")  # back to it, relabel ORG
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "ORG", "accepted-prediction")]
        await pilot.press("u")
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "PERSON", "accepted-prediction")]

    run_app(app, body)


def test_number_key_on_a_suggestion_accepts_it_with_that_label(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "GPE", "accepted-prediction")]

    run_app(app, body)


def test_v_motions_and_a_number_store_a_manual_span(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("v", "w", "w", "1")
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "PERSON", "manual")]
        assert reader.article.selection is None
        # Shift+arrows extend a selection too; trailing white space is not labelled.
        await pilot.press("w", "w")  # from the "d" of Massoud: "spoke", then "in"
        assert STORY[reader.article.cursor :].startswith("in ")
        await pilot.press("shift+right", "shift+right", "5")
        await settle(pilot)
        start = STORY.index("in Panjshir")
        assert (start, start + 2, "LOC", "manual") in spans(store, ids[0])

    run_app(app, body)


def test_number_key_without_selection_or_span_says_select_first(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("w", "w")  # "spoke": no span here
        assert reader.article.span_at_cursor() == []
        await pilot.press("2")
        await settle(pilot)
        assert spans(store, ids[0]) == []
        assert "Select text first" in reader.status_bar.plain

    run_app(app, body)


def test_d_marks_done_and_opens_the_next_document(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        open_suggestions = len(reader._preds)
        await pilot.press("d")  # suggestions are open: a small dialog asks
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "todo"
        await pilot.press("escape")  # cancel: nothing happens
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "todo" and reader.doc_id == ids[0]
        await pilot.press("d", "l")  # leave them open
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "done"
        assert reader.doc_id == ids[1]
        assert reader.status_bar.plain.startswith(f"Marked done · {open_suggestions} suggestions left open")
        assert "Document number 1" in reader.article.text
        await pilot.press("p")
        assert reader.doc_id == ids[0]
        await pilot.press("n", "n")
        assert reader.doc_id == ids[2]
        # Undo of "mark done" concerns another document: the Reader goes there.
        await pilot.press("u")
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "todo"
        assert reader.doc_id == ids[0]
        # S marks it skipped instead, and moves on the same way
        await pilot.press("S")
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "skipped"
        assert reader.doc_id == ids[1]

    run_app(app, body)


def test_undo_across_a_restart(tmp_path):
    path = tmp_path / "restart.db"
    with Store(path) as store:
        ids = story_store(store)

        async def first(app, pilot):
            await open_first(pilot)
            await pilot.press("a")
            await settle(pilot)

        run_app(make_app(store), first)
        assert spans(store, ids[0]) == [(0, 13, "PERSON", "accepted-prediction")]
    with Store(path) as store:

        async def second(app, pilot):
            await open_first(pilot)
            await pilot.press("u")
            await settle(pilot)

        run_app(make_app(store), second)
        assert spans(store, ids[0]) == []


def test_reading_position_is_remembered_per_document_and_annotator(store):
    ids = load_sample(store, 2)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("space", "space", "w")
        cursor, top = reader.article.cursor, reader.article.top_offset
        assert top > 0
        await pilot.press("q")
        await settle(pilot)
        assert store.position(ids[0], ANNOTATOR) == (cursor, top)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.article.cursor == cursor
        assert app.screen.article.top_offset == top

    run_app(app, body)
    # Another annotator starts at the top.
    assert store.position(ids[0], "bob") is None


def test_quitting_from_the_reader_saves_the_position(store):
    ids = load_sample(store, 1)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("space", "w")
        expected = reader.article.cursor
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert store.position(ids[0], ANNOTATOR)[0] == expected

    run_app(app, body)


# ------------------------------------------------------------------ keymap


def test_keymap_from_config_rebinds_keys(store):
    ids = story_store(store)
    config = make_config({"reader.accept": "enter", "reader.label.ORG": "o"})
    app = make_app(store, config)

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("a")  # no longer bound
        await settle(pilot)
        assert spans(store, ids[0]) == []
        await pilot.press("enter")
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "PERSON", "accepted-prediction")]
        await pilot.press("left_square_bracket", "o")
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "ORG", "accepted-prediction")]

    run_app(app, body)


def test_a_keymap_that_takes_another_actions_key_is_reported_once(store):
    ids = story_store(store)
    config = make_config({"reader.accept": "x"})
    app = make_app(store, config)

    async def body(app, pilot):
        warnings = [n.message for n in app._notifications if "reader.delete" in n.message]
        assert warnings == ["x now runs reader.accept, no longer reader.delete"]
        await open_first(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "PERSON", "accepted-prediction")]

    run_app(app, body)


@pytest.mark.parametrize(
    "keymap, message",
    [
        ({"reader.acept": "y"}, "test-config.yaml: keymap.reader.acept: unknown action"),
        ({"reader.accept": "ctlr+a"}, "test-config.yaml: keymap.reader.accept: malformed key"),
        ({"reader.accept": "a,"}, "test-config.yaml: keymap.reader.accept: malformed key"),
    ],
)
def test_bad_keymap_is_a_config_error_before_the_app_runs(store, keymap, message):
    from tui.keys import validate_keymap

    config = make_config(keymap)
    with pytest.raises(ConfigError) as err:
        validate_keymap(config)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)
    with pytest.raises(ConfigError):
        make_app(store, config)


# ------------------------------------------------------------------ display


def test_header_and_side_panel_show_untrusted_text_literally(store):
    text = "Evil \x1b[31mred\x1b[0m [bold]Masood[/bold] spoke."
    doc = add_doc(store, text, title="Title \x1b]0;pwned\x07 [b]x[/b]", outlet="Out\x1b[2Jlet", author="[i]me[/i]")
    start = text.index("Masood")
    store.save_predictions("entities", "t", [(doc, [{"start": start, "end": start + 6, "label": "PERSON"}])])
    app = make_app(store)

    async def body(app, pilot):
        from textual.widgets import Static

        reader = await open_first(pilot)
        header = str(reader.query_one("#reader-header", Static).content)
        assert "\x1b" not in header and "\x07" not in header
        assert "[b]x[/b]" in header and "[i]me[/i]" in header and "Out\u241b[2Jlet" in header
        await pilot.press("tab")  # the panel starts hidden at 80 columns
        await pilot.pause()
        assert reader.side_panel.display
        assert [g.form for g in reader.side_panel.groups] == ["Masood"]
        panel = str(reader.side_panel.query_one("#side-entities", Static).content)
        assert "Masood" in panel and "PERSON?" in panel

    run_app(app, body)


def test_side_panel_follows_the_terminal_width(store):
    story_store(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert reader.side_panel.display  # 120 columns: shown
        await pilot.press("s")
        await pilot.pause()
        assert not reader.side_panel.display

    run_app(make_app(store), body, size=(120, 30))

    async def narrow(app, pilot):
        reader = await open_first(pilot)
        assert not reader.side_panel.display  # 80 columns: hidden until asked

    run_app(make_app(store), narrow)


def test_status_line_names_the_label_as_text(store):
    story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert "PERSON? “Ahmad Massoud” · a accept, x reject, l link" in reader.status_bar.plain
        await pilot.press("a", "left_square_bracket")  # a cursor move clears the flash message
        await pilot.pause()
        status = reader.status_bar.plain
        assert "PERSON · accepted-prediction" in status
        assert "in progress" in status and ANNOTATOR in status and "done 0/3" in status

    run_app(app, body)


def test_find_in_article(store):
    story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("slash")
        await pilot.press(*"valley")
        await pilot.press("enter")  # lands on the match and gives the keys back to the Reader (issue 29)
        assert reader.article.cursor == STORY.index("valley")
        assert reader.article.has_focus and "Match 1/" in reader.query_one("#reader-status").plain
        await pilot.press("slash", "enter")  # the text is kept: / enter is the next match
        assert reader.article.cursor == STORY.index("valley", STORY.index("valley") + 1)
        assert "Match 2/" in reader.query_one("#reader-status").plain
        await pilot.press("slash", "escape")  # escape closes the bar, stays in the article
        assert app.screen is reader and reader.article.has_focus
        assert "Match" not in reader.query_one("#reader-status").plain  # nothing left of the find
        await pilot.press("slash", "enter")  # next match (wrapping)
        assert reader.article.cursor == STORY.index("valley")

    run_app(app, body)


def test_claim_and_link_keys_stay_out_of_the_footer(store):
    story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        from tui.dialogs.claim_form import ClaimForm

        reader = await open_first(pilot)
        shown = {b.binding.id for b in reader.active_bindings.values() if b.binding.show}
        assert "reader.claim" not in shown and "reader.link" not in shown
        assert {"reader.accept", "reader.delete", "reader.undo", "reader.done", "reader.back"} <= shown
        await pilot.press("c")  # the claim form (tests/test_tui_claims_linking.py covers it)
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm)

    run_app(app, body)


def test_command_palette_runs_reader_actions(store):
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"accept the suggestion")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert spans(store, ids[0]) == [(0, 13, "PERSON", "accepted-prediction")]

    run_app(app, body)


def test_the_palette_finds_the_word_the_status_line_names_a_key_by(store):
    """The status line offers '= elsewhere'; a new user searching the palette for 'elsewhere'
    found nothing (the action was described as 'Last decision ... in other documents')."""
    story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"elsewhere")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is reader and reader.status_bar.plain.startswith("No decision yet")

    run_app(app, body)


def test_help_lists_every_action_of_the_registry(store):
    from textual.widgets import Static

    from tui.actions import all_actions
    from tui.screens.help import HelpScreen

    story_store(store)
    config = make_config({"reader.accept": "enter"})
    app = make_app(store, config)

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", Static).content
        from rich.console import Console

        console = Console(width=100, record=True)
        console.print(table)
        text = console.export_text()
        for action in all_actions(config):
            assert action.id in text
        assert "⏎" in text  # the remapped key is what Help shows
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)

    run_app(app, body)


def test_model_notice_is_shown_once_at_startup(store):
    story_store(store)
    notice = "No spaCy model installed: suggestions are off; manual annotation works."
    app = make_app(store, model_notice=notice)

    async def body(app, pilot):
        assert [n.message for n in app._notifications].count(notice) == 1
        await open_first(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert [n.message for n in app._notifications].count(notice) == 1

    run_app(app, body)


def test_no_color_still_shows_cursor_selection_and_spans(store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    ids = story_store(store)
    store.add_span(ids[0], STORY.index("Taliban"), STORY.index("Taliban") + 7, "ORG", ANNOTATOR)
    app = make_app(store)

    async def body(app, pilot):
        assert app.no_color
        reader = await open_first(pilot)
        await pilot.press("v", "w")
        await pilot.pause()
        # The selection and the spans are drawn with attributes that survive NO_COLOR.
        view = reader.article
        styles = [seg.style for seg in view.render_line(0) if seg.style]
        assert any(s.reverse for s in styles)  # selection
        assert any(s.underline for s in styles)  # suggestions
        assert any(s.bold for s in styles)  # gold span

    run_app(app, body)


def test_a_label_key_taken_by_another_action_is_reported():
    import yaml

    from annotations.config import default_config_text, parse_config
    from tui.keys import keymap_clashes

    data = yaml.safe_load(default_config_text())
    data["labels"][2]["key"] = "a"
    config = parse_config(yaml.safe_dump(data), "labels.yaml")
    assert keymap_clashes(config) == ["label key a of ORG is taken by reader.accept"]
    assert keymap_clashes(make_config()) == []


def test_side_panel_groups_linked_mentions_under_their_canonical_entity():
    from tui.widgets.side_panel import entity_groups

    text = "Yevgeny Prokhorenko met Evgeny Prokhorenko's aide in Kharkiv. Kharkiv was calm."
    at = {form: text.index(form) for form in ("Yevgeny Prokhorenko", "Evgeny Prokhorenko", "Kharkiv")}
    gold = [
        {"start": at["Yevgeny Prokhorenko"], "end": at["Yevgeny Prokhorenko"] + 19, "label": "PERSON", "entity_id": 7},
        {"start": at["Evgeny Prokhorenko"], "end": at["Evgeny Prokhorenko"] + 18, "label": "PERSON", "entity_id": 7},
        {"start": at["Kharkiv"], "end": at["Kharkiv"] + 7, "label": "GPE", "entity_id": None},
    ]
    preds = [{"start": text.rindex("Kharkiv"), "end": text.rindex("Kharkiv") + 7, "label": "GPE"}]
    groups = entity_groups(text, gold, preds, {7: "Yevgeny Prokhorenko"})
    assert [(g.form, g.confirmed, g.suggested) for g in groups] == [("Kharkiv", 1, 1), ("Yevgeny Prokhorenko", 2, 0)]
    # unlinked, the two spellings are two rows
    assert len(entity_groups(text, gold, preds, {})) == 3


# ------------------------------------------------------------------ Correct mode (issue 13)


def test_correct_mode_keys_a_whole_document(store):
    """} skips to open suggestions, < fixes a boundary, X rejects a paragraph, A takes the
    rest, u takes A back whole, and d with nothing open just marks done."""
    ids = story_store(store)
    app = make_app(store)

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("a")  # Ahmad Massoud, then on to Panjshir
        assert reader.article.cursor == STORY.index("Panjshir")
        await pilot.press("right_curly_bracket")  # } : Monday
        assert reader.article.cursor == STORY.index("Monday")
        await pilot.press("left_curly_bracket")  # { : back to Panjshir
        assert reader.article.cursor == STORY.index("Panjshir")
        await pilot.press("X")  # rejects what is open in this paragraph: Panjshir, Monday, Taliban
        await settle(pilot)
        assert reader.status_bar.plain.startswith("Rejected 3 suggestions in this paragraph")
        await pilot.press("A")
        await settle(pilot)
        assert reader.status_bar.plain.startswith("Accepted 1 suggestion in the document")
        saleh = STORY.index("Amrullah Saleh")
        assert (saleh, saleh + 14, "PERSON", "accepted-prediction") in spans(store, ids[0])
        await pilot.press("u")
        await settle(pilot)
        assert len(spans(store, ids[0])) == 1
        await pilot.press("A", "right_curly_bracket")
        assert "All 5 suggestions reviewed" in reader.status_bar.plain
        reader.article.set_cursor(saleh + 3)
        await pilot.press("full_stop")  # . : the start edge one token right
        await settle(pilot)
        assert (saleh + 9, saleh + 14, "PERSON", "manual") in spans(store, ids[0])
        await pilot.press("d")  # nothing open: no question
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "done" and reader.doc_id == ids[1]

    run_app(app, body)


def test_done_can_accept_the_rest_and_on_done_config_skips_the_question(store):
    ids = story_store(store)

    async def ask(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("d", "a")  # the dialog: accept the remaining
        await settle(pilot)
        assert store.status(ids[0], ANNOTATOR) == "done" and len(spans(store, ids[0])) == 5
        assert reader.status_bar.plain.startswith("Marked done · accepted 5 suggestions")

    run_app(make_app(store), ask)
    base = make_config()
    config = base.model_copy(update={"reader": base.reader.model_copy(update={"on_done": "accept"})})

    async def auto(app, pilot):
        reader = await open_first(pilot)
        reader.load(ids[1])
        await pilot.press("d")
        await settle(pilot)
        assert store.status(ids[1], ANNOTATOR) == "done" and len(spans(store, ids[1])) == 1

    run_app(make_app(store, config), auto)


def test_no_auto_advance_when_switched_off(store):
    story_store(store)
    base = make_config()
    config = base.model_copy(update={"reader": base.reader.model_copy(update={"auto_advance": False})})

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert reader.article.cursor == 0

    run_app(make_app(store, config), body)


def test_claim_suggestion_key_and_speaker_links(store):
    """ " reaches a claim suggestion; c prefills its speaker from the detector's resolved mention
    (the gold span there and its canonical entity); a typed alias links to the entity."""
    from conftest import add_entity

    from annotations.reading import claims as claim_actions

    ids = story_store(store)
    saleh = add_entity(store, "Amrullah Saleh", "PERSON", aliases=["Saleh", "A. Saleh"])
    start = STORY.index("Amrullah")
    store.save_predictions(
        "claims",
        "t1",
        [
            (
                ids[0],
                [
                    {
                        "start": start,
                        "end": len(STORY),
                        "type": "statement",
                        "speaker": "Amrullah Saleh",
                        "speaker_start": start,
                        "speaker_end": start + 14,
                        "cue": "said",
                        "stance": "reported",
                    }
                ],
            )
        ],
    )

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert any(m.kind == "claimpred" for m in reader.article.spans)  # its margin mark
        await pilot.press("A", "quotation_mark")
        assert reader.article.cursor == start and "claim?" in reader.status_bar.plain
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        (claim,) = claim_actions.claims(store, ids[0], ANNOTATOR)
        gold = next(g for g in store.spans(ids[0], ANNOTATOR) if g["start"] == start)
        assert claim["speaker_span_id"] == gold["id"] and claim["speaker_entity_id"] == saleh
        # a claim tagged by hand with a typed alias links to the canonical entity
        reader.article.set_cursor(STORY.index("Taliban"))
        await pilot.press("c", "down", "down", *"a. saleh", "enter")
        await settle(pilot)
        typed = next(c for c in claim_actions.claims(store, ids[0], ANNOTATOR) if c["id"] != claim["id"])
        assert (typed["speaker"], typed["speaker_entity_id"], typed["speaker_span_id"]) == ("a. saleh", saleh, None)

    run_app(make_app(store), body)


def test_header_titles_are_cut_at_a_word_with_an_ellipsis():
    from tui.widgets.bars import fit_words

    title = "Taliban claim control of Panjshir as resistance vows to fight on in the valley"
    cut = fit_words(title, 40)
    assert cut.endswith("…") and len(cut) <= 40 and title.startswith(cut[:-1])
    assert title[len(cut) - 1] == " "  # cut between words
    assert fit_words("Short", 40) == "Short"


def test_claim_previews_never_double_their_quotes():
    from tui.dialogs.claim_form import quoted

    assert quoted("“The war is over,” he said") == "“The war is over,” he said"
    assert quoted("“The war is over.”") == "“The war is over.”"
    assert quoted("Prices rose 50 percent") == "“Prices rose 50 percent”"
