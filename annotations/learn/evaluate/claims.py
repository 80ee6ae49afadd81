"""Claims scored as exact spans (spaCy's Scorer) and as overlapping spans, with the speaker, type
and stance of each matched claim.

Overlap: a predicted claim is right when it shares a character with a gold claim; a gold claim is
found when a predicted claim shares a character with it, and is matched to the most overlapping
one. On matched gold claims: speaker accuracy strict (normalised: case, diacritics, possessive, a
leading article; a speaker linked to a canonical entity accepts its name and aliases) and lenient
(evaluate.speakers), the speaker's canonical entity, quotations typed quote, type agreement and
stance agreement (over gold claims that have a type / a stance), and role accuracy over gold
claims with a role ("Meteorologist"): the same role once normalised as a speaker is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotations.learn.evaluate.examples import build_example, spans_getter, trim
from annotations.learn.evaluate.gold import gold_claims
from annotations.learn.evaluate.results import PRF, ClaimsResult
from annotations.learn.evaluate.speakers import entity_match, lenient_match, name_index, norm_speaker, strict_match
from annotations.store import Store

__all__ = ["claims_section", "norm_speaker"]


@dataclass
class _Tally:
    """Counts over the (gold, predicted) claim lists of every example."""

    n_pred: int = 0
    n_gold: int = 0
    right_pred: int = 0
    found_gold: int = 0
    speaker_ok: int = 0
    speaker_lenient: int = 0
    speaker_n: int = 0
    entity_ok: int = 0
    entity_n: int = 0
    quote_ok: int = 0
    quote_n: int = 0
    index: dict[str, set[int]] | None = None
    type_ok: int = 0
    type_n: int = 0
    stance_ok: int = 0
    stance_n: int = 0
    role_ok: int = 0
    role_n: int = 0

    def add(self, gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> None:
        self.n_pred += len(pred)
        self.n_gold += len(gold)
        self.right_pred += sum(1 for p in pred if any(p["start"] < g["end"] and g["start"] < p["end"] for g in gold))
        for g in gold:
            best = _most_overlapping(g, pred)
            if best is not None:
                self.found_gold += 1
                self._compare(g, best)

    def _compare(self, g: dict[str, Any], best: dict[str, Any]) -> None:
        forms = [s for s in g.get("speakers", ()) if s and norm_speaker(s)]
        if forms:
            self.speaker_n += 1
            self.speaker_ok += strict_match(best.get("speaker"), forms)
            self.speaker_lenient += lenient_match(best.get("speaker"), forms)
        if g.get("speaker_entity") is not None:
            self.entity_n += 1
            self.entity_ok += entity_match(
                best.get("speaker"), best.get("speaker_entity"), g["speaker_entity"], self.index or {}
            )
        if g.get("type") == "quote":
            self.quote_n += 1
            self.quote_ok += best.get("type") == "quote"
        if g.get("type"):
            self.type_n += 1
            self.type_ok += best.get("type") == g["type"]
        if g.get("stance"):
            self.stance_n += 1
            self.stance_ok += best.get("stance") == g["stance"]
        if g.get("role") and norm_speaker(g["role"]):
            self.role_n += 1
            self.role_ok += norm_speaker(best.get("role") or "") == norm_speaker(g["role"])


def _most_overlapping(g: dict[str, Any], pred: list[dict[str, Any]]) -> dict[str, Any] | None:
    best, best_len = None, 0
    for p in pred:
        ov = min(p["end"], g["end"]) - max(p["start"], g["start"])
        if ov > best_len:
            best, best_len = p, ov
    return best


def _trimmed(text: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for x in items:
        s, e = trim(text, x["start"], x["end"])
        if e > s:
            out.append({**x, "start": s, "end": e})
    return out


def claims_section(
    store: Store,
    pairs: list[tuple[int, str]],
    texts: dict[int, str],
    preds: dict[int, list[dict[str, Any]]],
    info: dict[str, Any],
) -> ClaimsResult:
    from spacy.scorer import Scorer

    gold = gold_claims(store, sorted({d for d, _ in pairs}))
    examples = []
    tally = _Tally(
        index=name_index(_entity_names(store)) if any(c.get("speaker_entity") for v in gold.values() for c in v) else {}
    )
    docs: set[int] = set()
    for doc_id, ann in pairs:
        if doc_id not in preds or doc_id not in texts:
            continue
        text, g, p = texts[doc_id], gold.get((doc_id, ann), []), preds[doc_id]
        examples.append(build_example(text, (), (), g, p))
        tally.add(_trimmed(text, g), _trimmed(text, p))
        docs.add(doc_id)
    exact = Scorer.score_spans(examples, "claims", getter=spans_getter, labeled=False, allow_overlap=True)

    def ratio(ok: int, n: int) -> float | None:
        return ok / n if n else None

    return ClaimsResult(
        exact=PRF(exact["claims_p"], exact["claims_r"], exact["claims_f"]),
        overlap=PRF.of(0, 0, 0) if not (tally.n_pred or tally.n_gold) else _overlap(tally),
        speaker_accuracy=ratio(tally.speaker_ok, tally.speaker_n),
        speaker_pairs=tally.speaker_n,
        speaker_lenient=ratio(tally.speaker_lenient, tally.speaker_n),
        speaker_entity_accuracy=ratio(tally.entity_ok, tally.entity_n),
        entity_pairs=tally.entity_n,
        quote_type_recall=ratio(tally.quote_ok, tally.quote_n),
        type_agreement=ratio(tally.type_ok, tally.type_n),
        stance_agreement=ratio(tally.stance_ok, tally.stance_n),
        role_accuracy=ratio(tally.role_ok, tally.role_n),
        role_pairs=tally.role_n,
        matched=tally.found_gold,
        docs=len(docs),
        examples=len(examples),
        gold=tally.n_gold,
        pred=tally.n_pred,
        source=info["source"],
        skipped=info["skipped"],
        notes=info["notes"],
    )


def _entity_names(store: Store) -> dict[int, list[str]]:
    """Every canonical entity's name and aliases."""
    names: dict[int, list[str]] = {}
    for e in store.query("SELECT id, name FROM entities"):
        names.setdefault(e["id"], []).append(e["name"])
    for a in store.query("SELECT entity_id, form FROM aliases"):
        names.setdefault(a["entity_id"], []).append(a["form"])
    return names


def _overlap(t: _Tally) -> PRF:
    """Overlap P and R count different things (predictions right, gold found), so not PRF.of."""
    p = t.right_pred / t.n_pred if t.n_pred else None
    r = t.found_gold / t.n_gold if t.n_gold else None
    p0, r0 = p or 0.0, r or 0.0
    return PRF(p, r, 2 * p0 * r0 / (p0 + r0) if p0 + r0 else 0.0)
