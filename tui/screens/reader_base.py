"""The Reader's state and display: the document it shows, its layout, the status line.

`ReaderBase` opens a document in the reading session (annotations.reading) and paints it:
the article, the side panel, the header and the status line with what is under the
cursor.  The keys' actions are in its subclasses: `ClaimActions` (tui/screens/reader_claims.py,
`c` and `l`) and `ReaderScreen` (tui/screens/reader.py, everything else).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal
from textual.widgets import Input, Static

from annotations.errors import NewsmarkError
from annotations.reading import Feedback, ReadingSession
from tui.actions import bindings_for
from tui.screens.base import AppScreen
from tui.widgets.article_view import ArticleView, SpanMark
from tui.widgets.bars import Bar, KeyFooter, fit_words
from tui.widgets.doc_list import one_line
from tui.widgets.learning import learning_line
from tui.widgets.side_panel import SidePanel, entity_groups

__all__ = ["PANEL_MIN_WIDTH", "ReaderBase"]

PANEL_MIN_WIDTH = 100
"""Below this terminal width the side panel starts hidden (tab / s shows it)."""


class ReaderBase(AppScreen[int | None]):
    """One document on screen (see ReaderScreen, which adds the keys' actions)."""

    def __init__(self, doc_id: int, ids: list[int] | None = None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.doc: dict[str, Any] | None = None
        self._ids = ids or [doc_id]
        self.session = ReadingSession(
            self.app.store, self.app.annotator, auto_advance=self.app.config.reader.auto_advance
        )
        self._status = "todo"
        self._progress: dict[str, int] = {}
        self._flash: Text | None = None
        self._flash_at: int | None = None
        # The registry's reader bindings, label keys from this config included.
        self._bindings = BindingsMap(bindings_for("reader", self.app.config))

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="reader-header")
        with Horizontal(id="reader-body"):
            yield ArticleView(id="article", label_styles=self._label_styles())
            yield SidePanel(id="side-panel")
        with Horizontal(id="reader-findbar", classes="hidden"):
            yield Static("Find", id="reader-find-label")
            yield Input(
                placeholder="text in this article (enter: go to the next match, escape: close)", id="reader-find"
            )
        yield Bar(id="reader-status")
        yield KeyFooter()

    def _label_styles(self) -> dict[str, str]:
        return {label.name: label.color for label in self.app.config.labels}

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def side_panel(self) -> SidePanel:
        return self.query_one(SidePanel)

    @property
    def status_bar(self) -> Bar:
        return self.query_one("#reader-status", Bar)

    def on_mount(self) -> None:
        self._apply_panel()
        self.watch(self.article, "scroll_y", self._scrolled, init=False)
        self._progress = self.app.store.progress(self.app.annotator)
        self.load(self.doc_id)
        self.set_interval(5.0, self._update_header)  # issue 29 (learn): the header follows the learner

    def on_resize(self) -> None:
        self._apply_panel()
        if self.doc is not None:
            self._update_header()

    def _apply_panel(self) -> None:
        wide = self.app.size.width >= PANEL_MIN_WIDTH
        forced = self.app.panel_forced  # tab / s, kept for the session
        show = wide if forced is None else forced
        was = self.side_panel.display
        self.side_panel.display = show
        if show and not was:
            self._update_panel()  # skipped while it was hidden

    # ------------------------------------------------------------------ loading

    def load(self, doc_id: int) -> None:
        """Show ``doc_id`` at its remembered reading position."""
        app = self.app
        if not self.session.open(doc_id):
            app.notify(f"Document {doc_id} no longer exists", severity="error")
            return
        self.doc_id, self.doc = doc_id, self.session.doc
        position = app.store.position(doc_id, app.annotator)
        cursor, top = position if position else (0, 0)
        self.article.set_document(self.session.text, self._marks(), cursor=cursor, top_offset=top)
        self._status = app.store.status(doc_id, app.annotator)
        self._flash = None
        self._update_header()
        self._update_panel()
        self._update_status()
        if getattr(app, "suggester", None) is not None:  # issue 19 (scale): predict on open, prefetch next
            app.suggester.request(self, doc_id, prefetch=self._neighbour(1))

    def on_suggestions_ready(self, message: Any) -> None:  # issue 19 (scale): tui/suggest_on_open.py
        if message.doc_id == self.doc_id and self.doc is not None:
            self.session.reload_predictions()
            self.refresh_marks(reread=False)

    # The session's view of the document (read by the panel, the claim form and the hints).
    @property
    def _gold(self) -> dict[int, dict[str, Any]]:
        return self.session.now.gold

    @property
    def _preds(self) -> dict[int, dict[str, Any]]:
        return self.session.now.preds

    @property
    def _claims(self) -> dict[int, dict[str, Any]]:
        return self.session.now.claims

    @property
    def _claim_preds(self) -> list[dict[str, Any]]:
        return self.session.now.claim_preds

    @property
    def _entity_names(self) -> dict[int, str]:
        return self.session.now.entity_names

    def _marks(self) -> list[SpanMark]:
        return self.session.marks()

    def refresh_marks(self, *, reread: bool = True) -> None:
        """Re-read this document's annotations from the store and repaint what changed."""
        if reread:
            self.session.refresh()
        self.article.update_spans(self._marks())
        self._status = self.app.store.status(self.doc_id, self.app.annotator)
        self._update_panel()
        self._update_status()

    def apply(self, feedback: Feedback) -> None:
        """Show what a session command did: repaint, move the cursor, say it in the status line."""
        if feedback.changed:
            self.refresh_marks(reread=False)
        if feedback.cursor is not None:
            self.article.set_cursor(feedback.cursor)
        self.flash(Text(feedback.message, style="bold" if feedback.error else ""), at=self.article.cursor)
        if feedback.failed:
            self.app.notify(feedback.message, severity="error", markup=False)

    def save_position(self) -> None:
        if self.doc is None or not self.is_mounted:
            return
        view = self.article
        try:
            self.app.store.save_position(self.doc_id, self.app.annotator, view.cursor, view.top_offset)
        except NewsmarkError:
            pass  # a reading position is not worth an error on the way out

    # ------------------------------------------------------------------ display

    def _update_header(self) -> None:
        doc = self.doc or {}
        title = one_line(doc.get("title")) or one_line((doc.get("text") or "")[:120]) or f"Document {self.doc_id}"
        width = max(10, (self.app.size.width or 80) - 2)
        out = Text(fit_words(title, width), style="bold")
        meta = [one_line(doc.get(k)) for k in ("outlet", "date", "author")]
        meta = [m for m in meta if m]
        out.append("\n")
        out.append(fit_words("  ·  ".join(meta), width) if meta else "no outlet, date or author", style="dim")
        learned = learning_line(self.app.store)  # issue 29 (learn): the learning loop's state
        if learned:
            out.append("\n" + fit_words(learned, width), style="italic")
        self.query_one("#reader-header", Static).update(out)

    def _update_panel(self) -> None:
        if self.doc is None or not self.side_panel.display:
            return  # a hidden panel is filled when it is shown (long articles: thousands of rows)
        groups = entity_groups(self.doc["text"], self._gold.values(), self._preds.values(), self._entity_names)
        text = self.doc["text"]
        claims = sorted(
            [(c["start"], c.get("type") or "claim", text[c["start"] : c["end"]], True) for c in self._claims.values()]
            + [(p["start"], p.get("type") or "claim", text[p["start"] : p["end"]], False) for p in self._claim_preds]
        )
        self.side_panel.show(groups, [(kind, body, ok) for _, kind, body, ok in claims])

    def _scrolled(self) -> None:
        self._update_status()

    def flash(self, message: str | Text, *, at: int | None = None) -> None:
        """Feedback in the status line until the next cursor move (one that moves the cursor
        to `at`, made just before, does not count)."""
        self._flash = message if isinstance(message, Text) else Text(message)
        self._flash_at = at
        self._update_status()

    def _update_status(self) -> None:
        if self.doc is None:
            return
        view = self.article
        left = self._flash.copy() if self._flash is not None else self._cursor_context()
        right = Text()
        right.append(self._status, style="bold")
        right.append(f" · {one_line(self.app.annotator)} · {round(view.progress * 100)}%")
        progress = self._progress
        if progress:
            right.append(f" · done {progress.get('done', 0):,}/{progress.get('total', 0):,}")
        self.status_bar.set(left, right)

    def _cursor_context(self) -> Text:
        view = self.article
        selection = view.selection
        if selection is not None:
            start, end = selection
            snippet = one_line(view.text[start:end])
            if len(snippet) > 22:
                snippet = snippet[:10] + "…" + snippet[-10:]
            out = Text("select ")
            out.append(f"“{snippet}”", style="bold")
            out.append(f" · {self._label_keys_hint()} label")
            return out
        spans = view.span_at_cursor(kinds=("gold", "pred"))
        if not spans:
            claim_hint = self._claim_hint()
            if claim_hint is not None:
                return claim_hint
            return Text(
                f"{self._key_for('reader.select')} select · {self._label_keys_hint()} label · "
                f"{self._key_for('reader.next_entity')} next entity",
                style="dim",
            )
        span = spans[0]
        kind, ref = span.ref if isinstance(span.ref, tuple) else (span.kind, None)
        out = Text()
        quoted = f"“{one_line(view.text[span.start : span.end])[:28]}”"
        if kind == "gold":
            row = self._gold.get(ref, {})
            out.append(span.label, style="bold")
            out.append(f" · {row.get('origin', 'gold')}")
            entity_id = row.get("entity_id")
            name = self._entity_names.get(entity_id) if entity_id is not None else None
            out.append(f" · {quoted}" + (f" = {one_line(name)[:24]}" if name else ""))
        else:
            out.append(f"{span.label}?", style="bold")
            out.append(f" {quoted} · ")
            out.append(
                f"{self._key_for('reader.accept')} accept, {self._key_for('reader.delete')} reject, "
                f"{self._key_for('reader.link')} link"
            )
        return out

    def _claim_hint(self) -> Text | None:
        """Status text for a tagged or suggested claim under the cursor (None if there is none)."""
        claim = self._claim_under_cursor()
        if claim is not None:
            out = Text("claim", style="bold")
            out.append(f" · {claim.get('type') or '—'} · {one_line(claim.get('speaker')) or 'no speaker'}")
            out.append(f" · {self._key_for('reader.claim')} edit, {self._key_for('reader.delete')} delete")
            return out
        pred = self._claim_pred_under_cursor()
        if pred is not None:
            out = Text("claim?", style="bold")
            out.append(
                f" suggested {pred.get('type') or ''} · {self._key_for('reader.claim')} tag it, "
                f"{self._key_for('reader.delete')} reject"
            )
            return out
        return None

    def _claim_under_cursor(self) -> dict[str, Any] | None:
        return self.session.claim_at(self.article.cursor)

    def _claim_pred_under_cursor(self) -> dict[str, Any] | None:
        return self.session.claim_pred_at(self.article.cursor)

    def _key_for(self, action_id: str) -> str:
        from tui.actions import find_action, keys_display

        action = find_action(action_id, self.app.config)
        return keys_display(action, self.app.keymap_config).split(" ")[0] if action else "?"

    def _label_keys_hint(self) -> str:
        keys = [self._key_for(f"reader.label.{label.name}") for label in self.app.config.labels]
        keys = [k for k in keys if k not in ("?", "—")]
        if keys == [str(i) for i in range(1, len(keys) + 1)] and len(keys) > 1:
            return f"1-{len(keys)}"
        if len(keys) > 3:
            return "/".join(keys[:3]) + "/…"
        return "/".join(keys) or "a label key"

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        if self._flash_at is None or self._flash_at != self.article.cursor:
            self._flash = None
        self._flash_at = None
        self._update_status()

    # ------------------------------------------------------------------ helpers

    def _under_cursor(self, kind: str) -> dict[str, Any] | None:
        cursor = self.article.cursor
        return self.session.gold_at(cursor) if kind == "gold" else self.session.pred_at(cursor)

    def _write(self, fn, *args, **kwargs) -> bool:
        """Run one store write; on failure say why and re-read (someone else may have changed it)."""
        try:
            fn(*args, **kwargs)
        except NewsmarkError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            self.refresh_marks()
            return False
        return True

    def _neighbour(self, delta: int) -> int | None:
        try:
            index = self._ids.index(self.doc_id)
        except ValueError:
            return None
        target = index + delta
        return self._ids[target] if 0 <= target < len(self._ids) else None
