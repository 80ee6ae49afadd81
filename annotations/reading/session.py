"""A Textual-free reading session: one document for one annotator, its marks, what is under
the cursor, and the Reader's commands, each returning `Feedback` (a status line and where
the cursor goes). The Reader screen maps keys onto these verbs and paints the result, so
nearly all Reader behaviour is tested on a plain SQLite file without Pilot.

Predictions are read once per opening (they change only when `newsmark predict` runs);
gold, rejections and claims are re-read after every command, so the next key always acts on
what the database holds. A write costs what it changed, not the article's length: the gold
spans and rejections are read again by the store's event log (`doc_rows`), and what is open,
known, where `}` stops and the marks are recomputed for the rows that changed (`open_state`).

The session holds the state (this module: reading, what is under the cursor, motions); the
commands that change spans are `EntityEdits` (`edits`), which the session owns and whose
verbs it exposes under the same names. The values it hands out (`Mark`, `Feedback`,
`Snapshot`) live in `values` and are re-exported here, where the Reader and the article view
import them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from typing import Any

from annotations.errors import NewsmarkError
from annotations.reading import claims as claim_actions
from annotations.reading.doc_rows import DocRows
from annotations.reading.edits import EntityEdits, paragraph_of, short, trim
from annotations.reading.known import Decisions, TeamDecisions, with_teammates
from annotations.reading.names import name_at, name_runs, next_name
from annotations.reading.open_state import OpenState
from annotations.reading.team_cache import TeamCache
from annotations.reading.tokens import Tokens
from annotations.reading.values import Feedback, Mark, Row, Snapshot, plural
from annotations.store import Store
from annotations.suggestions.rules import open_claim_suggestions
from annotations.vocab import Extractor

__all__ = ["Feedback", "Mark", "ReadingSession", "plural", "step", "trim"]


def step(starts: list[int], cursor: int, delta: int, wrap: bool) -> int | None:
    """The next (delta > 0) or previous offset in sorted `starts` from `cursor`; None when
    there is none (with `wrap`, from the other end)."""
    if not starts:
        return None
    if delta > 0:
        i = bisect_right(starts, cursor)
        return starts[i] if i < len(starts) else (starts[0] if wrap else None)
    i = bisect_left(starts, cursor) - 1
    return starts[i] if i >= 0 else (starts[-1] if wrap else None)


def _at(rows: Sequence[Row], cursor: int) -> Row | None:
    found = [r for r in rows if r["start"] <= cursor < r["end"]]
    return min(found, key=lambda r: r["end"] - r["start"]) if found else None


class ReadingSession:
    """The document under review and the verbs the Reader's keys name."""

    def __init__(
        self,
        store: Store,
        annotator: str,
        *,
        auto_advance: bool = True,
        labels: Collection[str] | None = None,
        skip_known: bool = True,
        team: TeamCache | None = None,
    ) -> None:
        self.store = store
        self.annotator = annotator
        self.auto_advance = auto_advance
        self.labels = frozenset(labels) if labels is not None else None  # only these are suggested
        self.skip_known = skip_known  # `}` and auto-advance pass over known suggestions
        self.team_cache = team if team is not None else TeamCache()  # one per database: the app's, shared
        self.team: Decisions = TeamDecisions()  # what the team decided in the other documents: what is known
        self.doc_id: int | None = None
        self.doc: Row | None = None
        self.text = ""
        self.now = Snapshot()
        self.edits = EntityEdits(self)
        self._preds: dict[str, list[Row]] = {}
        self._tokens: Tokens | None = None
        self._state: OpenState | None = None  # what is open, kept up to date by each write
        self._gold = DocRows("spans", ("start", "end", "id"))  # as store.spans orders them
        self._rejections = DocRows("rejections", ("id",))
        self._filtered: list[Row] = []  # the entity predictions of the team's labels
        self._keys: dict[int, tuple[str, str | None]] = {}  # prediction id -> its text and label

    # ------------------------------------------------------------------ reading

    def open(self, doc_id: int) -> bool:
        """Load a document; False when it no longer exists."""
        doc = self.store.document(doc_id)
        if doc is None:
            return False
        self.doc_id, self.doc, self.text = doc_id, doc, doc["text"]
        self._tokens = None
        team = self.team_cache.decisions(self.store, doc_id)  # what changed since the last opening
        self.team = with_teammates(team, self.store, doc_id, self.annotator, self.text)  # and in this document
        self.reload_predictions()
        return True

    def reload_predictions(self) -> None:
        """Read the document's predictions again (they are cached while it is open: they only
        change when predict runs, or when suggestions on open arrive) and recompute the marks."""
        self._preds = {
            x: self.store.predictions(self.doc_id, x)  # type: ignore[arg-type]
            for x in (Extractor.ENTITIES, Extractor.CLAIMS)
        }
        found = self._preds.get(Extractor.ENTITIES, [])
        self._filtered = found if self.labels is None else [p for p in found if p.get("label") in self.labels]
        text = self.text
        self._keys = {p["id"]: (text[p["start"] : p["end"]], p.get("label")) for p in self._filtered}
        self._state = None  # recomputed whole from these predictions
        self.refresh()

    @property
    def predictions(self) -> list[Row]:
        """Every stored entity prediction of the document (open or decided) of the team's
        labels: a prediction of a label not in the config is never suggested (filtered once per
        reading of the predictions)."""
        return self._filtered

    def key_of(self, pred: Row) -> tuple[str, str | None]:
        """A suggestion's text and model label (kept per opening: sliced once, not per key)."""
        found = self._keys.get(pred["id"])
        return found if found is not None else (self.text[pred["start"] : pred["end"]], pred.get("label"))

    @property
    def tokens(self) -> Tokens:
        if self._tokens is None:
            self._tokens = Tokens(self.text)
        return self._tokens

    def refresh(self) -> None:
        """Re-read gold spans, rejections and claims; bring what is open up to date (the open
        state recomputes only what the changed rows touch: reading/open_state.py)."""
        store, doc_id, who = self.store, self.doc_id, self.annotator
        gold = self._gold.read(store, doc_id, who)  # type: ignore[arg-type]  # what changed since the last read
        rejections = self._rejections.read(store, doc_id, who)  # type: ignore[arg-type]
        claims = claim_actions.claims(store, doc_id, who)  # type: ignore[arg-type]
        state = self._state
        if state is None or state.team is not self.team or state.text is not self.text:
            state = self._state = OpenState(self.text, self.predictions, self._keys, self.team)
        state.update(gold, rejections)
        claim_preds = open_claim_suggestions(self._preds.get(Extractor.CLAIMS, []), claims, rejections)
        state.set_claims(claims, claim_preds)
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
            state.gold,  # a new dict at each update: the snapshot's own
            dict(state.open),  # copies (at C speed): a snapshot does not change under its holder
            {c["id"]: c for c in claims},
            list(claim_preds),  # type: ignore[arg-type]
            names,
            list(state.pred_starts),
            sorted(p["start"] for p in claim_preds),
            set(state.known),
            list(state.unknown_starts),
        )

    def marks(self) -> list[Mark]:
        """Everything to draw: gold spans, open suggestions, claims, open claim suggestions."""
        now = self.now
        if now.marks is None:
            now.marks = list(self._state.marks.values()) if self._state is not None else []
        return now.marks

    def mark_changes(self) -> tuple[set[Mark], set[Mark]] | None:
        """The marks removed and added since the last call (what the article view repaints);
        None when they all changed (an opening, new predictions, a bulk action)."""
        return self._state.take_changes() if self._state is not None else None

    def likes_of(self, pred: Row) -> list[Row]:
        """The other open suggestions with this suggestion's text and model label, in text order."""
        state = self._state
        if state is None:
            return []
        ids = state.by_key.get(self.key_of(pred), set())
        return sorted(
            (self.now.preds[i] for i in ids if i != pred["id"]), key=lambda p: (p["start"], p["end"], p["id"])
        )

    @property
    def open_count(self) -> int:
        return len(self.now.preds)

    # ------------------------------------------------------------------ under the cursor

    def gold_at(self, cursor: int) -> Row | None:
        found = self._state.gold_ranges.innermost(cursor) if self._state is not None else None
        return self.now.gold.get(found[2]) if found is not None else None

    def pred_at(self, cursor: int) -> Row | None:
        state = self._state
        found = state.open_ranges.innermost(cursor) if state is not None else None
        return self.now.preds.get(state.predictions[found[2]]["id"]) if state is not None and found else None

    def claim_at(self, cursor: int) -> Row | None:
        return _at(list(self.now.claims.values()), cursor)

    def claim_pred_at(self, cursor: int) -> Row | None:
        return _at(self.now.claim_preds, cursor)

    def entity_at(self, cursor: int) -> tuple[str, Row] | None:
        """The gold span under the cursor, else the open suggestion: ("gold" | "pred", row)."""
        gold = self.gold_at(cursor)
        if gold is not None:
            return "gold", gold
        pred = self.pred_at(cursor)
        return ("pred", pred) if pred is not None else None

    def name_at(self, cursor: int) -> tuple[int, int] | None:
        """The name no span covers under the cursor (a run of capitalised words), else None.
        Asked on every cursor move (the status line): given only the spans that meet the runs
        around the cursor, found by offset, not every span of a long article."""
        text = self.text
        runs = name_runs(text)
        i = bisect_right(runs, (cursor, len(text) + 1))
        around = [(a, b) for a, b in runs[max(0, i - 8) : i] if a <= cursor < b]  # as names.name_at looks
        if not around:
            return None
        return name_at(text, cursor, self.spans_meeting(min(a for a, _ in around), max(b for _, b in around)))

    def spans_meeting(self, start: int, end: int) -> list[Row]:
        """The gold spans and open suggestions meeting [start, end), by offset (not a scan)."""
        state = self._state
        if state is None:
            return []
        gold = [self.now.gold[t] for _, _, t in state.gold_ranges.overlapping(start, end)]
        return gold + [state.predictions[t] for _, _, t in state.open_ranges.overlapping(start, end)]

    def next_name(self, cursor: int, delta: int = 1) -> Feedback:
        """`'`: the next (or `delta`-th) name no span covers: what the model may have missed."""
        target = next_name(self.text, cursor, [*self.now.gold.values(), *self.now.preds.values()], delta)
        if target is None:
            return Feedback("No name without a span " + ("after" if delta > 0 else "before") + " the cursor")
        start, end = self.name_at(target) or (target, target)
        return Feedback(f"“{self.text[start:end][:30]}” has no span · a label key labels it", cursor=target)

    def paragraph(self, cursor: int) -> tuple[int, int]:
        """The cursor's paragraph (see `edits.paragraph_of`): what `X` rejects in."""
        return paragraph_of(self.text, cursor)

    # ------------------------------------------------------------------ motions

    @property
    def stops(self) -> list[int]:
        """Where `}` and auto-advance stop: the open suggestions that are not known (config
        reader.skip_known), or all of them when only known ones are left."""
        now = self.now
        return now.unknown_starts if self.skip_known and now.unknown_starts else now.pred_starts

    def open_summary(self) -> str:
        """ "5 open suggestions" (", 3 known" when some are)."""
        known = len(self.now.known)
        return plural(self.open_count, "open suggestion") + (f", {known:,} known" if known else "")

    def next_open(self, cursor: int, delta: int = 1) -> Feedback:
        """`}` / `{`: the next / previous open suggestion that is not known (wrapping), `delta`
        of them on (a count: `3}`), or say none remain."""
        stops, target, wrapped = self.stops, cursor, False
        for _ in range(max(1, abs(delta))):
            found = step(stops, target, 1 if delta > 0 else -1, wrap=True)
            if found is None:
                break
            wrapped = wrapped or (delta > 0) != (found > target)
            target = found
        if not stops:
            return Feedback(self.reviewed_message())
        pred = self.pred_at(target)
        where = " (wrapped)" if wrapped else ""
        label = (pred or {}).get("label") or "ENTITY"
        words = f"“{short(self.text[pred['start'] : pred['end']], 16)}” " if pred else ""  # which one: seen in tmux
        passed = self.known_between(cursor, target, delta > 0, wrapped) if stops is not self.now.pred_starts else 0
        known = len(self.now.known)
        # short, to fit beside the counts at 80 columns; "(2 passed)": the known ones `}` did not stop at
        tally = (
            f"{self.open_count:,} open"
            + (f", {known:,} known" if known else "")
            + (f" ({passed:,} passed)" if passed else "")
        )
        return Feedback(f"{words}{label}? · {tally}{where}", cursor=target)

    def known_between(self, cursor: int, target: int, forward: bool, wrapped: bool) -> int:
        """How many known suggestions a motion from `cursor` to `target` passed over."""
        lo, hi = (cursor, target) if forward else (target, cursor)
        starts = [p["start"] for i, p in self.now.preds.items() if i in self.now.known]
        if wrapped:  # the way round the end: outside (lo, hi) instead of inside
            return sum(1 for x in starts if x > hi or x < lo)
        return sum(1 for x in starts if lo < x < hi)

    def next_claim_suggestion(self, cursor: int, delta: int = 1) -> Feedback:
        target = step(self.now.claim_pred_starts, cursor, delta, wrap=True)
        if target is None:
            return Feedback("No claim suggestions left in this document")
        pred = self.claim_pred_at(target) or {}
        n = len(self.now.claim_preds)
        speaker = short(str(pred.get("speaker") or ""), 24) or "no speaker"  # who it quotes: seen before `c`
        return Feedback(
            f"claim? {pred.get('type') or 'claim'} · {speaker} · {plural(n, 'claim suggestion')} open", cursor=target
        )

    def reviewed_message(self) -> str:
        total = len(self.predictions)
        return f"All {plural(total, 'suggestion')} reviewed" if total else "No suggestions in this document"

    def advance(self, message: str, cursor: int) -> Feedback:
        """Feedback after acting on a suggestion: on to the next open one (auto-advance)."""
        if not self.auto_advance:
            return Feedback(message, changed=True)
        target = step(self.stops, cursor, 1, wrap=True)
        if target is None:
            return Feedback(f"{message} · {self.reviewed_message().lower()}", changed=True)
        return Feedback(f"{message} · {plural(self.open_count, 'open suggestion')} left", cursor=target, changed=True)

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Feedback | None]:
        """One store write; on failure re-read (someone else may have changed it) and say why."""
        try:
            return fn(*args, **kwargs), None
        except NewsmarkError as exc:
            self.refresh()
            return None, Feedback(str(exc), changed=True, error=True, failed=True)

    # ------------------------------------------------------------------ commands (EntityEdits)

    def accept(self, cursor: int, label: str | None = None) -> Feedback:
        return self.edits.accept(cursor, label)

    def delete(self, cursor: int) -> Feedback:
        return self.edits.delete(cursor)

    def label(self, cursor: int, label: str, selection: tuple[int, int] | None = None) -> Feedback:
        return self.edits.label(cursor, label, selection)

    def accept_all(self, selection: tuple[int, int] | None = None) -> Feedback:
        return self.edits.accept_all(selection)

    def reject_all(self, cursor: int, selection: tuple[int, int] | None = None) -> Feedback:
        return self.edits.reject_all(cursor, selection)

    def finish(self, status: str, *, accept_open: bool) -> Feedback:
        return self.edits.finish(status, accept_open=accept_open)

    def edge(self, cursor: int, step: str) -> Feedback:
        return self.edits.edge(cursor, step)

    def split(self, cursor: int) -> Feedback:
        return self.edits.split(cursor)

    def merge(self, cursor: int) -> Feedback:
        return self.edits.merge(cursor)
