"""The Reader's side panel: entities in this document, grouped; then its claims.

Entities are grouped by canonical entity where a mention is linked to one (Yevgeny and
Evgeny Prokhorenko under one name), else by surface form.  Surface forms, labels and claim
types are untrusted text (an import can hold any string): sanitised, one line,
``rich.text.Text`` only.
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


def entity_groups(
    text: str, gold: Iterable[dict[str, Any]], preds: Iterable[dict[str, Any]], names: dict[int, str] | None = None
) -> list[EntityGroup]:
    """Gold spans and shown suggestions grouped by canonical entity (`names`: entity id ->
    canonical name) when linked, else by (case-folded) surface form; most frequent first."""
    names = names or {}
    groups: dict[tuple[str, Any], EntityGroup] = {}
    for rows, kind in ((gold, "confirmed"), (preds, "suggested")):
        for row in rows:
            form = one_line(text[row["start"] : row["end"]])
            if not form:
                continue
            entity = row.get("entity_id") if kind == "confirmed" else None
            if entity in names:
                key, shown = ("entity", entity), one_line(names[entity])
            else:
                key, shown = ("form", form.casefold()), form
            group = groups.get(key)
            if group is None:
                group = groups[key] = EntityGroup(shown)
            label = row.get("label") or "?"
            group.labels[label] = group.labels.get(label, 0) + 1
            setattr(group, kind, getattr(group, kind) + 1)
    return sorted(groups.values(), key=lambda g: (-g.count, g.form.casefold()))


class SidePanel(VerticalScroll, can_focus=False):
    """Entities and claims of the open document."""

    DEFAULT_CSS = """
    SidePanel { width: 32; padding: 0 0 0 1; scrollbar-size-vertical: 1; }
    SidePanel > Static { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._groups: list[EntityGroup] = []
        self._claims: list[tuple[str, str, bool]] = []

    def compose(self) -> ComposeResult:
        yield Static(id="side-entities")
        yield Static(id="side-claims")

    @property
    def groups(self) -> list[EntityGroup]:
        return self._groups

    def show(self, groups: list[EntityGroup], claims: list[tuple[str, str, bool]] | None = None) -> None:
        """Entity groups, and claims as (type, one line of text, confirmed)."""
        self._groups = groups
        self._claims = list(claims or [])
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
            tail = Text(
                f" {one_line(group.label)}{'' if group.confirmed else '?'} {group.count}",
                style="bold" if group.confirmed else "dim",
            )
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
        claims = self._claims
        width = max(12, (self.scrollable_content_region.width or 30) - 1)
        confirmed = sum(1 for _, _, ok in claims if ok)
        out = Text()
        out.append("\nClaims", style="bold")
        out.append(f"\n{confirmed} tagged · {len(claims) - confirmed} suggested", style="dim")
        if not claims:
            out.append("\nnone yet: c tags the sentence\nor the selection", style="dim italic")
        for kind, text, ok in claims:
            head = Text(f"{one_line(kind)}{'' if ok else '?'} ", style="bold" if ok else "dim")
            body = Text(one_line(text), end="")
            body.truncate(max(3, width - head.cell_len), overflow="ellipsis")
            if not ok:
                body.stylize("italic")
            out.append("\n")
            out.append_text(head)
            out.append_text(body)
        return out
