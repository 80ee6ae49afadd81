"""What a learning round checks its model on, so it can learn from all the gold and still
decide honestly whether to use what it learned.

    check_documents(store) -> CheckPlan        the documents the model in use never learned from
    shared_check(store, plan, base_model) -> SharedCheck | None   the model in use, when it is the check
    refit_steps(check_steps, check_docs, all_docs, cap) -> steps for the refit on all the gold

A round (annotations.learn.loop) trains twice, each time from the configured model. The check:
fine-tune it on the gold the model in use has already learned from and score it, and the model
in use, on the gold documents the model in use never saw (marked done since its round:
prequential, each of them was suggested on by that model without its answers). The refit: the
same fine-tuning on all the gold, the checked documents too, for the check's best step count
(the first step that scored best; scaled by the number of documents); that model is registered, and used when the check's F1 did
not drop. "dev F1" is the check's: before (the model in use) -> after (the check).

Which documents are checked on:
* the gold documents the model in use was not trained on (its registry row says which it was);
* when that is every gold document (the model in use is the base, or a model trained
  elsewhere) the newest half of them, so the check still learns from the older half;
* with a single gold document, its second half (the check learns from the first).
With `learn.every: 1` the check is on one document (or half of one) and noisy: one that fails
keeps the model in use, and its documents stay unseen, so the next round checks on them and
the new ones together.

The check is shared (not trained again) when the model in use is one: fine-tuned from the
configured model on exactly the gold the check would learn from (its registry row says which
documents and how many steps). Training the check again would give that model once more, up
to the noise of a second run, and judging it against itself would always tie. So the round
trains once: "after" is the model in use's score on the documents it never saw, "before" the
configured model's on the same documents (the model every round fine-tunes: what learning
from that gold changed on unseen text), and the refit takes the model in use's step count,
scaled by the number of documents. Used when the model in use did not lose to the configured
model; otherwise it stays in use, the refit is kept unused, and the next round checks again
on more unseen documents. With `learn.every: 1` this is every round after the first used one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class SharedCheck:
    """The model in use as the round's check (see the module docstring)."""

    path: str  # its directory
    steps: int  # the updates its weights had
    docs: int  # the gold documents it learned from

    def describe(self, plan: CheckPlan) -> str:
        return (
            f"dev F1 on the {len(plan.check)} gold document(s) the model in use never learned from, "
            f"before the configured model, after the model in use, which is the check "
            f"(it learned from the other {self.docs} from the configured model: not trained again)"
        )


def shared_check(store: Store, plan: CheckPlan, base_model: str | None) -> SharedCheck | None:
    """The model in use when it is the check the round would train: fine-tuned from
    `base_model` (the configured model) on exactly the gold documents outside the check, its
    step count known; else None (the round trains its check)."""
    row = in_use(store, Extractor.ENTITIES)
    if row is None or base_model is None or row.get("base_model") != base_model:
        return None
    scores = row.get("scores") or {}
    ids, steps = scores.get("trained_on"), scores.get("steps")
    if not isinstance(ids, list) or not isinstance(steps, int) or steps < 1 or not Path(row["path"]).is_dir():
        return None
    learned = {int(i) for i in ids}
    if not learned or learned != set(plan.gold) - plan.check:
        return None
    return SharedCheck(str(row["path"]), steps, len(learned))


def refit_steps(check_steps: int, check_docs: int, all_docs: int, cap: int) -> int:
    """Steps for the refit: the check's best step count, scaled by how much more gold the refit
    has (as many epochs), at most `cap` (learn.max_steps)."""
    scaled = round(max(1, check_steps) * max(1, all_docs) / max(1, check_docs))
    return max(1, min(cap, scaled))
