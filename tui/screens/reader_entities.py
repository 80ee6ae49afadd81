"""The Reader's entity controller: the keys that decide suggestions and edit spans (accept,
reject, label, the edge keys, split, merge, `A`, `X`, `}`) and marking the document done.
Each is one call into the reading session (annotations.reading), whose Feedback the screen
paints; `d` asks first when suggestions are still open (config reader.on_done)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual.message import Message

from annotations.errors import NewsmarkError
from annotations.reading.edits import Decision
from annotations.reading.everywhere import Elsewhere, apply_elsewhere, document_decisions, find_elsewhere
from annotations.reading.values import Feedback, plural
from annotations.vocab import Status
from tui.actions import LABEL_PREFIX
from tui.dialogs.done_dialog import DoneDialog
from tui.screens.reader_host import ReaderHost
from tui.widgets.doc_list import one_line
from tui.widgets.learning import start_learning

__all__ = ["EntityController", "EverywhereApplied", "EverywhereCounted"]


class EverywhereCounted(Message):
    """`=`'s count came back from its worker: the suggestions like the decision(s) elsewhere."""

    def __init__(self, what: object, subject: str, found: list[Elsewhere], error: str | None = None) -> None:
        super().__init__()
        self.what, self.subject, self.found, self.error = what, subject, found, error


class EverywhereApplied(Message):
    """`=` again: its worker committed the decisions elsewhere (one action), or failed."""

    def __init__(self, count: int, documents: int, error: str | None = None) -> None:
        super().__init__()
        self.count, self.documents, self.error = count, documents, error


def _worded(exc: BaseException) -> str:
    """A worker's failure for the status line: the store's errors are worded for people."""
    return str(exc) if isinstance(exc, NewsmarkError) else f"Could not finish: {type(exc).__name__}"


class EntityController:
    """Suggestion and span keys of one Reader screen."""

    def __init__(self, screen: ReaderHost) -> None:
        self.screen = screen
        self.pending: tuple[object, list[Elsewhere]] | None = None  # counted by `=`, applied by the next `=`
        # the document just marked done and the last decision then: `=` offers its decisions
        self.finished: tuple[int, Decision | None] | None = None
        self.busy: str | None = None  # "counting" / "applying" while `=`'s worker runs

    def decide(self, command: Callable[[], Feedback]) -> None:
        """Run a command on the session; a new decision on a suggestion offers `=` (the same
        decision in the other documents) on the status line."""
        screen = self.screen
        before = screen.session.edits.last
        feedback = command()
        if not feedback.error and screen.session.edits.last is not before:
            feedback = replace(
                feedback, message=f"{feedback.message} · {screen.key_for('reader.everywhere')} elsewhere"
            )
        screen.apply(feedback)

    def accept(self) -> None:
        screen = self.screen
        self.decide(lambda: screen.session.accept(screen.article.cursor))

    def delete(self) -> None:
        screen = self.screen
        self.decide(lambda: screen.session.delete(screen.article.cursor))

    def label(self, label: str) -> None:
        """A label key; a digit key on plain text (no span, no name, no selection) is a count instead."""
        screen = self.screen
        view = screen.article
        key = screen.key_for(f"{LABEL_PREFIX}{label}")
        session = screen.session
        plain = session.entity_at(view.cursor) is None and session.name_at(view.cursor) is None
        if view.selection is None and key.isdigit() and plain:
            screen.add_count(key)
            return
        selection = view.selection

        def command() -> Feedback:
            feedback = session.label(view.cursor, label, selection)
            if selection is not None and not feedback.error:
                view.clear_selection()
            return feedback

        self.decide(command)

    def next_open(self, delta: int) -> None:
        screen = self.screen
        screen.apply(screen.session.next_open(screen.article.cursor, delta * screen.take_count()))

    def next_name(self, delta: int) -> None:
        screen = self.screen
        screen.apply(screen.session.next_name(screen.article.cursor, delta * screen.take_count()))

    def next_claim(self) -> None:
        screen = self.screen
        screen.apply(screen.session.next_claim_suggestion(screen.article.cursor))

    def accept_all(self) -> None:
        screen = self.screen
        view = screen.article
        feedback = screen.session.accept_all(view.selection)
        view.clear_selection()
        screen.apply(feedback)

    def reject_all(self) -> None:
        screen = self.screen
        view = screen.article
        feedback = screen.session.reject_all(view.cursor, view.selection)
        view.clear_selection()
        screen.apply(feedback)

    def edge(self, step: str) -> None:
        screen = self.screen
        self.decide(lambda: screen.session.edge(screen.article.cursor, step))

    def split(self) -> None:
        screen = self.screen
        screen.apply(screen.session.split(screen.article.cursor))

    def merge(self) -> None:
        screen = self.screen
        screen.apply(screen.session.merge(screen.article.cursor))

    # ------------------------------------------------------------------ the same decision everywhere

    def everywhere(self) -> None:
        """`=`: the last decision on a suggestion, in the other documents not yet done; right
        after `d`, every decision of the document just marked done. The first press counts
        them; the second applies them, one action (`u` undoes it). Both run in a thread worker
        (one query per decision and document) that posts its result (`EverywhereCounted`,
        `EverywhereApplied`); the status line says so meanwhile."""
        screen = self.screen
        if self.busy is not None:
            screen.flash(Text(f"Still {self.busy} in the other documents…"))
            return
        session = screen.session
        decision = session.edits.last
        finished = self.finished
        if finished is not None and finished[1] is decision:
            what: object = ("done", finished[0])
            subject, decisions, here = "its decisions", None, finished[0]
        elif decision is not None:
            what, subject, decisions, here = decision, f"“{one_line(decision.text)[:30]}”", [decision], screen.doc_id
        else:
            key = screen.key_for("reader.everywhere")  # short: it must fit beside the counts at 80 columns
            screen.flash(Text(f"No decision yet: {key} repeats x, a label or an edge key"))
            return
        pending = self.pending
        if pending is None or pending[0] != what:
            self.pending = None
            self._start("counting", lambda: self._count(what, subject, decisions, here))
            return
        self.pending = None
        self._start("applying", lambda: self._apply(pending[1]))

    def _start(self, busy: str, work: Callable[[], None]) -> None:
        """Run `work` in a thread worker; `=` waits (and says so) until its message arrives."""
        self.busy = busy
        self.screen.flash(Text(f"{busy.capitalize()} in the other documents…"))
        self.screen.run_worker(work, thread=True, group="reader-everywhere", exit_on_error=False)

    def _count(self, what: object, subject: str, decisions: list[Decision] | None, here: int) -> None:
        """(Worker thread.) Count what the decisions would take elsewhere, on the read connection."""
        screen, session = self.screen, self.screen.session
        store = screen.app.read_store
        try:
            if decisions is None:  # after `d`: every decision of the document just finished
                decisions = document_decisions(store, session.annotator, here, session.labels)
            found = [e for d in decisions if (e := find_elsewhere(store, session.annotator, d, here)).suggestions]
        except Exception as exc:
            screen.post_message(EverywhereCounted(what, subject, [], error=_worded(exc)))
            if not isinstance(exc, NewsmarkError):
                raise  # a bug: the app's worker error path names it
            return
        screen.post_message(EverywhereCounted(what, subject, found))

    def counted(self, message: EverywhereCounted) -> None:
        """The count arrived: offer `=` again to apply (kept until another decision)."""
        screen = self.screen
        self.busy = None
        if message.error is not None:
            screen.flash(Text(message.error, style="bold"))
            return
        if not message.found:
            screen.flash(Text(f"{message.subject}: no other document has them open"))
            return
        self.pending = (message.what, message.found)
        documents = len({doc_id for e in message.found for doc_id in e.found})
        suggestions = sum(e.suggestions for e in message.found)
        key = screen.key_for("reader.everywhere")  # short: the counts must fit beside the right side at 80 columns
        screen.flash(
            Text(f"{key} again: apply to {plural(suggestions, 'suggestion')} in {plural(documents, 'document')}")
        )

    def _apply(self, found: list[Elsewhere]) -> None:
        """(Worker thread.) Apply the decisions: one store action, committed before the message."""
        screen = self.screen
        documents = len({doc_id for e in found for doc_id in e.found})
        try:
            count = apply_elsewhere(screen.app.store, screen.session.annotator, found)
        except Exception as exc:
            screen.post_message(EverywhereApplied(0, documents, error=_worded(exc)))
            if not isinstance(exc, NewsmarkError):
                raise
            return
        screen.post_message(EverywhereApplied(count, documents))

    def applied(self, message: EverywhereApplied) -> None:
        """The decisions were committed: repaint (the document on screen may be one of them)."""
        screen = self.screen
        self.busy = None
        if message.error is not None:
            screen.refresh_marks()  # someone else may have changed it: show what the store holds
            screen.apply(Feedback(message.error, changed=True, error=True, failed=True))
            return
        screen.reread_progress()
        screen.refresh_marks()
        screen.flash(
            Text(
                f"Applied to {plural(message.count, 'suggestion')} in {plural(message.documents, 'document')}"
                f" · {screen.key_for('reader.undo')} undoes"
            )
        )

    # ------------------------------------------------------------------ marking the document

    def finish(self, status: str) -> None:
        """Mark the document done or skipped (committed first), then open the next one. Open
        suggestions are never dropped silently on `d`: config reader.on_done says whether to
        ask, accept them or leave them."""
        screen = self.screen
        open_count = screen.session.open_count
        policy = screen.app.config.reader.on_done
        if status != Status.DONE or not open_count or policy == "leave":
            self._finish(status, accept_open=False)
        elif policy == "accept":
            self._finish(status, accept_open=True)
        else:

            def chosen(choice: str | None) -> None:
                if choice is None:
                    screen.flash(Text("Not marked: the suggestions are still open"))
                else:
                    self._finish(status, accept_open=choice == "accept")

            screen.app.push_screen(DoneDialog(open_count, status), chosen)

    def _finish(self, status: str, *, accept_open: bool) -> None:
        screen = self.screen
        feedback = screen.session.finish(status, accept_open=accept_open)
        if feedback.error:
            screen.apply(feedback)
            return
        screen.reread_progress()
        offer = ""
        if status == Status.DONE:
            start_learning(screen.app)  # a background round when enough documents are gold (issue 29)
            session = screen.session
            self.finished, self.pending = (screen.doc_id, session.edits.last), None
            if document_decisions(session.store, session.annotator, screen.doc_id, session.labels):
                offer = f" · {screen.key_for('reader.everywhere')} elsewhere"
        following = screen.neighbour(1)
        if following is None:
            screen.refresh_marks(reread=False)
            screen.flash(Text(f"{feedback.message} · that was the last document in the list"))
            return
        screen.open_other(following)
        screen.flash(Text(f"{feedback.message} (previous document){offer}"), at=screen.article.cursor)
