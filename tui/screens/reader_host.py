"""What the Reader's controllers (entities, claims, find, display) use of the Reader screen
that owns them: its session and widgets, feedback in the status line, counts, and the moves to
another document. A protocol, so the controllers never import the screen that imports them."""

from __future__ import annotations

from typing import Any, Protocol

from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Input, Static

from annotations.reading.session import ReadingSession
from annotations.reading.values import Feedback
from tui.app_base import AppBase
from tui.widgets.article_view import ArticleView
from tui.widgets.bars import Bar
from tui.widgets.side_panel import SidePanel


class ReaderHost(Protocol):
    session: ReadingSession
    doc_id: int
    doc: dict[str, Any] | None

    @property
    def app(self) -> AppBase: ...

    @property
    def article(self) -> ArticleView: ...

    @property
    def side_panel(self) -> SidePanel: ...

    @property
    def status_bar(self) -> Bar: ...

    @property
    def header(self) -> Static: ...

    @property
    def find_bar(self) -> Horizontal: ...

    @property
    def find_input(self) -> Input: ...

    def apply(self, feedback: Feedback) -> None: ...

    def flash(self, message: str | Text, *, at: int | None = None) -> None: ...

    def clear_flash(self, prefixes: tuple[str, ...]) -> None: ...

    def refresh_marks(self, *, reread: bool = True) -> None: ...

    def reread_progress(self) -> None: ...

    def add_count(self, digit: str) -> None: ...

    def take_count(self) -> int: ...

    def key_for(self, action_id: str) -> str: ...

    def neighbour(self, delta: int) -> int | None: ...

    def open_other(self, doc_id: int) -> None: ...

    def run_worker(self, work: Any, *, thread: bool = ..., group: str = ..., exit_on_error: bool = ...) -> Any: ...

    def post_message(self, message: Any) -> bool: ...
