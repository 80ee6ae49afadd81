"""Inter-annotator agreement over the documents two or more annotators marked done.

Every figure carries the number of documents it counts (`docs`), because a figure over
documents two annotators never shared is no agreement at all. Pairs are compared only on
the documents both marked done; the reviewed layer (annotator `review`) is never a rater.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotations.errors import UserInputError
from annotations.store import Store
from annotations.team.agreement.measures import (
    cohen_kappa,
    krippendorff_alpha_nominal,
    overlaps,
    prf,
    token_labels,
    tokens,
)
from annotations.vocab import REVIEW_ANNOTATOR, Status

Span = tuple[int, int, str]
Claim = tuple[int, int, str | None, str | None]


class NoSharedDocuments(UserInputError):
    """No document was marked done by two or more of the annotators compared."""


@dataclass
class Corpus:
    """What agreement reads: who finished which document, and their spans and claims."""

    done: dict[str, set[int]]
    spans: dict[tuple[int, str], list[Span]] = field(default_factory=dict)
    claims: dict[tuple[int, str], list[Claim]] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    titles: dict[int, str | None] = field(default_factory=dict)


def _marks(n: int) -> str:
    return ",".join("?" * n)


def load(store: Store, annotators: Sequence[str] | None, labels: Sequence[str] | None) -> Corpus:
    """Read the done documents of the annotators and, for those shared, their annotations."""
    rows = store.query(
        "SELECT doc_id, annotator FROM doc_status WHERE status = ? AND annotator != ?", (Status.DONE, REVIEW_ANNOTATOR)
    )
    done: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if annotators is None or row["annotator"] in annotators:
            done[row["annotator"]].add(row["doc_id"])
    corpus = Corpus(done=dict(done))
    shared = shared_documents(corpus)
    if not shared:
        return corpus
    ids = sorted(shared)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        marks = _marks(len(chunk))
        for row in store.query(
            f'SELECT doc_id, annotator, start, "end", label FROM spans WHERE doc_id IN ({marks})', chunk
        ):
            if labels is None or row["label"] in labels:
                corpus.spans.setdefault((row["doc_id"], row["annotator"]), []).append(
                    (row["start"], row["end"], row["label"])
                )
        for row in store.query(
            f'SELECT doc_id, annotator, start, "end", type, stance FROM claims WHERE doc_id IN ({marks})', chunk
        ):
            corpus.claims.setdefault((row["doc_id"], row["annotator"]), []).append(
                (row["start"], row["end"], row["type"], row["stance"])
            )
        for row in store.query(f"SELECT id, title, text FROM documents WHERE id IN ({marks})", chunk):
            corpus.texts[row["id"]] = row["text"]
            corpus.titles[row["id"]] = row["title"]
    return corpus


def shared_documents(corpus: Corpus) -> set[int]:
    """Documents done by two or more of the annotators."""
    seen: dict[int, int] = defaultdict(int)
    for docs in corpus.done.values():
        for doc_id in docs:
            seen[doc_id] += 1
    return {d for d, n in seen.items() if n >= 2}


def pairs(corpus: Corpus) -> list[tuple[str, str, list[int]]]:
    """Each annotator pair that shares documents, with those documents."""
    out = []
    for a, b in combinations(sorted(corpus.done), 2):
        docs = sorted(corpus.done[a] & corpus.done[b])
        if docs:
            out.append((a, b, docs))
    return out


# -- entities ---------------------------------------------------------------------------------


def _span_counts(a_spans: list[Span], b_spans: list[Span]) -> dict[str, list[int]]:
    """Per label: [strict matches, |A|, |B|, A partly matched, B partly matched]."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    b_set = set(b_spans)
    for span in set(a_spans):
        c = counts[span[2]]
        c[1] += 1
        c[0] += span in b_set
        c[3] += any(o[2] == span[2] and overlaps(span[:2], o[:2]) for o in b_spans)
    for span in b_set:
        c = counts[span[2]]
        c[2] += 1
        c[4] += any(o[2] == span[2] and overlaps(span[:2], o[:2]) for o in a_spans)
    return counts


def _figures(counts: dict[str, list[int]], docs: int) -> dict[str, Any]:
    """Strict and partial P/R/F1 per label and over all labels (micro), each with `docs`."""
    total = [sum(c[i] for c in counts.values()) for i in range(5)]

    def one(c: list[int], strict: bool) -> dict[str, Any]:
        ma, mb = (c[0], c[0]) if strict else (c[3], c[4])
        return {**prf(mb, c[2], ma, c[1]), "a": c[1], "b": c[2], "matched_a": ma, "matched_b": mb, "docs": docs}

    out: dict[str, Any] = {}
    for mode in ("strict", "partial"):
        strict = mode == "strict"
        out[mode] = {**one(total, strict), "per_label": {label: one(c, strict) for label, c in sorted(counts.items())}}
    return out


def entity_pair(corpus: Corpus, a: str, b: str, docs: list[int]) -> dict[str, Any]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    la: list[str] = []
    lb: list[str] = []
    for doc_id in docs:
        sa = corpus.spans.get((doc_id, a), [])
        sb = corpus.spans.get((doc_id, b), [])
        for label, c in _span_counts(sa, sb).items():
            counts[label] = [x + y for x, y in zip(counts[label], c)]
        toks = tokens(corpus.texts[doc_id])
        la += token_labels(toks, sa)
        lb += token_labels(toks, sb)
    labelled = [i for i, (x, y) in enumerate(zip(la, lb)) if x != "O" or y != "O"]
    kappa = {
        "all_tokens": {"kappa": cohen_kappa(la, lb), "tokens": len(la), "docs": len(docs)},
        "labelled_tokens": {
            "kappa": cohen_kappa([la[i] for i in labelled], [lb[i] for i in labelled]),
            "tokens": len(labelled),
            "docs": len(docs),
        },
    }
    return {"a": a, "b": b, "docs": len(docs), **_figures(counts, len(docs)), "kappa": kappa}


def doc_entity_f1(corpus: Corpus, doc_id: int, a: str, b: str) -> float:
    """Strict F1 of two annotators on one document; 1.0 when neither marked anything."""
    sa = set(corpus.spans.get((doc_id, a), []))
    sb = set(corpus.spans.get((doc_id, b), []))
    if not sa and not sb:
        return 1.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


# -- claims -----------------------------------------------------------------------------------


def match_claims(a: list[Claim], b: list[Claim]) -> list[tuple[Claim, Claim]]:
    """One-to-one pairs: identical offsets first, then the largest overlap."""
    left = list(b)
    out = []
    for claim in sorted(a):
        best = next((o for o in left if o[:2] == claim[:2]), None)
        if best is None:
            cands = [o for o in left if overlaps(claim[:2], o[:2])]
            best = max(cands, key=lambda o: min(o[1], claim[1]) - max(o[0], claim[0]), default=None)
        if best is not None:
            left.remove(best)
            out.append((claim, best))
    return out


def claim_pair(corpus: Corpus, a: str, b: str, docs: list[int]) -> dict[str, Any]:
    n_a = n_b = exact = ov_a = ov_b = 0
    matched: list[tuple[Claim, Claim]] = []
    for doc_id in docs:
        ca = corpus.claims.get((doc_id, a), [])
        cb = corpus.claims.get((doc_id, b), [])
        n_a += len(ca)
        n_b += len(cb)
        exact += len({c[:2] for c in ca} & {c[:2] for c in cb})
        ov_a += sum(any(overlaps(c[:2], o[:2]) for o in cb) for c in ca)
        ov_b += sum(any(overlaps(c[:2], o[:2]) for o in ca) for c in cb)
        matched += match_claims(ca, cb)
    d = len(docs)

    def same(i: int) -> dict[str, Any]:
        agree = sum(1 for x, y in matched if x[i] == y[i])
        return {
            "agreement": agree / len(matched) if matched else None,
            "kappa": cohen_kappa([str(x[i]) for x, _ in matched], [str(y[i]) for _, y in matched]),
            "matched": len(matched),
            "docs": d,
        }

    return {
        "a": a,
        "b": b,
        "docs": d,
        "exact": {**prf(exact, n_b, exact, n_a), "a": n_a, "b": n_b, "docs": d},
        "overlap": {**prf(ov_b, n_b, ov_a, n_a), "a": n_a, "b": n_b, "docs": d},
        "type": same(2),
        "stance": same(3),
    }


# -- variant judgements -----------------------------------------------------------------------


def variant_alpha(store: Store, annotators: Sequence[str] | None) -> dict[str, Any]:
    """Krippendorff's alpha (nominal) over the form pairs judged by two or more annotators;
    an annotator's latest verdict on a pair is the one that counts."""
    latest: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for row in store.query(
        "SELECT a, b, label, verdict, annotator FROM judgements WHERE annotator != ? ORDER BY id", (REVIEW_ANNOTATOR,)
    ):
        if annotators is not None and row["annotator"] not in annotators:
            continue
        x, y = sorted((row["a"], row["b"]))
        latest[(x, y, row["label"] or "")][row["annotator"]] = row["verdict"]
    units = [list(v.values()) for v in latest.values() if len(v) >= 2]
    raters = sorted({name for v in latest.values() if len(v) >= 2 for name in v})
    return {"alpha": krippendorff_alpha_nominal(units), "pairs": len(units), "annotators": raters}


# -- the report -------------------------------------------------------------------------------


def _mean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def lowest_documents(corpus: Corpus, pair_list: list[tuple[str, str, list[int]]], limit: int) -> list[dict[str, Any]]:
    """Documents by their mean pairwise strict entity F1, lowest first (where to review first)."""
    per_doc: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for a, b, docs in pair_list:
        for doc_id in docs:
            per_doc[doc_id].append((a, b, doc_entity_f1(corpus, doc_id, a, b)))
    rows = []
    for doc_id, scores in per_doc.items():
        names = sorted({n for a, b, _ in scores for n in (a, b)})
        rows.append(
            {
                "doc_id": doc_id,
                "title": corpus.titles.get(doc_id),
                "annotators": names,
                "strict_f": sum(s for *_, s in scores) / len(scores),
                "pairs": len(scores),
            }
        )
    rows.sort(key=lambda r: (r["strict_f"], r["doc_id"]))
    return rows[:limit]


def _overall(entity_pairs: list[dict[str, Any]], docs: int) -> dict[str, Any]:
    """Micro-averaged F1 over every pair's counts, and the mean of the pairwise kappas."""
    out: dict[str, Any] = {"docs": docs}
    for mode in ("strict", "partial"):
        a = sum(p[mode]["a"] for p in entity_pairs)
        b = sum(p[mode]["b"] for p in entity_pairs)
        ma = sum(p[mode]["matched_a"] for p in entity_pairs)
        mb = sum(p[mode]["matched_b"] for p in entity_pairs)
        out[mode] = {**prf(mb, b, ma, a), "a": a, "b": b, "pairs": len(entity_pairs), "docs": docs}
    for which in ("all_tokens", "labelled_tokens"):
        out[f"mean_pairwise_kappa_{which}"] = {
            "kappa": _mean([p["kappa"][which]["kappa"] for p in entity_pairs]),
            "pairs": len(entity_pairs),
            "docs": docs,
        }
    return out


def shared_labels(store: Store, corpus: Corpus) -> tuple[list[str], dict[str, list[str]]]:
    """(the labels two or more of the compared annotators use anywhere in their done documents,
    {label: its only annotator} for the others), dropping the others' spans from `corpus`: a
    label only one annotator ever marks (the model's DATE that one accepted wholesale) is one
    the team does not annotate, and would only score 0.000."""
    users: dict[str, set[str]] = defaultdict(set)
    for row in store.query(
        "SELECT DISTINCT s.annotator, s.label FROM spans s JOIN doc_status d ON d.doc_id = s.doc_id "
        "AND d.annotator = s.annotator AND d.status = ?",
        (Status.DONE,),
    ):
        if row["annotator"] in corpus.done:
            users[row["label"]].add(row["annotator"])
    in_shared = {span[2] for spans in corpus.spans.values() for span in spans}
    kept = sorted(label for label in in_shared if len(users[label]) >= 2)
    left = {label: sorted(users[label]) for label in sorted(in_shared) if len(users[label]) < 2}
    if left:
        corpus.spans = {key: [s for s in spans if s[2] not in left] for key, spans in corpus.spans.items()}
    return kept, left


def agreement(
    store: Store, annotators: Sequence[str] | None = None, labels: Sequence[str] | None = None, *, lowest: int = 10
) -> dict[str, Any]:
    """The whole report (the `agree --json` shape); NoSharedDocuments when nothing is shared."""
    corpus = load(store, annotators, labels)
    pair_list = pairs(corpus)
    if not pair_list:
        who = ", ".join(annotators) if annotators else "any annotators"
        raise NoSharedDocuments(
            f"no document is marked done by two or more of {who}: nothing to compare (see newsmark assign --overlap 2)"
        )
    docs = len(shared_documents(corpus))
    left_out: dict[str, list[str]] = {}
    if labels is None:
        labels, left_out = shared_labels(store, corpus)
    entity_pairs = [entity_pair(corpus, a, b, d) for a, b, d in pair_list]
    claim_pairs = [claim_pair(corpus, a, b, d) for a, b, d in pair_list]
    return {
        "documents": docs,
        "annotators": sorted(corpus.done),
        "labels": list(labels) if labels else None,
        "labels_left_out": left_out,
        "entities": {"pairs": entity_pairs, "overall": _overall(entity_pairs, docs)},
        "claims": {"pairs": claim_pairs},
        "variants": variant_alpha(store, annotators),
        "lowest": lowest_documents(corpus, pair_list, lowest),
    }
