"""Fit the claim detector's speaker ranker on the team's gold claims, and score it.

    speaker_docs(store, pipe, annotator=None) -> [SpeakerDoc]    parsed gold documents with their claims
    split_docs(docs, dev, seed) -> (train, dev)                  by a seeded hash of the document id
    fit_ranker(docs) -> SpeakerRanker                            logistic regression on the candidates
    speaker_scores(docs, ranker=None) -> {"accuracy", "lenient", "claims"}
    speaker_curve(docs, dev=0.2, seed=0, shares=...) -> {"points": [...], "rules": {...}}

Each gold claim with a speaker is matched to the predicted claim that overlaps it most; that
claim's speaker candidates (claims.speaker_candidates) are labelled by the gold speaker: a
candidate whose text is the gold speaker (leniently: evaluate.speakers) is right; when none is
but the rules' resolved speaker is (a pronoun the rules followed to its name), the rules' own
candidate is. Claims with no right candidate teach nothing and are left out. Accuracy is
strict (as `evaluate`) over the matched gold claims with a speaker, rules alone or ranked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotations.extract.claims import SpeakerRanker, claim_predictions
from annotations.learn.evaluate.gold import gold_claims
from annotations.learn.evaluate.speakers import lenient_match, strict_match
from annotations.store import Store
from annotations.team.layers import gold_sources

CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)


@dataclass
class SpeakerDoc:
    doc_id: int
    text: str
    parsed: Any  # the spaCy Doc
    gold: list[dict[str, Any]]  # gold claims: start, end, speakers (accepted names)


def speaker_docs(store: Store, pipe: Any, *, annotator: str | None = None) -> list[SpeakerDoc]:
    """The gold documents (the one gold rule: annotations.team.layers) with gold claims, parsed once."""
    pairs = gold_sources(store, annotator=annotator).pairs
    claims = gold_claims(store, sorted({d for d, _ in pairs}))
    out = []
    for doc_id, ann in pairs:
        gold = [c for c in claims.get((doc_id, ann), []) if c["speakers"]]
        if not gold:
            continue
        text = store.scalar("SELECT text FROM documents WHERE id = ?", [doc_id]) or ""
        out.append(SpeakerDoc(doc_id, text, pipe(text), gold))
    return out


def split_docs(docs: list[SpeakerDoc], dev: float, seed: int) -> tuple[list[SpeakerDoc], list[SpeakerDoc]]:
    """(train, dev) by a seeded hash of the document id; dev is empty when dev is 0 or there is
    one document."""
    ranked = sorted(docs, key=lambda d: hashlib.sha256(f"{seed}\0{d.doc_id}".encode()).digest())
    n_dev = 0 if dev <= 0 or len(ranked) < 2 else max(1, round(len(ranked) * dev))
    return ranked[n_dev:], ranked[:n_dev]


def _matched(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(gold claim, the predicted claim overlapping it most) for gold claims some prediction overlaps."""
    out = []
    for g in gold:
        best, best_len = None, 0
        for p in pred:
            ov = min(p["end"], g["end"]) - max(p["start"], g["start"])
            if ov > best_len:
                best, best_len = p, ov
        if best is not None:
            out.append((g, best))
    return out


def _groups(doc: SpeakerDoc) -> list[tuple[np.ndarray, np.ndarray]]:
    pred = claim_predictions(doc.parsed, keep_candidates=True)
    groups = []
    for g, p in _matched(doc.gold, pred):
        cands = p.get("_candidates") or []
        if not cands:
            continue
        y = np.array([float(lenient_match(doc.text[s:e], g["speakers"])) for s, e, _ in cands])
        if not y.any() and strict_match(p["speaker"], g["speakers"]):
            y = np.array([float(c.rule) for _, _, c in cands])
        if y.any():
            groups.append((np.stack([c.features for _, _, c in cands]), y))
    return groups


def fit_ranker(docs: list[SpeakerDoc]) -> SpeakerRanker:
    """A ranker fitted on the candidates of the documents' matched gold claims."""
    groups = [g for d in docs for g in _groups(d)]
    ranker = SpeakerRanker.fit(groups)
    ranker.meta.update(docs=len(docs))
    return ranker


def speaker_scores(docs: list[SpeakerDoc], ranker: SpeakerRanker | None = None) -> dict[str, Any]:
    """Speaker accuracy, strict and lenient, over matched gold claims with a speaker."""
    n = ok = lenient = 0
    for d in docs:
        for g, p in _matched(d.gold, claim_predictions(d.parsed, ranker=ranker)):
            n += 1
            ok += strict_match(p["speaker"], g["speakers"])
            lenient += lenient_match(p["speaker"], g["speakers"])
    return {"accuracy": ok / n if n else None, "lenient": lenient / n if n else None, "claims": n}


def speaker_curve(
    docs: list[SpeakerDoc], *, dev: float = 0.2, seed: int = 0, shares: tuple[float, ...] = CURVE_SHARES
) -> dict[str, Any]:
    """Dev speaker accuracy of the ranker fitted on the first share of the training documents
    (seeded order; the dev split never changes), beside the rules' alone."""
    train, held = split_docs(docs, dev, seed)
    points = []
    for share in shares:
        part = train[: max(1, round(len(train) * share))] if train else []
        ranker = fit_ranker(part)
        scores = speaker_scores(held, ranker)
        points.append({"share": share, "train_docs": len(part), "train_claims": ranker.meta.get("claims", 0), **scores})
    return {"points": points, "rules": speaker_scores(held), "dev_docs": len(held)}
