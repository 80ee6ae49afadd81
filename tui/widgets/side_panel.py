"""The Reader's side panel: entities in this document, grouped; a slot for claims.

Entities are grouped by surface form for now (canonical entities arrive with the
linking screen: ``entity_groups`` is the one place to change).  Surface forms are
untrusted text: sanitised, one line, ``rich.text.Text`` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.widgets.doc_list import one_line

__all__ = ["EntityGroup", "SidePanel", "entity_groups"]


@dataclass
class EntityGroup:
    form: str
    labels: dict[str, int] = field(default_factory=dict)
    confirmed: int = 0
    suggested: int = 0

    @property
    def count(self) -> int:
        return self.confirmed + self.suggested

    @property
    def label(self) -> str:
        return max(self.labels, key=lambda name: (self.labels[name], name)) if self.labels else "?"


def entity_groups(text: str, gold: Iterable[dict[str, Any]], preds: Iterable[dict[str, Any]]) -> list[EntityGroup]:
    """Gold spans and shown suggestions grouped by (case-folded) surface form, most frequent first."""
    groups: dict[str, EntityGroup] = {}
    for rows, kind in ((gold, "confirmed"), (preds, "suggested")):
        for row in rows:
            form = one_line(text[row["start"]:row["end"]])
            if not form:
                continue
            group = groups.get(form.casefold())
            if group is None:
                group = groups[form.casefold()] = EntityGroup(form)
            label = row.get("label") or "?"
            group.labels[label] = group.labels.get(label, 0) + 1
            setattr(group, kind, getattr(group, kind) + 1)
    return sorted(groups.values(), key=lambda g: (-g.count, g.form.casefold()))


class SidePanel(VerticalScroll, can_focus=False):
    """Entities (and, later, claims) of the open document."""

    DEFAULT_CSS = """
    SidePanel { width: 32; padding: 0 0 0 1; scrollbar-size-vertical: 1; }
    SidePanel > Static { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._groups: list[EntityGroup] = []

    def compose(self) -> ComposeResult:
        yield Static(id="side-entities")
        yield Static(id="side-claims")

    @property
    def groups(self) -> list[EntityGroup]:
        return self._groups

    def show(self, groups: list[EntityGroup]) -> None:
        self._groups = groups
        self._render_groups()

    def on_resize(self) -> None:
        self._render_groups()

    def _render_groups(self) -> None:
        if not self.is_mounted:
            return
        groups = self._groups
        width = max(12, (self.scrollable_content_region.width or 30) - 1)
        confirmed = sum(1 for g in groups if g.confirmed)
        out = Text()
        out.append("Entities", style="bold")
        out.append(f"\n{confirmed} confirmed · {len(groups) - confirmed} suggested", style="dim")
        if not groups:
            out.append("\nnone yet: select text with v,\nthen press a label key", style="dim italic")
        for group in groups:
            tail = Text(f" {group.label}{'' if group.confirmed else '?'} {group.count}",
                        style="bold" if group.confirmed else "dim")
            form = Text(group.form, end="")
            form.truncate(max(3, width - tail.cell_len), overflow="ellipsis", pad=True)
            if not group.confirmed:
                form.stylize("italic")
            out.append("\n")
            out.append_text(form)
            out.append_text(tail)
        if any(not g.confirmed for g in groups):
            out.append("\nLABEL? = suggestion only", style="dim")
        self.query_one("#side-entities", Static).update(out)
        self.query_one("#side-claims", Static).update(self._claims_section())

    def _claims_section(self) -> Text:
        # Slot for the claims list (arrives with claim tagging).
        out = Text("\nClaims\n", style="bold")
        out.append("claim tagging arrives\nin a later release", style="dim italic")
        return out
