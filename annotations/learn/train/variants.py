"""Fit the variant linker's decision threshold on the team's judged pairs.

    fit_linker(store, config, *, dev=0.2, seed=0) -> dict

The linker (`extract.variants.suggest`) scores a pair of forms 0-100 and links it when the
score reaches `linker.threshold`. Its scoring is public: run over the corpus's mentions (gold
span texts, plus each judged form) with threshold 0 and debug on, every candidate pair comes
back with its score, proposed or rejected; a judged pair it never considered scores 0. The
judgements (latest verdict per pair, unsure left out) are split by pair with a seeded hash;
the threshold that maximises F1 of "same" on the training pairs is chosen (ties: the higher
one, fewer false links) and the dev pairs show the configured threshold against it. The linker
has no other weights to fit: its token alignment rules are fixed.

Fewer than MIN_EACH "same" or "different" judgements is refused: a threshold fitted on a
handful of pairs is noise.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotations.config import Config
from annotations.errors import UserInputError
from annotations.extract.normalize import normalize
from annotations.extract.variants import LINKER_VERSION, Mention, label_group, suggest
from annotations.learn.train.ner import model_stamp
from annotations.store import Store
from annotations.store.models import ModelRecord, get, in_use, register
from annotations.vocab import Extractor, Verdict

MIN_EACH = 20

_Key = tuple[str, str, str]


def judged_pairs(store: Store) -> dict[_Key, tuple[str, str, str | None, bool]]:
    """{(group, norm a, norm b): (a, b, label, same)}: latest verdict per pair, unsure left out."""

    out: dict[_Key, tuple[str, str, str | None, bool]] = {}
    unsure: set[_Key] = set()
    for r in store.query("SELECT a, b, label, verdict FROM judgements ORDER BY id"):
        a, b = (r["a"] or "").strip(), (r["b"] or "").strip()
        ka, kb = normalize(a), normalize(b)
        if not ka or not kb or ka == kb:
            continue
        lo, hi = sorted((ka, kb))
        key = (label_group(r["label"]), lo, hi)
        out.pop(key, None)
        unsure.discard(key)
        if r["verdict"] == Verdict.UNSURE:
            unsure.add(key)
            continue
        out[key] = (a, b, r["label"], r["verdict"] == Verdict.SAME)
    return out


def pair_scores(store: Store, pairs: dict[_Key, tuple[str, str, str | None, bool]]) -> dict[_Key, float]:
    """The linker's score of every judged pair (0 when it never compared the two forms)."""

    mentions = [
        Mention(r["text"], r["label"], r["doc_id"], r["start"], r["end"])
        for r in store.query('SELECT doc_id, start, "end", text, label FROM spans ORDER BY doc_id, start, id')
    ]
    seen = {(m.form, m.label) for m in mentions}
    for i, (a, b, label, _same) in enumerate(pairs.values(), 1):
        for form in (a, b):
            if (form, label or "") not in seen:
                mentions.append(Mention(form, label or "", -i, None))
                seen.add((form, label or ""))
    sugg = suggest(mentions, (), threshold=0, debug=True)
    scores: dict[_Key, float] = {}

    def key(p: Any) -> _Key:
        lo, hi = sorted((normalize(p.a), normalize(p.b)))
        return (label_group(p.label), lo, hi)

    for pair in sugg.rejected:
        scores[key(pair)] = max(scores.get(key(pair), 0.0), float(pair.score))
    for pair in sugg.pairs:  # a proposed pair's score wins
        scores[key(pair)] = float(pair.score)
    return {k: scores.get(k, 0.0) for k in pairs}


def _prf(items: Iterable[tuple[float, bool]], threshold: float) -> dict[str, Any]:
    tp = fp = fn = 0
    for score, same in items:
        linked = score >= threshold and score > 0
        tp += linked and same
        fp += linked and not same
        fn += (not linked) and same
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None or r is not None else None)
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn}


def best_threshold(items: list[tuple[float, bool]], default: float) -> float:
    """The threshold with the highest F1 of "same" over (score, same) items; ties: the highest."""
    candidates = sorted({s for s, _ in items if s > 0} | {default})
    return max(candidates, key=lambda t: ((_prf(items, t)["f"] or 0.0), t))


def fit_linker(store: Store, config: Config, *, dev: float = 0.2, seed: int = 0) -> dict[str, Any]:
    """Fit the threshold; {"threshold", "before", "after", "train_pairs", "dev_pairs", ...}."""

    pairs = judged_pairs(store)
    n_same = sum(1 for v in pairs.values() if v[3])
    n_diff = len(pairs) - n_same
    if n_same < MIN_EACH or n_diff < MIN_EACH:
        raise UserInputError(
            f"variants: {n_same} same and {n_diff} different judgement(s); fitting the linker needs "
            f"at least {MIN_EACH} of each (judge pairs in the Entities screen, v)"
        )
    scores = pair_scores(store, pairs)
    ranked = sorted(pairs, key=lambda k: hashlib.sha256(f"{seed}\0{k}".encode()).digest())
    n_dev = max(1, round(len(ranked) * dev))
    dev_keys, train_keys = ranked[:n_dev], ranked[n_dev:]
    train = [(scores[k], pairs[k][3]) for k in train_keys]
    held = [(scores[k], pairs[k][3]) for k in dev_keys]
    default = float(config.linker.threshold)
    threshold = best_threshold(train, default)
    return {
        "threshold": threshold,
        "configured_threshold": default,
        "linker": LINKER_VERSION,
        "before": _prf(held, default),
        "after": _prf(held, threshold),
        "train_pairs": len(train),
        "dev_pairs": len(held),
        "same": n_same,
        "different": n_diff,
    }


def train_linker(
    store: Store,
    config: Config,
    *,
    annotator: str,
    name: str | None = None,
    output: str | None = None,
    dev: float = 0.2,
    seed: int = 0,
    use: bool = False,
) -> dict[str, Any]:
    """Fit, write the linker version as a small JSON file, register it (the file is renamed
    into place inside the registering transaction, as a trained pipeline is)."""

    name = name or f"variants-{model_stamp()}"
    if get(store, name) is not None:
        raise UserInputError(f"--name {name}: a model of that name is already registered (newsmark models list)")
    result = fit_linker(store, config, dev=dev, seed=seed)
    out = Path(os.path.expanduser(output)) if output else Path(store.path).resolve().parent / "models" / f"{name}.json"
    if out.exists():
        raise UserInputError(f"--output {out}: already exists (a model is never overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps({"name": name, **result}, indent=1), encoding="utf-8")
    record = ModelRecord(
        name=name,
        path=str(out),
        extractor=Extractor.VARIANTS,
        base_model=result["linker"],
        data_hash=None,
        train_docs=result["train_pairs"],
        dev_docs=result["dev_pairs"],
        scores={"dev": result["after"], "before": result["before"], "threshold": result["threshold"]},
    )
    try:
        register(store, record, annotator, use_it=use, on_commit=lambda: os.replace(tmp, out))
    finally:
        tmp.unlink(missing_ok=True)
    return {"name": name, "path": str(out), "in_use": use, **result}


def linker_threshold(store: Store, config: Config) -> float:
    """The threshold `link suggest` should use: the fitted linker in use, else config linker.threshold."""

    row = in_use(store, Extractor.VARIANTS)
    if row is not None and Path(row["path"]).is_file():
        try:
            return float(json.loads(Path(row["path"]).read_text("utf-8"))["threshold"])
        except (ValueError, KeyError, TypeError):
            pass
    return float(config.linker.threshold)
