"""The team's decisions kept for a session (issue 29): which texts and labels each document's
gold confirms, accepts in bulk or decides against (reading/known.py says what that makes
known), read in full once, then brought up to date at each opening from what changed since.
Opening a document then costs what changed plus the document itself, not the team's gold;
`known.TeamDecisions.read`, the full read, gives the same answers (the property test says so).

What changed is found by marks that only grow, read before anything else:

- action groups after the last one seen: every logged write (undo and redo are new groups, a
  second session's or a merge's too) names its document in each span and rejection event,
  and a bulk accept's events name the span ids it wrote;
- spans and rejections with ids above the last seen (AUTOINCREMENT never reuses one): rows
  written without events (import's gold);
- prediction runs with rowids above the last seen: `save_predictions` replaces a document's
  run (INSERT OR REPLACE gives the new row a rowid above every other), and predictions decide
  corrections;
- a new schema version, or a mark that went down (another file in its place): all is read again.

A changed document is read again whole (spans, rejections, predictions) and its part replaced,
so reading one twice is harmless: a write landing between the marks and the reads is read
again at the next update.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from annotations.reading.known import BULK_NOTE, Edges, Key, bulk_span_ids, corrections
from annotations.store import Store
from annotations.vocab import Extractor

__all__ = ["TeamCache", "TeamView"]

Marks = tuple[int, int, int, int, int]  # last action group, span, rejection, prediction run; schema version
Gold = tuple[int, int, int, str, str]  # id, start, end, text, label

_MARKS = (  # sqlite_sequence: the last AUTOINCREMENT id given, which deleting the newest rows keeps
    "SELECT (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'action_groups'), "
    "(SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'spans'), "
    "(SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'rejections'), "
    "(SELECT coalesce(max(rowid), 0) FROM prediction_runs)"
)
_REJECTED = (
    "SELECT r.doc_id, substr(d.text, r.start + 1, r.[end] - r.start), r.label FROM rejections r "
    "JOIN documents d ON d.id = r.doc_id WHERE r.label IS NOT NULL"
)
_EVENTS = (
    "SELECT g.note, e.tbl, e.row_id, e.before, e.after FROM action_groups g JOIN events e ON e.group_id = g.id "
    "WHERE g.id > ? AND g.id <= ? AND e.tbl IN ('spans', 'rejections')"
)


@dataclass(frozen=True)
class Part:
    """One document's decisions, each text and label once: its gold accepted explicitly, its
    gold accepted in bulk only, its rejections and corrections. Tuples: one per document with gold."""

    confirmed: tuple[Key, ...]
    bulk: tuple[Key, ...]
    against: tuple[Key, ...]


_NONE = Part((), (), ())


class TeamCache:
    """Every document's `Part` and, per text and label, in how many documents it is confirmed,
    accepted in bulk and decided against. One per database (the app's is shared by every
    Reader); `decisions` and `prepare` change it, under its lock."""

    REREAD_AT_MOST = 1_000
    """More changed documents than this (and than half those with decisions): read all again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._marks: Marks | None = None
        self._parts: dict[int, Part] = {}
        self._counts: tuple[Counter[Key], Counter[Key], Counter[Key]] = (Counter(), Counter(), Counter())
        self._keys: dict[Key, Key] = {}  # each text and label once
        self.bulk_ids: set[int] = set()  # every span id a bulk accept wrote (known.bulk_span_ids)
        self.generation = 0  # counts the changes, so a view knows its answers are stale

    def decisions(self, store: Store, doc_id: int) -> TeamView:
        """The team's decisions in the documents other than `doc_id`, up to date."""
        with self._lock:
            self._update(store)
            return TeamView(self, doc_id)

    def prepare(self, store: Store) -> None:
        """Read everything now, unless it is read already (a worker at startup, so the first
        opening does not; after that only `decisions`, on the thread that reads the views,
        changes the cache)."""
        with self._lock:
            if self._marks is None:
                self._update(store)

    def part(self, doc_id: int) -> Part:
        """One document's decisions (none when it has no gold and no rejections)."""
        return self._parts.get(doc_id, _NONE)

    def counts(self, key: Key) -> tuple[int, int, int]:
        """In how many documents `key` is confirmed, accepted in bulk only, decided against."""
        confirmed, bulk, against = self._counts
        return confirmed[key], bulk[key], against[key]

    # ------------------------------------------------------------------ reading

    def _update(self, store: Store) -> None:
        marks = _marks_of(store)
        old, self._marks = self._marks, None  # a read cut short (an error) leaves everything to read again
        if old is None or marks[4] != old[4] or any(new < was for new, was in zip(marks, old)):
            self._read_all(store)
        elif marks != old:
            changed = self._changed(store, old, marks)
            if len(changed) > max(self.REREAD_AT_MOST, len(self._parts) // 2):  # an import, a merge
                self._read_all(store)  # a few queries in all, not four per document
            else:
                for doc in changed:
                    self._reread(store, doc)
        self._marks = marks

    def _read_all(self, store: Store) -> None:
        self._parts, self._counts, self._keys = {}, (Counter(), Counter(), Counter()), {}
        self.bulk_ids = bulk_span_ids(store)
        gold: dict[int, list[Gold]] = {}
        rejected: dict[int, list[Key]] = {}
        preds: dict[int, list[Edges]] = {}
        with store.reading() as conn:  # tuples, not dicts: every gold span of the team
            for span_id, doc, start, end, text, label in conn.execute(
                "SELECT id, doc_id, start, [end], text, label FROM spans"
            ):
                gold.setdefault(doc, []).append((span_id, start, end, text, label))
            for doc, text, label in conn.execute(_REJECTED):
                rejected.setdefault(doc, []).append((text, label))
            for doc, start, end, label in conn.execute(
                "SELECT p.doc_id, p.start, p.[end], p.label FROM (SELECT DISTINCT doc_id FROM spans) s "
                "JOIN predictions p ON p.doc_id = s.doc_id AND p.extractor = ? WHERE p.label IS NOT NULL",
                (str(Extractor.ENTITIES),),
            ):
                preds.setdefault(doc, []).append((start, end, label))
        for doc in gold.keys() | rejected.keys():
            self._replace(doc, self._part(store, doc, gold.get(doc, ()), rejected.get(doc, ()), preds.get(doc, ())))
        self.generation += 1

    def _changed(self, store: Store, old: Marks, marks: Marks) -> set[int]:
        """The documents whose gold, rejections or predictions changed between the marks; the
        span ids bulk accepts wrote in between join `bulk_ids`."""
        docs: set[int] = set()
        with store.reading() as conn:
            for note, table, row_id, before, after in conn.execute(_EVENTS, (old[0], marks[0])):
                for state in (before, after):
                    doc = json.loads(state).get("doc_id") if state is not None else None
                    if isinstance(doc, int):
                        docs.add(doc)
                if note == BULK_NOTE and table == "spans" and before is None:
                    self.bulk_ids.add(row_id)
            for sql, mark in (  # not DISTINCT: SQLite would then scan a covering index, not the id range
                ("SELECT doc_id FROM spans WHERE id > ?", old[1]),  # import's gold: no events
                ("SELECT doc_id FROM rejections WHERE id > ?", old[2]),
                ("SELECT doc_id FROM prediction_runs WHERE rowid > ?", old[3]),
            ):
                docs.update(doc for (doc,) in conn.execute(sql, (mark,)))
        return docs

    def _reread(self, store: Store, doc: int) -> None:
        with store.reading() as conn:
            gold = conn.execute("SELECT id, start, [end], text, label FROM spans WHERE doc_id = ?", (doc,)).fetchall()
            rejected = conn.execute(_REJECTED + " AND r.doc_id = ?", (doc,)).fetchall()
            preds = (
                conn.execute(
                    "SELECT start, [end], label FROM predictions WHERE doc_id = ? AND extractor = ? "
                    "AND label IS NOT NULL",
                    (doc, str(Extractor.ENTITIES)),
                ).fetchall()
                if gold
                else []
            )
        self._replace(doc, self._part(store, doc, gold, [(text, label) for _, text, label in rejected], preds))
        self.generation += 1

    def _part(
        self, store: Store, doc: int, gold: Sequence[Gold], rejected: Iterable[Key], preds: Iterable[Edges]
    ) -> Part:
        keys, bulk_ids = self._keys, self.bulk_ids  # one tuple per text and label, shared by the parts
        confirmed: set[Key] = set()
        bulk: set[Key] = set()
        for span_id, _, _, text, label in gold:
            key = (text, label)
            (bulk if span_id in bulk_ids else confirmed).add(keys.setdefault(key, key))
        against = {keys.setdefault(key, key) for key in rejected}
        corrected = corrections(((s, e, label) for _, s, e, _, label in gold), preds)
        if corrected:  # only the texts of documents with a correction
            text = store.scalar("SELECT text FROM documents WHERE id = ?", (doc,)) or ""
            against.update(keys.setdefault(key, key) for key in ((text[s:e], label) for s, e, label in corrected))
        return Part(tuple(confirmed), tuple(bulk), tuple(against))

    def _replace(self, doc: int, part: Part) -> None:
        old = self._parts.pop(doc, _NONE)
        for count, was, now in zip(
            self._counts, (old.confirmed, old.bulk, old.against), (part.confirmed, part.bulk, part.against)
        ):
            count.subtract(was)
            count.update(now)
            for key in was:
                if count[key] <= 0:
                    del count[key]
        if part != _NONE:
            self._parts[doc] = part


def _marks_of(store: Store) -> Marks:
    with store.reading() as conn:
        groups, spans, rejections, runs = conn.execute(_MARKS).fetchone()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    return (groups, spans, rejections, runs, version)


class TeamView:
    """The team's decisions in the documents other than one, as `known.known_ids` asks them
    (`known.Decisions`): the cache's counts less the document's own part, looked up per text
    and label (the open document's suggestions), never copied whole."""

    def __init__(self, cache: TeamCache, doc_id: int) -> None:
        self.cache = cache
        self.doc_id = doc_id
        self.bulk_ids = cache.bulk_ids
        self._generation = -1
        self._seen: dict[Key, tuple[int, int, int]] = {}
        self._here: tuple[frozenset[Key], ...] = ()

    def counts(self, key: Key) -> tuple[int, int, int]:
        """In how many other documents `key` is confirmed, accepted in bulk only, decided against."""
        if self._generation != self.cache.generation:  # the cache was updated since: count again
            part = self.cache.part(self.doc_id)
            self._here = (frozenset(part.confirmed), frozenset(part.bulk), frozenset(part.against))
            self._seen, self._generation = {}, self.cache.generation
        found = self._seen.get(key)
        if found is None:
            confirmed, bulk, against = self.cache.counts(key)
            mine = self._here
            found = self._seen[key] = (
                confirmed - (key in mine[0]),
                bulk - (key in mine[1]),
                against - (key in mine[2]),
            )
        return found

    def __contains__(self, key: object) -> bool:
        """Known from the other documents alone: confirmed once explicitly or in bulk in two
        documents, never decided against."""
        confirmed, bulk, against = self.counts(key)  # type: ignore[arg-type]
        return (confirmed > 0 or bulk >= 2) and not against

    def known_keys(self, here_confirmed: Collection[Key], here_bulk: Collection[Key]) -> tuple[TeamView, set[Key]]:
        """As `known.TeamDecisions.known_keys`: this view (a key in it is known from the other
        documents) and the keys the open document's gold adds."""
        here = {k for k in here_confirmed if not self.counts(k)[2]}
        here.update(k for k in here_bulk if (found := self.counts(k))[1] and not found[2])
        return self, here
