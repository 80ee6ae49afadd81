"""What a learning round checks its model on, so it can learn from all the gold and still
decide honestly whether to use what it learned.

    check_documents(store) -> CheckPlan        the documents the model in use never learned from
    refit_steps(check_steps, check_docs, all_docs, cap) -> steps for the refit on all the gold

A round (annotations.learn.loop) trains twice, each time from the configured model. The check:
fine-tune it on the gold the model in use has already learned from and score it, and the model
in use, on the gold documents the model in use never saw (marked done since its round:
prequential, each of them was suggested on by that model without its answers). The refit: the
same fine-tuning on all the gold, the checked documents too, for the check's best step count
(scaled by the number of documents); that model is registered, and used when the check's F1 did
not drop. "dev F1" is the check's: before (the model in use) -> after (the check).

Which documents are checked on:
* the gold documents the model in use was not trained on (its registry row says which it was);
* when that is every gold document (the model in use is the base, or a model trained
  elsewhere) the newest half of them, so the check still learns from the older half;
* with a single gold document, its second half (the check learns from the first).
With `learn.every: 1` the check is on one document (or half of one) and noisy: one that fails
keeps the model in use, and its documents stay unseen, so the next round checks on them and
the new ones together.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.store import Store
from annotations.store import learning as rounds
from annotations.store.models import in_use
from annotations.vocab import Extractor


@dataclass(frozen=True)
class CheckPlan:
    gold: tuple[int, ...]  # every gold document (held out ones left out), oldest first
    check: frozenset[int]  # the documents the check scores on (all of `gold` when one: its second half)

    def describe(self) -> str:
        """One phrase for the round's message: what dev F1 was measured on."""
        if len(self.gold) == 1:
            return "dev F1 on the second half of the one gold document (the check learned from the first)"
        return (
            f"dev F1 on the {len(self.check)} gold document(s) the model in use never learned from "
            f"(the check learned from the other {len(self.gold) - len(self.check)}, the model from all)"
        )


def learned_from(store: Store) -> set[int] | None:
    """The gold documents the entity model in use was trained on, or None when no registered
    model is in use or its row does not say (a model from before the learning loop recorded it)."""
    row = in_use(store, Extractor.ENTITIES)
    if row is None:
        return None
    ids = (row.get("scores") or {}).get("trained_on")
    return {int(i) for i in ids} if isinstance(ids, list) else None


def check_documents(store: Store) -> CheckPlan:
    """The round's check documents (see the module docstring); no gold gives an empty plan."""
    gold = rounds.gold_documents(store)
    seen = learned_from(store) or set()
    unseen = [d for d in gold if d not in seen]
    if len(gold) <= 1:
        check = list(gold)
    elif unseen and len(unseen) < len(gold):
        check = unseen
    else:
        check = gold[len(gold) - len(gold) // 2 :]
    return CheckPlan(tuple(gold), frozenset(check))


def refit_steps(check_steps: int, check_docs: int, all_docs: int, cap: int) -> int:
    """Steps for the refit: the check's best step count, scaled by how much more gold the refit
    has (as many epochs), at most `cap` (learn.max_steps)."""
    scaled = round(max(1, check_steps) * max(1, all_docs) / max(1, check_docs))
    return max(1, min(cap, scaled))
