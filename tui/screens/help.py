"""Help: every action of every screen with its keys, generated from the registry.

Keys shown are the effective ones (config ``keymap:`` applied), with the action id
to use in config.yaml.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.actions import SCOPE_TITLES, SCOPES, actions_for
from tui.keys import bindings_for, keys_display
from tui.screens.base import AppScreen
from tui.widgets.bars import KeyFooter

__all__ = ["HelpScreen", "help_table"]

HELP_ORDER: tuple[str, ...] = SCOPES


def help_table(config, keymap: dict[str, str] | None, width: int = 80) -> Table:
    """The key table (used by the screen; also handy to print)."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column("keys", width=max(12, *(len(t) for t in SCOPE_TITLES.values())))
    table.add_column("description", ratio=1)
    table.add_column("id", no_wrap=True, style="dim")
    for scope in HELP_ORDER:
        actions = actions_for(scope, config)
        if not actions:
            continue
        table.add_row(Text(""), Text(""), Text(""))
        table.add_row(Text(SCOPE_TITLES[scope], style="bold underline"), Text(""), Text(""))
        for action in actions:
            description = Text(action.description)
            if not action.implemented:
                description.append(" (later release)", style="dim italic")
            table.add_row(Text(keys_display(action, keymap), style="bold"), description, Text(action.id))
    return table


class _Body(VerticalScroll, can_focus=False):
    """Scrolled by the screen's keys, never focused (so no key is swallowed)."""


class HelpScreen(AppScreen[None], inherit_bindings=False):
    """Keys for every screen."""

    SCOPE = "help"
    BINDINGS = bindings_for("help")

    def compose(self) -> ComposeResult:
        intro = Text()
        intro.append("newsmark help", style="bold")
        intro.append("  ·  every key can be changed in config.yaml under ")
        intro.append("keymap:", style="bold")
        intro.append(", e.g.  reader.accept: enter   ·  ctrl+p runs any action by name", style="")
        yield Static(intro, id="help-intro")
        with _Body(id="help-body"):
            yield Static(id="help-table")
        yield KeyFooter()

    def on_mount(self) -> None:
        app = self.app
        self.query_one("#help-table", Static).update(help_table(app.config, app.keymap_config, self.app.size.width))

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, delta: int) -> None:
        self.body.scroll_relative(y=delta, animate=False)

    def action_scroll_page(self, delta: int) -> None:
        body = self.body
        body.scroll_relative(y=delta * max(1, body.scrollable_content_region.height - 1), animate=False)
