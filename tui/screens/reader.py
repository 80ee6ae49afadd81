"""The Reader: one article with its entities, for reading first and annotating second.

Every change goes to the store first (one committed transaction), then the screen
re-reads the document's spans from the store and repaints only the rows that
changed (``ArticleView.update_spans``).  Per-document reads are indexed look-ups
(well under a millisecond), done synchronously so the next key always acts on
what the database holds; list reads (the Library's ids) run in workers.

Keys come from ``tui.actions`` (scope "reader"): the screen's action methods
below are what the registry's action strings name.
"""

from __future__ import annotations


from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from annotations.errors import NewsmarkError
from annotations import claim_actions, entity_actions
from annotations.ranges import Coverage
from tui.actions import bindings_for
from tui.undo import replay
from tui.widgets.article_view import ArticleView, SpanMark
from tui.widgets.bars import Bar
from tui.widgets.doc_list import one_line
from tui.widgets.side_panel import SidePanel, entity_groups

__all__ = ["PANEL_MIN_WIDTH", "ReaderScreen"]

PANEL_MIN_WIDTH = 100
"""Below this terminal width the side panel starts hidden (tab / s shows it)."""

ENTITY_EXTRACTOR = "entities"
CLAIM_EXTRACTOR = "claims"

MOTIONS = {"char": "move_char", "word": "move_word", "sentence": "move_sentence",
           "line": "move_line", "entity": "move_entity", "page": "page"}
"""Motion kinds the registry's ``move(kind, delta, extend)`` actions name -> ArticleView methods."""


class ReaderScreen(Screen[int | None], inherit_bindings=False):
    """One document.  Dismissed with the id of the document shown last."""

    SCOPE = "reader"
    BINDINGS = bindings_for("reader")
    AUTO_FOCUS = "ArticleView"

    def __init__(self, doc_id: int, ids: list[int] | None = None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.doc: dict[str, Any] | None = None
        self._ids = ids or [doc_id]
        self._gold: dict[int, dict[str, Any]] = {}
        self._preds: dict[int, dict[str, Any]] = {}
        self._pred_cache: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self._entity_names: dict[int, str] = {}
        self._claims: dict[int, dict[str, Any]] = {}
        self._claim_preds: list[dict[str, Any]] = []
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
            yield Input(placeholder="text in this article (enter: go to the next match, escape: close)",
                        id="reader-find")
        yield Bar(id="reader-status")
        yield Footer()

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

    def on_resize(self) -> None:
        self._apply_panel()

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
        doc = app.store.document(doc_id)
        if doc is None:
            app.notify(f"Document {doc_id} no longer exists", severity="error")
            return
        self.doc_id, self.doc = doc_id, doc
        self._pred_cache.clear()
        position = app.store.position(doc_id, app.annotator)
        cursor, top = position if position else (0, 0)
        self.article.set_document(doc["text"], self._read_marks(), cursor=cursor, top_offset=top)
        self._status = app.store.status(doc_id, app.annotator)
        self._flash = None
        self._update_header()
        self._update_panel()
        self._update_status()
        if getattr(app, "suggester", None) is not None:  # issue 19 (scale): predict on open, prefetch next
            app.suggester.request(self, doc_id, prefetch=self._neighbour(1))

    def on_suggestions_ready(self, message: Any) -> None:  # issue 19 (scale): tui/suggest_on_open.py
        if message.doc_id == self.doc_id and self.doc is not None:
            self._pred_cache.clear()
            self.refresh_marks()

    def _predictions(self, extractor: str) -> list[dict[str, Any]]:
        """This document's predictions, read once per opening: they only change when
        `newsmark predict` runs, and every accept or reject would otherwise re-read thousands."""
        cached = self._pred_cache.get((self.doc_id, extractor))
        if cached is None:
            cached = self._pred_cache[(self.doc_id, extractor)] = self.app.store.predictions(self.doc_id, extractor)
        return cached

    def _read_marks(self) -> list[SpanMark]:
        """Gold spans and the suggestions still open (not confirmed, not rejected)."""
        app, doc_id = self.app, self.doc_id
        gold = app.store.spans(doc_id, app.annotator)
        covered = Coverage((g["start"], g["end"]) for g in gold)
        rejected = {(r["start"], r["end"], r["label"]) for r in app.store.rejections(doc_id, app.annotator)
                    if r["kind"] == "ent"}
        # a suggestion overlapping a gold span is superseded by it (entities do not nest)
        preds = [
            p for p in self._predictions(ENTITY_EXTRACTOR)
            if not covered.overlaps(p["start"], p["end"])
            and (p["start"], p["end"], p["label"]) not in rejected
            and (p["start"], p["end"], None) not in rejected
        ]
        self._gold = {g["id"]: g for g in gold}
        linked = sorted({g["entity_id"] for g in gold if g.get("entity_id") is not None})
        self._entity_names = {r["id"]: r["name"] for r in app.store.query(
            f"SELECT id, name FROM entities WHERE id IN ({','.join('?' * len(linked))})", linked)} if linked else {}
        self._preds = {p["id"]: p for p in preds}
        marks = [SpanMark(g["start"], g["end"], g["label"], "gold", ("gold", g["id"])) for g in gold]
        marks += [SpanMark(p["start"], p["end"], p["label"] or "ENTITY", "pred", ("pred", p["id"])) for p in preds]
        # Claims: this annotator's are drawn (italic + margin marker); the claim
        # detector's suggestions not yet tagged or rejected are offered under the cursor.
        claims = claim_actions.claims(app.store, doc_id, app.annotator)
        self._claims = {c["id"]: c for c in claims}
        tagged = {(c["start"], c["end"]) for c in claims}
        rejected_claims = {(r["start"], r["end"]) for r in app.store.rejections(doc_id, app.annotator)
                           if r["kind"] == "claim"}
        self._claim_preds = [
            p for p in self._predictions(CLAIM_EXTRACTOR)
            if (p["start"], p["end"]) not in tagged and (p["start"], p["end"]) not in rejected_claims
        ]
        marks += [SpanMark(c["start"], c["end"], c["type"] or "claim", "claim", ("claim", c["id"])) for c in claims]
        return marks

    def refresh_marks(self) -> None:
        """Re-read this document's annotations from the store and repaint what changed."""
        self.article.update_spans(self._read_marks())
        self._status = self.app.store.status(self.doc_id, self.app.annotator)
        self._update_panel()
        self._update_status()

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
        out = Text(title, style="bold")
        meta = [one_line(doc.get(k)) for k in ("outlet", "date", "author")]
        meta = [m for m in meta if m]
        out.append("\n")
        out.append("  ·  ".join(meta) if meta else "no outlet, date or author", style="dim")
        self.query_one("#reader-header", Static).update(out)

    def _update_panel(self) -> None:
        if self.doc is None or not self.side_panel.display:
            return  # a hidden panel is filled when it is shown (long articles: thousands of rows)
        groups = entity_groups(self.doc["text"], self._gold.values(), self._preds.values(), self._entity_names)
        text = self.doc["text"]
        claims = sorted([(c["start"], c.get("type") or "claim", text[c["start"]:c["end"]], True)
                         for c in self._claims.values()]
                        + [(p["start"], p.get("type") or "claim", text[p["start"]:p["end"]], False)
                           for p in self._claim_preds])
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
            return Text(f"{self._key_for('reader.select')} select · {self._label_keys_hint()} label · "
                        f"{self._key_for('reader.next_entity')} next entity", style="dim")
        span = spans[0]
        kind, ref = span.ref if isinstance(span.ref, tuple) else (span.kind, None)
        out = Text()
        quoted = f"“{one_line(view.text[span.start:span.end])[:28]}”"
        if kind == "gold":
            row = self._gold.get(ref, {})
            out.append(span.label, style="bold")
            out.append(f" · {row.get('origin', 'gold')}")
            name = self._entity_names.get(row.get("entity_id"))
            out.append(f" · {quoted}" + (f" = {one_line(name)[:24]}" if name else ""))
        else:
            out.append(f"{span.label}?", style="bold")
            out.append(f" {quoted} · ")
            out.append(f"{self._key_for('reader.accept')} accept, {self._key_for('reader.delete')} reject, "
                       f"{self._key_for('reader.link')} link")
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
            out.append(f" suggested {pred.get('type') or ''} · {self._key_for('reader.claim')} tag it, "
                       f"{self._key_for('reader.delete')} reject")
            return out
        return None

    def _claim_under_cursor(self) -> dict[str, Any] | None:
        for span in self.article.span_at_cursor(kinds=("claim",)):
            if isinstance(span.ref, tuple) and span.ref[1] in self._claims:
                return self._claims[span.ref[1]]
        return None

    def _claim_pred_under_cursor(self) -> dict[str, Any] | None:
        cursor = self.article.cursor
        found = [p for p in self._claim_preds if p["start"] <= cursor < p["end"]]
        return min(found, key=lambda p: p["end"] - p["start"]) if found else None

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
        for span in self.article.span_at_cursor(kinds=(kind,)):
            if isinstance(span.ref, tuple):
                rows = self._gold if kind == "gold" else self._preds
                row = rows.get(span.ref[1])
                if row is not None:
                    return row
        return None

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

    def open_other(self, doc_id: int) -> None:
        """Leave this document (saving the reading position) for another."""
        self.save_position()
        self._close_find()
        self.load(doc_id)

    # ------------------------------------------------------------------ actions: motion

    def action_move(self, kind: str, delta: int, extend: bool = False) -> None:
        getattr(self.article, MOTIONS[kind])(delta, extend)

    def action_top(self) -> None:
        self.article.home()

    def action_bottom(self) -> None:
        self.article.end()

    def action_select(self) -> None:
        self.article.toggle_selection()

    # ------------------------------------------------------------------ actions: annotation

    def action_accept(self) -> None:
        pred = self._under_cursor("pred")
        if pred is None:
            gold = self._under_cursor("gold")
            if gold is not None:
                self.flash(Text(f"Already confirmed as {gold['label']}"))
            else:
                self.app.notify("No suggestion under the cursor (] jumps to the next entity)",
                                severity="warning", markup=False)
            return
        self._accept(pred, pred["label"] or "ENTITY", f"Accepted {pred['label']}")

    def _accept(self, pred: dict[str, Any], label: str, done: str) -> None:
        """Accept a suggestion (linked at once when one canonical entity knows its spelling)."""
        app = self.app
        try:
            _, linked = entity_actions.accept(app.store, self.doc_id, pred["start"], pred["end"], label,
                                              app.annotator)
        except NewsmarkError as exc:
            app.notify(str(exc), severity="error", markup=False)
            self.refresh_marks()
            return
        self.refresh_marks()
        self.flash(Text(done + (f" · linked to {one_line(linked)}" if linked else "")))

    def action_delete(self) -> None:
        app = self.app
        gold = self._under_cursor("gold")
        if gold is not None:
            if not self._write(app.store.delete_span, gold["id"], app.annotator, reject=True):
                return
            self.refresh_marks()
            self.flash(Text(f"Deleted {gold['label']} span"))
            return
        pred = self._under_cursor("pred")
        if pred is not None:
            if not self._write(app.store.reject_prediction, self.doc_id, pred["start"], pred["end"],
                               pred["label"], app.annotator):
                return
            self.refresh_marks()
            self.flash(Text(f"Rejected the {pred['label']} suggestion"))
            return
        claim = self._claim_under_cursor()
        if claim is not None:
            if not self._write(claim_actions.delete_claim, app.store, claim["id"], app.annotator):
                return
            self.refresh_marks()
            self.flash(Text("Deleted the claim"))
            return
        claim_pred = self._claim_pred_under_cursor()
        if claim_pred is not None:
            if not self._write(app.store.reject_prediction, self.doc_id, claim_pred["start"], claim_pred["end"],
                               None, app.annotator, kind="claim"):
                return
            self.refresh_marks()
            self.flash(Text("Rejected the claim suggestion"))
            return
        app.notify("Nothing to delete under the cursor", severity="warning", markup=False)

    def action_label(self, label: str) -> None:
        app, view = self.app, self.article
        selection = view.selection
        if selection is not None:
            start, end = selection
            text = view.text
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                app.notify("The selection is only white space", severity="warning", markup=False)
                return
            existing = app.store.span_at(self.doc_id, app.annotator, start, end)
            if existing is not None:
                if existing["label"] != label and not self._write(
                        app.store.relabel_span, existing["id"], label, app.annotator):
                    return
            elif not self._write(app.store.add_span, self.doc_id, start, end, label, app.annotator,
                                 origin="manual"):
                return
            view.clear_selection()
            self.refresh_marks()
            self.flash(Text(f"Labelled {label}"))
            return
        gold = self._under_cursor("gold")
        if gold is not None:
            if gold["label"] == label:
                self.flash(Text(f"Already {label}"))
                return
            if not self._write(app.store.relabel_span, gold["id"], label, app.annotator):
                return
            self.refresh_marks()
            self.flash(Text(f"Relabelled {gold['label']} → {label}"))
            return
        pred = self._under_cursor("pred")
        if pred is not None:
            self._accept(pred, label, f"Accepted as {label}")
            return
        app.notify(f"Select text with {self._key_for('reader.select')} first, or put the cursor on a span",
                   severity="warning", markup=False)

    def _replay(self, kind: str) -> None:
        app = self.app
        info, line = replay(app, kind)
        if info is None:
            if line is not None:
                self.flash(line)
            return
        self._progress = app.store.progress(app.annotator)
        doc_id, start = info.get("doc_id"), info.get("start")
        if doc_id is not None and doc_id != self.doc_id:
            self.open_other(doc_id)
            line.append(" (in this document)")
        else:
            self.refresh_marks()
        if start is not None and self.doc is not None and 0 <= start <= len(self.doc["text"]):
            self.article.set_cursor(start)  # show what changed back
        self.flash(line, at=start)

    def action_undo(self) -> None:
        self._replay("undo")

    def action_redo(self) -> None:
        self._replay("redo")

    def action_finish(self, status: str) -> None:
        """Mark the document done or skipped (committed first), then open the next one."""
        app = self.app
        open_suggestions = len(self._preds)
        if not self._write(app.store.set_status, self.doc_id, app.annotator, status):
            return
        self._progress = app.store.progress(app.annotator)
        # Suggestions left open are not entities in the export, and count as the model's
        # false positives in evaluate: say so, once, as the document is closed.
        note = (f" · {open_suggestions} suggestion{'s' if open_suggestions != 1 else ''} left unreviewed"
                if status == "done" and open_suggestions else "")
        following = self._neighbour(1)
        if following is None:
            self.refresh_marks()
            self.flash(Text(f"Marked {status}{note} · that was the last document in the list"))
            return
        self.open_other(following)
        self.flash(Text(f"Previous document marked {status}{note}"), at=self.article.cursor)

    def action_next_doc(self) -> None:
        target = self._neighbour(1)
        if target is None:
            self.flash(Text("This is the last document in the list"))
        else:
            self.open_other(target)

    def action_prev_doc(self) -> None:
        target = self._neighbour(-1)
        if target is None:
            self.flash(Text("This is the first document in the list"))
        else:
            self.open_other(target)

    def action_claim(self) -> None:
        """Tag a claim on the selection, else on the suggested or tagged claim under the
        cursor, else on the sentence under the cursor: a small form, then one store write."""
        from tui.dialogs.claim_form import ClaimForm

        app, view = self.app, self.article
        existing = pred = None
        defaults: dict[str, Any] = {}
        selection = view.selection
        if selection is not None:
            start, end = _trim(view.text, *selection)
        else:
            existing = self._claim_under_cursor()
            pred = None if existing is not None else self._claim_pred_under_cursor()
            source = existing or pred
            start, end = (source["start"], source["end"]) if source else _trim(view.text, *view.sentence_at_cursor())
        if start >= end:
            app.notify("No text here to tag as a claim", severity="warning", markup=False)
            return
        if existing is None:
            existing = next((c for c in self._claims.values() if (c["start"], c["end"]) == (start, end)), None)
        speakers = self._speaker_options()
        if existing is not None:
            defaults = {k: existing.get(k) for k in ("type", "speaker", "speaker_span_id", "speaker_entity_id",
                                                       "cue", "stance", "checkworthy", "note")}
        elif pred is not None:
            defaults = {"type": pred.get("type"), "speaker": pred.get("speaker"), "cue": pred.get("cue"),
                        "stance": pred.get("stance")}
            match = next((o for o in speakers if o.span_id is not None and pred.get("speaker")
                          and o.text == pred.get("speaker")), None)
            if match is not None:
                defaults.update(speaker_span_id=match.span_id, speaker_entity_id=match.entity_id)
        title = "Edit the claim" if existing else ("Tag the suggested claim" if pred else "Tag a claim")

        def saved(fields: dict[str, Any] | None) -> None:
            if fields is None:
                return
            if existing is not None:
                ok = self._write(claim_actions.update_claim, app.store, existing["id"], app.annotator, **fields)
                message = "Claim updated"
            else:
                ok = self._write(claim_actions.add_claim, app.store, self.doc_id, start, end, app.annotator,
                                 origin="accepted-prediction" if pred else "manual", **fields)
                message = f"Tagged a {fields.get('type') or 'claim'}"
            if not ok:
                return
            view.clear_selection()
            self.refresh_marks()
            self.flash(Text(message))

        app.push_screen(ClaimForm(view.text[start:end], types=list(app.config.claims.types),
                                  stances=list(app.config.claims.stances), speakers=speakers,
                                  defaults=defaults, title=title), saved)

    def _speaker_options(self):
        """This document's entities as claim speakers: gold spans (with their ids) first, then suggestions."""
        from tui.dialogs.claim_form import SpeakerOption

        text = self.doc["text"] if self.doc else ""
        found: dict[str, SpeakerOption] = {}
        for rows, gold in ((self._gold.values(), True), (self._preds.values(), False)):
            for row in rows:
                form = one_line(text[row["start"]:row["end"]])
                if not form:
                    continue
                key = form.casefold()
                if key in found:
                    old = found[key]
                    found[key] = SpeakerOption(old.text, old.label, old.span_id, old.entity_id, old.count + 1)
                    continue
                found[key] = SpeakerOption(form, row.get("label") or "?", row["id"] if gold else None,
                                           row.get("entity_id") if gold else None)
        return list(found.values())

    def action_link(self) -> None:
        """Link the span under the cursor to a canonical entity (fuzzy picker); a suggestion
        is accepted and linked in one action."""
        from tui.dialogs.link_picker import LinkPicker, apply_link, entity_choices

        app = self.app
        span = self._under_cursor("gold")
        if span is None:
            pred = self._under_cursor("pred")
            if pred is None:
                app.notify(f"Put the cursor on an entity to link it ({self._key_for('reader.next_entity')} "
                           "jumps to the next)", severity="warning", markup=False)
                return
            span = {"id": None, "doc_id": self.doc_id, "start": pred["start"], "end": pred["end"],
                    "label": pred["label"], "text": self.doc["text"][pred["start"]:pred["end"]]}
        try:
            choices = entity_choices(app.store)
        except NewsmarkError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return

        def chosen(choice) -> None:
            if choice is None:
                return
            try:
                _, linked = apply_link(app.store, choice, span, app.annotator)
            except NewsmarkError as exc:
                app.notify(str(exc), severity="error", markup=False)
                self.refresh_marks()
                return
            self.refresh_marks()
            more = f" ({linked} mentions)" if linked > 1 else ""
            self.flash(Text(f"Linked to {one_line(choice.name)}{more}"))

        app.push_screen(LinkPicker(span["text"], span["label"], choices, current=span.get("entity_id")), chosen)

    # ------------------------------------------------------------------ actions: view

    def action_toggle_panel(self) -> None:
        self.app.panel_forced = not self.side_panel.display
        self._apply_panel()

    def action_back(self) -> None:
        self.save_position()
        self.dismiss(self.doc_id)

    def action_escape(self) -> None:
        if self._close_find():
            return
        if self.article.selection_active:
            self.article.clear_selection()
            return
        self.action_back()

    def action_find(self) -> None:
        self.query_one("#reader-findbar").remove_class("hidden")
        self.query_one("#reader-find", Input).focus()

    def _close_find(self) -> bool:
        bar = self.query_one("#reader-findbar")
        if bar.has_class("hidden"):
            return False
        bar.add_class("hidden")
        self.article.focus()
        return True

    @on(Input.Submitted, "#reader-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        """enter goes to the next match and keeps the bar open for the one after; an empty
        enter, like escape, closes it."""
        needle = event.value.strip().casefold()
        if not needle:
            self._close_find()
            return
        view = self.article
        hay = view.text.casefold()
        if len(hay) != len(view.text):  # casefold changed lengths (ß -> ss): search case-sensitively
            hay, needle = view.text, event.value.strip()
        found = hay.find(needle, view.cursor + 1)
        wrapped = False
        if found < 0:
            found, wrapped = hay.find(needle), True
        if found < 0:
            self.flash(Text(f"Not found: “{one_line(event.value)}”"))
            return
        view.set_cursor(found)
        total = hay.count(needle)
        nth = hay.count(needle, 0, found) + 1
        note = f"Match {nth}/{total}" + (" (wrapped)" if wrapped else "")
        self.flash(Text(f"{note} · enter next · esc back to the text"), at=found)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A range without its outer white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
