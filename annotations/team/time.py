"""Where a team's time goes: active time, throughput and keys per model error, from the log.

Every key the app sees is a keystroke row (store/activity.py) and every change an action group
(store/history.py), each with its time. An annotator's **active time** is the sum of the gaps
between consecutive keys and actions that are no longer than `idle` seconds (config
`time.idle_seconds`): a longer gap is a pause (a break, a meeting, reading mail) and counts
nothing. Time starts at the first key: reading before it cannot be seen. A gap is credited to
the day (UTC) and the document of the key that ends it.

Per annotator (and per day or per document): active seconds, documents marked done or
reviewed, decisions (rows of gold spans and rejections written by their own actions, so a
propagated relabel of four suggestions is four decisions), decisions per active hour, seconds
per decision, keys, model errors on the documents they finished, and keys per model error. A
**model error** is a stored entity suggestion that is not exactly one of the annotator's gold
spans (start, end, label), or a gold span no suggestion touches (the annotation-keys
benchmark's definition).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from annotations.store import Store
from annotations.store.activity import keystrokes
from annotations.vocab import REVIEW_ANNOTATOR, ActionKind, Extractor, Status

By = Literal["annotator", "day", "document"]
DECISION_TABLES = ("spans", "rejections")
FINISHED = (Status.DONE, Status.REVIEWED)


@dataclass
class TimeRow:
    """One line of `stats --time`: an annotator, or an annotator on a day or a document."""

    annotator: str
    day: str | None = None
    doc_id: int | None = None
    title: str | None = None
    active_s: float = 0.0
    docs_done: int = 0
    decisions: int = 0
    keys: int = 0
    model_errors: int = 0
    keys_on_finished: int = 0  # keys spent on the documents whose errors are counted

    @property
    def decisions_per_hour(self) -> float | None:
        return round(self.decisions / (self.active_s / 3600), 1) if self.active_s > 0 and self.decisions else None

    @property
    def seconds_per_decision(self) -> float | None:
        return round(self.active_s / self.decisions, 1) if self.decisions else None

    @property
    def keys_per_error(self) -> float | None:
        return round(self.keys_on_finished / self.model_errors, 2) if self.model_errors else None

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if v is not None or k in ("annotator",)}
        out["active_s"] = round(self.active_s, 1)
        out.update(
            decisions_per_hour=self.decisions_per_hour,
            seconds_per_decision=self.seconds_per_decision,
            keys_per_error=self.keys_per_error,
        )
        return out


@dataclass
class TimeReport:
    """`stats --time`: rows by annotator, day or document, and the model's learning curve."""

    by: str
    idle_seconds: float
    rows: list[TimeRow] = field(default_factory=list)
    model_curve: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "idle_seconds": self.idle_seconds,
            "rows": [r.as_dict() for r in self.rows],
            "model_curve": self.model_curve,
        }


def epoch(iso: str) -> float:
    """Seconds since the epoch of one of the store's ISO times (UTC when no offset is given)."""
    when = datetime.fromisoformat(iso)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def day_of(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).date().isoformat()


def active_gaps(times: Sequence[tuple[float, int | None]], idle: float) -> Iterable[tuple[float, float, int | None]]:
    """(gap seconds, time of the event ending it, its document) for each counted gap."""
    for (t0, doc0), (t1, doc1) in zip(times, times[1:]):
        gap = t1 - t0
        if 0 <= gap <= idle:
            yield gap, t1, doc1 if doc1 is not None else doc0


def active_seconds(times: Iterable[float], idle: float) -> float:
    """Sum of the gaps between sorted times that are no longer than `idle`."""
    ordered = sorted(times)
    return sum(b - a for a, b in zip(ordered, ordered[1:]) if b - a <= idle)


def model_errors(gold: Iterable[tuple[int, int, str]], preds: Iterable[tuple[int, int, str]]) -> int:
    """Suggestions that are not exactly a gold span, plus gold spans no suggestion touches."""
    gold, preds = set(gold), set(preds)
    wrong = len(preds - gold)
    missed = sum(1 for s, e, _ in gold if not any(ps < e and s < pe for ps, pe, _ in preds))
    return wrong + missed


class _Log:
    """The log rows a time report reads, grouped by annotator, read once."""

    def __init__(self, store: Store, annotators: Sequence[str] | None) -> None:
        self.times: dict[str, list[tuple[float, int | None]]] = defaultdict(list)
        self.keys: dict[tuple[str, int | None], list[float]] = defaultdict(list)
        for k in keystrokes(store, annotators):
            self.times[k["annotator"]].append((float(k["at"]), k["doc_id"]))
            self.keys[(k["annotator"], k["doc_id"])].append(float(k["at"]))
        who = set(annotators or [])
        self.decisions: dict[str, list[tuple[float, int | None, int]]] = defaultdict(list)
        for g in store.query(
            f"""SELECT g.annotator, g.at, g.doc_id, g.kind,
                       (SELECT count(*) FROM events e WHERE e.group_id = g.id
                        AND e.tbl IN ({",".join("?" * len(DECISION_TABLES))})) AS decisions
                FROM action_groups g WHERE g.kind != ? ORDER BY g.id""",
            [*DECISION_TABLES, ActionKind.BULK],
        ):
            if (who and g["annotator"] not in who) or g["annotator"] == REVIEW_ANNOTATOR:
                continue  # the reviewed layer's actions: its reviewer's own keys count their time
            t = epoch(g["at"])
            self.times[g["annotator"]].append((t, g["doc_id"]))
            if g["kind"] == ActionKind.DO and g["decisions"]:
                self.decisions[g["annotator"]].append((t, g["doc_id"], g["decisions"]))
        for rows in self.times.values():
            rows.sort(key=lambda r: r[0])
        self.finished: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for s in store.query(
            "SELECT doc_id, annotator, updated_at FROM doc_status WHERE status IN (?, ?)", [*FINISHED]
        ):
            if (not who or s["annotator"] in who) and s["annotator"] != REVIEW_ANNOTATOR:
                self.finished[s["annotator"]].append((s["doc_id"], epoch(s["updated_at"])))


def time_report(
    store: Store, *, idle: float, by: By = "annotator", annotators: Sequence[str] | None = None, labels: Iterable[str]
) -> TimeReport:
    """Active time and throughput per annotator (and day or document), with keys per error."""
    log = _Log(store, annotators)
    rows: dict[tuple[Any, ...], TimeRow] = {}

    def row(annotator: str, t: float | None, doc_id: int | None) -> TimeRow:
        key: tuple[Any, ...] = (annotator,)
        if by == "day":
            key = (annotator, day_of(t) if t is not None else None)
        elif by == "document":
            key = (annotator, doc_id)
        if key not in rows:
            rows[key] = TimeRow(
                annotator, day=key[1] if by == "day" else None, doc_id=doc_id if by == "document" else None
            )
        return rows[key]

    for annotator, times in log.times.items():
        for gap, t, doc_id in active_gaps(times, idle):
            row(annotator, t, doc_id).active_s += gap
        for t, doc_id, n in log.decisions.get(annotator, []):
            row(annotator, t, doc_id).decisions += n
    for (annotator, doc_id), stamps in log.keys.items():
        for t in stamps:
            row(annotator, t, doc_id).keys += 1
    _finished_work(store, log, row, set(labels))
    report = TimeReport(by=by, idle_seconds=idle, rows=sorted(rows.values(), key=_order))
    if by == "document":
        _titles(store, report.rows)
    report.model_curve = model_curve(store)
    return report


def _finished_work(store: Store, log: _Log, row: Any, labels: set[str]) -> None:
    """Documents done, and the model errors and keys on them, credited to when they were finished."""
    for annotator, docs in log.finished.items():
        for doc_id, t in docs:
            target = row(annotator, t, doc_id)
            target.docs_done += 1
            gold = [(s["start"], s["end"], s["label"]) for s in store.spans(doc_id, annotator) if s["label"] in labels]
            preds = [
                (p["start"], p["end"], p["label"])
                for p in store.predictions(doc_id, Extractor.ENTITIES)
                if p.get("label") in labels
            ]
            target.model_errors += model_errors(gold, preds)
            target.keys_on_finished += len(log.keys.get((annotator, doc_id), []))


def _titles(store: Store, rows: list[TimeRow]) -> None:
    ids = sorted({r.doc_id for r in rows if r.doc_id is not None})
    titles = {d["id"]: d["title"] for d in store.document_rows(ids, "")} if ids else {}
    for r in rows:
        r.title = titles.get(r.doc_id) if r.doc_id is not None else None


def _order(r: TimeRow) -> tuple[Any, ...]:
    return (r.annotator, r.day or "", r.doc_id if r.doc_id is not None else -1)


def model_curve(store: Store) -> list[dict[str, Any]]:
    """The entity models registered over time with their dev F1, oldest first: the learning
    curve beside the team's throughput."""
    out = []
    rows = store.query(
        "SELECT name, created_at, scores, in_use FROM models WHERE extractor = ? ORDER BY id", [Extractor.ENTITIES]
    )
    for m in rows:
        try:
            scores = json.loads(m["scores"] or "{}")
        except ValueError:
            scores = {}
        dev, before = scores.get("dev"), scores.get("before")
        out.append(
            {
                "name": m["name"],
                "at": m["created_at"],
                "f": dev.get("f") if isinstance(dev, dict) else None,
                "before_f": before.get("f") if isinstance(before, dict) else None,
                "in_use": bool(m["in_use"]),
            }
        )
    return out


def daily_throughput(report: TimeReport) -> dict[str, list[tuple[str, int]]]:
    """Decisions per day per annotator, days in order (for sparklines); needs a by-day report."""
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in report.rows:
        if r.day is not None:
            out[r.annotator].append((r.day, r.decisions))
    return dict(out)
