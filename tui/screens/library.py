"""The Library: every document, filtered and searched, with progress.

The id list comes from ``Store.document_ids`` in a thread worker (exclusive, so a
newer search cancels an older one); the list widget (``DocList``) fetches only the
rows it shows.  Opening a document pushes the Reader; when it is dismissed the
Library reloads (statuses changed) and puts the cursor on the document the Reader
showed last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import WorkerState, get_current_worker

from annotations.errors import NewsmarkError, QueryInterrupted
from annotations.team.assign import assigned_ids, has_assignments
from tui.keys import bindings_for
from tui.screens.base import AppScreen
from tui.screens.reader import ReaderScreen
from tui.screens.review import open_review
from tui.widgets.bars import Bar, KeyFooter
from tui.widgets.doc_list import DocList, one_line

__all__ = ["FILTERS", "LibraryScreen"]

ASSIGNED = "assigned to me"
"""The filter that keeps the documents assigned to you (newsmark assign)."""
FILTERS: tuple[str | None, ...] = (None, "todo", "in progress", "done", "skipped", ASSIGNED)
SEARCH_DELAY = 0.15
"""Seconds of no typing before a search runs."""
FIRST_PAGE = 200
"""Ids read first when opening the plain list, so a large corpus shows rows at once."""
EMPTY_DB = "No documents yet: newsmark import PATH   (or try: newsmark demo)"


@dataclass
class _Query:
    status: str | None
    text: str


class LibraryScreen(AppScreen[None], inherit_bindings=False):
    """The document list."""

    SCOPE = "library"
    BINDINGS = bindings_for("library")
    AUTO_FOCUS = "DocList"

    @dataclass
    class IdsLoaded(Message):
        """A worker finished reading the id list (posted from its thread)."""

        query: _Query
        ids: list[int]
        progress: dict[str, int] = field(default_factory=dict)
        keep_id: int | None = None
        keep_index: int | None = None
        error: str | None = None
        partial: bool = False  # only the first page; the full list follows

    def __init__(self) -> None:
        super().__init__()
        self._filter_index = 0
        self._search = ""
        self._progress: dict[str, int] = {}
        self._search_timer: Timer | None = None
        self._showing_first_page = False
        self._shown_query: _Query | None = None  # the query whose results the list shows

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Bar(id="library-bar")
        yield Static(id="library-columns")
        yield DocList(self._fetch_rows, id="doc-list")
        with Horizontal(id="library-searchbar", classes="hidden"):
            yield Static("Search", id="library-search-label")
            yield Input(placeholder="words in titles and text (enter: to the list, escape: clear)", id="library-search")
        yield KeyFooter()

    @property
    def doc_list(self) -> DocList:
        return self.query_one(DocList)

    @property
    def search_input(self) -> Input:
        return self.query_one("#library-search", Input)

    def on_mount(self) -> None:
        self._update_bar()
        # reopen on the document read last: `enter` goes on where the last session stopped
        self._start_load(_Query(self.status_filter, self._search), self.app.store.last_read(self.app.annotator), None)

    def on_resize(self) -> None:
        self.call_after_refresh(self._update_columns)

    def _update_columns(self) -> None:
        doc_list = self.doc_list
        width = doc_list.scrollable_content_region.width or self.size.width
        self.query_one("#library-columns", Static).update(doc_list.header_text(width))

    # ------------------------------------------------------------------ data

    @property
    def status_filter(self) -> str | None:
        return FILTERS[self._filter_index]

    @property
    def search_text(self) -> str:
        return self._search

    def _fetch_rows(self, ids):
        app = self.app
        return app.store.document_rows(list(ids), app.annotator)

    def reload(self, keep_id: int | None = None) -> None:
        """Read the id list again (in a worker), keeping the cursor on ``keep_id`` or in place."""
        doc_list = self.doc_list
        if keep_id is None:
            keep_id = doc_list.current_id
        self._start_load(_Query(self.status_filter, self._search), keep_id, doc_list.cursor)

    def _from_top(self) -> None:
        """A new search or filter lists other documents: start at the first one."""
        self._start_load(_Query(self.status_filter, self._search), None, 0)

    def _start_load(self, query: _Query, keep_id: int | None, keep_index: int | None) -> None:
        if any(w.group == "library-ids" and w.state == WorkerState.RUNNING for w in self.app.workers):
            # A newer request supersedes the running one: stop its SQLite query now rather
            # than let searches typed letter by letter queue up behind each other.
            self.app.interrupt_reads()
        self._load(query, keep_id, keep_index)

    @work(thread=True, exclusive=True, group="library-ids", exit_on_error=False)
    def _load(self, query: _Query, keep_id: int | None, keep_index: int | None) -> None:
        worker = get_current_worker()
        try:
            if worker.is_cancelled:
                return
            store = self.app.read_store
            annotator = self.app.annotator
            if keep_id is None and not query.text and not query.status and not has_assignments(store, annotator):
                # Opening the plain list: show the first screenful now, the full id list
                # (100,000 ids take ~0.1 s) follows in a moment.
                first = store.document_ids(limit=FIRST_PAGE)
                if len(first) == FIRST_PAGE and not worker.is_cancelled:
                    self.post_message(self.IdsLoaded(query, first, keep_index=keep_index, partial=True))
            error = None
            ids: list[int] = []
            for _attempt in range(3):
                try:
                    ids = self._ids(store, annotator, query)
                    error = None
                    break
                except QueryInterrupted as exc:  # meant for an older query: try again
                    error = str(exc)
                    if worker.is_cancelled:
                        return
            if worker.is_cancelled:
                return
            progress = store.progress(annotator)
            if worker.is_cancelled:
                return
            self.post_message(
                self.IdsLoaded(
                    query, [] if error else ids, progress, keep_id=keep_id, keep_index=keep_index, error=error
                )
            )
        except NewsmarkError as exc:  # the store's own words; anything else takes the one worker error path
            if not worker.is_cancelled:
                self.post_message(self.IdsLoaded(query, [], keep_id=keep_id, keep_index=keep_index, error=str(exc)))

    @staticmethod
    def _ids(store, annotator: str, query: _Query) -> list[int]:
        """The documents to list: those assigned to you first (in import order), then the rest."""

        status = None if query.status == ASSIGNED else query.status
        ids = store.document_ids(status=status, annotator=annotator, query=query.text or None)
        mine = assigned_ids(store, annotator)
        if query.status == ASSIGNED:
            return [i for i in ids if i in mine]
        if not mine:
            return ids
        return [i for i in ids if i in mine] + [i for i in ids if i not in mine]

    def on_library_screen_ids_loaded(self, message: IdsLoaded) -> None:
        if message.query != _Query(self.status_filter, self._search):
            return  # an older request finishing late
        doc_list = self.doc_list
        if not self._showing_first_page:
            doc_list.invalidate()  # rows fetched so far are still right when a first page grows
        self._showing_first_page = message.partial
        self._shown_query = message.query
        self._progress = message.progress
        doc_list.set_ids(
            message.ids, keep_id=message.keep_id, keep_index=message.keep_index, message=self._empty_message(message)
        )
        self._update_bar()
        self._update_columns()

    def _empty_message(self, message: IdsLoaded) -> str:
        if message.error:
            return message.error
        if not message.progress.get("total"):
            return EMPTY_DB
        if message.query.text:
            return f"No documents match “{one_line(message.query.text)}”.  escape clears the search"
        if message.query.status == ASSIGNED:
            return "No documents are assigned to you (newsmark assign).  f changes the filter"
        if message.query.status:
            return f"No documents are “{message.query.status}” for you.  f changes the filter"
        return "No documents."

    def _update_bar(self) -> None:
        left = Text("Library", style="bold")
        status = self.status_filter
        shown = len(self.doc_list.ids) if self.doc_list.loaded else None
        if status or self._search:
            left.append("  ·  ")
            parts = []
            if status:
                parts.append(f"status: {status}")
            if self._search:
                parts.append(f"search: {one_line(self._search)}")
            left.append("; ".join(parts), style="italic")
            if shown is not None:
                left.append(f"  ({shown:,} shown)")
        right = Text()
        right.append(one_line(self.app.annotator), style="bold")
        if self._progress:
            done, total = self._progress.get("done", 0), self._progress.get("total", 0)
            right.append(f"  done {done:,}/{total:,}")
            if total:
                right.append(f" ({100 * done // total}%)")
        self.query_one("#library-bar", Bar).set(left, right)

    # ------------------------------------------------------------------ actions

    def action_move(self, delta: int) -> None:
        self.doc_list.move(delta)

    def action_page(self, delta: int) -> None:
        self.doc_list.page(delta)

    def action_top(self) -> None:
        self.doc_list.top()

    def action_bottom(self) -> None:
        self.doc_list.bottom()

    def action_open(self) -> None:
        doc_id = self.doc_list.current_id
        if doc_id is not None and self._list_is_current():
            self.open_document(doc_id)

    def _list_is_current(self) -> bool:
        """False (and says so) while a search or filter is still loading: the rows shown are
        the previous list's, and enter must not open one of them."""
        if self._search_timer is None and self._shown_query == _Query(self.status_filter, self._search):
            return True
        self.app.notify(
            "Still searching: enter opens a document once the new list shows", severity="warning", markup=False
        )
        return False

    def open_document(self, doc_id: int) -> None:
        self.app.push_screen(ReaderScreen(doc_id, list(self.doc_list.ids)), self._reader_closed)

    def action_review(self) -> None:
        doc_id = self.doc_list.current_id
        if doc_id is not None:
            open_review(self.app, doc_id, self._reader_closed)

    def _reader_closed(self, last_doc: int | None) -> None:
        self.doc_list.focus()
        self.reload(keep_id=last_doc)

    @on(DocList.Opened)
    def _opened(self, message: DocList.Opened) -> None:
        if self._list_is_current():
            self.open_document(message.doc_id)

    def action_cycle_filter(self) -> None:
        self._filter_index = (self._filter_index + 1) % len(FILTERS)
        if FILTERS[self._filter_index] == ASSIGNED and not has_assignments(self.app.store, self.app.annotator):
            self._filter_index = (self._filter_index + 1) % len(FILTERS)  # nothing assigned to you
        self._update_bar()
        self._from_top()

    @property
    def search_bar(self) -> Horizontal:
        return self.query_one("#library-searchbar", Horizontal)

    def action_search(self) -> None:
        self.search_bar.remove_class("hidden")
        self.search_input.focus()

    def action_escape(self) -> None:
        search = self.search_input
        if self._search or not self.search_bar.has_class("hidden"):
            if self._search_timer is not None:
                self._search_timer.stop()
                self._search_timer = None
            self._search = ""
            with search.prevent(Input.Changed):
                search.value = ""
            self.search_bar.add_class("hidden")
            self.doc_list.focus()
            self._update_bar()
            self.reload()

    @on(Input.Changed, "#library-search")
    def _search_changed(self, event: Input.Changed) -> None:
        # Search as you type, once typing pauses (SEARCH_DELAY).
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._apply_search)

    def _apply_search(self) -> None:
        self._search_timer = None
        text = self.search_input.value.strip()
        if text != self._search:
            self._search = text
            self._update_bar()
            self._from_top()

    @on(Input.Submitted, "#library-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._apply_search()
        if not event.value.strip():
            self.search_bar.add_class("hidden")
        self.doc_list.focus()
