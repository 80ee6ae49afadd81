"""A Textual-free reading session: one document for one annotator, its marks, what is under
the cursor, and the Reader's commands, each returning `Feedback` (a status line and where
the cursor goes). The Reader screen maps keys onto these verbs and paints the result, so
nearly all Reader behaviour is tested on a plain SQLite file without Pilot.

Predictions are read once per opening (they change only when `newsmark predict` runs);
gold, rejections and claims are re-read after every command (indexed, well under a
millisecond), so the next key always acts on what the database holds.

The values it hands out (`Mark`, `Feedback`, `Snapshot`) live in `values` and are
re-exported here, where the Reader and the article view import them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from annotations.entities import actions as entity_actions
from annotations.errors import NewsmarkError
from annotations.reading import claims as claim_actions
from annotations.reading import commands
from annotations.reading.tokens import Tokens
from annotations.reading.values import Feedback, Mark, Row, Snapshot, plural
from annotations.store import Store
from annotations.suggestions.rules import open_claim_suggestions, open_suggestions
from annotations.vocab import Extractor

# A blank line (spaces allowed) and what follows it: the text separates paragraphs with these.
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")

__all__ = ["Feedback", "Mark", "ReadingSession", "plural"]


class ReadingSession:
    """The document under review and the verbs the Reader's keys name."""

    def __init__(self, store: Store, annotator: str, *, auto_advance: bool = True) -> None:
        self.store = store
        self.annotator = annotator
        self.auto_advance = auto_advance
        self.doc_id: int | None = None
        self.doc: Row | None = None
        self.text = ""
        self.now = Snapshot()
        self._preds: dict[str, list[Row]] = {}
        self._tokens: Tokens | None = None
        self._mark_cache: dict[tuple[Any, ...], Mark] = {}  # row -> its Mark, kept across refreshes

    # ------------------------------------------------------------------ reading

    def open(self, doc_id: int) -> bool:
        """Load a document; False when it no longer exists."""
        doc = self.store.document(doc_id)
        if doc is None:
            return False
        self.doc_id, self.doc, self.text = doc_id, doc, doc["text"]
        self._tokens = None
        self.reload_predictions()
        return True

    def reload_predictions(self) -> None:
        """Read the document's predictions again (they are cached while it is open: they only
        change when predict runs, or when suggestions on open arrive) and recompute the marks."""
        self._preds = {
            x: self.store.predictions(self.doc_id, x)  # type: ignore[arg-type]
            for x in (Extractor.ENTITIES, Extractor.CLAIMS)
        }
        self._mark_cache = {}
        self.refresh()

    @property
    def predictions(self) -> list[Row]:
        """Every stored entity prediction of the document (open or decided)."""
        return self._preds.get(Extractor.ENTITIES, [])

    @property
    def tokens(self) -> Tokens:
        if self._tokens is None:
            self._tokens = Tokens(self.text)
        return self._tokens

    def refresh(self) -> None:
        """Re-read gold spans, rejections and claims; recompute what is open."""
        store, doc_id, who = self.store, self.doc_id, self.annotator
        gold = store.spans(doc_id, who)  # type: ignore[arg-type]
        rejections = store.rejections(doc_id, who)  # type: ignore[arg-type]
        claims = claim_actions.claims(store, doc_id, who)  # type: ignore[arg-type]
        preds = open_suggestions(self.predictions, gold, rejections)
        claim_preds = open_claim_suggestions(self._preds.get(Extractor.CLAIMS, []), claims, rejections)
        linked = sorted({g["entity_id"] for g in gold if g.get("entity_id") is not None})
        names = (
            {
                r["id"]: r["name"]
                for r in store.query(
                    f"SELECT id, name FROM entities WHERE id IN ({','.join('?' * len(linked))})", linked
                )
            }
            if linked
            else {}
        )
        self.now = Snapshot(
            {g["id"]: g for g in gold},
            {p["id"]: p for p in preds},  # type: ignore[misc]
            {c["id"]: c for c in claims},
            list(claim_preds),  # type: ignore[arg-type]
            names,
            sorted(p["start"] for p in preds),
            sorted(p["start"] for p in claim_preds),
        )

    def marks(self) -> list[Mark]:
        """Everything to draw: gold spans, open suggestions, claims, open claim suggestions.
        A row's Mark is reused while the row is unchanged (a long article has thousands)."""
        now = self.now
        if now.marks is not None:
            return now.marks
        cache = self._mark_cache
        out = []
        for kind, rows, label_key, default in (
            ("gold", now.gold.values(), "label", "ENTITY"),
            ("pred", now.preds.values(), "label", "ENTITY"),
            ("claim", now.claims.values(), "type", "claim"),
            ("claimpred", now.claim_preds, "type", "claim"),
        ):
            for row in rows:
                key = (kind, row["id"], row["start"], row["end"], row.get(label_key))
                mark = cache.get(key)
                if mark is None:
                    mark = cache[key] = Mark(
                        row["start"], row["end"], row.get(label_key) or default, kind, (kind, row["id"])
                    )
                out.append(mark)
        now.marks = out
        return out

    @property
    def open_count(self) -> int:
        return len(self.now.preds)

    # ------------------------------------------------------------------ under the cursor

    @staticmethod
    def _at(rows: Sequence[Row], cursor: int) -> Row | None:
        found = [r for r in rows if r["start"] <= cursor < r["end"]]
        return min(found, key=lambda r: r["end"] - r["start"]) if found else None

    def gold_at(self, cursor: int) -> Row | None:
        return self._at(list(self.now.gold.values()), cursor)

    def pred_at(self, cursor: int) -> Row | None:
        return self._at(list(self.now.preds.values()), cursor)

    def claim_at(self, cursor: int) -> Row | None:
        return self._at(list(self.now.claims.values()), cursor)

    def claim_pred_at(self, cursor: int) -> Row | None:
        return self._at(self.now.claim_preds, cursor)

    def entity_at(self, cursor: int) -> tuple[str, Row] | None:
        """The gold span under the cursor, else the open suggestion: ("gold" | "pred", row)."""
        gold = self.gold_at(cursor)
        if gold is not None:
            return "gold", gold
        pred = self.pred_at(cursor)
        return ("pred", pred) if pred is not None else None

    # ------------------------------------------------------------------ motions

    @staticmethod
    def _step(starts: list[int], cursor: int, delta: int, wrap: bool) -> int | None:
        if not starts:
            return None
        if delta > 0:
            i = bisect_right(starts, cursor)
            return starts[i] if i < len(starts) else (starts[0] if wrap else None)
        i = bisect_left(starts, cursor) - 1
        return starts[i] if i >= 0 else (starts[-1] if wrap else None)

    def next_open(self, cursor: int, delta: int = 1) -> Feedback:
        """`}` / `{`: the next / previous open suggestion (wrapping), or say none remain."""
        target = self._step(self.now.pred_starts, cursor, delta, wrap=True)
        if target is None:
            return Feedback(self.reviewed_message())
        pred = self.pred_at(target)
        where = "" if (delta > 0) == (target > cursor) else " (wrapped)"
        left = plural(self.open_count, "open suggestion")
        label = (pred or {}).get("label") or "ENTITY"
        return Feedback(f"{label}? · {left}{where}", cursor=target)

    def next_claim_suggestion(self, cursor: int, delta: int = 1) -> Feedback:
        target = self._step(self.now.claim_pred_starts, cursor, delta, wrap=True)
        if target is None:
            return Feedback("No claim suggestions left in this document")
        pred = self.claim_pred_at(target) or {}
        n = len(self.now.claim_preds)
        return Feedback(f"claim? {pred.get('type') or ''} · {plural(n, 'claim suggestion')} open", cursor=target)

    def reviewed_message(self) -> str:
        total = len(self.predictions)
        return f"All {plural(total, 'suggestion')} reviewed" if total else "No suggestions in this document"

    def _advance(self, message: str, cursor: int) -> Feedback:
        """Feedback after acting on a suggestion: on to the next open one (auto-advance)."""
        if not self.auto_advance:
            return Feedback(message, changed=True)
        target = self._step(self.now.pred_starts, cursor, 1, wrap=True)
        if target is None:
            return Feedback(f"{message} · {self.reviewed_message().lower()}", changed=True)
        return Feedback(f"{message} · {plural(self.open_count, 'open suggestion')} left", cursor=target, changed=True)

    # ------------------------------------------------------------------ commands

    def _run(self, fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Feedback | None]:
        """One store write; on failure re-read (someone else may have changed it) and say why."""
        try:
            return fn(*args, **kwargs), None
        except NewsmarkError as exc:
            self.refresh()
            return None, Feedback(str(exc), changed=True, error=True, failed=True)

    def accept(self, cursor: int, label: str | None = None) -> Feedback:
        """`a` (or a label key) on a suggestion: it becomes gold, linked when that is sure."""
        pred = self.pred_at(cursor)
        if pred is None:
            gold = self.gold_at(cursor)
            if gold is not None:
                return Feedback(f"Already confirmed as {gold['label']}")
            return Feedback("No suggestion under the cursor (} jumps to the next)", error=True)
        label = label or pred["label"] or "ENTITY"
        result, failed = self._run(
            entity_actions.accept, self.store, self.doc_id, pred["start"], pred["end"], label, self.annotator
        )
        if failed:
            return failed
        self.refresh()
        verb = f"Accepted as {label}" if label != pred["label"] else f"Accepted {label}"
        linked = result[1]
        return self._advance(verb + (f" · linked to {linked}" if linked else ""), pred["start"])

    def delete(self, cursor: int) -> Feedback:
        """`x`: delete the gold span, reject the suggestion, delete the claim or reject the
        claim suggestion under the cursor (in that order)."""
        gold = self.gold_at(cursor)
        if gold is not None:
            _, failed = self._run(
                commands.delete_span, self.store, gold["id"], self.annotator, predictions=self.predictions
            )
            if failed:
                return failed
            self.refresh()
            return Feedback(f"Deleted {gold['label']} span", changed=True)
        pred = self.pred_at(cursor)
        if pred is not None:
            _, failed = self._run(
                commands.reject_many, self.store, self.doc_id, self.annotator, [pred], name="reject prediction"
            )
            if failed:
                return failed
            self.refresh()
            return self._advance(f"Rejected the {pred['label'] or 'ENTITY'} suggestion", pred["start"])
        return self._delete_claim(cursor)

    def _delete_claim(self, cursor: int) -> Feedback:
        claim = self.claim_at(cursor)
        if claim is not None:
            _, failed = self._run(claim_actions.delete_claim, self.store, claim["id"], self.annotator)
            if failed:
                return failed
            self.refresh()
            return Feedback("Deleted the claim", changed=True)
        claim_pred = self.claim_pred_at(cursor)
        if claim_pred is not None:
            _, failed = self._run(
                commands.reject_many,
                self.store,
                self.doc_id,
                self.annotator,
                [claim_pred],
                kind="claim",
                name="reject claim suggestion",
            )
            if failed:
                return failed
            self.refresh()
            return Feedback("Rejected the claim suggestion", changed=True)
        return Feedback("Nothing to delete under the cursor", error=True)

    def label(self, cursor: int, label: str, selection: tuple[int, int] | None = None) -> Feedback:
        """A label key: label the selection (replacing the gold it overlaps), else relabel the
        gold span under the cursor, else accept the suggestion under it with this label."""
        if selection is not None:
            start, end = trim(self.text, *selection)
            if start >= end:
                return Feedback("The selection is only white space", error=True)
            start, end = self.tokens.snap(start, end)
            return self._put([(start, end, label)], f"Labelled {label}", f"label {label}")
        gold = self.gold_at(cursor)
        if gold is not None:
            if gold["label"] == label:
                return Feedback(f"Already {label}")
            return self._put(
                [(gold["start"], gold["end"], label)], f"Relabelled {gold['label']} → {label}", f"relabel {label}"
            )
        if self.pred_at(cursor) is not None:
            return self.accept(cursor, label)
        return Feedback("Select text first, or put the cursor on a span", error=True)

    def _put(
        self,
        spans: list[tuple[int, int, str]],
        message: str,
        name: str,
        cursor: int | None = None,
        own: tuple[int, ...] = (),
    ) -> Feedback:
        """Write spans (replacing the gold they overlap); `own` are the spans being edited, which
        are not news when they are replaced."""
        put, failed = self._run(
            commands.put_spans,
            self.store,
            self.doc_id,
            self.annotator,
            spans,
            gold=list(self.now.gold.values()),
            name=name,
        )
        if failed:
            return failed
        self.refresh()
        others = [i for i in put.replaced if i not in own]
        if others:
            message += f" · replaced {plural(len(others), 'overlapping span')}"
        return Feedback(message, cursor=cursor, changed=True)

    # ------------------------------------------------------------------ bulk

    def paragraph(self, cursor: int) -> tuple[int, int]:
        """The cursor's paragraph: between blank lines when the text separates paragraphs with
        them (then a footer's run of single lines, "Related: ..." and the copyright, is one
        paragraph, so one `X`), else the cursor's line."""
        text = self.text
        breaks = [(m.start(), m.end()) for m in _BLANK_LINE.finditer(text)]
        if not breaks:
            start = text.rfind("\n", 0, cursor) + 1
            end = text.find("\n", cursor)
            return start, len(text) if end < 0 else end
        start = max((e for s, e in breaks if e <= cursor), default=0)
        end = min((s for s, e in breaks if s >= cursor), default=len(text))
        return start, end

    def _within(self, start: int, end: int) -> list[Row]:
        return [p for p in self.now.preds.values() if start <= p["start"] and p["end"] <= end]

    def accept_all(self, selection: tuple[int, int] | None = None) -> Feedback:
        """`A`: accept every open suggestion in the selection, else in the document: one action."""
        where = "in the selection" if selection else "in the document"
        preds = self._within(*selection) if selection else list(self.now.preds.values())
        if not preds:
            return Feedback(f"No open suggestions {where}")
        count, failed = self._run(
            commands.accept_many,
            self.store,
            self.doc_id,
            self.annotator,
            preds,
            name=f"accept {len(preds)} suggestions",
        )
        if failed:
            return failed
        self.refresh()
        rest = f" · {plural(self.open_count, 'open suggestion')} left" if self.open_count else ""
        return Feedback(f"Accepted {plural(count, 'suggestion')} {where}{rest} · u undoes", changed=True)

    def reject_all(self, cursor: int, selection: tuple[int, int] | None = None) -> Feedback:
        """`X`: reject every open suggestion in the selection, else in the cursor's paragraph."""
        where = "in the selection" if selection else "in this paragraph"
        preds = self._within(*(selection or self.paragraph(cursor)))
        if not preds:
            return Feedback(f"No open suggestions {where}")
        count, failed = self._run(
            commands.reject_many,
            self.store,
            self.doc_id,
            self.annotator,
            preds,
            name=f"reject {len(preds)} suggestions",
        )
        if failed:
            return failed
        self.refresh()
        return self._advance(f"Rejected {plural(count, 'suggestion')} {where}", cursor)

    def finish(self, status: str, *, accept_open: bool) -> Feedback:
        """Mark the document (`d`); with `accept_open` its open suggestions become gold in the
        same action. The message leads with what happened (it must survive 80 columns)."""
        preds = list(self.now.preds.values()) if accept_open else []
        count, failed = self._run(commands.finish, self.store, self.doc_id, self.annotator, status, accept=preds)
        if failed:
            return failed
        self.refresh()
        if count:
            return Feedback(f"Marked {status} · accepted {plural(count, 'suggestion')}", changed=True)
        left = self.open_count
        note = f" · {plural(left, 'suggestion')} left open" if left and status == "done" else ""
        return Feedback(f"Marked {status}{note}", changed=True)

    # ------------------------------------------------------------------ boundaries

    def edge(self, cursor: int, step: str) -> Feedback:
        """Move one edge of the span under the cursor by a token: step is grow_start,
        shrink_start, grow_end or shrink_end. A suggestion becomes gold with its label."""
        hit = self.entity_at(cursor)
        if hit is None:
            return Feedback("No span under the cursor to resize", error=True)
        kind, row = hit
        moved = getattr(self.tokens, step)(row["start"], row["end"])
        if moved is None:
            return Feedback("That edge cannot move further (x deletes the span)", error=True)
        start, end = moved
        label = row["label"] or "ENTITY"
        new = self.text[start:end]
        return self._put(
            [(start, end, label)],
            f"{label} “{_short(new)}”",
            "resize span",
            cursor=min(max(cursor, start), end - 1),
            own=(row["id"],) if kind == "gold" else (),
        )

    def split(self, cursor: int) -> Feedback:
        """Split the span under the cursor: the cursor's token starts the second part."""
        hit = self.entity_at(cursor)
        if hit is None:
            return Feedback("No span under the cursor to split", error=True)
        kind, row = hit
        parts = self.tokens.split(row["start"], row["end"], cursor)
        if parts is None:
            return Feedback("Put the cursor on the word that starts the second part", error=True)
        label = row["label"] or "ENTITY"
        (a, b), (c, d) = parts
        return self._put(
            [(a, b, label), (c, d, label)],
            f"Split into “{_short(self.text[a:b])}” and “{_short(self.text[c:d])}”",
            "split span",
            own=(row["id"],) if kind == "gold" else (),
        )

    def merge(self, cursor: int) -> Feedback:
        """Merge the span under the cursor with the next span (gold or suggestion) after it."""
        hit = self.entity_at(cursor)
        if hit is None:
            return Feedback("No span under the cursor to merge", error=True)
        _, row = hit
        rows = list(self.now.gold.values()) + list(self.now.preds.values())
        after = [r for r in rows if r["start"] >= row["end"]]
        if not after:
            return Feedback("No span after this one to merge with", error=True)
        nxt = min(after, key=lambda r: (r["start"], r["end"]))
        label = row["label"] or "ENTITY"
        start, end = row["start"], nxt["end"]
        mine = tuple(r["id"] for r in (row, nxt) if r["id"] in self.now.gold and self.now.gold[r["id"]] is r)
        return self._put(
            [(start, end, label)], f"Merged: {label} “{_short(self.text[start:end])}”", "merge spans", own=mine
        )


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A range without its outer white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _short(text: str, width: int = 30) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 11] + "…" + one[-10:]
