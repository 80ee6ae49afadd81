"""Documents held out for evaluation (schema v4, table `held_out`): training, rehearsal and the
learning loop never read them; `evaluate` scores them by default.

    held_out_ids(store) -> set of document ids
    is_held_out(store, doc_id) -> bool
    set_held_out(act, doc_ids, held, annotator) -> how many changed   (inside one action)
    split_candidates(store, seed) -> gold document ids, in the split's seeded order
    split(store, test, seed, annotator, clear=False) -> SplitResult   (one undoable action)

A flag is a row (id, doc_id, set_by, set_at); setting and clearing it are logged like any
annotation, so `u` (or `newsmark undo`) restores it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.errors import UserInputError
from annotations.store.history import Action, now

if TYPE_CHECKING:
    from annotations.store.database import Store


def held_out_ids(store: Store) -> set[int]:
    return {int(r["doc_id"]) for r in store.query("SELECT doc_id FROM held_out")}


def is_held_out(store: Store, doc_id: int) -> bool:
    return bool(store.scalar("SELECT 1 FROM held_out WHERE doc_id = ?", (doc_id,)))


def set_held_out(act: Action, doc_ids: Iterable[int], held: bool, annotator: str) -> int:
    """Flag (held=True) or unflag the documents inside `act`; returns how many changed."""
    changed = 0
    for doc_id in doc_ids:
        found = act.execute("SELECT id FROM held_out WHERE doc_id = ?", (doc_id,)).fetchone()
        if held and found is None:
            act.insert("held_out", {"doc_id": doc_id, "set_by": annotator, "set_at": now()})
            changed += 1
        elif not held and found is not None:
            act.delete("held_out", found[0])
            changed += 1
    return changed


def seeded_rank(seed: int, key: str) -> bytes:
    """The order a seeded split uses: a hash of the seed and a document's content hash, so
    the same documents and seed always give the same split whatever their ids."""
    return hashlib.sha256(f"{seed}\0held-out\0{key}".encode()).digest()


def split_candidates(store: Store, seed: int) -> list[int]:
    """Documents somebody finished (done, or reviewed), in the seeded order of a split."""
    rows = store.query(
        "SELECT d.id, d.hash FROM documents d WHERE EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id "
        "AND s.status IN ('done', 'reviewed'))"
    )
    return [r["id"] for r in sorted(rows, key=lambda r: seeded_rank(seed, r["hash"]))]


@dataclass
class SplitResult:
    candidates: int  # gold documents the split chose from
    held_out: int  # of them, held out now
    added: int  # newly held out by this run
    cleared: int  # flags --clear removed first


def split(store: Store, test: float, seed: int, annotator: str, *, clear: bool = False) -> SplitResult:
    """Hold out `test` of the gold documents (at least one when there are two), in the seeded
    order, as one undoable action. Documents held out already count towards the share, so
    re-running adds only what is missing; `clear` first removes every flag."""
    if not 0 < test < 1:
        raise UserInputError(f"--test {test:g}: the held-out share must be between 0 and 1 (e.g. 0.2)")
    ranked = split_candidates(store, seed)
    with store.action(annotator, "split held-out") as act:
        cleared = set_held_out(act, sorted(held_out_ids(store)), False, annotator) if clear else 0
        aside = {int(r[0]) for r in act.execute("SELECT doc_id FROM held_out").fetchall()}
        target = max(1, round(test * len(ranked))) if len(ranked) >= 2 else 0
        have = [d for d in ranked if d in aside]
        todo = [d for d in ranked if d not in aside][: max(0, target - len(have))]
        added = set_held_out(act, todo, True, annotator)
    return SplitResult(len(ranked), len(have) + added, added, cleared)
