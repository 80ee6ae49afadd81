"""The variant queue: judge proposed variant spellings, best first.

Pairs of surface forms the linker proposes (``suggest_for_store``), best first, each with a
line of context from an article for both forms, every other spelling and the linker's
reasons; ``y`` same, ``n`` different, ``u`` unsure record a judgement
(``entity_actions.judge_pair``: ``y`` links every mention of both spellings to one canonical
entity, in one undoable action), ``s`` skips until the next refresh (``r``). The screen
drives a ``linking.VariantQueue``: judged pairs, and every pair earlier judgements imply, are
never asked; the judged count is the annotator's, across visits.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Static

from annotations.entities import actions as entity_actions
from annotations.entities.queue import VariantQueue, judged_count, store_judgements, suggest_for_store
from annotations.errors import NewsmarkError
from annotations.extract.variants import Pair
from annotations.store import entities as entities_store
from tui.keys import bindings_for
from tui.screens.base import AppScreen
from tui.undo import replay
from tui.widgets.bars import Bar
from tui.widgets.doc_list import one_line
from tui.widgets.kwic import CONTEXT, kwic

__all__ = ["VariantsScreen"]


class VariantsScreen(AppScreen[None], inherit_bindings=False):
    """Judge proposed variant spellings, best first (a `linking.VariantQueue` underneath)."""

    SCOPE = "variants"
    BINDINGS = bindings_for("variants")
    DEFAULT_CSS = """
    VariantsScreen #variant-header { height: 1; background: $panel; padding: 0 1; }
    VariantsScreen #variant-body { height: 1fr; padding: 1 2; }
    """

    class Loaded(Message):
        def __init__(self, queue: VariantQueue | None, judged: int, error: str | None = None) -> None:
            super().__init__()
            self.queue = queue
            self.judged = judged
            self.error = error

    class ContextLoaded(Message):
        def __init__(self, pair: Pair, contexts: list[dict[str, Any] | None]) -> None:
            super().__init__()
            self.pair = pair
            self.contexts = contexts

    def __init__(self) -> None:
        super().__init__()
        self.queue = VariantQueue([])
        self.loaded = False
        self.judged = 0
        """This annotator's judgements, all visits (read from the store, then counted here)."""
        self._undone: list[tuple[Pair, str]] = []  # taken back, newest last (what redo judges again)
        self._line: Text | None = None  # what the last key did: stays until the next one
        self._contexts: dict[tuple[str, str, str], list[dict[str, Any] | None]] = {}

    @property
    def pairs(self) -> list[Pair]:
        return self.queue.pairs

    @property
    def current(self) -> Pair | None:
        return self.queue.current

    def compose(self) -> ComposeResult:
        yield Static(id="variant-header")
        with Vertical(id="variant-body"):
            yield Static(Text("Looking for variant spellings…", style="dim"), id="variant-pair")
        yield Bar(id="variant-status")
        yield Footer()

    def on_mount(self) -> None:
        self._header()
        self._load()

    @work(thread=True, exclusive=True, group="variants", exit_on_error=False)
    def _load(self) -> None:
        store = self.app.read_store
        try:
            found = suggest_for_store(store, threshold=self.app.config.linker.threshold)
            queue = VariantQueue(found.pairs, store_judgements(store))
            judged = judged_count(store, self.app.annotator)
        except NewsmarkError as exc:
            self.post_message(self.Loaded(None, self.judged, str(exc)))
            return
        self.post_message(self.Loaded(queue, judged))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.error:
            self.app.notify(message.error, severity="error", markup=False)
        self.loaded = True
        if message.queue is not None:
            self.queue = message.queue  # a refresh: skipped pairs come back
        self.judged = message.judged
        self._show()

    def _header(self) -> None:
        out = Text("Variant queue", style="bold")
        if self.loaded:
            out.append(
                f" · {len(self.pairs):,} to judge · {self.judged} judged · {len(self.queue.skipped)} skipped",
                style="dim",
            )
        self.query_one("#variant-header", Static).update(out)

    def _show(self, line: Text | None = None) -> None:
        """Show the pair at the front; `line` (what just happened) goes in the status bar."""
        if line is not None:
            self._line = line
        line = self._line
        self._header()
        pair = self.current
        body = self.query_one("#variant-pair", Static)
        if pair is None:
            body.update(
                Text(
                    "No variant spellings to judge. Link more mentions, or run newsmark predict."
                    if self.loaded
                    else "Looking for variant spellings…",
                    style="dim",
                )
            )
            self.query_one("#variant-status", Bar).set(line or Text("q back · r refresh", style="dim"), Text())
            return
        contexts = self._contexts.get(VariantQueue.key(pair))
        if contexts is None:
            self._load_context(pair)
        body.update(self._render_pair(pair, contexts))
        self.query_one("#variant-status", Bar).set(
            line or Text("y same · n different · u unsure · s skip · backspace undo · q back"),
            Text(f"score {pair.score:.0f}"),
        )

    def _render_pair(self, pair: Pair, contexts: list[dict[str, Any] | None] | None) -> Text:
        width = max(30, self.size.width - 6)
        out = Text()
        out.append(one_line(pair.a), style="bold")
        out.append("  ⟷  ")
        out.append(one_line(pair.b), style="bold")
        out.append(f"   {one_line(pair.label)} · score {pair.score:.0f}\n", style="dim")
        others = [f for f in pair.forms if f not in (pair.a, pair.b)]
        if others:
            out.append("also written: " + ", ".join(one_line(f) for f in others[:6]) + "\n", style="dim")
        out.append("\n")
        for form, context in zip((pair.a, pair.b), contexts or [None, None]):
            out.append(f"{one_line(form)[:30]}", style="bold")
            if context is None:
                out.append(" …\n" if contexts is None else " (no context found)\n", style="dim")
                continue
            source = one_line(context.get("outlet") or context.get("title") or f"doc {context['doc_id']}")
            out.append(f" · {source[:30]}\n", style="dim")
            line = kwic(context.get("left") or "", form, context.get("right") or "", width)
            out.append_text(line)
            out.append("\n\n")
        if pair.reasons:
            out.append("Why: ", style="bold")
            out.append("; ".join(one_line(r) for r in pair.reasons[:6]))
        return out

    @work(thread=True, exclusive=True, group="variant-context", exit_on_error=False)
    def _load_context(self, pair: Pair) -> None:
        store = self.app.read_store
        contexts = [entities_store.form_context(store, form, width=CONTEXT) for form in (pair.a, pair.b)]
        self.post_message(self.ContextLoaded(pair, contexts))

    @on(ContextLoaded)
    def _context_loaded(self, message: ContextLoaded) -> None:
        self._contexts[VariantQueue.key(message.pair)] = message.contexts
        if self.current is not None and VariantQueue.key(self.current) == VariantQueue.key(message.pair):
            self._show()

    # ------------------------------------------------------------------ actions

    def action_judge(self, verdict: str) -> None:
        self._line = None
        pair = self.current
        if pair is None:
            return
        line = self._judge(pair, verdict)
        if line is not None:
            self._undone.clear()
            self._show(line)

    def _judge(self, pair: Pair, verdict: str) -> Text | None:
        """Store one judgement (a "same" links every mention of both spellings) and drop the
        pair and every pair it implies from the queue; what it did, as a status line."""
        app = self.app
        try:
            done = entity_actions.judge_pair(app.store, pair.a, pair.b, pair.label or None, verdict, app.annotator)
        except NewsmarkError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return None
        self.judged += 1
        before = len(self.queue.pairs)
        self.queue.decide(pair, verdict)
        implied = before - 1 - len(self.queue.pairs)
        out = Text(f"{verdict}: {one_line(pair.a)} / {one_line(pair.b)}")
        if done.entity is not None:
            out.append(f" · {done.linked} mention{'' if done.linked == 1 else 's'} linked to ")
            out.append(f"“{one_line(done.entity)}”", style="bold")
            if done.created:
                out.append(" (new)")
            if done.note:
                out.append(f", {one_line(done.note)}")
        elif done.note:
            out.append(f" · {one_line(done.note)}")
        if implied > 0:
            out.append(f" · {implied} implied pair{'' if implied == 1 else 's'} settled", style="dim")
        return out

    def action_undo(self) -> None:
        """Take back the last judgement: its pair (and what it implied) comes back."""
        info, line = replay(self.app, "undo")
        if info is not None and info["name"].startswith("judge") and self.queue.decided:
            verdict = self.queue.decided[-1][1]
            pair = self.queue.take_back()
            if pair is not None:
                self._undone.append((pair, verdict))
            self.judged -= 1
        elif info is not None:
            self.action_reload()  # something other than a judgement: the queue may change
        self._show(line)

    def action_redo(self) -> None:
        info, line = replay(self.app, "redo")
        if info is not None and info["name"].startswith("judge") and self._undone:
            pair, verdict = self._undone.pop()
            self.queue.decide(pair, verdict)
            self.judged += 1
        elif info is not None:
            self.action_reload()
        self._show(line)

    def action_skip(self) -> None:
        self._line = None
        if self.current is None:
            return
        self.queue.skip()
        self._show()

    def action_reload(self) -> None:
        self.loaded = False
        self._show()
        self._load()

    def action_back(self) -> None:
        self.dismiss(None)
