"""Helpers for the team tests (agreement, review, assignment): realistic news written for
them, and two annotators' hand-made versions, written through the store's public action."""

from __future__ import annotations

import re

from conftest import add_document  # noqa: F401  (re-exported)

from annotations.store import Store, now
from annotations.vocab import Status

DISPATCH = (
    "Ahmad Massoud told reporters in Kabul on Monday that the National Resistance Front "
    "would hold Panjshir until the talks in Doha resumed."
)
BRIEF = (
    "Officials in Islamabad denied on Tuesday that Pakistani drones had struck the valley, "
    "a spokesman said, calling the reports baseless."
)


def find(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(phrase), text)]
    return starts[nth], starts[nth] + len(phrase)


def add_spans(store: Store, doc_id: int, annotator: str, spans: list[tuple[str, str]], text: str) -> None:
    with store.action(annotator, "test spans", doc_id=doc_id) as act:
        for phrase, label in spans:
            s, e = find(text, phrase)
            act.insert(
                "spans",
                {
                    "doc_id": doc_id,
                    "start": s,
                    "end": e,
                    "label": label,
                    "text": phrase,
                    "annotator": annotator,
                    "origin": "manual",
                    "created_at": now(),
                },
            )


def add_claim(store: Store, doc_id: int, annotator: str, text: str, phrase: str, type_: str, stance: str) -> None:
    s, e = find(text, phrase)
    with store.action(annotator, "test claim", doc_id=doc_id) as act:
        act.insert(
            "claims",
            {
                "doc_id": doc_id,
                "start": s,
                "end": e,
                "type": type_,
                "stance": stance,
                "annotator": annotator,
                "origin": "manual",
                "created_at": now(),
            },
        )


def mark(store: Store, doc_id: int, annotator: str, status: str = Status.DONE) -> None:
    store.set_status(doc_id, annotator, status)


def judge(store: Store, a: str, b: str, verdict: str, annotator: str) -> None:
    with store.action(annotator, "judge") as act:
        act.insert(
            "judgements",
            {"a": a, "b": b, "label": "PERSON", "verdict": verdict, "annotator": annotator, "created_at": now()},
        )


ALICE_1 = [
    ("Ahmad Massoud", "PERSON"),
    ("Kabul", "GPE"),
    ("Monday", "DATE"),
    ("National Resistance Front", "ORG"),
    ("Panjshir", "GPE"),
    ("Doha", "GPE"),
]
BOB_1 = [
    ("Ahmad Massoud", "PERSON"),
    ("Kabul", "GPE"),
    ("the National Resistance Front", "ORG"),
    ("Panjshir", "LOC"),
    ("Doha", "GPE"),
]
ALICE_2 = [("Islamabad", "GPE"), ("Tuesday", "DATE"), ("Pakistani", "NORP")]
BOB_2 = [("Islamabad", "GPE"), ("Tuesday", "DATE")]
