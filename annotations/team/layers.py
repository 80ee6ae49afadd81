"""Which annotator's annotations are the gold of a document: the one rule export, train and
evaluate share (README, `export`: "the reviewed layer where there is one, else ... the one
`--annotator` names").

1. The reviewed layer (annotator `review`, status `reviewed`) when the document has one: it is
   the team's adjudicated answer, so it wins, whoever `--annotator` names.
2. Else the explicitly named annotator (`--annotator`), if they marked the document done.
3. Else every annotator who marked it done (one example each: the rule before review existed).

`gold_sources` answers for many documents with one query (`held_out=False` leaves out the
documents set aside for evaluation, `True` keeps only them); `describe` says in one line what
was taken, so each command can tell the user (DESIGN: "take it when present, and say so").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotations.store import Store
from annotations.store.held_out import held_out_ids
from annotations.vocab import REVIEW_ANNOTATOR, Status


@dataclass
class GoldChoice:
    """The (document, annotator) pairs that are gold, and why."""

    pairs: list[tuple[int, str]] = field(default_factory=list)
    reviewed: int = 0  # documents whose gold is the reviewed layer
    by_annotator: int = 0  # documents whose gold is the named annotator's
    pooled: int = 0  # documents whose gold is every done annotator's

    def describe(self, annotator: str | None = None) -> str:
        """One line for the user: where the gold came from."""
        parts = []
        if self.reviewed:
            parts.append(f"the reviewed layer for {self.reviewed} documents")
        if self.by_annotator:
            parts.append(f"{annotator}'s annotations for {self.by_annotator} documents")
        if self.pooled:
            parts.append(f"every done annotator's annotations for {self.pooled} documents")
        return "gold: " + ("; ".join(parts) if parts else "no documents")


def choose_gold(versions: Mapping[str, str], annotator: str | None = None) -> list[str]:
    """The gold annotators of one document, given each annotator's status there (the rule)."""
    if versions.get(REVIEW_ANNOTATOR) == Status.REVIEWED:
        return [REVIEW_ANNOTATOR]
    if annotator is not None:
        return [annotator] if versions.get(annotator) in (Status.DONE, Status.REVIEWED) else []
    return sorted(n for n, st in versions.items() if st == Status.DONE and n != REVIEW_ANNOTATOR)


def gold_sources(
    store: Store,
    doc_ids: Iterable[int] | None = None,
    *,
    annotator: str | None = None,
    held_out: bool | None = None,
) -> GoldChoice:
    """The gold (document, annotator) pairs of `doc_ids` (every document when None), in
    document then annotator order, by the rule in the module docstring. held_out: None for
    every document, False without the held-out ones (training), True only them (evaluation)."""
    wanted = None if doc_ids is None else set(doc_ids)
    aside = held_out_ids(store) if held_out is not None else set()
    rows = store.query(
        "SELECT doc_id, annotator, status FROM doc_status WHERE status IN (?, ?) ORDER BY doc_id, annotator",
        (Status.DONE, Status.REVIEWED),
    )
    by_doc: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        if held_out is not None and (row["doc_id"] in aside) != held_out:
            continue
        if wanted is None or row["doc_id"] in wanted:
            by_doc[row["doc_id"]].append((row["annotator"], row["status"]))
    choice = GoldChoice()
    for doc_id in sorted(by_doc):
        names = choose_gold(dict(by_doc[doc_id]), annotator)
        choice.pairs.extend((doc_id, name) for name in names)
        if names == [REVIEW_ANNOTATOR] and annotator != REVIEW_ANNOTATOR:
            choice.reviewed += 1
        elif annotator is not None and names:
            choice.by_annotator += 1
        elif names:
            choice.pooled += 1
    return choice


def gold_annotators(store: Store, doc_id: int, *, annotator: str | None = None) -> list[str]:
    """The annotators whose annotations are the gold of one document (empty: none yet)."""
    return [name for _doc, name in gold_sources(store, [doc_id], annotator=annotator).pairs]
