"""What is open in the document on screen, kept up to date by what each write changed.

After every key the session re-reads the annotator's gold spans and rejections (two indexed
queries) and `OpenState.update` diffs them by row against what it holds. Only the suggestions
the changed rows touch (overlapping a changed gold span, or on a changed rejection's
characters) are asked the rule again (`suggestions.rules.is_open`); only the texts and labels
involved are asked whether they are known (`known.known_ids`, given just their suggestions);
only their `}` stops and their marks change, and the marks that changed are kept for the
article view (`take_changes`), which repaints their rows alone. A 20,000-word article has
thousands of suggestions; an accept touches one and the likes of its text.

What it cannot localise it recomputes whole, the way an opening does: more than LOCAL_LIMIT
changed rows (a bulk action, its undo), the team's bulk-accepted spans grown (`A`), a new
state for new predictions or a new opening (the session makes one). Both paths give one answer:
tests/test_reading_incremental.py checks it after random writes, undos and redos.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from annotations.reading.known import Decisions, known_ids
from annotations.reading.values import Mark, Row
from annotations.suggestions.ranges import Ranges
from annotations.suggestions.rules import is_open, open_suggestions, rejection_key

__all__ = ["LOCAL_LIMIT", "OpenState"]

LOCAL_LIMIT = 64
"""Changed gold and rejection rows beyond which one write is recomputed whole (cheaper then)."""

Key = tuple[str, str | None]


def _changed(old: Mapping[int, Row], new: Mapping[int, Row]) -> tuple[list[Row], list[Row]]:
    """Rows gone from `old` (or changed: their old version) and come in `new` (their new one).
    A row read again unchanged is the same dict (reading/doc_rows.py): `is` settles it first."""
    gone = [row for i, row in old.items() if (other := new.get(i)) is not row and other != row]
    come = [row for i, row in new.items() if (other := old.get(i)) is not row and other != row]
    return gone, come


def _drop_one(starts: list[int], start: int) -> None:
    i = bisect_left(starts, start)
    if i < len(starts) and starts[i] == start:
        del starts[i]


class OpenState:
    """One document's open entity suggestions, known ids, `}` stops and marks for one annotator."""

    def __init__(self, text: str, predictions: Sequence[Row], keys: Mapping[int, Key], team: Decisions) -> None:
        self.text, self.keys, self.team = text, keys, team
        self.predictions = list(predictions)  # text order (the store reads them so)
        self.all = Ranges((p["start"], p["end"], rank) for rank, p in enumerate(self.predictions))
        self.bulk_seen = -1  # len(team.bulk_ids) at the last full recomputation; -1: none yet
        self.gold: dict[int, Row] = {}
        self.rejections: dict[int, Row] = {}
        self.gold_ranges = Ranges()
        self.rejected: Counter[tuple[int, int, str | None]] = Counter()
        self.open: dict[int, Row] = {}  # open suggestions by id, in text order
        self.open_ranges = Ranges()  # tagged with the rank in `predictions`
        self.by_key: dict[Key, set[int]] = {}  # open suggestion ids per text and model label
        self.known: set[int] = set()
        self.pred_starts: list[int] = []
        self.first: dict[Key, int] = {}  # the first start of each key that is open and not known
        self.unknown_starts: list[int] = []  # sorted self.first.values(): where `}` stops
        self.claim_rows: list[Row] = []
        self.claim_preds: list[Mapping[str, Any]] = []
        self.marks: dict[Hashable, Mark] = {}
        self._removed: set[Mark] = set()
        self._added: set[Mark] = set()
        self._whole = True  # every mark changed since the last take_changes

    # ------------------------------------------------------------------ in

    def update(self, gold: Sequence[Row], rejections: Sequence[Row]) -> None:
        """Take the annotator's gold spans and rejections as the store now holds them."""
        new_gold = {g["id"]: g for g in gold}
        new_rejections = {r["id"]: r for r in rejections}
        gold_gone, gold_come = _changed(self.gold, new_gold)
        rej_gone, rej_come = _changed(self.rejections, new_rejections)
        changed = len(gold_gone) + len(gold_come) + len(rej_gone) + len(rej_come)
        self.gold, self.rejections = new_gold, new_rejections
        if self.bulk_seen != len(self.team.bulk_ids) or changed > LOCAL_LIMIT:
            self._recompute()
        elif changed:
            self._localise(gold_gone, gold_come, rej_gone, rej_come)

    def set_claims(self, claims: Sequence[Row], claim_preds: Sequence[Mapping[str, Any]]) -> None:
        """Claims and open claim suggestions (few: redrawn whole when they change)."""
        if claims == self.claim_rows and claim_preds == self.claim_preds:
            return
        for kind, rows in (("claim", self.claim_rows), ("claimpred", self.claim_preds)):
            for row in rows:
                self._drop_mark((kind, row["id"]))
        self.claim_rows, self.claim_preds = list(claims), list(claim_preds)
        for kind, rows in (("claim", self.claim_rows), ("claimpred", self.claim_preds)):
            for row in rows:
                ref = (kind, row["id"])
                self._set_mark(ref, Mark(row["start"], row["end"], row.get("type") or "claim", kind, ref))

    def take_changes(self) -> tuple[set[Mark], set[Mark]] | None:
        """The marks removed and added since the last call; None when they all changed."""
        out = None if self._whole else (self._removed, self._added)
        self._removed, self._added, self._whole = set(), set(), False
        return out

    # ------------------------------------------------------------------ whole

    def _recompute(self) -> None:
        """Everything from the rows, as at an opening."""
        text, keys, gold, rejections = self.text, self.keys, self.gold, self.rejections
        self.bulk_seen = len(self.team.bulk_ids)
        self.gold_ranges = Ranges((g["start"], g["end"], g["id"]) for g in gold.values())
        self.rejected = Counter(k for r in rejections.values() if (k := rejection_key(r)) is not None)
        found: list[Row] = open_suggestions(self.predictions, gold.values(), rejections.values())  # type: ignore[assignment]
        rank = {p["id"]: i for i, p in enumerate(self.predictions)}
        self.open = {p["id"]: p for p in found}
        self.open_ranges = Ranges((p["start"], p["end"], rank[p["id"]]) for p in found)
        self.by_key = {}
        for p in found:
            self.by_key.setdefault(keys[p["id"]], set()).add(p["id"])
        self.known = known_ids(text, found, list(gold.values()), list(rejections.values()), self.team, keys)
        self.pred_starts = sorted(p["start"] for p in found)
        self.first = {
            key: min(self.open[i]["start"] for i in ids)
            for key, ids in self.by_key.items()
            if next(iter(ids)) not in self.known  # known goes by text and label: all of a key or none
        }
        self.unknown_starts = sorted(self.first.values())
        claims = {ref: m for ref, m in self.marks.items() if m.kind in ("claim", "claimpred")}  # set_claims' own
        self.marks = {("gold", g["id"]): _gold_mark(g) for g in gold.values()}
        self.marks.update({("pred", p["id"]): self._pred_mark(p) for p in found})
        self.marks.update(claims)
        self._whole = True

    # ------------------------------------------------------------------ local

    def _localise(self, gold_gone: list[Row], gold_come: list[Row], rej_gone: list[Row], rej_come: list[Row]) -> None:
        """Apply changed rows: only the suggestions and keys they touch are asked again."""
        text = self.text
        touched: set[int] = set()  # ranks of the suggestions a changed row touches
        hit: set[Key] = set()  # texts and labels whose known-ness may change
        for g in gold_gone:
            self.gold_ranges.remove(g["start"], g["end"], g["id"])
            self._drop_mark(("gold", g["id"]))
        for g in gold_come:
            self.gold_ranges.add(g["start"], g["end"], g["id"])
            self._set_mark(("gold", g["id"]), _gold_mark(g))
        for g in (*gold_gone, *gold_come):
            touched.update(t for _, _, t in self.all.overlapping(g["start"], g["end"]))
            hit.add((g["text"], g["label"]))
        for sign, rows in ((-1, rej_gone), (1, rej_come)):
            for r in rows:
                start, end = r["start"], r["end"]
                if r.get("label") is not None:  # what known_ids counts against a text and label
                    hit.add((text[start:end], r["label"]))
                key = rejection_key(r)
                if key is None:
                    continue
                self.rejected[key] += sign
                if self.rejected[key] <= 0:
                    del self.rejected[key]
                touched.update(t for s, e, t in self.all.overlapping(start, end) if (s, e) == (start, end))
        reopened = False
        for rank in touched:
            pred = self.predictions[rank]
            now_open = is_open(pred, self.gold_ranges.overlaps, self.rejected)
            if now_open != (pred["id"] in self.open):
                hit.add(self.keys[pred["id"]])
                if now_open:
                    self._open(pred, rank)
                    reopened = True
                else:
                    self._close(pred, rank)
        if reopened:  # back in text order (a dict keeps the order of insertion)
            self.open = {p["id"]: p for p in self.predictions if p["id"] in self.open}
        self._know(hit)

    def _open(self, pred: Row, rank: int) -> None:
        self.open[pred["id"]] = pred
        self.open_ranges.add(pred["start"], pred["end"], rank)
        self.by_key.setdefault(self.keys[pred["id"]], set()).add(pred["id"])
        insort(self.pred_starts, pred["start"])

    def _close(self, pred: Row, rank: int) -> None:
        pred_id, key = pred["id"], self.keys[pred["id"]]
        del self.open[pred_id]
        self.open_ranges.remove(pred["start"], pred["end"], rank)
        ids = self.by_key[key]
        ids.discard(pred_id)
        if not ids:
            del self.by_key[key]
        _drop_one(self.pred_starts, pred["start"])
        self.known.discard(pred_id)
        self._drop_mark(("pred", pred_id))

    def _know(self, hit: set[Key]) -> None:
        """Ask again whether the open suggestions of these texts and labels are known; their
        `}` stop and marks follow."""
        ask = [self.open[i] for key in hit for i in self.by_key.get(key, ())]
        gold, rejections = list(self.gold.values()), list(self.rejections.values())
        found = known_ids(self.text, ask, gold, rejections, self.team, self.keys) if ask else set()
        for key in hit:
            ids = self.by_key.get(key, set())
            for i in ids:
                if i in found:
                    self.known.add(i)
                else:
                    self.known.discard(i)
                self._set_mark(("pred", i), self._pred_mark(self.open[i]))
            old = self.first.pop(key, None)
            if old is not None:
                _drop_one(self.unknown_starts, old)
            if ids and next(iter(ids)) not in found:
                self.first[key] = start = min(self.open[i]["start"] for i in ids)
                insort(self.unknown_starts, start)

    # ------------------------------------------------------------------ marks

    def _pred_mark(self, pred: Row) -> Mark:
        pred_id = pred["id"]
        return Mark(
            pred["start"], pred["end"], pred.get("label") or "ENTITY", "pred", ("pred", pred_id), pred_id in self.known
        )

    def _set_mark(self, ref: Hashable, mark: Mark) -> None:
        old = self.marks.get(ref)
        if old == mark:
            return
        if old is not None:
            self._note(old, self._added, self._removed)
        self.marks[ref] = mark
        self._note(mark, self._removed, self._added)

    def _drop_mark(self, ref: Hashable) -> None:
        old = self.marks.pop(ref, None)
        if old is not None:
            self._note(old, self._added, self._removed)

    @staticmethod
    def _note(mark: Mark, undone: set[Mark], done: set[Mark]) -> None:
        """A mark removed (or added): it cancels its own addition (removal) since the last take."""
        if mark in undone:
            undone.discard(mark)
        else:
            done.add(mark)


def _gold_mark(g: Row) -> Mark:
    return Mark(g["start"], g["end"], g.get("label") or "ENTITY", "gold", ("gold", g["id"]))
