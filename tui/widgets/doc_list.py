"""DocList: the Library's document list, virtual, drawn with Textual's Line API.

It holds only the ordered list of document ids (cheap even at 100,000: the
screen gets it from ``Store.document_ids`` in a worker thread).  The details of
a row (title, outlet, date, status, span count) are fetched on demand, a window
around the visible rows at a time, through the ``fetch_rows`` callable
(``Store.document_rows``), and kept in an LRU cache.  Only visible rows are ever
rendered, so opening the Library costs the same at 10 or 100,000 documents.

Titles and outlets are untrusted: they go through ``annotations.reading.layout.sanitize``
and into ``rich.text.Text`` objects (never markup), one line each.

The widget has no key bindings of its own: the Library screen maps its
configurable keys (``tui.actions``) onto :meth:`move`, :meth:`page` etc.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.reading.layout import sanitize

__all__ = ["STATUS_TEXT", "Columns", "DocList", "columns_for", "one_line"]

STATUS_TEXT = {"todo": "todo", "in progress": "in progress", "done": "done", "skipped": "skipped"}

FETCH_BEFORE = 40
FETCH_AFTER = 120


def one_line(value: Any) -> str:
    """Untrusted text made safe for a single terminal line."""
    text = sanitize(str(value or ""))
    return " ".join(text.split())


@dataclass(frozen=True)
class Columns:
    """Cell widths of the list columns for one widget width (0 = column hidden)."""

    marker: int
    title: int
    outlet: int
    date: int
    status: int
    spans: int

    @property
    def order(self) -> tuple[tuple[str, int], ...]:
        return (
            ("title", self.title),
            ("outlet", self.outlet),
            ("date", self.date),
            ("status", self.status),
            ("spans", self.spans),
        )


def columns_for(width: int) -> Columns:
    """Title takes what the fixed columns leave; narrow terminals drop outlet, then date."""
    marker, status, spans = 2, 11, 5
    outlet, date = 18, 10
    if width < 100:
        outlet = 14
    if width < 64:
        outlet = 0
    if width < 48:
        date = 0
    gaps = sum(1 for w in (outlet, date, status, spans) if w)
    title = width - marker - outlet - date - status - spans - gaps
    return Columns(marker, max(4, title), outlet, date, status, spans)


def _fit(text: str, width: int, style: Style | str = "", *, right: bool = False) -> Text:
    cell = Text(text, style=style, no_wrap=True, end="")
    cell.truncate(width, overflow="ellipsis", pad=not right)
    if right and cell.cell_len < width:
        cell = Text(" " * (width - cell.cell_len), end="") + cell
    return cell


class DocList(ScrollView, can_focus=True, inherit_bindings=False):
    """A virtual list of documents with a cursor row."""

    COMPONENT_CLASSES = {
        "doc-list--cursor",
        "doc-list--header",
        "doc-list--untitled",
        "doc-list--todo",
        "doc-list--in-progress",
        "doc-list--done",
        "doc-list--skipped",
        "doc-list--message",
    }
    DEFAULT_CSS = """
    DocList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
    }
    DocList > .doc-list--cursor { background: $block-cursor-blurred-background; text-style: bold; }
    DocList:focus > .doc-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    DocList > .doc-list--header { text-style: bold; color: $text-muted; }
    DocList > .doc-list--untitled { color: $text-muted; text-style: italic; }
    DocList > .doc-list--todo { color: $text-muted; }
    DocList > .doc-list--in-progress { color: $text-warning; }
    DocList > .doc-list--done { color: $text-success; }
    DocList > .doc-list--skipped { color: $text-muted; text-style: strike; }
    DocList > .doc-list--message { color: $text-muted; }
    """

    class Highlighted(Message):
        """The cursor moved to another document."""

        def __init__(self, doc_list: DocList, index: int, doc_id: int | None) -> None:
            super().__init__()
            self.doc_list = doc_list
            self.index = index
            self.doc_id = doc_id

        @property
        def control(self) -> DocList:
            return self.doc_list

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, DocList.Highlighted) and message.doc_list is self.doc_list

    class Opened(Message):
        """A document was chosen with the mouse (double click)."""

        def __init__(self, doc_list: DocList, doc_id: int) -> None:
            super().__init__()
            self.doc_list = doc_list
            self.doc_id = doc_id

        @property
        def control(self) -> DocList:
            return self.doc_list

    def __init__(
        self,
        fetch_rows: Callable[[Sequence[int]], list[dict[str, Any]]],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._fetch_rows = fetch_rows
        self._ids: list[int] = []
        self._index: dict[int, int] | None = None
        self._cursor = 0
        self._rows: LRUCache[int, dict[str, Any]] = LRUCache(4096)
        self._message = "Loading…"
        self.loaded = False
        """True once the first id list arrived (tests wait for it)."""
        self.fetches = 0
        """How many row queries ran (to check that only visible rows are fetched)."""

    # ------------------------------------------------------------------ data

    @property
    def ids(self) -> list[int]:
        return self._ids

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def current_id(self) -> int | None:
        return self._ids[self._cursor] if self._ids else None

    @property
    def message(self) -> str:
        return self._message

    def set_ids(
        self, ids: list[int], *, keep_id: int | None = None, keep_index: int | None = None, message: str = ""
    ) -> None:
        """Show a new id list; the cursor stays on ``keep_id`` if present, else near ``keep_index``."""
        self._ids = ids
        self._index = None
        self._message = message
        self.loaded = True
        index = 0
        if keep_id is not None and ids:
            found = self.index_of(keep_id)
            if found is not None:
                index = found
            elif keep_index is not None:
                index = keep_index
        elif keep_index is not None:
            index = keep_index
        self._cursor = max(0, min(index, len(ids) - 1)) if ids else 0
        self.virtual_size = Size(self.size.width, max(1, len(ids)))
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor, True)
        self._post_highlighted()

    def index_of(self, doc_id: int) -> int | None:
        if self._index is None:
            self._index = {d: i for i, d in enumerate(self._ids)}
        return self._index.get(doc_id)

    def invalidate(self, ids: Sequence[int] | None = None) -> None:
        """Forget cached rows (all, or these ids) so they are fetched again."""
        if ids is None:
            self._rows.clear()
        else:
            for doc_id in ids:
                self._rows.discard(doc_id)
        self.refresh()

    def row(self, index: int) -> dict[str, Any] | None:
        """Details of the row at ``index``, fetching a window around it if needed."""
        if not (0 <= index < len(self._ids)):
            return None
        doc_id = self._ids[index]
        row = self._rows.get(doc_id)
        if row is None:
            window = self._ids[max(0, index - FETCH_BEFORE) : index + FETCH_AFTER]
            wanted = [d for d in window if d not in self._rows]
            self.fetches += 1
            for fetched in self._fetch_rows(wanted):
                self._rows.set(fetched["id"], fetched)
            row = self._rows.get(doc_id)
            if row is None:  # deleted meanwhile
                row = {"id": doc_id, "title": "(missing)", "status": "todo", "spans": 0}
                self._rows.set(doc_id, row)
        return row

    # ------------------------------------------------------------------ cursor

    def set_cursor(self, index: int) -> None:
        if not self._ids:
            return
        index = max(0, min(index, len(self._ids) - 1))
        if index == self._cursor:
            return
        old = self._cursor
        self._cursor = index
        self.refresh_line(old)
        self.refresh_line(index)
        self._scroll_to_cursor()
        self._post_highlighted()

    def move(self, delta: int) -> None:
        self.set_cursor(self._cursor + delta)

    def page(self, delta: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        step = max(1, height - 1) * delta
        top = self.scroll_offset.y
        max_top = max(0, len(self._ids) - height)
        new_top = max(0, min(top + step, max_top))
        if new_top != top:
            self.scroll_to(y=new_top, animate=False, force=True)
        self.set_cursor(self._cursor + step)

    def top(self) -> None:
        self.set_cursor(0)

    def bottom(self) -> None:
        self.set_cursor(len(self._ids) - 1)

    def _scroll_to_cursor(self, centre: bool = False) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = self.scroll_offset.y
        row = self._cursor
        if centre and not (top <= row < top + height):
            new_top = row - height // 2
        elif row < top:
            new_top = row
        elif row >= top + height:
            new_top = row - height + 1
        else:
            return
        self.scroll_to(y=max(0, new_top), animate=False, force=True)

    def _post_highlighted(self) -> None:
        if self.is_attached:
            self.post_message(self.Highlighted(self, self._cursor, self.current_id))

    # ------------------------------------------------------------------ painting

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, max(1, len(self._ids)))
        self._scroll_to_cursor()

    def header_text(self, width: int | None = None) -> Text:
        """Column titles lined up with the rows (the screen shows them above the list)."""
        width = width if width is not None else self.scrollable_content_region.width
        cols = columns_for(width)
        style = self.get_component_rich_style("doc-list--header", partial=True)
        out = Text(" " * cols.marker, no_wrap=True, end="")
        names = {"title": "Title", "outlet": "Outlet", "date": "Date", "status": "Status", "spans": "Spans"}
        first = True
        for key, w in cols.order:
            if not w:
                continue
            if not first:
                out.append(" ")
            first = False
            out.append_text(_fit(names[key], w, style, right=key == "spans"))
        return out

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        index = self.scroll_offset.y + y
        if not self._ids:
            if y == 1 and self._message:
                style = self.get_component_rich_style("doc-list--message", partial=True)
                text = _fit("  " + self._message, width, style)
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        row = self.row(index)
        if row is None:
            return Strip.blank(width, base)
        return self._strip(self._row_text(row, width, index == self._cursor), width, base, cursor=index == self._cursor)

    def _strip(self, text: Text, width: int, base: Style, cursor: bool = False) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments).crop_extend(0, width, None)
        if cursor:
            strip = strip.apply_style(self.get_component_rich_style("doc-list--cursor"))
        return strip.apply_style(base)

    def _row_text(self, row: dict[str, Any], width: int, is_cursor: bool) -> Text:
        cols = columns_for(width)
        text = Text("› " if is_cursor else "  ", no_wrap=True, end="")
        title = one_line(row.get("title"))
        title_style: Style | str = ""
        if not title:
            lead = one_line(row.get("lead"))
            title = lead or f"document {row['id']}"
            title_style = self.get_component_rich_style("doc-list--untitled", partial=True)
        status = row.get("status") or "todo"
        status_class = "doc-list--" + status.replace(" ", "-")
        cells: dict[str, Text] = {
            "title": _fit(title, cols.title, title_style),
            "outlet": _fit(one_line(row.get("outlet")) or "—", cols.outlet),
            "date": _fit(one_line(row.get("date"))[:10] or "—", cols.date),
            "status": _fit(
                STATUS_TEXT.get(status, one_line(status)),
                cols.status,
                self.get_component_rich_style(status_class, partial=True)
                if status_class[len("doc-list--") :] in ("todo", "in-progress", "done", "skipped")
                else "",
            ),
            "spans": _fit(str(row.get("spans") or 0) if row.get("spans") else "·", cols.spans, right=True),
        }
        first = True
        for key, w in cols.order:
            if not w:
                continue
            if not first:
                text.append(" ")
            first = False
            text.append_text(cells[key])
        return text

    # ------------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._ids):
            self.set_cursor(index)
            if event.chain >= 2:
                self.post_message(self.Opened(self, self._ids[index]))
