"""The Reader's status line at 80 columns (issue 29 item 5, seen in tmux): however long a
command's feedback (long untrusted entity text, labels as long as the default's longest), the key hints and the
counts on the right stay whole; the feedback is shortened instead, and nothing reaches the
terminal from the text but inert characters."""

from __future__ import annotations

import yaml
from conftest import add_document
from hostile import assert_inert
from rich.text import Text
from tui_support import make_app, open_first, run_app, settle

from annotations.config import default_config_text, parse_config
from tui.screens.reader_display import fit_status, flash_variants, shorten_quotes

NAME = "\x1b[31mNorthern [bold]Resistance[/bold] Front of the Panjshir Valley and the Andarab Districts"
TEXT = f"{NAME} said it held the valley.\n\nLater the {NAME} denied it.\n\nThe {NAME} spoke again."
OTHER = f"Elsewhere the {NAME} was quiet."
LONG_ORG = "MILITIAS"
LONG_GPE = "PROVINCE"


def long_label_config():
    base = yaml.safe_load(default_config_text())
    labels = [{"name": LONG_ORG, "key": "3"}, {"name": LONG_GPE, "key": "4"}, {"name": "PERSON", "key": "1"}]
    return parse_config(yaml.safe_dump({"labels": labels}), "long-labels.yaml", base=base)


def hostile_docs(store) -> list[int]:
    ids = [add_document(store, TEXT, title="Long names"), add_document(store, OTHER, title="Other")]
    found = []
    for doc_id, text in zip(ids, (TEXT, OTHER)):
        at, spans = 0, []
        while (start := text.find(NAME, at)) >= 0:
            spans.append({"start": start, "end": start + len(NAME), "label": LONG_ORG})
            at = start + len(NAME)
        found.append((doc_id, spans))
    store.save_predictions("entities", "t1", found)
    return ids


def check(reader, *hints: str) -> str:
    """The status line as drawn: 80 cells, the counts whole at the right, the hints whole."""
    line = reader.status_bar.render().plain
    assert len(line) <= 80, line
    assert line.rstrip().endswith("done 0/2"), line  # the counts never go
    assert line.endswith("  " + reader.status_bar.right.plain), line  # apart from the feedback, not run on
    for hint in hints:
        assert hint in line, (hint, line)
    assert_inert(line)
    return line


def test_long_feedback_keeps_the_hints_and_counts_whole_and_shortens_itself(store):
    hostile_docs(store)
    app = make_app(store, long_label_config(), annotator="annotator-with-a-rather-long-name")

    async def body(app, pilot):
        reader = await open_first(pilot)
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        check(reader)
        await pilot.press("less_than_sign")  # an edge key: "LABEL “long words” and 2 more like it · = elsewhere"
        await settle(pilot)
        check(reader, "and 2 more like it", "= elsewhere")
        await pilot.press("4")  # relabel all three: "Relabelled LONG → LONG and 2 more like it"
        await settle(pilot)
        check(reader, "2 more like it")
        await pilot.press("u", "u")
        await settle(pilot)
        await pilot.press("right_curly_bracket", "4")  # accept as the other long label, with its likes
        await settle(pilot)
        check(reader, "= elsewhere")
        await pilot.press("equals_sign")
        await settle(pilot)
        check(reader, "= again: apply to 1 suggestion in 1 document")
        await pilot.press("equals_sign")
        await settle(pilot)
        check(reader, "u undoes")

    run_app(app, body)


def test_fit_status_cuts_only_the_first_part_and_keeps_hints_and_counts():
    right_full, right_counts = Text("todo · alice · 10% · done 3/40"), Text("todo · done 3/40")
    flash = Text(f"Relabelled “{'very long words ' * 6}” as {LONG_GPE} and 12 more like it · 3 left · = elsewhere")
    keys = {"=", "u"}
    left, right = fit_status(flash_variants(flash, keys), [right_full, right_counts], 80, keys)
    assert right.plain == "todo · done 3/40"
    assert left.plain.endswith(" · = elsewhere")
    assert left.cell_len + 2 + right.cell_len <= 80
    assert "3 left" not in left.plain  # the tally goes before anything is cut
    short = Text("Accepted PERSON · = elsewhere")  # a message that fits keeps everything, right included
    assert fit_status(flash_variants(short, keys), [right_full, right_counts], 80, keys) == (short, right_full)


def test_a_claim_suggestions_speaker_stays_when_the_tally_does_not_fit():
    """`"` says whom the suggestion quotes and how many are open; at 80 columns the tally goes
    first (a new-user trial saw only "claim? statement": every part after the first was cut)."""
    right_full, right_counts = Text("in progress · alice · 9% · done 1/5"), Text("in progress · done 1/5")
    flash = Text("claim? statement · Transport minister Eir… · 19 claim suggestions open")
    keys = {"=", "u"}
    left, right = fit_status(flash_variants(flash, keys), [right_full, right_counts], 80, keys)
    assert left.plain == "claim? statement · Transport minister Eir…"
    assert left.cell_len + 2 + right.cell_len <= 80


def test_shorten_quotes_cuts_only_inside_the_quotes():
    assert (
        shorten_quotes("Split into “Northern Resistance Front” and “Kabul”", 10)
        == "Split into “Northe…ont” and “Kabul”"
    )
    assert shorten_quotes("“東京都東京都東京都東京都”", 9).count("…") == 1
