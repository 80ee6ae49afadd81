"""Which suggestions are known: text and label the team has confirmed and never decided against,
so `}` passes over them (config reader.skip_known) and they are drawn apart.

What an experienced annotator expects (issue 29, seen by a new user in tmux): a careless `A`
in the first document must not make its wrong labels known for the rest of the corpus. So:

- An explicit decision confirms a text and label at once: accepting the suggestion under the
  cursor, a label key, an edge key, a span written by hand, imported gold, `=` elsewhere.
- A bulk accept (`A`, or `d` accepting what is left: actions with note `BULK_NOTE`) confirms
  it only once it is confirmed again: bulk-accepted in a second document, or explicitly.
- A decision against it anywhere un-knows it everywhere: a rejection, or a correction (a gold
  span of the team overlapping a suggestion of that text and label with other edges or
  another label: relabelled, trimmed, merged, split).

What the other documents decided comes from a `Decisions`: the Reader's is kept per session
and brought up to date at each opening from what changed since (`team_cache.TeamCache`, issue
29: an opening must not cost the team's whole gold); `TeamDecisions.read` reads it all, the
reference the property test holds the kept one to. `known_ids` then decides for the open
suggestions of the document on screen, with its own gold and rejections, after every command.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from annotations.reading.values import Row
from annotations.store import Store
from annotations.vocab import Extractor

__all__ = ["BULK_NOTE", "Decisions", "Edges", "Key", "TeamDecisions", "bulk_span_ids", "corrections", "known_ids"]

BULK_NOTE = "bulk"
"""The note on an action that accepted suggestions in bulk (`A`, `d` accepting the rest): its
spans make a text and label known only once confirmed again (this module's docstring)."""

Key = tuple[str, "str | None"]
SpanRow = tuple[int, int, int, int, str, str]  # id, doc_id, start, end, text, label
Edges = tuple[int, int, str]  # start, end, label


def bulk_span_ids(store: Store, doc_id: int | None = None) -> set[int]:
    """Ids of the spans written by bulk accepts (of one document, or all); undo and redo keep
    span ids (AUTOINCREMENT never reuses one), so the ids still name those spans."""
    where = "" if doc_id is None else " AND g.doc_id = ?"
    rows = store.query(
        "SELECT e.row_id FROM action_groups g JOIN events e ON e.group_id = g.id "
        f"WHERE g.note = ? AND e.tbl = 'spans' AND e.before IS NULL{where}",
        (BULK_NOTE,) if doc_id is None else (BULK_NOTE, doc_id),
    )
    return {r["row_id"] for r in rows}


class Decisions(Protocol):
    """What `known_ids` asks of the team's decisions in the documents other than the open one:
    a full read (`TeamDecisions`) or a session's kept copy (`team_cache.TeamCache.decisions`)."""

    bulk_ids: set[int]  # every bulk-accepted span id (the open document's too)

    def known_keys(
        self, here_confirmed: Collection[Key], here_bulk: Collection[Key]
    ) -> tuple[Container[Key], Container[Key]]: ...


@dataclass
class TeamDecisions:
    """What the team decided on texts and labels in the documents other than one, read in full
    (the reference: `team_cache.TeamCache` gives the same answers without reading it all)."""

    confirmed: set[Key] = field(default_factory=set)  # accepted explicitly somewhere
    bulk: dict[Key, set[int]] = field(default_factory=dict)  # accepted in bulk only: in which documents
    against: set[Key] = field(default_factory=set)  # rejected or corrected somewhere
    bulk_ids: set[int] = field(default_factory=set)  # every bulk-accepted span id (this document's too)
    _known: set[Key] | None = field(default=None, repr=False)  # the other documents' part of known_keys

    @classmethod
    def read(cls, store: Store, doc_id: int) -> TeamDecisions:
        out = cls(bulk_ids=bulk_span_ids(store))
        with store.reading() as conn:  # tuples, not dicts: tens of thousands of rows at every opening
            spans: list[SpanRow] = conn.execute(
                "SELECT id, doc_id, start, [end], text, label FROM spans WHERE doc_id != ?", (doc_id,)
            ).fetchall()
        for span_id, doc, _, _, text, label in spans:
            key = (text, label)
            if span_id in out.bulk_ids:
                out.bulk.setdefault(key, set()).add(doc)
            else:
                out.confirmed.add(key)
        out.against = rejected_elsewhere(store, doc_id) | corrected_elsewhere(store, doc_id, spans)
        return out

    def known_keys(self, here_confirmed: Collection[Key], here_bulk: Collection[Key]) -> tuple[set[Key], set[Key]]:
        """The texts and labels that are known, as two sets (a key in either is known): those
        the other documents make known (computed once per opening: confirmed once explicitly,
        or in bulk in two documents, never decided against) and those the document on screen
        adds (its gold explicit, `here_confirmed`, or in bulk, `here_bulk`, a second document
        for a text and label accepted in bulk elsewhere). Two sets, not their union: this runs
        after every key, and the first may be large."""
        if self._known is None:
            confirmed = self.confirmed | {k for k, docs in self.bulk.items() if len(docs) >= 2}
            self._known = confirmed - self.against
        here = {k for k in here_confirmed if k not in self.against}
        here |= {k for k in here_bulk if k in self.bulk and k not in self.against}
        return self._known, here


class _Without:
    """A container of keys less some: what the other documents make known, less what a
    teammate decided against in the open document."""

    __slots__ = ("inner", "without")

    def __init__(self, inner: Container[Key], without: Collection[Key]) -> None:
        self.inner, self.without = inner, without

    def __contains__(self, key: object) -> bool:
        return key not in self.without and key in self.inner


class WithTeammates:
    """The team's decisions (`inner`: a full read or the session's cache, both of the other
    documents) with what the other annotators decided in the open document itself, which
    neither holds: the open document's part is its annotator's own, re-read after every key.
    Without it a teammate's rejection in the very document on screen left the text known."""

    def __init__(self, inner: Decisions, against: set[Key], confirmed: set[Key]) -> None:
        self.inner, self.against, self.confirmed = inner, against, confirmed
        self.bulk_ids = inner.bulk_ids  # the same set: a bulk accept here grows it in place

    def known_keys(
        self, here_confirmed: Collection[Key], here_bulk: Collection[Key]
    ) -> tuple[Container[Key], Container[Key]]:
        elsewhere, here = self.inner.known_keys({*here_confirmed, *self.confirmed}, here_bulk)
        if not self.against:
            return elsewhere, here
        return _Without(elsewhere, self.against), _Without(here, self.against)


def with_teammates(team: Decisions, store: Store, doc_id: int, annotator: str, text: str) -> Decisions:
    """`team` with the other annotators' decisions in document `doc_id` (rejections and
    corrections against, explicit accepts confirmed); `team` itself when they made none."""
    with store.reading() as conn:
        gold = conn.execute(
            "SELECT id, start, [end], text, label FROM spans WHERE doc_id = ? AND annotator != ?", (doc_id, annotator)
        ).fetchall()
        rejected = conn.execute(
            "SELECT start, [end], label FROM rejections WHERE doc_id = ? AND annotator != ? AND label IS NOT NULL",
            (doc_id, annotator),
        ).fetchall()
        preds = (
            conn.execute(
                "SELECT start, [end], label FROM predictions WHERE doc_id = ? AND extractor = ? AND label IS NOT NULL",
                (doc_id, str(Extractor.ENTITIES)),
            ).fetchall()
            if gold
            else []
        )
    if not gold and not rejected:
        return team
    against = {(text[s:e], label) for s, e, label in rejected}
    against |= {(text[s:e], label) for s, e, label in corrections([(s, e, lab) for _, s, e, _, lab in gold], preds)}
    confirmed = {(t, lab) for span_id, _, _, t, lab in gold if span_id not in team.bulk_ids}
    return WithTeammates(team, against, confirmed)


def rejected_elsewhere(store: Store, doc_id: int) -> set[Key]:
    return {
        (r["text"], r["label"])
        for r in store.query(
            "SELECT DISTINCT substr(d.text, r.start + 1, r.[end] - r.start) AS text, r.label FROM rejections r "
            "JOIN documents d ON d.id = r.doc_id WHERE r.doc_id != ? AND r.label IS NOT NULL",
            (doc_id,),
        )
    }


def corrected_elsewhere(store: Store, doc_id: int, spans: Sequence[SpanRow]) -> set[Key]:
    """Texts and labels of suggestions a gold span (of `spans`: the other documents', as
    `TeamDecisions.read` reads them) overlaps with other edges or another label. Swept per
    document here, not joined in SQL: at a thousand documents with 20,000 gold spans the join
    took 0.6 s at every opening."""
    gold: dict[int, list[Edges]] = {}
    for _, doc, start, end, _, label in spans:
        gold.setdefault(doc, []).append((start, end, label))
    preds: dict[int, list[Edges]] = {}
    with store.reading() as conn:
        for doc, start, end, label in conn.execute(
            "SELECT p.doc_id, p.start, p.[end], p.label FROM (SELECT DISTINCT doc_id FROM spans WHERE doc_id != ?) s "
            "JOIN predictions p ON p.doc_id = s.doc_id AND p.extractor = ? WHERE p.label IS NOT NULL",
            (doc_id, str(Extractor.ENTITIES)),
        ):
            preds.setdefault(doc, []).append((start, end, label))
    out: set[Key] = set()
    for doc, found in preds.items():
        corrected = corrections(gold[doc], found)
        if corrected:  # only the texts of documents with a correction, each read once
            text = store.scalar("SELECT text FROM documents WHERE id = ?", (doc,)) or ""
            out.update((text[s:e], label) for s, e, label in corrected)
    return out


def corrections(gold: Iterable[Edges], preds: Iterable[Edges]) -> set[Edges]:
    """The suggestions of one document (`preds`) that its gold spans (of every annotator)
    overlap with other edges or another label."""
    found = sorted(gold)
    if not found:
        return set()
    starts = [s for s, _, _ in found]
    longest = max(e - s for s, e, _ in found)
    out: set[Edges] = set()
    for pred in preds:  # inline: tens of thousands of suggestions when the team's gold is read in full
        start, end, _ = pred
        i = bisect_left(starts, end) - 1  # the gold spans starting before the suggestion ends
        while i >= 0 and found[i][0] + longest > start:
            if found[i][1] > start and found[i] != pred:
                out.add(pred)
                break
            i -= 1
    return out


def known_ids(
    text: str,
    preds: Iterable[Mapping[str, Any]],
    gold: Sequence[Any],
    rejections: Sequence[Row],
    team: Decisions,
    keys: Mapping[int, Key] | None = None,
) -> set[int]:
    """Ids of the open suggestions of the document on screen that are known, with its own gold
    (explicit or bulk, by `team.bulk_ids`) and its rejections counted in. `keys` (prediction id
    -> text and label, as the session keeps them) saves slicing the text again: this runs after
    every key, on thousands of suggestions in a long article."""
    here_confirmed = {(g["text"], g["label"]) for g in gold if g["id"] not in team.bulk_ids}
    here_bulk = {(g["text"], g["label"]) for g in gold if g["id"] in team.bulk_ids}
    against_here = {(text[r["start"] : r["end"]], r["label"]) for r in rejections if r.get("label") is not None}
    elsewhere, here = team.known_keys(here_confirmed, here_bulk)
    if keys is None:
        keys = {p["id"]: (text[p["start"] : p["end"]], p.get("label")) for p in preds}
    return {
        p["id"] for p in preds if ((k := keys[p["id"]]) in elsewhere or k in here) and k not in against_here
    }  # inline: thousands of suggestions after every key
