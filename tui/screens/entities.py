"""Entities: canonical entities across the corpus, their mentions in context, and the variant queue.

``EntitiesScreen``: the canonical entities (name, label, forms, mentions), most
mentioned first; the highlighted one's concordance below (every mention with its
left and right context and outlet).  ``enter`` on a mention opens it in the Reader;
``m`` on one entity then ``m`` on another merges the first into the second; ``s``
on a mention splits its surface form out into a new entity; ``v`` opens the queue.

Reads that can be slow (the linker, the entity list) run in thread workers on the
app's read connection; writes are one store call each, then a re-read.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from annotations.entities import actions as entity_actions
from annotations.errors import NewsmarkError
from annotations.store import Store
from annotations.team import review
from tui.keys import bindings_for
from tui.screens.reader import open_in_reader
from tui.screens.rows import RowsScreen
from tui.screens.variants import VariantsScreen
from tui.widgets.bars import Bar, KeyFooter
from tui.widgets.doc_list import one_line
from tui.widgets.kwic import CONTEXT, kwic

# ============================================================================ entities


class EntitiesScreen(RowsScreen, inherit_bindings=False):
    """Canonical entities and their concordance."""

    SCOPE = "entities"
    BINDINGS = bindings_for("entities")
    AUTO_FOCUS = "#entity-table"
    DEFAULT_CSS = """
    EntitiesScreen #entity-header { height: 1; background: $panel; padding: 0 1; }
    EntitiesScreen #entity-table { height: 1fr; }
    EntitiesScreen #mention-title { height: 1; background: $panel; padding: 0 1; }
    EntitiesScreen #mention-table { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._note: tuple[Text, int | None] | None = None
        self.rows: list[dict[str, Any]] = []
        self.mention_rows: list[dict[str, Any]] = []
        self.merge_from: dict[str, Any] | None = None
        self._keep_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="entity-header")
        table: DataTable[str | Text] = DataTable(id="entity-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static(id="mention-title")
        yield DataTable(id="mention-table", cursor_type="row", show_header=False)
        yield Bar(id="entity-status")
        yield KeyFooter()

    @property
    def entity_table(self) -> DataTable:
        return self.query_one("#entity-table", DataTable)

    @property
    def mention_table(self) -> DataTable:
        return self.query_one("#mention-table", DataTable)

    @property
    def status_bar(self) -> Bar:
        return self.query_one("#entity-status", Bar)

    def on_mount(self) -> None:
        self._header()
        self.reload()

    def on_screen_resume(self) -> None:
        # always: the variant queue may have created the first entities
        self.reload(keep=self.current_entity["id"] if self.current_entity else None)

    def _header(self) -> None:
        out = Text("Entities", style="bold")
        out.append(f" · {len(self.rows):,} canonical", style="dim")
        out.append(" · m merge · s split · v variant queue · enter mentions", style="dim")
        self.query_one("#entity-header", Static).update(out)

    # ------------------------------------------------------------------ loading

    def fetch(self, store: Store) -> list[dict[str, Any]]:
        return entity_actions.entities(store)

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        table = self.entity_table
        table.clear(columns=True)  # new columns: their widths fit the new rows
        table.add_columns("Entity", "Label", "Forms", "Mentions", "External id")
        for row in self.rows:
            name = Text(one_line(row["name"]), no_wrap=True, overflow="ellipsis")
            if self.merge_from and row["id"] == self.merge_from["id"]:
                name.stylize("reverse")
            table.add_row(
                name,
                Text(one_line(row["label"])),
                Text(str(row["forms"]), justify="right"),
                Text(str(row["mentions"]), justify="right"),
                Text(one_line(row.get("external_id") or ""), style="dim", no_wrap=True, overflow="ellipsis"),
                key=str(row["id"]),
            )
        self._header()
        if not self.rows:
            self.query_one("#mention-title", Static).update(
                Text("No canonical entities yet: in the Reader, l on an entity links it to one", style="dim")
            )
            self.mention_table.clear(columns=True)
            self.status_bar.set(Text("v opens the variant queue", style="dim"))
            return
        index = 0
        if self._keep_id is not None:
            index = next((i for i, r in enumerate(self.rows) if r["id"] == self._keep_id), 0)
        table.move_cursor(row=index)
        self._show_mentions(self.rows[index])

    @property
    def current_entity(self) -> dict[str, Any] | None:
        table = self.entity_table
        if not self.rows or table.cursor_row is None or not (0 <= table.cursor_row < len(self.rows)):
            return None
        return self.rows[table.cursor_row]

    @property
    def current_mention(self) -> dict[str, Any] | None:
        table = self.mention_table
        if not self.mention_rows or not (0 <= table.cursor_row < len(self.mention_rows)):
            return None
        return self.mention_rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#entity-table")
    def _entity_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            self._show_mentions(self.rows[event.cursor_row])

    def _show_mentions(self, entity: dict[str, Any]) -> None:
        """The concordance of one entity (an indexed read: done here, so it is never stale)."""
        store = self.app.store
        viewer = self.app.annotator  # config review.blind hides others' mentions in my unreviewed documents
        self.mention_rows = review.visible(
            entity_actions.mentions(store, entity["id"], width=CONTEXT),
            viewer,
            review.blind_documents(store, self.app.config, viewer),
        )
        forms = entity_actions.aliases(store, entity["id"])
        title = Text(one_line(entity["name"]), style="bold")
        title.append(f" ({one_line(entity['label'])})")
        if entity.get("external_id"):
            title.append(f" {one_line(entity['external_id'])}", style="italic")
        n = len(self.mention_rows)
        title.append(f" · {n} mention{'' if n == 1 else 's'}", style="dim")
        if forms:
            title.append(" · " + ", ".join(one_line(f) for f in forms[:6]), style="dim")
        title.truncate(max(20, self.size.width - 2), overflow="ellipsis")
        self.query_one("#mention-title", Static).update(title)
        table = self.mention_table
        table.clear(columns=True)
        width = max(40, self.size.width)
        outlet_width = 12
        context_width = width - outlet_width - 4
        table.add_column("outlet", width=outlet_width)
        table.add_column("context", width=context_width)
        for row in self.mention_rows:
            outlet = Text(
                one_line(row["outlet"] or row["title"] or f"doc {row['doc_id']}"), no_wrap=True, overflow="ellipsis"
            )
            table.add_row(outlet, kwic(row["left"] or "", row["text"], row["right"] or "", context_width))
        self._status()

    def _status(self, message: Text | str | None = None) -> None:
        if message is None and self._note is not None:
            # what the last action did stays up until the cursor leaves its entity
            current = self.current_entity
            if current is not None and current["id"] == self._note[1]:
                message = self._note[0]
            else:
                self._note = None
        if message is not None:
            self.status_bar.set(message if isinstance(message, Text) else Text(message))
            return
        if self.merge_from is not None:
            out = Text("merge ")
            out.append(f"“{one_line(self.merge_from['name'])}”", style="bold")
            out.append(" into… move to the entity to keep and press m (escape cancels)")
            self.status_bar.set(out)
        else:
            self.status_bar.set(Text("enter/tab: mentions · enter on a mention opens it", style="dim"))

    # ------------------------------------------------------------------ actions

    @on(DataTable.RowSelected, "#entity-table")
    def _entity_selected(self, event: DataTable.RowSelected) -> None:
        if self.mention_rows:
            self.mention_table.focus()

    @on(DataTable.RowSelected, "#mention-table")
    def _mention_selected(self, event: DataTable.RowSelected) -> None:
        mention = self.current_mention
        if mention is not None:
            open_in_reader(self, mention["doc_id"], mention["start"])

    def action_switch(self) -> None:
        if self.focused is self.entity_table and self.mention_rows:
            self.mention_table.focus()
        else:
            self.entity_table.focus()

    def action_merge(self) -> None:
        entity = self.current_entity
        if entity is None:
            return
        if self.merge_from is None:
            self.merge_from = entity
            self._status()
            return
        drop, self.merge_from = self.merge_from, None
        if drop["id"] == entity["id"]:
            self._status("Merge cancelled")
            return
        app = self.app
        try:
            entity_actions.merge_entities(app.store, entity["id"], drop["id"], app.annotator)
        except NewsmarkError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        self._after(Text(f"Merged “{one_line(drop['name'])}” into “{one_line(entity['name'])}”"), keep=entity["id"])

    def action_split(self) -> None:
        entity, mention = self.current_entity, self.current_mention
        if entity is None or mention is None or self.focused is not self.mention_table:
            self.app.notify(
                "Move to a mention (tab) to split its form out into a new entity", severity="warning", markup=False
            )
            return
        app = self.app
        try:
            new_id = entity_actions.split_form(app.store, entity["id"], mention["text"], app.annotator)
        except NewsmarkError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        self._after(Text(f"Split “{one_line(mention['text'])}” out of “{one_line(entity['name'])}”"), keep=new_id)

    def action_variants(self) -> None:
        self.app.push_screen(VariantsScreen())

    def replayed(self, info: dict[str, Any] | None, line: Text) -> None:
        if info is None:
            self._status(line)
            return
        self.merge_from = None
        self._after(line, keep=self.current_entity["id"] if self.current_entity else None)

    def _after(self, note: Text, keep: int | None) -> None:
        """Reload after a change and say what it was, on the entity `keep`."""
        self._note = (note, keep)
        self._status(note)
        self.reload(keep=keep)

    def action_reload(self) -> None:
        self.reload(keep=self.current_entity["id"] if self.current_entity else None)

    def action_back(self) -> None:
        if self.merge_from is not None:
            self.merge_from = None
            self._status("Merge cancelled")
            return
        if self.focused is self.mention_table:
            self.entity_table.focus()
            return
        self.dismiss(None)
