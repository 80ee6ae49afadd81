"""The Reader's commands on entity spans, Textual-free: accept, reject, label, the edge keys,
split, merge, the bulk keys and marking a document. `EntityEdits` belongs to a reading
session (it reads the session's snapshot and re-reads it after each write); each verb is one
undoable store action (`commands`) and returns `Feedback` for the status line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from annotations.entities import actions as entity_actions
from annotations.reading import claims as claim_actions
from annotations.reading import commands
from annotations.reading.known import BULK_NOTE, Decisions, bulk_span_ids
from annotations.reading.names import occurrences
from annotations.reading.tokens import Tokens
from annotations.reading.values import Feedback, Row, Snapshot, plural
from annotations.store import Store


class Session(Protocol):
    """What the edits use of the ReadingSession that owns them (reading/session.py): the
    document and its snapshot, lookups under the cursor, one guarded write, and the step on to
    the next suggestion. A protocol, so that this module does not import the session back."""

    store: Store
    annotator: str
    doc_id: int | None
    text: str
    now: Snapshot
    team: Decisions

    @property
    def tokens(self) -> Tokens: ...

    @property
    def predictions(self) -> list[Row]: ...

    @property
    def open_count(self) -> int: ...

    def refresh(self) -> None: ...

    def key_of(self, pred: Row) -> tuple[str, str | None]: ...

    def likes_of(self, pred: Row) -> list[Row]: ...

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Feedback | None]: ...

    def advance(self, message: str, cursor: int) -> Feedback: ...

    def gold_at(self, cursor: int) -> Row | None: ...

    def pred_at(self, cursor: int) -> Row | None: ...

    def claim_at(self, cursor: int) -> Row | None: ...

    def claim_pred_at(self, cursor: int) -> Row | None: ...

    def entity_at(self, cursor: int) -> tuple[str, Row] | None: ...

    def name_at(self, cursor: int) -> tuple[int, int] | None: ...

    def paragraph(self, cursor: int) -> tuple[int, int]: ...


__all__ = ["Decision", "EntityEdits", "more_like", "paragraph_of", "short", "trim"]

# A blank line (spaces allowed) and what follows it: the text separates paragraphs with these.
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A range without its outer white space (clamped to the text)."""
    start, end = max(0, start), min(end, len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def short(text: str, width: int = 30) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 11] + "…" + one[-10:]


def paragraph_of(text: str, cursor: int) -> tuple[int, int]:
    """The cursor's paragraph: between blank lines when the text separates paragraphs with
    them (then a footer's run of single lines, "Related: ..." and the copyright, is one
    paragraph, so one `X`), else the cursor's line."""
    breaks = [(m.start(), m.end()) for m in _BLANK_LINE.finditer(text)]
    if not breaks:
        start = text.rfind("\n", 0, cursor) + 1
        end = text.find("\n", cursor)
        return start, len(text) if end < 0 else end
    start = max((e for s, e in breaks if e <= cursor), default=0)
    end = min((s for s, e in breaks if s >= cursor), default=len(text))
    return start, end


def more_like(n: int) -> str:
    """What the status line adds when a decision took other suggestions alike."""
    return f" and {n:,} more like it" if n else ""


@dataclass(frozen=True)
class Decision:
    """A decision on a suggestion that its likes share (same text, same model label): `reject`,
    `label` (accept with another label, in `value`), `edge` (a token step, in `value`) or, read
    back from a finished document, `span` (token `steps`, then the label in `value`)."""

    verb: str
    text: str
    model_label: str | None
    value: str | None = None
    steps: tuple[str, ...] = ()


class EntityEdits:
    """The span-changing verbs of one reading session. A decision on a suggestion (reject,
    accept with a label, an edge key) applies in the same action to every open suggestion
    with the same text and model label in the document (`likes`); `last` keeps it for the
    corpus (annotations.reading.everywhere)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.last: Decision | None = None
        self.shaping: tuple[int | None, int, int] | None = None  # (doc, span) an edge key just wrote with likes

    def likes(self, pred: Row) -> list[Row]:
        """The other open suggestions with this suggestion's text and model label, in text order
        (the session keeps them by text and label: not a scan of the document's suggestions)."""
        return self.session.likes_of(pred)

    def unknowing(self, pred: Row) -> str:
        """What the status line adds when a decision goes against a known suggestion: the team
        had confirmed its text and label; from now on it is not known anywhere (reading/known.py)."""
        return " · no longer known" if pred["id"] in self.session.now.known else ""

    def _decided(self, verb: str, pred: Row, value: str | None = None) -> None:
        s = self.session
        self.shaping = None
        self.last = Decision(verb, s.text[pred["start"] : pred["end"]], pred.get("label"), value)

    def accept(self, cursor: int, label: str | None = None) -> Feedback:
        """`a` (or a label key) on a suggestion: it becomes gold, linked when that is sure."""
        s = self.session
        self.shaping = None
        pred = s.pred_at(cursor)
        if pred is None:
            gold = s.gold_at(cursor)
            if gold is not None:
                return Feedback(f"Already confirmed as {gold['label']}")
            return Feedback("No suggestion under the cursor (} jumps to the next)", error=True)
        label = label or pred["label"] or "ENTITY"
        likes = self.likes(pred) if label != (pred["label"] or "ENTITY") else []
        if likes:
            return self._accept_like(pred, likes, label)
        unknown = self.unknowing(pred) if label != pred["label"] else ""
        result, failed = s.run(entity_actions.accept, s.store, s.doc_id, pred["start"], pred["end"], label, s.annotator)
        if failed:
            return failed
        s.refresh()
        verb = f"Accepted as {label}" if label != pred["label"] else f"Accepted {label}"
        linked = result[1]
        if label != pred["label"]:
            self._decided("label", pred, label)
        return s.advance(verb + (f" · linked to {linked}" if linked else "") + unknown, pred["start"])

    def _accept_like(self, pred: Row, likes: list[Row], label: str) -> Feedback:
        """Accept a suggestion and its likes with another label: one action."""
        s = self.session
        group = [{**p, "label": label} for p in (pred, *likes)]
        unknown = self.unknowing(pred)
        count, failed = s.run(
            commands.accept_many, s.store, s.doc_id, s.annotator, group, name=f"label {label}", note=commands.LIKE_NOTE
        )
        if failed:
            return failed
        s.refresh()
        self._decided("label", pred, label)
        return s.advance(f"Accepted as {label}{more_like(count - 1)}{unknown}", pred["start"])

    def delete(self, cursor: int) -> Feedback:
        """`x`: delete the gold span, reject the suggestion, delete the claim or reject the
        claim suggestion under the cursor (in that order)."""
        s = self.session
        self.shaping = None
        gold = s.gold_at(cursor)
        if gold is not None:
            _, failed = s.run(commands.delete_span, s.store, gold["id"], s.annotator, predictions=s.predictions)
            if failed:
                return failed
            s.refresh()
            return Feedback(f"Deleted {gold['label']} span", changed=True)
        pred = s.pred_at(cursor)
        if pred is not None:
            group = [pred, *self.likes(pred)]
            unknown = self.unknowing(pred)
            _, failed = s.run(commands.reject_many, s.store, s.doc_id, s.annotator, group, name="reject prediction")
            if failed:
                return failed
            s.refresh()
            self._decided("reject", pred)
            message = f"Rejected the {pred['label'] or 'ENTITY'} suggestion{more_like(len(group) - 1)}{unknown}"
            return s.advance(message, pred["start"])
        return self._delete_claim(cursor)

    def _delete_claim(self, cursor: int) -> Feedback:
        s = self.session
        claim = s.claim_at(cursor)
        if claim is not None:
            _, failed = s.run(claim_actions.delete_claim, s.store, claim["id"], s.annotator)
            if failed:
                return failed
            s.refresh()
            return Feedback("Deleted the claim", changed=True)
        claim_pred = s.claim_pred_at(cursor)
        if claim_pred is not None:
            _, failed = s.run(
                commands.reject_many,
                s.store,
                s.doc_id,
                s.annotator,
                [claim_pred],
                kind="claim",
                name="reject claim suggestion",
            )
            if failed:
                return failed
            s.refresh()
            return Feedback("Rejected the claim suggestion", changed=True)
        return Feedback("Nothing to delete under the cursor", error=True)

    def label(self, cursor: int, label: str, selection: tuple[int, int] | None = None) -> Feedback:
        """A label key: label the selection (replacing the gold it overlaps), else relabel the
        gold span under the cursor (with the likes an edge key just took with it: trim, then
        relabel, is one decision on them all), else accept the suggestion under it with this label, else
        label the name no span covers under the cursor (names.name_at). A new span takes the
        same words wherever they stand uncovered in the document ("and 2 more like it")."""
        s = self.session
        if selection is None:
            gold = s.gold_at(cursor)
            if gold is not None:
                if gold["label"] == label:
                    return Feedback(f"Already {label}")
                shaping = self.shaping == (s.doc_id, gold["start"], gold["end"])
                likes = commands.siblings(s.store, gold, s.now.gold.values()) if shaping else []
                return self.put(
                    [(r["start"], r["end"], label) for r in (gold, *likes)],
                    f"Relabelled {gold['label']} → {label}{more_like(len(likes))}",
                    f"relabel {label}",
                    own=tuple(r["id"] for r in (gold, *likes)),
                    note=commands.LIKE_NOTE if likes else None,
                )
            if s.pred_at(cursor) is not None:
                return self.accept(cursor, label)
            selection = s.name_at(cursor)
            if selection is None:
                return Feedback("Select text first, or put the cursor on a span", error=True)
        start, end = trim(s.text, *selection)
        if start >= end:
            return Feedback("The selection is only white space", error=True)
        start, end = s.tokens.snap(start, end)
        taken = [*s.now.gold.values(), *s.now.preds.values()]
        others = [(a, b, label) for a, b in occurrences(s.text, start, end, taken)]
        feedback = self.put(
            [(start, end, label), *others],
            f"Labelled {label}{more_like(len(others))}",
            f"label {label}",
            note=commands.LIKE_NOTE if others else None,
        )
        if others and not feedback.error:
            self.shaping = (s.doc_id, start, end)
        return feedback

    def put(
        self,
        spans: list[tuple[int, int, str]],
        message: str,
        name: str,
        cursor: int | None = None,
        own: tuple[int, ...] = (),
        note: str | None = None,
    ) -> Feedback:
        """Write spans (replacing the gold they overlap); `own` are the spans being edited, which
        are not news when they are replaced."""
        s = self.session
        self.shaping = None
        put, failed = s.run(
            commands.put_spans,
            s.store,
            s.doc_id,
            s.annotator,
            spans,
            gold=list(s.now.gold.values()),
            name=name,
            note=note,
        )
        if failed:
            return failed
        s.refresh()
        others = [i for i in put.replaced if i not in own]
        if others:
            message += f" · replaced {plural(len(others), 'overlapping span')}"
        return Feedback(message, cursor=cursor, changed=True)

    # ------------------------------------------------------------------ bulk

    def _within(self, start: int, end: int) -> list[Row]:
        return [p for p in self.session.now.preds.values() if start <= p["start"] and p["end"] <= end]

    def accept_all(self, selection: tuple[int, int] | None = None) -> Feedback:
        """`A`: accept every open suggestion in the selection, else in the document: one action."""
        s = self.session
        where = "in the selection" if selection else "in the document"
        preds = self._within(*selection) if selection else list(s.now.preds.values())
        if not preds:
            return Feedback(f"No open suggestions {where}")
        count, failed = s.run(
            commands.accept_many,
            s.store,
            s.doc_id,
            s.annotator,
            preds,
            name=f"accept {len(preds)} suggestions",
            note=BULK_NOTE,  # not known on this alone (reading/known.py)
        )
        if failed:
            return failed
        s.team.bulk_ids |= bulk_span_ids(s.store, s.doc_id)
        s.refresh()
        rest = f" · {plural(s.open_count, 'open suggestion')} left" if s.open_count else ""
        return Feedback(f"Accepted {plural(count, 'suggestion')} {where}{rest} · u undoes", changed=True)

    def reject_all(self, cursor: int, selection: tuple[int, int] | None = None) -> Feedback:
        """`X`: reject every open suggestion in the selection, else in the cursor's paragraph."""
        s = self.session
        where = "in the selection" if selection else "in this paragraph"
        preds = self._within(*(selection or s.paragraph(cursor)))
        if not preds:
            return Feedback(f"No open suggestions {where}")
        count, failed = s.run(
            commands.reject_many, s.store, s.doc_id, s.annotator, preds, name=f"reject {len(preds)} suggestions"
        )
        if failed:
            return failed
        s.refresh()
        return s.advance(f"Rejected {plural(count, 'suggestion')} {where}", cursor)

    def finish(self, status: str, *, accept_open: bool) -> Feedback:
        """Mark the document (`d`); with `accept_open` its open suggestions become gold in the
        same action. The message leads with what happened (it must survive 80 columns)."""
        s = self.session
        preds = list(s.now.preds.values()) if accept_open else []
        count, failed = s.run(commands.finish, s.store, s.doc_id, s.annotator, status, accept=preds)
        if failed:
            return failed
        s.refresh()
        if count:
            return Feedback(f"Marked {status} · accepted {plural(count, 'suggestion')}", changed=True)
        left = s.open_count
        note = f" · {plural(left, 'suggestion')} left open" if left and status == "done" else ""
        return Feedback(f"Marked {status}{note}", changed=True)

    # ------------------------------------------------------------------ boundaries

    def edge(self, cursor: int, step: str) -> Feedback:
        """Move one edge of the span under the cursor by a token: step is grow_start,
        shrink_start, grow_end or shrink_end. A suggestion becomes gold with its label, and
        its likes with it; on the span just written with its likes (by an edge key or a label
        key, nothing else done since), their edges move too: a span fixed later moves alone."""
        s = self.session
        hit = s.entity_at(cursor)
        if hit is None:
            return Feedback("No span under the cursor to resize", error=True)
        kind, row = hit
        moved = getattr(s.tokens, step)(row["start"], row["end"])
        if moved is None:
            return Feedback("That edge cannot move further (x deletes the span)", error=True)
        start, end = moved
        label = row["label"] or "ENTITY"
        others: Sequence[Mapping[str, Any]]
        if kind == "pred":
            others = self.likes(row)
        elif self.shaping == (s.doc_id, row["start"], row["end"]):  # its likes follow while it is being shaped
            others = commands.siblings(s.store, row, s.now.gold.values())
        else:
            others = []
        spans = [(start, end, label)]
        for other in others:
            step_moved = getattr(s.tokens, step)(other["start"], other["end"])
            if step_moved is not None:
                spans.append((*step_moved, label))
        own = tuple(r["id"] for r in (row, *others)) if kind == "gold" else ()
        unknown = self.unknowing(row) if kind == "pred" else ""
        feedback = self.put(
            spans,
            f"{label} “{short(s.text[start:end])}”{more_like(len(spans) - 1)}{unknown}",
            "resize span",
            cursor=min(max(cursor, start), end - 1),
            own=own,
            note=commands.LIKE_NOTE if len(spans) > 1 else None,
        )
        if kind == "pred" and not feedback.error:
            self._decided("edge", row, step)
        if not feedback.error and len(spans) > 1:
            self.shaping = (s.doc_id, start, end)
        return feedback

    def split(self, cursor: int) -> Feedback:
        """Split the span under the cursor: the cursor's token starts the second part."""
        s = self.session
        hit = s.entity_at(cursor)
        if hit is None:
            return Feedback("No span under the cursor to split", error=True)
        kind, row = hit
        parts = s.tokens.split(row["start"], row["end"], cursor)
        if parts is None:
            return Feedback("Put the cursor on the word that starts the second part", error=True)
        label = row["label"] or "ENTITY"
        (a, b), (c, d) = parts
        return self.put(
            [(a, b, label), (c, d, label)],
            f"Split into “{short(s.text[a:b])}” and “{short(s.text[c:d])}”",
            "split span",
            own=(row["id"],) if kind == "gold" else (),
        )

    def merge(self, cursor: int) -> Feedback:
        """Merge the span under the cursor with the next span (gold or suggestion) after it."""
        s = self.session
        hit = s.entity_at(cursor)
        if hit is None:
            return Feedback("No span under the cursor to merge", error=True)
        _, row = hit
        rows = list(s.now.gold.values()) + list(s.now.preds.values())
        after = [r for r in rows if r["start"] >= row["end"]]
        if not after:
            return Feedback("No span after this one to merge with", error=True)
        nxt = min(after, key=lambda r: (r["start"], r["end"]))
        label = row["label"] or "ENTITY"
        start, end = row["start"], nxt["end"]
        mine = tuple(r["id"] for r in (row, nxt) if r["id"] in s.now.gold and s.now.gold[r["id"]] is r)
        return self.put([(start, end, label)], f"Merged: {label} “{short(s.text[start:end])}”", "merge spans", own=mine)
