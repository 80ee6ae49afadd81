"""Phase 4a: a speaker ranker that learns from the team's claims.

    speaker_candidates(doc, unit, cue, prev_speaker) -> [Candidate]   the phrases that may name the source
    SpeakerRanker.fit(groups) / .choose(candidates) / .save(path) / SpeakerRanker.load(path)

For the cue a claim keeps, every noun phrase of its sentence outside the quoted words (names,
pronouns, descriptions) is a candidate, the rules' own choice among them. Each is described by
a few features (its relation to the cue verb and the path to it, its side and distance from the
cue and from the quotation, entity label, part of speech, whether the rules chose it, whether it
repeats the previous claim's speaker...) and scored by a logistic regression fitted with numpy
on the gold claims (`newsmark train --extractor claims`). Without a fitted ranker the rules'
choice stands; with one, the best-scored candidate wins when it beats the rules' choice by
MARGIN. Pronouns and descriptions it picks are then resolved by the rules (speakers.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from annotations.extract.claims.cues import Cue, speaker_span
from annotations.extract.claims.lexicon import ORG_NOUNS, PERSON_ROLE_NOUNS, REPORT_NOUNS
from annotations.extract.claims.units import Unit

RANKER_FILE = "speaker_ranker.json"
RANKER_FORMAT = 1
MARGIN = 0.05
MAX_CANDIDATES = 12
_PRONOUNS = frozenset("he she they it we i".split())
_DEPS = ("nsubj", "nsubjpass", "pobj", "dobj", "appos", "conj", "attr")
FEATURES = (
    "rule",
    *(f"dep={d}" for d in _DEPS),
    "dep=other",
    "governed_by_cue",
    "path_length",
    "after_cue",
    "token_distance",
    "quote=before",
    "quote=after",
    "quote=between",
    "quote=none",
    "label=PERSON",
    "label=ORG",
    "label=place",
    "label=none",
    "pos=PROPN",
    "pos=NOUN",
    "pos=PRON",
    "previous_speaker",
    "role_noun",
    "org_noun",
    "report_noun",
    "length",
    "capitalised",
)
_INDEX = {name: k for k, name in enumerate(FEATURES)}


@dataclass
class Candidate:
    start: int  # token range of the phrase
    end: int
    head: Any  # its head token
    features: np.ndarray = field(repr=False)
    rule: bool = False


def _path_length(a: Any, b: Any) -> int:
    """Edges between two tokens in the dependency tree (capped)."""
    up_a = [a, *a.ancestors]
    where = {t.i: k for k, t in enumerate(up_a)}
    for k, t in enumerate([b, *b.ancestors]):
        if t.i in where:
            return min(8, k + where[t.i])
    return 8


def _features(doc: Any, unit: Unit, cue: Cue, head: Any, start: int, end: int, rule: bool, prev: str) -> np.ndarray:
    x = np.zeros(len(FEATURES))
    cue_tok = doc[cue.start]
    x[_INDEX["rule"]] = rule
    x[_INDEX[f"dep={head.dep_}" if head.dep_ in _DEPS else "dep=other"]] = 1
    governed = head.head.i == cue_tok.i or (head.head.head.i == cue_tok.i and head.dep_ in ("pobj", "agent"))
    x[_INDEX["governed_by_cue"]] = governed or (cue.lemma == "according to" and head.head.i == cue.start + 1)
    x[_INDEX["path_length"]] = _path_length(head, cue_tok) / 8
    x[_INDEX["after_cue"]] = head.i > cue_tok.i
    x[_INDEX["token_distance"]] = min(abs(head.i - cue_tok.i), 20) / 20
    if not unit.inner:
        side = "none"
    elif head.idx < min(s for s, _ in unit.inner):
        side = "before"
    elif head.idx > max(e for _, e in unit.inner):
        side = "after"
    else:
        side = "between"
    x[_INDEX[f"quote={side}"]] = 1
    label = head.ent_type_
    x[_INDEX["label=" + (label if label in ("PERSON", "ORG") else "place" if label in ("GPE", "NORP") else "none")]] = 1
    if head.pos_ in ("PROPN", "NOUN", "PRON"):
        x[_INDEX[f"pos={head.pos_}"]] = 1
    words = doc[start:end].text.lower().split()
    x[_INDEX["previous_speaker"]] = bool(prev) and bool(words) and words[-1] == prev.lower().split()[-1]
    x[_INDEX["role_noun"]] = head.lower_ in PERSON_ROLE_NOUNS
    x[_INDEX["org_noun"]] = head.lower_ in ORG_NOUNS
    x[_INDEX["report_noun"]] = head.lemma_.lower() in REPORT_NOUNS
    x[_INDEX["length"]] = min(end - start, 8) / 8
    x[_INDEX["capitalised"]] = (head.text[:1].isupper() and head.i != start) or head.pos_ == "PROPN"
    return x


def speaker_candidates(doc: Any, unit: Unit, cue: Cue, prev_speaker: str | None) -> list[Candidate]:
    """The rules' choice and the other noun phrases of the cue's sentence outside the quotation,
    nearest the cue first (at most MAX_CANDIDATES)."""
    lo, hi = cue.bounds
    prev = prev_speaker or ""
    rule = cue.speaker(doc)
    found: dict[tuple[int, int], Any] = {}
    if rule is not None:
        found[rule] = cue.who
    heads = []
    for tok in doc[lo:hi]:
        if tok.pos_ not in ("PROPN", "NOUN", "PRON") or (unit.inner and unit.inside_quote(tok)):
            continue
        if tok.pos_ == "PRON" and tok.lower_ not in _PRONOUNS:
            continue
        if tok.dep_ in ("compound", "flat", "amod", "poss", "nmod") and tok.head.pos_ in ("NOUN", "PROPN"):
            continue  # part of a bigger phrase
        heads.append(tok)
    heads.sort(key=lambda t: abs(t.i - cue.start))
    for tok in heads[:MAX_CANDIDATES]:
        rng = speaker_span(doc, tok, lo, hi, inner=cue.inner)
        found.setdefault(rng, tok)
    return [
        Candidate(s, e, head, _features(doc, unit, cue, head, s, e, (s, e) == rule, prev), (s, e) == rule)
        for (s, e), head in found.items()
        if head is not None
    ]


class SpeakerRanker:
    """Logistic regression over candidate features (weights per FEATURES name)."""

    def __init__(self, weights: np.ndarray, bias: float, meta: dict[str, Any] | None = None) -> None:
        self.weights = weights
        self.bias = bias
        self.meta = meta or {}

    def scores(self, candidates: list[Candidate]) -> np.ndarray:
        if not candidates:
            return np.zeros(0)
        x = np.stack([c.features for c in candidates])
        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))

    def choose(self, candidates: list[Candidate]) -> Candidate | None:
        """The best candidate when it beats the rules' choice by MARGIN, else the rules' choice
        (where the rules have none, the best only when scored over 0.5); a report, memo or data
        is never chosen (README: it never speaks, its author does)."""
        candidates = [c for c in candidates if c.rule or not c.features[_INDEX["report_noun"]]]
        if not candidates:
            return None
        s = self.scores(candidates)
        best = int(np.argmax(s))
        rule = next((k for k, c in enumerate(candidates) if c.rule), None)
        if rule is not None and s[best] < s[rule] + MARGIN:
            return candidates[rule]
        if rule is None and s[best] < 0.5:
            return None  # the rules found no source: one only when more likely than not
        return candidates[best]

    @classmethod
    def fit(
        cls, groups: list[tuple[np.ndarray, np.ndarray]], *, l2: float = 0.01, steps: int = 600, rate: float = 0.5
    ) -> SpeakerRanker:
        """Fit on (features of a claim's candidates, 0/1 labels) groups; groups with no positive
        candidate are left out by the caller."""
        x = np.concatenate([g[0] for g in groups]) if groups else np.zeros((0, len(FEATURES)))
        y = np.concatenate([g[1] for g in groups]) if groups else np.zeros(0)
        w, b = np.zeros(x.shape[1]), 0.0
        if len(y) == 0:
            return cls(w, b, {"claims": 0, "candidates": 0})
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
            grad = p - y
            w -= rate * (x.T @ grad / len(y) + l2 * w)
            b -= rate * float(grad.mean())
        return cls(w, b, {"claims": len(groups), "candidates": len(y)})

    def save(self, path: Path) -> None:
        data = {
            "format": RANKER_FORMAT,
            "features": list(FEATURES),
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(float(self.bias), 6),
            **self.meta,
        }
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> SpeakerRanker:
        """A saved ranker; ValueError naming the file when it is not one this version reads."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != RANKER_FORMAT or list(data["features"]) != list(FEATURES):
                raise ValueError("another ranker format or feature set")
            weights = np.array([float(v) for v in data["weights"]])
            meta = {k: v for k, v in data.items() if k not in ("format", "features", "weights", "bias")}
            return cls(weights, float(data["bias"]), meta)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a speaker ranker newsmark can read ({exc})") from None
