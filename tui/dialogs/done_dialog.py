"""The small question `d` asks when suggestions are still open (config `reader.on_done: ask`).

Dismissed with "accept", "leave" or None (cancel): the Reader does the writing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import bindings_for, key_hint

__all__ = ["DoneDialog"]


class DoneDialog(ModalScreen[str | None]):
    """ "N suggestions are still open": a accept them, l leave them, escape cancel."""

    DEFAULT_CSS = """
    DoneDialog { align: center middle; }
    #done-box { width: 60; height: auto; }
    #done-keys { color: $text-muted; }
    """
    SCOPE = "done"
    BINDINGS = bindings_for("done")

    def __init__(self, open_count: int, status: str = "done") -> None:
        super().__init__()
        self.open_count = open_count
        self.status = status

    def compose(self) -> ComposeResult:
        n = self.open_count
        with Vertical(id="done-box", classes="dialog-box") as box:
            box.border_title = f"Mark {self.status}"
            yield Static(Text(f"{n:,} suggestion{'s are' if n != 1 else ' is'} still open."))
            keys = Text()
            keymap = getattr(self.app, "keymap_config", {})
            hints = (("done.accept", f"accept the {n:,} remaining"), ("done.leave", "leave them open"))
            for action_id, what in (*hints, ("done.cancel", "cancel")):
                key = key_hint(action_id, keymap)
                keys.append(key, style="bold")
                keys.append(f" {what}   ")
            yield Static(keys, id="done-keys")

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
