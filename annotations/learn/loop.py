"""The learning loop: the entity model learns from the team's gold while they annotate.

    run_round(store, config, annotator) -> RoundResult   one round, in this process
    due(store, config) -> bool                           `learn.every` more gold documents since the last round
    maybe_spawn(store, config, annotator) -> bool        start a round in a process of its own when due
    learning_state(store) -> LearningState | None        what the Reader's header shows
    wait_idle(store, timeout) -> LearningState | None    wait for a running trainer
    wait_round(store, config, timeout) -> LearningState | None   wait for a due or running round (a benchmark's `d`)
    python -m annotations.learn.loop --db DB [--config FILE] [--annotator NAME]   the spawned process

A round fine-tunes NER on the gold as `newsmark train` does (`train_ner`: the same corpus,
held-out documents never read, rehearsal) with a small step budget and patience (config
`learn:`), twice (annotations.learn.check): a check learns from the gold the model in use has
seen and is scored, with the model in use, on the gold it has not (dev F1 before -> after);
then a refit learns from all the gold, the first document included, for the steps the check
found best. When the model in use is that check already (learned from exactly that gold, from
the configured model) it is not trained again: the round trains once, scoring the model in
use against the configured model on the gold it has not seen. The refit is registered, and made the one in use only when the check's dev F1
did not drop (else it stays in `newsmark models list`, unused). Then it
re-predicts up to `learn.repredict` documents nobody has finished or worked on by hand
(`untouched`: the decisions `=` carried there stay), so the next ones open with the learned
model's suggestions. Those documents are never rehearsal text: rehearsing the
model's old answers on them would teach it to repeat exactly the suggestions the round is
meant to improve.

One trainer per database: an exclusive flock on DB.learn.lock, which the kernel releases when
the trainer dies however it dies, so a killed trainer's lock is free at once. Its round stays
"running" in learn_rounds until the next trainer (or `learning_state`, which probes the lock)
finds the lock free and calls it interrupted. Nothing is half-registered: `train_ner`
registers the model and renames its directory in one transaction, last.

The app never trains in its own process (a round takes about a minute of both cores): it
calls `maybe_spawn` when a document is marked done, which starts this module as a detached
process and returns at once. Registry actions are logged under LEARN_ANNOTATOR, so they never
enter an annotator's undo stack.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from annotations.config import Config, load_config
from annotations.errors import NewsmarkError, UserInputError
from annotations.extract.pipeline import resolve_model
from annotations.learn.check import CheckPlan, check_documents, refit_steps, shared_check
from annotations.learn.train.ner import TrainOptions, current_model, train_ner
from annotations.predict.run import prepare_pipeline
from annotations.predict.single import predict_document
from annotations.reading.values import plural
from annotations.store import Store
from annotations.store import learning as rounds
from annotations.store.models import use
from annotations.vocab import LEARN_ANNOTATOR, RoundState

LOCK_SUFFIX = ".learn.lock"
LOG_SUFFIX = ".learn.log"
BEAT_SECONDS = 5.0


@dataclass
class RoundResult:
    """What one round did (bench/bench_annotation_keys.py --learn-every reads it)."""

    used: bool  # the new model is now the one predict and the Reader use
    before: float | None  # dev F1 of the model in use before the round
    after: float | None  # dev F1 of the model the round trained
    docs: int  # gold documents (held-out ones left out) the round learned from
    model: str | None  # the registered model's name (None: nothing registered)
    repredicted: int  # untouched documents (nobody finished or worked on them), predicted again with the new model
    state: str = RoundState.USED  # a RoundState, or "busy" when another trainer holds the lock
    message: str = ""
    seconds: float = 0.0


@dataclass
class LearningState:
    """The latest round as the Reader's header shows it."""

    state: str
    docs: int
    before: float | None
    after: float | None
    model: str | None
    message: str
    id: int = 0  # the round's row in learn_rounds

    def line(self) -> str:
        """One short line: 'learning from 10 documents…', 'learned from 10 documents: dev F1 0.81 -> 0.88'."""
        figures = f"dev F1 {_f(self.before)} -> {_f(self.after)}"
        if self.state == RoundState.RUNNING:
            return f"learning from {plural(self.docs, 'document')}…"
        if self.state == RoundState.USED:
            return f"learned from {plural(self.docs, 'document')}: {figures}"
        if self.state == RoundState.KEPT:
            return f"learned from {plural(self.docs, 'document')}: {figures}, not better: not used"
        if self.state == RoundState.INTERRUPTED:
            return "learning stopped before the end: it runs again after the next documents"
        return f"learning {self.state}: {self.message}"


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


# --------------------------------------------------------------------------- the lock


def lock_path(store: Store) -> Path:
    return Path(str(store.path) + LOCK_SUFFIX)


@contextmanager
def trainer_lock(store: Store, wait: float = 2.0) -> Iterator[bool]:
    """Hold the database's trainer lock for the block; yields False (not held) when another
    process holds it after `wait` seconds. A lock file that cannot be created (a read-only
    directory) raises UserInputError."""
    try:
        handle = open(lock_path(store), "a+b")
    except OSError as exc:
        raise UserInputError(f"{lock_path(store)}: cannot create the trainer lock ({exc.strerror or exc})") from None
    try:
        held = _acquire(handle, wait)
        try:
            yield held
        finally:
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _acquire(handle: IO[bytes], wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


def trainer_alive(store: Store) -> bool:
    """Whether a trainer holds the lock now (a probe: takes and drops it when free)."""
    path = lock_path(store)
    if not path.exists():
        return False
    try:
        with open(path, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


# --------------------------------------------------------------------------- state


def learning_state(store: Store) -> LearningState | None:
    """The latest round, or None before the first; a "running" round whose trainer is gone
    reads as interrupted."""
    row = rounds.latest_round(store)
    if row is None:
        return None
    state = row["state"]
    if state == RoundState.RUNNING and not trainer_alive(store):
        state = RoundState.INTERRUPTED
    return LearningState(
        state, row["docs"], row["before_f1"], row["after_f1"], row["model"], row["message"] or "", row["id"]
    )


def wait_idle(store: Store, timeout: float = 600.0, poll: float = 0.5) -> LearningState | None:
    """Wait until no trainer holds the database's lock (at most `timeout` seconds), then
    return the latest round's state: for a script that lets the app spawn rounds (`d` with
    `learn.every`) and must see each one's result before going on."""
    deadline = time.monotonic() + timeout
    while trainer_alive(store) and time.monotonic() < deadline:
        time.sleep(poll)
    return learning_state(store)


def wait_round(store: Store, config: Config, timeout: float = 1800.0, poll: float = 0.5) -> LearningState | None:
    """Wait (at most `timeout` seconds) until no round is due and none is running, then return
    the latest round's state: for a script that marks documents done in the app, which spawns
    the rounds (`maybe_spawn`), and must see each one's result before going on. A round just
    spawned counts from the moment it is due, before its process takes the lock."""
    deadline = time.monotonic() + timeout
    while (due(store, config) or trainer_alive(store)) and time.monotonic() < deadline:
        time.sleep(poll)
    return learning_state(store)


def due(store: Store, config: Config) -> bool:
    """`learn.every` more gold documents (done or reviewed, not held out) than the latest round
    started from (the first one is enough: annotations.learn.check)."""
    every = config.learn.every
    if every <= 0:
        return False
    gold = rounds.gold_document_count(store)
    return gold >= 1 and gold - rounds.last_trained_docs(store) >= every


# --------------------------------------------------------------------------- a round


def run_round(
    store: Store, config: Config, annotator: str, *, on_phase: Callable[[str], None] | None = None
) -> RoundResult:
    """One round in this process (see the module docstring); returns at once with state
    "busy" when another trainer holds the database's lock."""
    start = time.perf_counter()
    with trainer_lock(store) as held:
        docs = rounds.gold_document_count(store)
        if not held:
            return RoundResult(False, None, None, docs, None, 0, "busy", "another trainer is running on this database")
        rounds.interrupt_stale(store)
        remove_leftovers(store)
        round_id = rounds.start_round(store, os.getpid(), socket.gethostname(), annotator, docs)
        try:
            result = _train_and_use(store, config, round_id, docs, on_phase)
        except UserInputError as exc:
            rounds.finish_round(store, round_id, RoundState.SKIPPED, message=str(exc))
            result = RoundResult(False, None, None, docs, None, 0, RoundState.SKIPPED, str(exc))
        except (NewsmarkError, OSError, ValueError, RuntimeError) as exc:
            message = f"{type(exc).__name__}: {exc}"
            rounds.finish_round(store, round_id, RoundState.FAILED, message=message)
            result = RoundResult(False, None, None, docs, None, 0, RoundState.FAILED, message)
        except BaseException:
            rounds.finish_round(store, round_id, RoundState.INTERRUPTED, message="interrupted")
            raise
    result.seconds = time.perf_counter() - start
    return result


def _train_and_use(
    store: Store, config: Config, round_id: int, docs: int, on_phase: Callable[[str], None] | None
) -> RoundResult:
    """Train (as `newsmark train`), register, use when dev F1 did not drop, re-predict."""
    last = [0.0]

    def phase(text: str) -> None:
        rounds.beat(store, round_id, text)
        if on_phase is not None:
            on_phase(text)

    def step(_info: Any) -> None:
        if time.monotonic() - last[0] >= BEAT_SECONDS:
            last[0] = time.monotonic()
            rounds.beat(store, round_id)

    learn = config.learn
    plan = check_documents(store)
    base_model = resolve_model(config.model.name, config.model.fallbacks)
    opts = TrainOptions(
        max_steps=learn.max_steps,
        eval_frequency=learn.eval_frequency,
        patience=learn.patience,
        name=f"learn-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}-r{round_id}",
        keep_unimproved=True,
        spare=frozenset(untouched(store, learn.repredict)),  # never rehearse the old answers on what comes next
        dev_ids=plan.check,
        # every round fine-tunes the configured model (not the one in use, which has seen the check's
        # gold: its best step count would say nothing of the new documents); before is the model in use
        # (the configured model when the model in use is the check: annotations.learn.check)
        base_model=base_model,
        judge_with=current_model(store, config),
    )
    refit, described = _check(store, config, opts, plan, step, phase)
    phase("learning from all the gold")
    outcome = train_ner(store, config, refit, annotator=LEARN_ANNOTATOR, on_step=step, on_phase=phase)
    before = (outcome.before or {}).get("f")
    after = outcome.after.get("f")
    used = after is not None and (before is None or after >= before)
    repredicted = 0
    if used:
        use(store, outcome.name, LEARN_ANNOTATOR)
        phase("predicting the documents nobody has worked on")
        repredicted = repredict_untouched(store, config, learn.repredict)
    state = RoundState.USED if used else RoundState.KEPT
    message = f"{described}; {outcome.gold}; {outcome.rehearsal_source}"
    rounds.finish_round(
        store,
        round_id,
        state,
        docs=docs,
        before_f1=before,
        after_f1=after,
        model=outcome.name,
        used=int(used),
        repredicted=repredicted,
        message=message,
    )
    return RoundResult(used, before, after, docs, outcome.name, repredicted, state, message)


def _check(
    store: Store,
    config: Config,
    opts: TrainOptions,
    plan: CheckPlan,
    step: Callable[[Any], None],
    phase: Callable[[str], None],
) -> tuple[TrainOptions, str]:
    """The round's check, trained and scored, or shared when the model in use is it
    (annotations.learn.check); (the refit's options, what was checked and trained, in words)."""
    cap = config.learn.max_steps
    shared = shared_check(store, plan, opts.base_model)
    if shared is not None:  # train once: the refit is scored with the model in use as "after"
        steps = refit_steps(shared.steps, shared.docs, len(plan.gold), cap)
        refit = replace(opts, refit_steps=steps, judge_with=opts.base_model, judge_after=shared.path)
        return (
            refit,
            f"{shared.describe(plan)}; the check {plural(shared.steps, 'step')}, the model {plural(steps, 'step')}",
        )
    phase("checking: learning from the gold the model in use has seen")
    check = train_ner(store, config, replace(opts, register=False), annotator=LEARN_ANNOTATOR, on_step=step)
    judged = (check.before_model, check.before, check.after)
    best = check.loop.first_best_step + 1  # the first step that scored best: a tie later learned nothing the check saw
    steps = refit_steps(best, check.train_docs, len(plan.gold), cap)
    trained = f"the check's best step {best} of {check.loop.steps}, the model {plural(steps, 'step')}"
    return replace(opts, refit_steps=steps, judged=judged), f"{plan.describe()}; {trained}"


FINISHED = "SELECT doc_id FROM doc_status WHERE status IN ('done', 'skipped', 'reviewed')"


def worked_on(store: Store) -> set[int]:
    """Documents someone changed by hand in the Reader (an action recorded on the document;
    the decisions `=` carries to other documents are recorded on none of them)."""
    rows = store.query(
        "SELECT DISTINCT doc_id FROM action_groups WHERE doc_id IS NOT NULL AND annotator != ?", (LEARN_ANNOTATOR,)
    )
    return {r["doc_id"] for r in rows}


def untouched(store: Store, limit: int) -> list[int]:
    """Up to `limit` documents nobody has finished or worked on by hand, in Library order: the
    next ones somebody will open. The decisions `=` carried there stay (gold spans and
    rejections hide the suggestions they settle); the learned model suggests the rest."""
    worked = worked_on(store)
    rows = store.query(f"SELECT id FROM documents WHERE id NOT IN ({FINISHED}) ORDER BY id")
    return [r["id"] for r in rows if r["id"] not in worked][: max(0, int(limit))]


def is_untouched(store: Store, doc_id: int) -> bool:
    """Whether nobody has finished this document or worked on it by hand (its suggestions may
    change under nobody's work)."""
    finished = store.scalar(f"SELECT 1 FROM ({FINISHED}) WHERE doc_id = ?", (int(doc_id),))
    worked = store.scalar(
        "SELECT 1 FROM action_groups WHERE doc_id = ? AND annotator != ? LIMIT 1", (int(doc_id), LEARN_ANNOTATOR)
    )
    return finished is None and worked is None


def repredict_untouched(store: Store, config: Config, limit: int) -> int:
    """Predict (and store, as `predict` does) the next untouched documents with the model in use."""

    ids = untouched(store, limit)
    if not ids:
        return 0
    nlp = prepare_pipeline(store, config)
    return sum(1 for doc_id in ids if predict_document(store, nlp, config, doc_id))


def remove_leftovers(store: Store) -> list[Path]:
    """What a killed round left beside the models (the caller holds the trainer lock, so no
    round is at work): its temporary directories, and a learned model's directory that no
    registry row names (a kill between the rename into place and the commit of its row).
    Returns what it removed."""
    models = Path(store.path).resolve().parent / "models"
    if not models.is_dir():
        return []
    registered = {Path(r["path"]).name for r in store.query("SELECT path FROM models")}
    found = [p for p in models.glob(".learn-*.tmp-*") if p.is_dir()]
    found += [p for p in models.glob("learn-*") if p.is_dir() and p.name not in registered]
    for leftover in found:
        shutil.rmtree(leftover, ignore_errors=True)
    return found


# --------------------------------------------------------------------------- the process


def maybe_spawn(store: Store, config: Config, annotator: str) -> bool:
    """Start a round in a detached process when one is due and no trainer runs; never waits.
    Its output goes to DB.learn.log. Returns whether it started one."""
    if not due(store, config) or trainer_alive(store):
        return False
    cmd = [sys.executable, "-m", "annotations.learn.loop", "--db", str(store.path), "--annotator", annotator]
    if config.source and Path(config.source).is_file():
        cmd += ["--config", str(config.source)]
    try:
        with open(str(store.path) + LOG_SUFFIX, "ab") as log:
            subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True
            )
    except OSError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m annotations.learn.loop", description="one learning round")
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default=None)
    parser.add_argument("--annotator", default=None)
    args = parser.parse_args(argv)
    config = load_config(args.config)
    store = Store(args.db)
    result = run_round(store, config, config.resolve_annotator(args.annotator))
    print(f"{datetime.now(UTC).isoformat(timespec='seconds')} learn round: {result}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
