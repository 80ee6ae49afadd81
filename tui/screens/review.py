"""Review: one document's conflict sets, resolved one key each into the reviewed layer.

The screen drives ``annotations.team.review`` (Textual-free) and only maps keys to its verbs:
``down``/``up`` walk the conflicts, ``n`` jumps to the next open one, ``1``-``9`` take that
annotator's version, ``x`` takes none, ``e`` opens the Reader on the reviewed layer (the
Reader's own keys then edit boundaries and labels there; ``q`` comes back), ``u`` undoes,
``d`` marks the document reviewed. Unanimous sets are pre-accepted when the screen opens
(``a`` shows them too); ``m`` adds the model's version as one more column.

Text shown here (article text, names, labels) is data: sanitised and given as ``Text``.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from annotations.errors import NewsmarkError
from annotations.reading.layout import sanitize
from annotations.team import review as core
from annotations.vocab import REVIEW_ANNOTATOR
from tui.keys import bindings_for
from tui.screens.base import AppScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.bars import Bar
from tui.widgets.doc_list import one_line

__all__ = ["ReviewScreen", "open_review"]

LIST_HEIGHT = 7
CONTEXT = 90
"""Characters of text shown either side of a conflict."""


def _flat(text: str) -> str:
    """Article text for one running line: sanitised, every run of whitespace one space."""
    return re.sub(r"\s+", " ", sanitize(text))


class ReviewScreen(AppScreen[int | None], inherit_bindings=False):
    """Adjudicate one document; dismisses with its id."""

    SCOPE = "review"
    BINDINGS = bindings_for("review")
    DEFAULT_CSS = """
    ReviewScreen #review-bar { background: $panel; padding: 0 1; }
    ReviewScreen #review-list { height: 7; padding: 0 1; }
    ReviewScreen #review-detail { height: 1fr; padding: 0 1; border-top: solid $panel-lighten-2; }
    ReviewScreen #review-status { background: $panel; padding: 0 1; }
    """

    def __init__(self, doc_id: int, *, with_model: bool = False) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.with_model = with_model
        self.show_all = False
        self.sets: list[core.ConflictSet] = []
        self.decisions: list[str | None] = []
        self.annotators: list[str] = []
        self.index = 0
        self.doc: dict[str, Any] = {}
        self._reviewer = ""

    def compose(self) -> ComposeResult:
        yield Bar(id="review-bar")
        yield Static(id="review-list")
        yield Static(id="review-detail")
        yield Bar(id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        self._reviewer = app.annotator
        self.doc = app.store.document(self.doc_id) or {"text": "", "title": None}
        self.load(pre_accept=True)

    # ------------------------------------------------------------------ state

    @property
    def shown(self) -> list[int]:
        """Indexes of the sets listed: the conflicts, or every set with ``a``."""
        return [i for i, cs in enumerate(self.sets) if self.show_all or not cs.unanimous]

    @property
    def current(self) -> core.ConflictSet | None:
        vis = self.shown
        return self.sets[vis[self.index]] if vis and 0 <= self.index < len(vis) else None

    @property
    def open_count(self) -> int:
        return sum(1 for cs, d in zip(self.sets, self.decisions) if d is None)

    def load(self, *, pre_accept: bool = False) -> None:
        """Read the sets and the reviewed layer again (after any change, by anyone)."""
        store = self.app.store
        names = core.annotators_of(store, self.doc_id)
        self.sets = core.conflict_sets(store, self.doc_id, with_model=self.with_model, annotators=names)
        self.annotators = list(self.sets[0].versions) if self.sets else names
        if pre_accept:
            try:
                n = core.accept_unanimous(store, self._reviewer, self.doc_id, self.sets)
            except NewsmarkError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
                n = 0
            if n:
                self.app.notify(f"{n} unanimous sets pre-accepted (a shows them)", markup=False)
        self.decisions = [core.decision(store, self.doc_id, cs) for cs in self.sets]
        self.index = min(self.index, max(0, len(self.shown) - 1))
        self.refresh_view()

    # ------------------------------------------------------------------ drawing

    def refresh_view(self) -> None:
        title = one_line(self.doc.get("title")) or f"document {self.doc_id}"
        left = Text("Review · ", style="bold")
        left.append(title)
        right = Text(
            f"{one_line(self._reviewer)} · {self.open_count} open of "
            f"{sum(1 for cs in self.sets if not cs.unanimous)} conflicts"
        )
        self.query_one("#review-bar", Bar).set(left, right)
        self.query_one("#review-list", Static).update(self._list_text())
        self.query_one("#review-detail", Static).update(self._detail_text())
        names = "  ".join(f"{i} {one_line(a)}" for i, a in enumerate(self.annotators[:9], 1))
        self.query_one("#review-status", Bar).set(Text(names), Text("x none · e edit · d reviewed"))

    def _mark(self, decision: str | None) -> Text:
        if decision is None:
            return Text("● open  ", style="bold")
        return Text(f"✓ {one_line(decision)[:6]:<6}", style="dim")

    def _list_text(self) -> Text:
        vis = self.shown
        if not vis:
            if not self.sets:
                return Text("No spans or claims from any annotator on this document yet.")
            if len(self.annotators) == 1:
                return Text(
                    f"Only {one_line(self.annotators[0])} annotated this document: their version is "
                    "accepted (a shows it). d marks it reviewed."
                )
            return Text("No conflicts: every annotator agrees (a shows the accepted sets). d marks it reviewed.")
        first = max(0, min(self.index - LIST_HEIGHT // 2, len(vis) - LIST_HEIGHT))
        out = Text(no_wrap=True, overflow="ellipsis")
        text = self.doc.get("text") or ""
        for row, i in enumerate(vis[first : first + LIST_HEIGHT]):
            cs = self.sets[i]
            line = Text("› " if first + row == self.index else "  ", no_wrap=True)
            line.append_text(self._mark(self.decisions[i]))
            line.append(f" {cs.kind:<5} ")
            line.append(one_line(text[cs.start : cs.end])[:40])
            line.append(f"  ({sum(1 for v in cs.versions.values() if v)}/{len(cs.versions)} marked it)", style="dim")
            if row:
                out.append("\n")
            out.append_text(line)
        return out

    def _detail_text(self) -> Text:
        cs = self.current
        if cs is None:
            return Text("")
        text = self.doc.get("text") or ""
        lo, hi = max(0, cs.start - CONTEXT), min(len(text), cs.end + CONTEXT)
        out = Text("…" if lo else "")
        out.append(_flat(text[lo : cs.start]).lstrip())
        out.append(_flat(text[cs.start : cs.end]), style="reverse")
        out.append(_flat(text[cs.end : hi]).rstrip() + ("…" if hi < len(text) else ""))
        out.append("\n")
        decided = self.decisions[self.sets.index(cs)]
        for n, annotator in enumerate(self.annotators, 1):
            items = cs.versions.get(annotator, ())
            line = Text(f"\n{'✓' if decided == annotator else ' '} {n if n <= 9 else ' '} ")
            line.append(f"{one_line(annotator)[:12]:<12} ", style="bold")
            if not items:
                line.append("(nothing)", style="dim")
            for k, item in enumerate(items):
                line.append("; " if k else "")
                line.append(f"{one_line(item.label)} ", style="italic")
                line.append(f"“{one_line(text[item.start : item.end])[:50]}”")
            out.append_text(line)
        out.append(f"\n{'✓' if decided == 'none' else ' '} x (none)")
        if decided == "edited":
            out.append("\n✓ edited in the Reader (the reviewed layer holds its own version)")
        return out

    # ------------------------------------------------------------------ actions

    def action_walk(self, delta: int) -> None:
        if self.shown:
            self.index = max(0, min(len(self.shown) - 1, self.index + delta))
            self.refresh_view()

    def action_next_open(self) -> None:
        vis = self.shown
        for step in range(1, len(vis) + 1):
            j = (self.index + step) % len(vis)
            if self.decisions[vis[j]] is None:
                self.index = j
                self.refresh_view()
                return
        self.app.notify("No open conflicts left: d marks the document reviewed", markup=False)

    def action_take(self, n: int) -> None:
        cs = self.current
        if cs is None:
            return
        if n and n > len(self.annotators):
            self.app.notify(f"There is no annotator {n} here", severity="warning", markup=False)
            return
        who = self.annotators[n - 1] if n else None
        try:
            core.take(self.app.store, self._reviewer, self.doc_id, cs, who)
        except NewsmarkError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
        self.load()
        if self.open_count:
            self.action_next_open()

    def action_edit(self) -> None:
        """Open the Reader on the reviewed layer at this conflict (its keys edit it there)."""

        cs = self.current
        app = self.app
        if cs is not None:
            text = self.doc.get("text") or ""
            top = text.rfind("\n", 0, cs.start) + 1
            app.store.save_position(self.doc_id, REVIEW_ANNOTATOR, cs.start, top)
        app.annotator = REVIEW_ANNOTATOR
        app.push_screen(ReaderScreen(self.doc_id, [self.doc_id]), self._edited)

    def _edited(self, _result: object) -> None:
        self.app.annotator = self._reviewer
        self.load()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.index = 0
        self.refresh_view()

    def action_toggle_model(self) -> None:
        self.with_model = not self.with_model
        self.load()

    def _replay(self, undo: bool) -> None:
        store = self.app.store
        try:
            done = store.undo(REVIEW_ANNOTATOR) if undo else store.redo(REVIEW_ANNOTATOR)
        except NewsmarkError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        verb, word = ("Undid", "undo") if undo else ("Redid", "redo")
        self.app.notify(f"{verb}: {done['name']}" if done else f"Nothing to {word}", markup=False)
        self.load()

    def action_undo(self) -> None:
        self._replay(True)

    def action_redo(self) -> None:
        self._replay(False)

    def action_done(self) -> None:
        if self.open_count:
            self.app.notify(
                f"{self.open_count} conflicts are still open (n goes to the next)", severity="warning", markup=False
            )
            return
        try:
            core.mark_reviewed(self.app.store, self._reviewer, self.doc_id)
        except NewsmarkError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        following = core.next_to_review(self.app.store)
        if following is None or not core.may_see_others(self.app.store, self.app.config, self._reviewer, following):
            self.app.notify("Marked reviewed: the reviewed layer is this document's gold", markup=False)
            self.dismiss(self.doc_id)
            return
        self.app.notify("Marked reviewed · the next document waiting for review is open", markup=False)
        self.open_document(following)

    def open_document(self, doc_id: int) -> None:
        """Review another document on this screen (`d` moves on to the next one waiting)."""
        self.doc_id, self.index, self.show_all = doc_id, 0, False
        self.doc = self.app.store.document(doc_id) or {"text": "", "title": None}
        self.load(pre_accept=True)

    def action_back(self) -> None:
        self.dismiss(self.doc_id)


def open_review(app: Any, doc_id: int, callback: Any = None, *, with_model: bool = False) -> bool:
    """Push the Review screen, unless config `review.blind` hides others' work from this
    annotator (one of the document's annotators, before it is reviewed)."""
    if not core.may_see_others(app.store, app.config, app.annotator, doc_id):
        app.notify(
            "Blind review (config review.blind): you annotate this document, so other "
            "annotators' work stays hidden until it is reviewed",
            severity="warning",
            markup=False,
        )
        return False
    app.push_screen(ReviewScreen(doc_id, with_model=with_model), callback)
    return True
