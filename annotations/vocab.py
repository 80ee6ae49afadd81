"""The product's vocabulary: every closed set of strings, once.

Each is a `StrEnum`, so a member *is* its string: SQLite rows, JSON and config keep the same
text they always had, and `Status("done") is Status.DONE`. Other modules import these instead
of spelling the strings; the CLI's `choices=` come from them.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where one annotator is with one document (`reviewed` is the review layer's)."""

    TODO = "todo"
    IN_PROGRESS = "in progress"
    DONE = "done"
    SKIPPED = "skipped"
    REVIEWED = "reviewed"


class Origin(StrEnum):
    """How a gold span came to be."""

    MANUAL = "manual"
    ACCEPTED = "accepted-prediction"
    IMPORTED = "imported"


class Verdict(StrEnum):
    """A variant judgement: are two forms (or mentions) the same entity?"""

    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"


class RejectionKind(StrEnum):
    """What kind of prediction an annotator rejected."""

    ENTITY = "ent"
    CLAIM = "claim"


class ActionKind(StrEnum):
    """An action group in the event log: a user action, its undo or redo, or a bulk load."""

    DO = "do"
    UNDO = "undo"
    REDO = "redo"
    BULK = "bulk"


class Extractor(StrEnum):
    """The extractors whose output is stored as predictions."""

    ENTITIES = "entities"
    CLAIMS = "claims"
    VARIANTS = "variants"


REVIEW_ANNOTATOR = "review"
"""The annotator name of the reviewed layer (DESIGN: 'ordinary gold under annotator review')."""

LEARN_ANNOTATOR = "newsmark-learner"
"""Who the learning loop's registry actions are logged under: not a person, so its rounds
never enter anyone's undo stack (who started a round is kept in learn_rounds.annotator)."""


class RoundState(StrEnum):
    """Where one round of the learning loop is (table learn_rounds)."""

    RUNNING = "running"
    USED = "used"  # registered and in use: dev F1 did not drop
    KEPT = "kept"  # registered, not used: dev F1 dropped
    SKIPPED = "skipped"  # nothing to learn from (too few documents)
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the trainer died; found so by the next one or a reader
