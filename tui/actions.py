"""The one registry of user actions: ids, default keys, descriptions, scopes.

Everything the user can do from the keyboard is declared here once and derived
from here: each screen's ``BINDINGS`` (tui/keys.py: every Binding carries the
action id as its ``id``, so ``keymap:`` in config.yaml overrides keys through
Textual's own keymap support, ``App.set_keymap``), the Help screen and the command
palette (tui/palette.py).

Action ids look like ``reader.next_word``: the scope, a dot, a name.  Label
actions come from the config (``reader.label.PERSON`` gets the label's ``key``).

The keys themselves (names, the user's keymap and its checks, how a key is shown)
are tui/keys.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from annotations.config import Config

__all__ = [
    "ACTIONS",
    "SCOPES",
    "SCOPE_TITLES",
    "ActionDef",
    "actions_for",
    "all_actions",
    "find_action",
    "label_actions",
]

# Scopes in Help's order: the screens, then what works everywhere, then the dialogs' keys.
SCOPES = (
    "reader",
    "library",
    "entities",
    "variants",
    "claims",
    "review",
    "team",
    "global",
    "help",
    "done",
    "link",
    "claim",
    "claim_field",
    "palette",
)
SCOPE_TITLES = {
    "reader": "Reader",
    "library": "Library",
    "entities": "Entities",
    "variants": "Variant queue",
    "claims": "Claims",
    "help": "Help",
    "global": "Everywhere",
    "review": "Review",
    "team": "Team",
    "done": "Done dialog",
    "link": "Link picker",
    "claim": "Claim form",
    "claim_field": "Claim field",
    "palette": "Palette",
}

LABEL_PREFIX = "reader.label."
NOT_YET = "arrives in a later release"


@dataclass(frozen=True)
class ActionDef:
    """One user action.

    ``keys``: Textual key names, comma separated ("w", "space,pagedown", "ctrl+r").
    ``action``: the Textual action string run in the scope's namespace (the screen,
    or the app for ``global``).  ``footer``: short label when the action is shown in
    the footer, None to keep it out.  ``implemented``: False for keys reserved for
    features still to come (kept out of the footer and the command palette).
    """

    id: str
    keys: str
    description: str
    scope: str
    action: str
    footer: str | None = None
    implemented: bool = True
    priority: bool = False

    @property
    def short(self) -> str:
        return self.footer or self.description


def _a(id: str, keys: str, description: str, action: str, footer: str | None = None, **kw: Any) -> ActionDef:
    return ActionDef(id, keys, description, id.split(".", 1)[0], action, footer, **kw)


# Order matters: it is the footer order and the Help order.
ACTIONS: tuple[ActionDef, ...] = (
    # ---------------------------------------------------------------- Reader
    # reading
    _a("reader.left", "left", "Cursor left", "move('char', -1)"),
    _a("reader.right", "right", "Cursor right", "move('char', 1)"),
    _a("reader.up", "up", "Cursor up a line", "move('line', -1)"),
    _a("reader.down", "down", "Cursor down a line", "move('line', 1)"),
    _a("reader.next_word", "w", "Next word", "move('word', 1)"),
    _a("reader.prev_word", "b", "Previous word", "move('word', -1)"),
    _a("reader.next_sentence", ")", "Next sentence", "move('sentence', 1)"),
    _a("reader.prev_sentence", "(", "Previous sentence", "move('sentence', -1)"),
    _a("reader.next_entity", "]", "Next entity", "move('entity', 1)"),
    _a("reader.prev_entity", "[", "Previous entity", "move('entity', -1)"),
    _a("reader.page_down", "space,pagedown", "Page down", "move('page', 1)"),
    _a("reader.page_up", "shift+space,pageup", "Page up", "move('page', -1)"),
    _a("reader.top", "g,home,ctrl+home", "Top of the article", "top"),
    _a("reader.bottom", "G,end,ctrl+end", "End of the article", "bottom"),
    _a("reader.find", "/", "Find text in the article", "find"),
    _a("reader.toggle_panel", "tab,s", "Show / hide the side panel", "toggle_panel"),
    # annotating
    _a("reader.select", "v", "Start / end a selection", "select", "Select"),
    _a("reader.extend_left", "shift+left", "Extend the selection left", "move('char', -1, True)"),
    _a("reader.extend_right", "shift+right", "Extend the selection right", "move('char', 1, True)"),
    _a("reader.extend_up", "shift+up", "Extend the selection up a line", "move('line', -1, True)"),
    _a("reader.extend_down", "shift+down", "Extend the selection down a line", "move('line', 1, True)"),
    _a("reader.accept", "a", "Accept the suggestion under the cursor", "accept", "Accept"),
    _a("reader.delete", "x", "Delete the span / reject the suggestion under the cursor", "delete", "Delete"),
    # (label keys from the config come here)
    _a("reader.undo", "u", "Undo your last change", "undo", "Undo"),
    _a("reader.redo", "ctrl+r", "Redo", "redo"),
    _a(
        "reader.claim",
        "c",
        "Tag a claim on the selection or sentence (takes a suggested claim under the cursor)",
        "claim",
    ),
    _a("reader.link", "l", "Link the entity under the cursor to a canonical entity", "link"),
    # correcting suggestions (Correct mode)
    _a(
        "reader.next_open",
        "}",
        "Next suggestion to check (skips decided, known, repeats; 3} counts)",
        "next_open(1)",
        "Next",
    ),
    _a("reader.prev_open", "{", "Previous open suggestion", "next_open(-1)"),
    _a("reader.next_name", "apostrophe", "Next name no span covers (a label key labels it)", "next_name(1)"),
    _a(
        "reader.everywhere",
        "equals_sign",
        "Elsewhere: the last decision (after d: the document's) in other documents (counts; again applies)",
        "everywhere",
    ),
    _a(
        "reader.accept_all",
        "A",
        "Accept every open suggestion (known too) in the selection, else all",
        "accept_all",
        "All",
    ),
    _a("reader.reject_all", "X", "Reject every open suggestion in the selection, else in the paragraph", "reject_all"),
    _a("reader.grow_start", "comma", "Span boundary: move the start one token left (grow)", "edge('grow_start')"),
    _a("reader.shrink_start", ".", "Span boundary: move the start one token right (shrink)", "edge('shrink_start')"),
    _a("reader.shrink_end", "<", "Span boundary: move the end one token left (shrink)", "edge('shrink_end')"),
    _a("reader.grow_end", ">", "Span boundary: move the end one token right (grow)", "edge('grow_end')"),
    _a("reader.split", "|", "Split the span under the cursor at the cursor's word", "split"),
    _a("reader.merge", "J", "Merge the span under the cursor with the next span", "merge"),
    _a("reader.next_claim", '"', "Next claim suggestion (c tags it, x rejects it)", "next_claim"),
    # documents
    _a("reader.done", "d", "Mark the document done and open the next", "finish('done')", "Done"),
    _a("reader.skip", "S", "Mark the document skipped (off topic, duplicate) and open the next", "finish('skipped')"),
    _a("reader.next_doc", "n", "Next document", "next_doc"),
    _a("reader.prev_doc", "p", "Previous document", "prev_doc"),
    _a("reader.back", "q", "Back to where you came from (the Library or Claims)", "back", "Back"),
    _a("reader.escape", "escape", "Clear the selection, else back to the Library", "escape"),
    # ---------------------------------------------------------------- Library
    _a("library.open", "enter", "Open the document", "open", "Open"),
    _a("library.search", "/", "Search titles and text", "search", "Search"),
    _a(
        "library.filter",
        "f",
        "Filter by status (all, todo, in progress, done, skipped, assigned to me)",
        "cycle_filter",
        "Filter",
    ),
    _a("library.quit", "q", "Quit newsmark", "app.quit", "Quit"),
    _a("library.up", "up", "Previous document", "move(-1)"),
    _a("library.down", "down", "Next document", "move(1)"),
    _a("library.page_down", "pagedown,space", "Page down", "page(1)"),
    _a("library.page_up", "pageup,shift+space", "Page up", "page(-1)"),
    _a("library.top", "g,home", "First document", "top"),
    _a("library.bottom", "G,end", "Last document", "bottom"),
    _a("library.escape", "escape", "Clear the search", "escape"),
    # ---------------------------------------------------------------- Entities
    _a("entities.merge", "m", "Merge: m on one entity, then m on the one to keep", "merge", "Merge"),
    _a("entities.split", "s", "Split the mention's surface form out into a new entity", "split", "Split"),
    _a("entities.variants", "v", "Open the variant queue", "variants", "Variants"),
    _a("entities.switch", "tab", "Switch between entities and their mentions", "switch"),
    _a("entities.undo", "u", "Undo your last change", "undo", "Undo"),
    _a("entities.redo", "ctrl+r", "Redo", "redo"),
    _a("entities.reload", "r", "Reload", "reload"),
    _a("entities.back", "q,escape", "Back", "back", "Back"),
    # ---------------------------------------------------------------- Variant queue
    _a("variants.same", "y", "Same entity", "judge('same')", "Same"),
    _a("variants.different", "n", "Different entities", "judge('different')", "Different"),
    _a("variants.unsure", "u", "Unsure", "judge('unsure')", "Unsure"),
    _a("variants.skip", "s", "Skip this pair for now", "skip", "Skip"),
    _a("variants.undo", "backspace", "Take back your last judgement (undo)", "undo", "Undo"),
    _a("variants.redo", "ctrl+r", "Redo", "redo"),
    _a("variants.reload", "r", "Reload the queue", "reload"),
    _a("variants.back", "q,escape", "Back", "back", "Back"),
    # ---------------------------------------------------------------- Claims
    _a("claims.mark", "space", "Mark / unmark the claim", "mark", "Mark"),
    _a("claims.group", "g", "Group the marked claims (the same claim across documents)", "group", "Group"),
    _a("claims.suggest", "a", "Mark the claims similar to this one", "suggest", "Similar"),
    _a("claims.filter", "/", "Filter claims", "filter", "Filter"),
    _a("claims.undo", "u", "Undo your last change", "undo", "Undo"),
    _a("claims.redo", "ctrl+r", "Redo", "redo"),
    _a("claims.reload", "r", "Reload", "reload"),
    _a("claims.back", "q,escape", "Back", "back", "Back"),
    # ---------------------------------------------------------------- Help
    _a("help.close", "escape,q", "Close Help", "close", "Close"),
    _a("help.down", "down", "Scroll down", "scroll(1)"),
    _a("help.up", "up", "Scroll up", "scroll(-1)"),
    _a("help.page_down", "pagedown,space", "Page down", "scroll_page(1)"),
    _a("help.page_up", "pageup,shift+space", "Page up", "scroll_page(-1)"),
    # ---------------------------------------------------------------- everywhere
    _a("global.help", "?,f1", "Help: every key", "help", "Help"),
    _a("global.entities", "E", "Entities: canonical entities, mentions, variant queue", "entities"),
    _a("global.claims", "C", "Claims across the corpus", "claims"),
    _a("global.team", "T", "Team: active time, throughput, quality per annotator", "team"),
    _a("global.quit", "ctrl+q", "Quit newsmark", "quit", priority=True),
    # ---------------------------------------------------------------- Review (team adjudication)
    _a("library.review", "R", "Review the document: resolve the annotators' conflicts", "review"),
    _a("review.next", "down,j", "Next conflict", "walk(1)"),
    _a("review.prev", "up,k", "Previous conflict", "walk(-1)"),
    _a("review.next_open", "n,tab", "Next open conflict", "next_open", "Next open"),
    *(
        _a(f"review.take_{i}", str(i), f"Take annotator {i}'s version", f"take({i})", "Take 1-9" if i == 1 else None)
        for i in range(1, 10)
    ),
    _a("review.none", "x", "Take none: nothing is there", "take(0)", "None"),
    _a("review.edit", "e", "Edit the span in the Reader, on the reviewed layer", "edit", "Edit"),
    _a("review.all", "a", "Show / hide the unanimous (pre-accepted) sets", "toggle_all"),
    _a("review.model", "m", "Show / hide the model's version", "toggle_model"),
    _a("review.undo", "u", "Undo the last review decision", "undo", "Undo"),
    _a("review.redo", "ctrl+r", "Redo", "redo"),
    _a("review.done", "d", "Mark the document reviewed", "done", "Reviewed"),
    _a("review.back", "q,escape", "Back", "back", "Back"),
    # ---------------------------------------------------------------- Team (time and quality)
    _a("team.period", "p", "Today / this week / all time", "period", "Period"),
    _a("team.reload", "r", "Reload", "reload", "Reload"),
    _a("team.back", "q,escape", "Back", "back", "Back"),
    # ---------------------------------------------------------------- dialogs
    _a(
        "done.accept",
        "a,enter",
        "Accept the open suggestions, then mark the document",
        "choose('accept')",
        "Accept them",
    ),
    _a("done.leave", "l", "Leave them open, then mark the document", "choose('leave')", "Leave them"),
    _a("done.cancel", "escape,q", "Cancel: the document stays as it is", "choose(None)", "Cancel"),
    _a("link.cancel", "escape", "Cancel", "cancel", "Cancel"),
    _a("link.choose", "enter", "Link to the highlighted entity (or create the typed name)", "choose", "Link"),
    _a("link.down", "down", "Next entity", "cursor(1)"),
    _a("link.up", "up", "Previous entity", "cursor(-1)"),
    _a("link.page_down", "pagedown", "Entities a page down", "cursor(8)"),
    _a("link.page_up", "pageup", "Entities a page up", "cursor(-8)"),
    _a("link.scope", "ctrl+a", "Link this mention, the document's or the corpus's", "cycle_scope", priority=True),
    _a("claim.save", "enter", "Save the claim", "save", "Save"),
    _a("claim.save_anywhere", "ctrl+s", "Save the claim, from any field", "save", priority=True),
    _a("claim.cancel", "escape", "Cancel: nothing is saved", "cancel", "Cancel"),
    _a("claim.next_field", "down", "Next field", "focus_next_field"),
    _a("claim.previous_field", "up", "Previous field", "focus_previous_field"),
    _a("claim_field.next", "right,space", "Next value", "cycle(1)"),
    _a("claim_field.previous", "left", "Previous value", "cycle(-1)"),
    _a("palette.page_down", "pagedown", "Commands a page down", "page(1)"),
    _a("palette.page_up", "pageup", "Commands a page up", "page(-1)"),
)
_BY_ID = {a.id: a for a in ACTIONS}
assert len(_BY_ID) == len(ACTIONS), "duplicate action id"


def label_actions(config: Config | None) -> list[ActionDef]:
    """One action per configured label: ``reader.label.NAME`` on the label's key."""
    if config is None:
        return []
    return [
        ActionDef(
            f"{LABEL_PREFIX}{label.name}",
            # A label with no key of its own can still get one from the keymap.
            label.key or (config.keymap or {}).get(f"{LABEL_PREFIX}{label.name}", ""),
            f"Label as {label.name} (selection, else span or name); only config `labels` are suggested",
            "reader",
            f"label({label.name!r})",
        )
        for label in config.labels
    ]


def all_actions(config: Config | None = None) -> list[ActionDef]:
    """Every action, label actions included (placed after 'reader.delete')."""
    out: list[ActionDef] = []
    labels = label_actions(config)
    for action in ACTIONS:
        out.append(action)
        if action.id == "reader.delete":
            out.extend(labels)
    return out


def actions_for(scope: str, config: Config | None = None) -> list[ActionDef]:
    return [a for a in all_actions(config) if a.scope == scope]


def find_action(action_id: str, config: Config | None = None) -> ActionDef | None:
    if action_id in _BY_ID:
        return _BY_ID[action_id]
    for action in label_actions(config):
        if action.id == action_id:
            return action
    return None
