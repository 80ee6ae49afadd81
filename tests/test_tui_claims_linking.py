"""Pilot tests of claims, linking and the cross-document screens, asserting on the database."""

from __future__ import annotations

import re

import pytest
from tui_support import ANNOTATOR, add_doc, before, make_app, open_first, predict, run_app, settle

from annotations.entities import actions as entity_actions
from annotations.reading import claims as claim_actions
from annotations.store import Store

STORY = (
    "Ahmad Massoud spoke in Panjshir on Monday. The Taliban said the valley had fallen.\n"
    "\n"
    "Amrullah Saleh said he was still in the valley."
)
OTHER = "Ahmad Masood said 300 fighters held the Panshir valley. Kabul is quiet."
THIRD = "Officials said 30 fighters held the Panjshir valley on Monday."


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "claims.db")
    yield s
    s.close()


def stories(store: Store) -> list[int]:
    ids = [
        add_doc(store, STORY, title="Story one", outlet="Wire", date="2021-09-06"),
        add_doc(store, OTHER, title="Story two", outlet="Daily", date="2021-09-07"),
        add_doc(store, THIRD, title="Story three", outlet="Post", date="2021-09-08"),
    ]
    predict(store, ids)
    return ids


# ------------------------------------------------------------------ claims in the Reader


def test_c_enter_tags_the_current_sentence(store):
    ids = stories(store)

    async def body(app, pilot):
        from tui.dialogs.claim_form import ClaimForm

        await open_first(pilot)
        await pilot.press("right_parenthesis")  # ) : the second sentence
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ClaimForm)
        await pilot.press("enter")
        await settle(pilot)
        rows = claim_actions.claims(store, ids[0], ANNOTATOR)
        assert len(rows) == 1
        claim = rows[0]
        assert STORY[claim["start"] : claim["end"]] == "The Taliban said the valley had fallen."
        assert claim["type"] == "statement" and claim["stance"] == "asserted"
        assert claim["annotator"] == ANNOTATOR and claim["origin"] == "manual"
        # Drawn in the Reader, and x deletes it (one undoable action).
        reader = app.screen
        assert any(m.kind == "claim" for m in reader.article.spans)
        await pilot.press("x")
        await settle(pilot)
        assert claim_actions.claims(store, ids[0], ANNOTATOR) == []
        await pilot.press("u")
        await settle(pilot)
        assert len(claim_actions.claims(store, ids[0], ANNOTATOR)) == 1

    run_app(make_app(store), body)


def test_claim_form_fields_and_escape(store):
    ids = stories(store)

    async def body(app, pilot):
        await open_first(pilot)
        await pilot.press("a")  # accept Ahmad Massoud: a gold span to pick as speaker
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert claim_actions.claims(store, ids[0], ANNOTATOR) == []
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("right")  # type: quote
        await pilot.press("down", "right", "right")  # stance: denied
        await pilot.press("down", *"mass")  # speaker: fuzzy list
        await pilot.press("down", "enter")  # take Ahmad Massoud
        await pilot.press("down", *"commander")  # role, beside the speaker
        await pilot.press("down", *"spoke")  # cue
        await pilot.press("down", "space")  # check-worthy
        await pilot.press("enter")
        await settle(pilot)
        (claim,) = claim_actions.claims(store, ids[0], ANNOTATOR)
        gold = store.spans(ids[0], ANNOTATOR)[0]
        assert (claim["type"], claim["stance"], claim["speaker"], claim["role"], claim["cue"]) == (
            "quote",
            "denied",
            "Ahmad Massoud",
            "commander",
            "spoke",
        )
        assert claim["speaker_span_id"] == gold["id"] and claim["checkworthy"] == 1

    run_app(make_app(store), body)


def test_a_suggested_claim_is_taken_with_c(store):
    ids = stories(store)
    start = STORY.index("Amrullah")
    end = len(STORY)
    store.save_predictions(
        "claims",
        "test-1",
        [
            (
                ids[0],
                [
                    {
                        "start": start,
                        "end": end,
                        "type": "statement",
                        "speaker": "Amrullah Saleh",
                        "cue": "said",
                        "stance": "reported",
                        "text": STORY[start:end],
                    }
                ],
            )
        ],
    )

    async def body(app, pilot):
        reader = await open_first(pilot)
        reader.article.set_cursor(start + 20)
        await settle(pilot)
        assert "claim?" in reader.status_bar.plain
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        (claim,) = claim_actions.claims(store, ids[0], ANNOTATOR)
        assert (claim["start"], claim["end"], claim["speaker"], claim["cue"], claim["stance"]) == (
            start,
            end,
            "Amrullah Saleh",
            "said",
            "reported",
        )
        assert claim["origin"] == "accepted-prediction"

    run_app(make_app(store), body)


# ------------------------------------------------------------------ linking


def test_l_on_a_gold_span_creates_an_entity_and_links(store):
    ids = stories(store)

    async def body(app, pilot):
        from tui.dialogs.link_picker import LinkPicker

        await open_first(pilot)
        await pilot.press("a")  # Ahmad Massoud becomes gold (the cursor moves on)
        await pilot.press("left_square_bracket", "l")
        await settle(pilot)
        assert isinstance(app.screen, LinkPicker)
        await pilot.press(*"Ahmad Shah Massoud Jr")
        await pilot.press("enter")
        await settle(pilot)
        (entity,) = entity_actions.entities(store)
        assert (entity["name"], entity["label"], entity["mentions"]) == ("Ahmad Shah Massoud Jr", "PERSON", 1)
        assert store.spans(ids[0], ANNOTATOR)[0]["entity_id"] == entity["id"]

    run_app(make_app(store), body)


def test_l_on_a_suggestion_accepts_and_links_it_in_one_undoable_action(store):
    ids = stories(store)

    async def body(app, pilot):
        from tui.dialogs.link_picker import LinkPicker

        await open_first(pilot)
        await pilot.press("l")  # the cursor is on the suggestion "Ahmad Massoud"
        await settle(pilot)
        assert isinstance(app.screen, LinkPicker)
        await pilot.press(*"Ahmad Massoud", "enter")
        await settle(pilot)
        (span,) = store.spans(ids[0], ANNOTATOR)
        (entity,) = entity_actions.entities(store)
        assert (span["text"], span["origin"], span["entity_id"]) == (
            "Ahmad Massoud",
            "accepted-prediction",
            entity["id"],
        )
        assert store.status(ids[0], ANNOTATOR) == "in progress"
        await pilot.press("u")  # one undo: no span, no entity, back to todo
        await settle(pilot)
        assert store.spans(ids[0], ANNOTATOR) == [] and entity_actions.entities(store) == []
        assert store.status(ids[0], ANNOTATOR) == "todo"

    run_app(make_app(store), body)


def test_link_every_identical_form_in_the_corpus(store):
    ids = stories(store)
    for doc_id, text in zip(ids, (STORY, OTHER, THIRD)):
        if "Panjshir" in text:
            at = text.index("Panjshir")
            store.add_span(doc_id, at, at + 8, "GPE", ANNOTATOR)
    existing = entity_actions.create_entity(store, "Panjshir", "GPE", ANNOTATOR)

    async def body(app, pilot):
        reader = await open_first(pilot)
        reader.article.set_cursor(STORY.index("Panjshir"))
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+a")  # scope: the whole corpus
        await pilot.press("enter")  # the exact match is highlighted
        await settle(pilot)
        linked = [s["entity_id"] for d in ids for s in store.spans(d, ANNOTATOR)]
        assert linked == [existing, existing]
        assert "Panjshir" in entity_actions.aliases(store, existing)

    run_app(make_app(store), body)


# ------------------------------------------------------------------ entities and the variant queue


def variant_store(store: Store) -> list[int]:
    ids = stories(store)
    store.add_span(ids[0], 0, 13, "PERSON", ANNOTATOR)  # Ahmad Massoud
    store.add_span(ids[1], 0, 12, "PERSON", ANNOTATOR)  # Ahmad Masood
    at = STORY.index("Panjshir")
    store.add_span(ids[0], at, at + 8, "GPE", ANNOTATOR)
    at = OTHER.index("Panshir")
    store.add_span(ids[1], at, at + 7, "GPE", ANNOTATOR)
    return ids


def test_variant_queue_records_judgements_and_never_shows_them_again(store):
    variant_store(store)

    async def body(app, pilot):
        from tui.screens.entities import EntitiesScreen
        from tui.screens.variants import VariantsScreen

        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EntitiesScreen)
        await pilot.press("v")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, VariantsScreen)
        pairs = [(p.a, p.b) for p in queue.pairs]
        assert len(pairs) >= 2, pairs
        first, second = queue.pairs[0], queue.pairs[1]
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        judged = {(j["a"], j["b"], j["verdict"]) for j in store.query("SELECT * FROM judgements")}
        assert judged == {(*sorted((first.a, first.b)), "same"), (*sorted((second.a, second.b)), "different")}
        assert queue.judged == 2
        # backspace takes the last judgement back (in the database) and shows its pair again
        await pilot.press("backspace")
        await settle(pilot)
        judged = {(j["a"], j["b"], j["verdict"]) for j in store.query("SELECT * FROM judgements")}
        assert judged == {(*sorted((first.a, first.b)), "same")}
        assert (queue.current.a, queue.current.b) == (second.a, second.b) and queue.judged == 1
        await pilot.press("ctrl+r")  # and redo judges it again
        await settle(pilot)
        assert len(store.query("SELECT * FROM judgements")) == 2 and queue.judged == 2
        assert queue.current is None or (queue.current.a, queue.current.b) != (second.a, second.b)
        # Reopened, the judged pairs are gone.
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        again = {(p.a, p.b) for p in app.screen.pairs}
        assert (first.a, first.b) not in again and (second.a, second.b) not in again

    run_app(make_app(store), body)


def test_entities_screen_merge_split_and_concordance(store):
    ids = variant_store(store)
    massoud = entity_actions.create_entity(store, "Ahmad Massoud", "PERSON", ANNOTATOR)
    masood = entity_actions.create_entity(store, "Ahmad Masood", "PERSON", ANNOTATOR)
    spans = {s["text"]: s for d in ids for s in store.spans(d, ANNOTATOR)}
    entity_actions.link_span(store, spans["Ahmad Massoud"]["id"], massoud, ANNOTATOR)
    entity_actions.link_span(store, spans["Ahmad Masood"]["id"], masood, ANNOTATOR)

    async def body(app, pilot):
        from tui.screens.entities import EntitiesScreen
        from tui.screens.reader import ReaderScreen

        await pilot.press("E")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        names = [r["name"] for r in screen.rows]
        # m on Ahmad Masood, m on Ahmad Massoud: merged into Ahmad Massoud.
        screen.entity_table.move_cursor(row=names.index("Ahmad Masood"))
        await pilot.press("m")
        screen.entity_table.move_cursor(row=names.index("Ahmad Massoud"))
        await pilot.press("m")
        await settle(pilot)
        assert [e["name"] for e in entity_actions.entities(store)] == ["Ahmad Massoud"]
        assert [r["name"] for r in screen.rows] == ["Ahmad Massoud"]
        assert len(screen.mention_rows) == 2
        # u undoes the merge (in the database and on screen); ctrl+r merges again
        await pilot.press("u")
        await settle(pilot)
        assert sorted(e["name"] for e in entity_actions.entities(store)) == ["Ahmad Masood", "Ahmad Massoud"]
        assert sorted(r["name"] for r in screen.rows) == ["Ahmad Masood", "Ahmad Massoud"]
        assert "Undid" in screen.status_bar.plain
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert [r["name"] for r in screen.rows] == ["Ahmad Massoud"]
        screen.entity_table.move_cursor(row=0)
        await settle(pilot)
        assert len(screen.mention_rows) == 2
        # Concordance: context on both sides, outlet shown.
        assert {m["outlet"] for m in screen.mention_rows} == {"Wire", "Daily"}
        # Split the Masood form back out.
        await pilot.press("tab")
        index = next(i for i, m in enumerate(screen.mention_rows) if m["text"] == "Ahmad Masood")
        screen.mention_table.move_cursor(row=index)
        await pilot.press("s")
        await settle(pilot)
        assert sorted(e["name"] for e in entity_actions.entities(store)) == ["Ahmad Masood", "Ahmad Massoud"]
        # enter on a mention opens the article there.
        screen.entity_table.focus()
        await pilot.press("enter")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        mention = screen.mention_rows[0]
        assert app.screen.doc_id == mention["doc_id"]
        assert app.screen.article.cursor == mention["start"]
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is screen

    run_app(make_app(store), body)


# ------------------------------------------------------------------ claims screen


def test_claims_screen_marks_similar_claims_and_groups_them(store):
    ids = stories(store)
    a = claim_actions.add_claim(
        store, ids[1], 0, OTHER.index(" Kabul"), ANNOTATOR, type="quantity", speaker="Ahmad Masood"
    )
    b = claim_actions.add_claim(store, ids[2], 0, len(THIRD), ANNOTATOR, type="quantity")
    c = claim_actions.add_claim(store, ids[0], STORY.index("The Taliban"), STORY.index("\n"), ANNOTATOR)

    async def body(app, pilot):
        from tui.screens.claims import ClaimsScreen

        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClaimsScreen)
        assert {r["id"] for r in screen.rows} == {a, b, c}
        # 300 fighters is not 30 fighters: "a" finds no similar claim.
        screen.table.move_cursor(row=[r["id"] for r in screen.rows].index(a))
        await pilot.press("a")
        assert screen.marked == set()
        # Mark two by hand and group them.
        await pilot.press("space")
        screen.table.move_cursor(row=[r["id"] for r in screen.rows].index(c))
        await pilot.press("space")
        await pilot.press("g")
        await settle(pilot)
        groups = {r["id"]: r["group_id"] for r in claim_actions.all_claims(store)}
        assert groups[a] is not None and groups[a] == groups[c] and groups[b] is None
        # u takes the grouping back
        await pilot.press("u")
        await settle(pilot)
        assert all(r["group_id"] is None for r in claim_actions.all_claims(store))
        assert all(r["group_id"] is None for r in screen.rows)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert sum(r["group_id"] is not None for r in claim_actions.all_claims(store)) == 2
        # Filter by outlet.
        await pilot.press("slash", *"Post")
        await settle(pilot)
        assert [r["id"] for r in screen.rows] == [b]
        await pilot.press("escape")
        await settle(pilot)
        assert len(screen.rows) == 3

    run_app(make_app(store), body)


def test_similar_claims_need_compatible_numbers():
    from tui.screens.claims import numbers_compatible, similar_claims

    assert not numbers_compatible("300 fighters held the valley", "30 fighters held the valley")
    assert numbers_compatible("1,000 people fled", "1000 people fled on Monday")
    assert numbers_compatible("the valley fell", "the valley fell on 6 September")
    base = {"id": 1, "doc_id": 1, "text": "300 fighters held the Panjshir valley"}
    others = [
        {"id": 2, "doc_id": 2, "text": "300 fighters held the Panshir valley"},
        {"id": 3, "doc_id": 3, "text": "30 fighters held the Panjshir valley"},
        {"id": 4, "doc_id": 1, "text": "300 fighters held the Panjshir valley"},
    ]
    assert [o["id"] for o, _ in similar_claims(base, others)] == [2]


# ------------------------------------------------------------------ snapshots at 80x24


def test_snapshot_claim_form(snap_compare, store):
    stories(store)
    assert snap_compare(
        make_app(store), terminal_size=(80, 24), run_before=before("enter", "a", "right_parenthesis", "c")
    )


def test_snapshot_link_picker(snap_compare, store):
    variant_store(store)
    entity_actions.create_entity(store, "Ahmad Massoud", "PERSON", ANNOTATOR)
    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=before("enter", "l"))


def test_snapshot_entities_and_variant_queue(snap_compare, store):
    ids = variant_store(store)
    entity = entity_actions.create_entity(store, "Ahmad Massoud", "PERSON", ANNOTATOR)
    entity_actions.link_form(store, "Ahmad Massoud", "PERSON", entity, ANNOTATOR)
    assert ids
    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=before("E", "v"))


def test_snapshot_claims_screen(snap_compare, store):
    ids = stories(store)
    claim_actions.add_claim(store, ids[1], 0, OTHER.index(" Kabul"), ANNOTATOR, type="quantity", speaker="Ahmad Masood")
    claim_actions.add_claim(store, ids[2], 0, len(THIRD), ANNOTATOR, type="quantity")
    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=before("C", "space"))


def test_concordance_keeps_the_texts_own_spacing_around_the_form():
    from tui.widgets.kwic import kwic

    line = kwic("Moscow named Evgeniy ", "Prokhorenko", ", the Russian-installed head", 60).plain
    assert "Evgeniy Prokhorenko, the Russian" in line
    assert "Hezbollah-affiliated" in kwic("a ", "Hezbollah", "-affiliated group", 40).plain
    assert kwic("\x1b[31m", "[bold]x[/]", "\n\nend", 30).plain.strip() == "␛[31m[bold]x[/] end"


def test_picker_puts_an_entity_that_has_the_spelling_first_whatever_the_label():
    from tui.dialogs.link_picker import EntityChoice, rank_entities

    entities = [
        EntityChoice(1, "Abdel Fattah al-Burhan", "PERSON", [], 9),
        EntityChoice(2, "El Fasher", "GPE", ["Al-Fashir"], 1),
    ]
    assert [e.name for e, _ in rank_entities("Al-Fashir's", "PERSON", entities)][0] == "El Fasher"
    assert [e.name for e, _ in rank_entities("Burhan", "PERSON", entities)][0] == "Abdel Fattah al-Burhan"


def test_l_names_a_new_entity_without_a_leading_the_or_the_pages_escape_codes(store):
    """Seen by a new user: `l` then enter on "the Norwegian Maritime Authority" made an entity
    of that name, and on a form holding an escape sequence stored its display glyph (␛) in the
    name. The name is the form without a lower-case 'the' and without control characters; the
    alias keeps the form exactly as the text has it."""
    text = "Officials at the Norwegian Maritime Authority said \x1b[31mZed Karlsen\x1b[0m would speak."
    doc = add_doc(store, text, title="Hostile")
    forms = [("the Norwegian Maritime Authority", "ORG"), ("\x1b[31mZed Karlsen\x1b[0m", "PERSON")]
    spans = [{"start": text.index(f), "end": text.index(f) + len(f), "label": label} for f, label in forms]
    store.save_predictions("entities", "test-1", [(doc, spans)])

    async def body(app, pilot):
        from tui.dialogs.link_picker import LinkPicker

        await open_first(pilot)
        for _ in forms:
            await pilot.press("right_curly_bracket", "l")
            await settle(pilot)
            assert isinstance(app.screen, LinkPicker)
            await pilot.press("enter")
            await settle(pilot)
        names = sorted(e["name"] for e in entity_actions.entities(store))
        assert names == ["Norwegian Maritime Authority", "[31mZed Karlsen[0m"]
        aliases = {r["form"] for r in store.query("SELECT form FROM aliases")}
        assert {f for f, _ in forms} <= aliases

    run_app(make_app(store), body)


def test_the_status_line_says_what_a_span_is_linked_to_and_who_a_suggested_claim_quotes(store):
    """Seen by a new user at 80x24: a linked name was cut without a mark ('= the Norw'), and a
    claim suggestion's speaker could be seen only in the claim form."""
    text = "Ahmad Massoud spoke in Panjshir.\n\n“We will not surrender,” Massoud told the crowd on Monday."
    doc = add_doc(store, text, title="Linked")
    quote = text.index("“")
    store.save_predictions(
        "claims", "test-1", [(doc, [{"start": quote, "end": len(text), "type": "quote", "speaker": "Ahmad Massoud"}])]
    )
    massoud = store.add_span(doc, 0, 13, "PERSON", ANNOTATOR)
    entity_actions.link(store, massoud, ANNOTATOR, new=("Ahmad Massoud", "PERSON"))
    long_name = "Ahmad Shah Massoud, commander of the National Resistance Front"
    entity_actions.link(store, store.add_span(doc, 23, 31, "GPE", ANNOTATOR), ANNOTATOR, new=(long_name, "GPE"))

    async def body(app, pilot):
        reader = await open_first(pilot)
        assert "“Ahmad Massoud” linked" in reader.status_bar.plain
        reader.article.cursor = 23
        await settle(pilot)
        line = reader.status_bar.plain
        assert re.search(r"“Panjshir” = Ahmad Shah [\w, ]*…", line), line  # cut, and shown to be
        await pilot.press("quotation_mark")  # the next claim suggestion says whom it quotes
        await settle(pilot)
        assert reader.status_bar.plain.startswith("claim? quote · Ahmad Massoud · 1 claim suggestion open")
        reader.article.cursor = quote + 2
        await settle(pilot)
        assert reader.status_bar.plain.startswith("claim? quote · Ahmad Massoud · c tag it")

    run_app(make_app(store), body)
