"""Assignment: give each document to `overlap` annotators, the load balanced between them.

Documents are taken in import order; each goes to the annotators with the fewest documents so
far (assignments already in the store count), ties broken by a rotation so that every pair of
annotators shares documents, which agreement needs. Re-running adds only what is missing.
Assignments are a team's plan, not an annotation: one bulk action, outside undo.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotations.errors import UserInputError
from annotations.store import Store, now
from annotations.vocab import REVIEW_ANNOTATOR, ActionKind, Status


@dataclass
class AssignReport:
    documents: int = 0  # documents selected
    added: int = 0  # new assignments written
    load: dict[str, int] = field(default_factory=dict)  # assigned documents per annotator, after
    gold_checks: dict[str, int] = field(default_factory=dict)  # reviewed documents mixed in, per annotator


def select_documents(
    store: Store, annotators: Sequence[str], *, status: str | None = None, search: str | None = None
) -> list[int]:
    """Documents matching `search` whose status is `status` for every one of `annotators`."""
    ids = store.document_ids(query=search or None)
    if status is None:
        return ids
    rows = store.query(
        f"SELECT doc_id, annotator, status FROM doc_status WHERE annotator IN ({','.join('?' * len(annotators))})",
        list(annotators),
    )
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    for row in rows:
        statuses[row["doc_id"]][row["annotator"]] = row["status"]
    return [d for d in ids if all(statuses[d].get(a, Status.TODO) == status for a in annotators)]


def plan(
    doc_ids: Sequence[int], annotators: Sequence[str], overlap: int, existing: dict[int, set[str]], load: Counter[str]
) -> list[tuple[int, str]]:
    """The (document, annotator) pairs to add; `load` is updated as they are chosen."""
    n = len(annotators)
    out = []
    for k, doc_id in enumerate(doc_ids):
        have = existing.get(doc_id, set()) & set(annotators)
        free = [a for a in annotators if a not in have]
        free.sort(key=lambda a: (load[a], (annotators.index(a) - k) % n))
        for annotator in free[: max(0, overlap - len(have))]:
            out.append((doc_id, annotator))
            load[annotator] += 1
    return out


def assign(
    store: Store,
    assigner: str,
    annotators: Sequence[str],
    overlap: int,
    *,
    status: str | None = None,
    search: str | None = None,
    gold_rate: float = 0.0,
) -> AssignReport:
    """Give each selected document to `overlap` annotators; with `gold_rate`, also mix that
    share of reviewed documents into each annotator's queue as hidden gold checks."""
    names = list(dict.fromkeys(annotators))
    if not 0 <= gold_rate <= 1:
        raise UserInputError(f"--gold-rate: expected a share from 0 to 1 (0.05 is one in twenty), got {gold_rate}")
    if len(names) < 1:
        raise UserInputError("--annotators: name at least one annotator")
    if not 1 <= overlap <= len(names):
        raise UserInputError(f"--overlap: expected 1 to {len(names)} (the number of annotators), got {overlap}")
    if status is not None and status not in set(Status):
        raise UserInputError(f"--status: expected one of {', '.join(Status)}, got {status!r}")
    docs = select_documents(store, names, status=status, search=search)
    existing: dict[int, set[str]] = defaultdict(set)
    load: Counter[str] = Counter({a: 0 for a in names})
    for row in store.query("SELECT doc_id, annotator FROM assignments"):
        existing[row["doc_id"]].add(row["annotator"])
        if row["annotator"] in load:
            load[row["annotator"]] += 1
    pairs = plan(docs, names, overlap, existing, load)
    checks = plan_gold_checks(store, names, pairs, existing, gold_rate) if gold_rate else []
    if pairs or checks:
        stamp = now()
        with store.action(assigner, f"assign {len(docs)} documents", kind=ActionKind.BULK) as act:
            for doc_id, annotator in pairs + checks:
                act.insert(
                    "assignments",
                    {
                        "doc_id": doc_id,
                        "annotator": annotator,
                        "assigned_by": assigner,
                        "created_at": stamp,
                        "gold_check": int((doc_id, annotator) in checks),
                    },
                )
    gold = Counter(a for _, a in checks)
    for _, annotator in checks:
        load[annotator] += 1
    return AssignReport(
        documents=len(docs), added=len(pairs) + len(checks), load=dict(load), gold_checks={a: gold[a] for a in names}
    )


def plan_gold_checks(
    store: Store,
    annotators: Sequence[str],
    pairs: Sequence[tuple[int, str]],
    existing: dict[int, set[str]],
    rate: float,
) -> list[tuple[int, str]]:
    """For each annotator, ceil(rate x the documents this run gives them) reviewed documents
    they never worked on and were never given, taken in turn so that the team shares them."""
    reviewed = [
        r["doc_id"]
        for r in store.query(
            "SELECT doc_id FROM doc_status WHERE annotator = ? AND status = ? ORDER BY doc_id",
            (REVIEW_ANNOTATOR, Status.REVIEWED),
        )
    ]
    worked: dict[int, set[str]] = defaultdict(set)
    for r in store.query("SELECT doc_id, annotator FROM doc_status WHERE status != ?", (Status.TODO,)):
        worked[r["doc_id"]].add(r["annotator"])
    given = Counter(a for _, a in pairs)
    for doc_id, annotator in pairs:
        worked[doc_id].add(annotator)  # given to them this run: not a check too
    out: list[tuple[int, str]] = []
    for k, annotator in enumerate(annotators):
        want = math.ceil(rate * given[annotator])
        free = [d for d in reviewed if annotator not in worked[d] | existing.get(d, set())]
        if free:
            start = k % len(free)
            out += [(d, annotator) for d in (free[start:] + free[:start])[:want]]
    return out


def assigned_ids(store: Store, annotator: str) -> set[int]:
    """The documents assigned to `annotator` (the Library lists them first)."""
    return {r["doc_id"] for r in store.query("SELECT doc_id FROM assignments WHERE annotator = ?", (annotator,))}


def has_assignments(store: Store, annotator: str) -> bool:
    """Whether anything is assigned to this annotator (the Library's "assigned to me")."""
    return store.scalar("SELECT 1 FROM assignments WHERE annotator = ? LIMIT 1", (annotator,)) is not None
