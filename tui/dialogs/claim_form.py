"""The claim form: a small modal opened by ``c`` in the Reader.

It tags a claim on the selection, or the sentence under the cursor.  Every field has
a valid default (the first claim type, the first stance, no speaker), so ``c`` then
``enter`` saves at once; ``escape`` cancels.  The form only collects values: it is
dismissed with a dict of ``claim_actions.add_claim`` fields (or None) and the
screen that opened it writes to the store.

Fields, top to bottom (``tab`` / ``shift+tab``, or ``up`` / ``down`` on the
choice rows): type and stance (``left`` / ``right`` cycle), speaker (free text
with a fuzzy list of this document's entities: ``down`` / ``up`` pick one),
role (the speaker's title or role as written: "Meteorologist", "spokeswoman"),
cue, check-worthy (``space``), note.  Article text is untrusted: everything
shown is sanitised and drawn as ``rich.text.Text``, never markup.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.extract.normalize import plain_line
from annotations.reading.speakers import Speaker, match_typed
from tui.keys import bindings_for
from tui.widgets.doc_list import one_line

__all__ = ["Choice", "ClaimForm", "SpeakerOption", "rank_speakers"]


class Choice(Widget, can_focus=True):
    """One value out of a few, cycled with left / right (or space): keyboard-first, no popup.

    ``enter`` is not bound, so it reaches the form (which saves)."""

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
    }
    Choice:focus {
        background: $boost;
        text-style: bold;
    }
    """
    BINDINGS = bindings_for("claim_field")

    index: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, values: list[str], value: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values = list(values) or ["—"]
        self.set_reactive(Choice.index, self.values.index(value) if value in self.values else 0)

    @property
    def value(self) -> str:
        return self.values[self.index]

    def action_cycle(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.values)
        self.post_message(self.Changed(self))

    def render(self) -> Text:
        out = Text("‹ ", style="dim")
        for i, value in enumerate(self.values):
            if i:
                out.append(" ")
                out.append("·", style="dim")
                out.append(" ")
            shown = one_line(value)  # from config.yaml or a stored claim: never a control sequence
            if i == self.index:
                out.append(f"[{shown}]", style="bold reverse" if self.has_focus else "bold")
            else:
                out.append(shown, style="dim")
        out.append(" ")
        out.append("›", style="dim")
        return out


SpeakerOption = Speaker
"""A candidate speaker: an entity span of this document, or a canonical entity (with aliases)."""


def rank_speakers(query: str, options: list[SpeakerOption], limit: int = 6) -> list[SpeakerOption]:
    """Speakers ranked by rapidfuzz against what was typed (all of them, most frequent first, if nothing)."""
    if not query.strip():
        return sorted(options, key=lambda o: (-o.count, o.label != "PERSON", o.text.casefold()))[:limit]

    # every name and alias is a choice; each option is offered once, at its best form's rank
    forms = [(o.text, i) for i, o in enumerate(options)] + [(a, i) for i, o in enumerate(options) for a in o.aliases]
    hits = process.extract(
        query,
        [f for f, _ in forms],
        scorer=fuzz.WRatio,
        processor=lambda s: s.casefold(),
        limit=limit * 3,
        score_cutoff=50,
    )
    seen: dict[int, None] = {}
    for _, _, index in hits:
        seen.setdefault(forms[index][1], None)
    return [options[i] for i in list(seen)[:limit]]


QUOTES = "\"'“”‘’«»„"


def quoted(text: str) -> str:
    """The excerpt in quotation marks, unless it opens or closes with its own (a quote
    claim, which is drawn as it is): never ““doubled””."""
    if text[:1] in QUOTES or text[-1:] in QUOTES:
        return text
    return f"“{text}”"


class ClaimForm(ModalScreen[dict[str, Any] | None]):
    """Collects the fields of one claim; dismissed with them, or None."""

    DEFAULT_CSS = """
    ClaimForm {
        align: center middle;
    }
    #claim-text {
        height: auto;
        max-height: 3;
        color: $text-muted;
        text-style: italic;
    }
    .claim-row {
        height: 1;
    }
    .claim-row-label {
        width: 13;
        color: $text-muted;
    }
    .claim-row Input {
        height: 1;
        border: none;
        padding: 0;
        width: 1fr;
        background: $boost;
    }
    .claim-row Input:focus {
        border: none;
        background: $panel-lighten-1;
    }
    #claim-speakers {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0 0 0 13;
        background: $surface;
    }
    #claim-help {
        height: 1;
        color: $text-muted;
    }
    """
    SCOPE = "claim"
    BINDINGS = bindings_for("claim")

    def __init__(
        self,
        excerpt: str,
        *,
        types: list[str],
        stances: list[str],
        speakers: list[SpeakerOption] | None = None,
        defaults: dict[str, Any] | None = None,
        title: str = "Tag a claim",
    ) -> None:
        super().__init__()
        self.excerpt = excerpt
        self.types = list(types) or ["statement"]
        self.stances = list(stances) or ["asserted"]
        self.speakers = list(speakers or [])
        self.defaults = dict(defaults or {})
        self.form_title = title
        self._speaker_pick: SpeakerOption | None = None
        self._shown: list[SpeakerOption] = []

    def compose(self) -> ComposeResult:
        d = self.defaults
        with Vertical(id="claim-box", classes="dialog-box") as box:
            box.border_title = self.form_title
            snippet = one_line(self.excerpt)
            if len(snippet) > 220:
                snippet = snippet[:150] + " … " + snippet[-60:]
            yield Static(Text(quoted(snippet)), id="claim-text")
            with Horizontal(classes="claim-row"):
                yield Static("Type", classes="claim-row-label")
                yield Choice(self.types, d.get("type"), id="claim-type")
            with Horizontal(classes="claim-row"):
                yield Static("Stance", classes="claim-row-label")
                yield Choice(self.stances, d.get("stance"), id="claim-stance")
            with Horizontal(classes="claim-row"):
                yield Static("Speaker", classes="claim-row-label")
                yield Input(
                    value=plain_line(d.get("speaker") or ""),
                    placeholder="who made the claim (optional)",
                    id="claim-speaker",
                    select_on_focus=False,
                )
            speakers = OptionList(id="claim-speakers")
            speakers.can_focus = False
            yield speakers
            with Horizontal(classes="claim-row"):
                yield Static("Role", classes="claim-row-label")
                yield Input(
                    value=plain_line(d.get("role") or ""),
                    placeholder="the speaker's title or role (optional)",
                    id="claim-role",
                    select_on_focus=False,
                )
            with Horizontal(classes="claim-row"):
                yield Static("Cue", classes="claim-row-label")
                yield Input(
                    value=plain_line(d.get("cue") or ""),
                    placeholder="said, told, according to…",
                    id="claim-cue",
                    select_on_focus=False,
                )
            with Horizontal(classes="claim-row"):
                yield Static("Check-worthy", classes="claim-row-label")
                yield Choice(["no", "yes"], "yes" if d.get("checkworthy") else "no", id="claim-checkworthy")
            with Horizontal(classes="claim-row"):
                yield Static("Note", classes="claim-row-label")
                yield Input(
                    value=plain_line(d.get("note") or ""),
                    placeholder="optional",
                    id="claim-note",
                    select_on_focus=False,
                )
            yield Static(Text("enter save · esc cancel · tab/↑↓ field · ←→ change"), id="claim-help")

    def on_mount(self) -> None:
        speaker = self.defaults.get("speaker")
        if speaker and (
            self.defaults.get("speaker_span_id") is not None or self.defaults.get("speaker_entity_id") is not None
        ):
            self._speaker_pick = SpeakerOption(
                speaker, "", self.defaults.get("speaker_span_id"), self.defaults.get("speaker_entity_id")
            )
        self._refresh_speakers(self.query_one("#claim-speaker", Input).value, highlight=False)
        self.query_one("#claim-type", Choice).focus()

    # ------------------------------------------------------------------ speakers

    def _refresh_speakers(self, query: str, *, highlight: bool = False) -> None:
        listing = self.query_one("#claim-speakers", OptionList)
        self._shown = rank_speakers(query, self.speakers) if self.speakers else []
        listing.clear_options()
        for option in self._shown:
            prompt = Text(one_line(option.text)[:40])
            prompt.append("  ")
            prompt.append(option.label, style="dim")
            if option.span_id is None and option.entity_id is not None:
                prompt.append(" entity", style="dim italic")
            if option.count > 1:
                prompt.append(" ")
                prompt.append(f"×{option.count}", style="dim")
            listing.add_option(Option(prompt))
        listing.display = bool(self._shown) and self.query_one("#claim-speaker", Input).has_focus
        listing.highlighted = 0 if (highlight and self._shown) else None

    @on(Input.Changed, "#claim-speaker")
    def _speaker_typed(self, event: Input.Changed) -> None:
        pick = self._speaker_pick
        if pick is not None and event.value != plain_line(pick.text):
            self._speaker_pick = None
        self._refresh_speakers(event.value)

    def on_descendant_focus(self, event) -> None:
        listing = self.query_one("#claim-speakers", OptionList)
        speaker = self.query_one("#claim-speaker", Input)
        taken = self._speaker_pick is not None and speaker.value == plain_line(self._speaker_pick.text)
        listing.display = bool(self._shown) and speaker.has_focus and not taken

    def _take_speaker(self, index: int) -> None:
        if not (0 <= index < len(self._shown)):
            return
        option = self._shown[index]
        self._speaker_pick = option
        speaker = self.query_one("#claim-speaker", Input)
        with speaker.prevent(Input.Changed):
            speaker.value = plain_line(option.text)
        speaker.cursor_position = len(speaker.value)
        listing = self.query_one("#claim-speakers", OptionList)
        listing.highlighted = None
        listing.display = False  # taken: down / enter now move on / save

    @on(OptionList.OptionSelected, "#claim-speakers")
    def _speaker_clicked(self, event: OptionList.OptionSelected) -> None:
        self._take_speaker(event.option_index)

    # ------------------------------------------------------------------ keys

    def _speaker_list_active(self) -> bool:
        listing = self.query_one("#claim-speakers", OptionList)
        return self.query_one("#claim-speaker", Input).has_focus and listing.display and bool(self._shown)

    def action_focus_next_field(self) -> None:
        if self._speaker_list_active():
            listing = self.query_one("#claim-speakers", OptionList)
            current = listing.highlighted
            if current is None or current < len(self._shown) - 1:
                listing.highlighted = 0 if current is None else current + 1
                return
            listing.highlighted = None
        self.focus_next()

    def action_focus_previous_field(self) -> None:
        if self._speaker_list_active():
            listing = self.query_one("#claim-speakers", OptionList)
            if listing.highlighted is not None:
                listing.highlighted = None if listing.highlighted == 0 else listing.highlighted - 1
                return
        self.focus_previous()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self._speaker_list_active():
            listing = self.query_one("#claim-speakers", OptionList)
            if listing.highlighted is not None:
                # enter on a highlighted speaker takes it; the next enter saves.
                self._take_speaker(listing.highlighted)
                return
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def values(self) -> dict[str, Any]:
        """The claim fields as ``add_claim`` takes them (empty text fields become None)."""

        def text(selector: str) -> str | None:
            value = self.query_one(selector, Input).value.strip()
            return value or None

        speaker = text("#claim-speaker")
        pick = self._speaker_pick
        linked = pick is not None and speaker == one_line(pick.text)
        # a typed name or alias of one canonical entity links to it, picked from the list or not
        entity = pick.entity_id if linked and pick is not None else None
        if entity is None:
            entity = match_typed(speaker, self.speakers)
        return {
            "type": self.query_one("#claim-type", Choice).value,
            "stance": self.query_one("#claim-stance", Choice).value,
            "speaker": speaker,
            "role": plain_line(self.query_one("#claim-role", Input).value) or None,
            "speaker_span_id": pick.span_id if linked and pick is not None else None,
            "speaker_entity_id": entity,
            "cue": text("#claim-cue"),
            "checkworthy": self.query_one("#claim-checkworthy", Choice).value == "yes",
            "note": text("#claim-note"),
        }
