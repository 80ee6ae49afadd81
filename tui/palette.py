"""The command palette: every action of the current screen (and the global ones) with its keys,
from the action registry; and Textual's palette made safe against keys that arrive in a burst."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider

from annotations.config import Config
from tui.actions import ActionDef, actions_for
from tui.keys import bindings_for, keys_display


def _palette_actions(screen_scope: str | None, config: Config | None) -> list[ActionDef]:
    scopes = [screen_scope, "global"] if screen_scope else ["global"]
    return [a for s in scopes for a in actions_for(s, config) if a.implemented]


async def run_if_current(action: str, namespace: Any) -> None:
    """A screen's action only while that screen is on top: keys typed before the palette's
    pick runs (a second Enter, a second pick) may have closed it (NoMatches, ScreenStackError)."""
    app = namespace.app
    if namespace is app or namespace is app.screen:
        await app.run_action(action, namespace)


class ActionCommands(Provider):
    """Every action of the current screen (and the global ones), with its keys."""

    def _entries(self) -> list[tuple[str, str, Any]]:
        screen = self.screen
        scope = getattr(screen, "SCOPE", None)
        app = self.app
        config = getattr(app, "config", None)
        keymap = getattr(app, "keymap_config", {}) or {}
        entries = []
        for action in _palette_actions(scope, config):
            namespace = app if action.scope == "global" else screen
            keys = keys_display(action, keymap)
            help_text = f"{keys}   ({action.id})"

            def run(action=action, namespace=namespace) -> None:
                app.call_later(run_if_current, action.action, namespace)

            entries.append((action.description, help_text, run))
        return entries

    async def discover(self) -> Hits:
        for name, help_text, run in self._entries():
            yield DiscoveryHit(Text(name), run, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._entries():
            score = max(matcher.match(name), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)


class NewsmarkPalette(CommandPalette):
    """Textual's command palette, safe against keys that arrive in one burst: page keys wait
    for its list to be laid out (ctrl+p PageUp PageDown raised KeyError inside Textual, the app
    gone), and it closes once however many Enters pick."""

    BINDINGS = bindings_for("palette")

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Close once: a second Enter in the same burst picks again after the palette is gone,
        and Textual would pop the screen under it (ScreenStackError)."""
        if not self.is_current:
            return AwaitComplete.nothing()
        return super().dismiss(result)

    def action_page(self, direction: int) -> None:
        commands = self.query_one(CommandList)
        if not commands.scrollable_content_region:  # not laid out yet: nothing to page through
            return
        if direction < 0:
            commands.action_page_up()
        else:
            commands.action_page_down()
