"""The link picker: link an entity mention to a canonical entity (``l`` in the Reader).

A fuzzy list of canonical entities, ranked by rapidfuzz against what is typed
(the surface form to start with), entities of a compatible label first, each shown
with its aliases.  ``up`` / ``down`` move, ``enter`` links to the highlighted
entity; when what is typed names no existing entity, the highlighted first row is
"new entity": ``enter`` creates it and links, one undoable action (``entity_actions.link``).  ``ctrl+a``
cycles the scope: this mention, every identical form in this document, or in the
whole corpus.  ``escape`` cancels.

The dialog only chooses: it is dismissed with a :class:`LinkChoice` (or None) and
:func:`apply_link` writes it to the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.entities import actions as entity_actions
from annotations.extract.normalize import name_from_form, normalize
from annotations.extract.variants.labels import compatible  # the one label rule (the linker's too)
from annotations.store import Store
from annotations.store.entities import entities_with_mentions, entity_forms
from tui.dialogs.claim_form import Choice
from tui.keys import bindings_for, key_hint
from tui.widgets.doc_list import one_line

__all__ = ["SCOPES", "EntityChoice", "LinkChoice", "LinkPicker", "apply_link", "entity_choices", "rank_entities"]

SCOPES = ("span", "doc", "corpus")
SCOPE_NAMES = ("this mention", "all in this document", "all in the corpus")
SHOWN = 50
"""At most this many entities are listed (the best matches)."""
AUTO_PICK = 90
"""An existing entity scoring at least this against the untouched surface form is highlighted first."""


@dataclass
class EntityChoice:
    id: int
    name: str
    label: str
    aliases: list[str]
    mentions: int = 0


@dataclass(frozen=True)
class LinkChoice:
    """What the picker chose: an existing entity (``entity_id``) or a new one (``name``)."""

    entity_id: int | None
    name: str
    label: str
    scope: str = "span"


def entity_choices(store: Store) -> list[EntityChoice]:
    """Every canonical entity with its aliases (explicit ones and linked forms): two queries."""
    found = {
        r["id"]: EntityChoice(r["id"], r["name"], r["label"], [], r["mentions"]) for r in entities_with_mentions(store)
    }
    for row in entity_forms(store):
        entity = found.get(row["entity_id"])
        if entity is not None and row["form"] != entity.name:
            entity.aliases.append(row["form"])
    return list(found.values())


def rank_entities(
    query: str, label: str | None, entities: list[EntityChoice], limit: int = SHOWN
) -> list[tuple[EntityChoice, float]]:
    """Entities matching ``query`` (name or any alias), label-compatible first, best score first."""
    if not entities:
        return []
    query = query.strip()
    if not query:
        ranked = [(e, 0.0) for e in entities]
    else:
        strings: list[str] = []
        owner: list[int] = []
        for index, entity in enumerate(entities):
            for form in (entity.name, *entity.aliases):
                strings.append(form)
                owner.append(index)
        best: dict[int, float] = {}
        for _, score, i in process.extract(
            query, strings, scorer=fuzz.WRatio, processor=utils.default_process, limit=None, score_cutoff=50
        ):
            index = owner[i]
            if score > best.get(index, -1):
                best[index] = score
        ranked = [(entities[i], score) for i, score in best.items()]
    # an entity that already has this very spelling (case, "the", a possessive 's aside) comes
    # first whatever the label: the model may have mislabelled the mention (Al-Fashir's PERSON)

    key = normalize(query)
    exact = {id(e) for e, _ in ranked if key and any(normalize(f) == key for f in (e.name, *e.aliases))}
    ranked.sort(
        key=lambda pair: (
            id(pair[0]) not in exact,
            not compatible(pair[0].label, label),
            -pair[1],
            -pair[0].mentions,
            pair[0].name.casefold(),
        )
    )
    return ranked[:limit]


def _same_name(a: str, b: str) -> bool:
    """One name, whatever the spacing, case, stray control characters or a lower-case 'the'."""
    return name_from_form(a).casefold() == name_from_form(b).casefold()


class LinkPicker(ModalScreen[LinkChoice | None]):
    """Pick (or create) the canonical entity a mention names."""

    DEFAULT_CSS = """
    LinkPicker {
        align: center middle;
    }
    #link-query {
        height: 1;
        border: none;
        padding: 0;
        background: $boost;
    }
    #link-options {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        background: $surface;
    }
    #link-options > .option-list--option-highlighted {
        text-style: bold reverse;
    }
    .link-row {
        height: 1;
    }
    .link-row-label {
        width: 7;
        color: $text-muted;
    }
    #link-help {
        height: 1;
        color: $text-muted;
    }
    """
    SCOPE = "link"
    BINDINGS = bindings_for("link")

    def __init__(
        self,
        form: str,
        label: str | None,
        entities: list[EntityChoice],
        *,
        current: int | None = None,
        scope: str = "span",
    ) -> None:
        super().__init__()
        self.form = form
        self.label = label
        self.entities = entities
        self.current = current
        self.start_scope = scope if scope in SCOPES else "span"
        self._rows: list[tuple[EntityChoice | None, float]] = []
        self._query = ""
        self._marked: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="link-box", classes="dialog-box") as box:
            box.border_title = Text(f"Link “{one_line(self.form)[:40]}” ({one_line(self.label or '?')})")
            yield Input(
                value=name_from_form(self.form),
                id="link-query",
                placeholder="canonical name: pick one below, or type a new name",
            )
            options = OptionList(id="link-options")
            options.can_focus = False
            yield options
            with Horizontal(classes="link-row"):
                yield Static("Link", classes="link-row-label")
                yield Choice(list(SCOPE_NAMES), SCOPE_NAMES[SCOPES.index(self.start_scope)], id="link-scope")
            keymap = getattr(self.app, "keymap_config", {})
            hint = (
                f"{key_hint('link.choose', keymap)} link · "
                f"{key_hint('link.up', keymap)}{key_hint('link.down', keymap)} choose · "
                f"{key_hint('link.scope', keymap)} scope · {key_hint('link.cancel', keymap)} cancel"
            )
            yield Static(Text(hint), id="link-help")

    def on_mount(self) -> None:
        self._refresh(self.query_one("#link-query", Input).value, untouched=True)
        self.query_one("#link-query", Input).focus()

    @on(Input.Changed, "#link-query")
    def _typed(self, event: Input.Changed) -> None:
        self._refresh(event.value, untouched=_same_name(event.value, self.form))

    def _refresh(self, query: str, *, untouched: bool) -> None:
        ranked = rank_entities(query, self.label, self.entities)
        exact = next(
            (i for i, (e, _) in enumerate(ranked) if any(_same_name(query, f) for f in (e.name, *e.aliases))), None
        )
        rows: list[tuple[EntityChoice | None, float]] = list(ranked)
        if exact is None and query.strip():
            rows.insert(0, (None, 0.0))  # "new entity" first
        self._rows = rows
        self._query = query
        self._marked = None
        listing = self.query_one("#link-options", OptionList)
        listing.clear_options()
        for entity, score in rows:
            listing.add_option(Option(self._prompt(entity, score, query)))
        if not rows:
            listing.highlighted = None
            return
        highlight = 0
        if exact is not None:
            highlight = exact
        elif untouched and ranked and ranked[0][1] >= AUTO_PICK and compatible(ranked[0][0].label, self.label):
            highlight = 1  # the best existing entity, just below "new"
        listing.highlighted = highlight

    @on(OptionList.OptionHighlighted, "#link-options")
    def _mark(self, event: OptionList.OptionHighlighted) -> None:
        """Put the › marker on the highlighted row: the highlight colour alone is easy to miss
        (and gone with NO_COLOR)."""
        listing = event.option_list
        for index, marked in ((self._marked, False), (event.option_index, True)):
            if index is not None and 0 <= index < len(self._rows):
                entity, score = self._rows[index]
                listing.replace_option_prompt_at_index(index, self._prompt(entity, score, self._query, marked))
        self._marked = event.option_index

    def _prompt(self, entity: EntityChoice | None, score: float, query: str, marked: bool = False) -> Text:
        out = Text("› " if marked else "  ", style="bold")
        out.append_text(self._describe(entity, score, query))
        return out

    def _describe(self, entity: EntityChoice | None, score: float, query: str) -> Text:
        if entity is None:
            out = Text("+ new entity ", style="bold")
            out.append(f"“{one_line(query)[:40]}”", style="bold")
            out.append("  ")
            out.append(one_line(self.label or "?"), style="dim")
            return out
        out = Text(one_line(entity.name)[:34], style="bold")
        out.append("  ")
        out.append(one_line(entity.label), style="dim" if compatible(entity.label, self.label) else "dim strike")
        if entity.id == self.current:
            out.append("  ")
            out.append("(linked now)", style="italic")
        if entity.aliases:
            aliases = ", ".join(one_line(a) for a in entity.aliases[:4])
            if len(entity.aliases) > 4:
                aliases += f" +{len(entity.aliases) - 4}"
            out.append("  ")
            out.append(f"· {aliases}", style="dim")
        out.append("  ")
        out.append(f"· {entity.mentions}×", style="dim")
        out.truncate(68, overflow="ellipsis")
        return out

    # ------------------------------------------------------------------ keys

    def action_cursor(self, delta: int) -> None:
        listing = self.query_one("#link-options", OptionList)
        if not self._rows:
            return
        current = listing.highlighted if listing.highlighted is not None else -1
        listing.highlighted = max(0, min(len(self._rows) - 1, current + delta))

    def action_cycle_scope(self) -> None:
        self.query_one("#link-scope", Choice).action_cycle(1)

    @on(Input.Submitted, "#link-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    @on(OptionList.OptionSelected, "#link-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#link-options", OptionList).highlighted = event.option_index
        self.action_choose()

    def action_choose(self) -> None:
        listing = self.query_one("#link-options", OptionList)
        index = listing.highlighted
        if index is None or not (0 <= index < len(self._rows)):
            self.notify("Type a name for a new entity, or pick one", severity="warning", markup=False)
            return
        scope = SCOPES[self.query_one("#link-scope", Choice).index]
        entity, _ = self._rows[index]
        if entity is None:
            name = self.query_one("#link-query", Input).value.strip()
            self.dismiss(LinkChoice(None, name, self.label or "ENTITY", scope))
        else:
            self.dismiss(LinkChoice(entity.id, entity.name, entity.label, scope))

    def action_cancel(self) -> None:
        self.dismiss(None)


def apply_link(store: Store, choice: LinkChoice, span: dict[str, Any], annotator: str) -> tuple[int, int]:
    """Write a picker choice as one undoable action: create the entity if new, link the span
    and, with a wider scope, every identical unlinked form.  A span without an id is a
    prediction (doc_id, start, end, label): it is accepted in the same action.
    Returns (entity id, spans linked)."""
    new = (choice.name, choice.label) if choice.entity_id is None else None
    accept = None if span.get("id") is not None else span
    return entity_actions.link(
        store, span.get("id"), annotator, entity_id=choice.entity_id, new=new, scope=choice.scope, accept=accept
    )
