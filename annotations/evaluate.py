"""Evaluate the three extractors against the annotators' gold, without leakage.

    evaluate(store, config, *, extractor="all", model=None, annotator=None) -> dict
    format_tables(result) -> a rich renderable (prints the number of gold documents)

The result is the `evaluate --json` shape of DESIGN.md, with a few extra keys:

    {"ner":      {"p", "r", "f", "per_label": {LABEL: {"p", "r", "f", "gold", "pred"}}, "docs", "examples",
                  "gold", "pred", "source", "gazetteer", "skipped", "notes"},
     "claims":   {"exact": {"p", "r", "f"}, "overlap": {"p", "r", "f"}, "speaker_accuracy", "speaker_pairs",
                  "docs", "examples", "gold", "pred", "source", "skipped", "notes"},
     "variants": {"p", "r", "f", "pairs", "same", "different", "unsure", "bcubed": {"p", "r", "f"},
                  "sources": {"judgements": {"same", "different"}, "entities": {"same", "different"}},
                  "forms", "mentions", "threshold", "linker", "notes", "tp", "fp", "fn"}}

A score is null when it is undefined (nothing predicted and nothing in gold).

Gold
----
Gold is what annotators marked done: one example per (document, annotator) whose status is
"done" (only `annotator`'s when given). Several annotators of one document give several
examples, each scored on its own against the same predictions (so disagreement between
annotators shows up as lower scores, never as a merged gold). No done document raises
UserInputError; a perfect score is never reported for nothing.

NER (exact span and label, micro-averaged, configured labels only) and exact claim spans are
computed by spaCy's Scorer (`Scorer.score_spans`) over spaCy Examples. The two docs of each
Example share one tokenisation: the blank English tokenizer's tokens, cut again at every gold
and predicted boundary, so every span is a token span and the Scorer's token-exact match is an
exact character-offset match (boundaries are compared after trimming surrounding whitespace).
Spans are read from doc.spans["ents"] / doc.spans["claims"]; doc.ents is also set whenever the
spans do not overlap. Overlapping claim matches ("overlap") count a predicted claim as right
when it shares at least one character with a gold claim, and a gold claim as found when a
predicted claim shares a character with it. Speaker accuracy: for each gold claim with a
speaker and an overlapping predicted claim (the most overlapping one), whether the predicted
speaker names it (normalised: case, diacritics, possessive, a leading "the"; a speaker linked to
a canonical entity accepts its name and aliases).

Predictions and leakage
-----------------------
Without `model`, stored predictions are scored (the latest run per document). Entity
predictions made with the confirmed-entity gazetteer ("+gaz." in their version, as `newsmark
predict` makes them) would find the gold they were built from, so they are never scored:
those documents, and documents without stored predictions, are predicted again with the
configured model and a cross-fitted gazetteer (the gold documents split into `folds` folds;
each fold predicted by a gazetteer built without that fold's documents). If no model is
installed they are skipped and counted. With `model`, that pipeline predicts every gold
document, with the same cross-fitted gazetteer (gazetteer=False for the bare model).

Variants: gold pairs come from two sources, over normalised forms within a label group (a pair
whose forms normalise alike is no decision and is left out):
  - judgements (latest verdict per pair; unsure ones left out), and
  - canonical entities (`export.entity_forms`: an entity's name, aliases and the text of spans
    linked to it): two forms of one entity are "same"; forms of two entities of one label group
    are "different" (implied, never listed).
A judgement overrides what entity links say about its pair. "sources" counts the gold pairs of
each source. Judgements alone would not do: the variant queue only shows pairs the linker
proposed, so recall over them is about always 1.
The linker (`extract.variants.suggest`, threshold from config) is run over the corpus's mentions
(gold span texts and the latest entity predictions, except those made with the confirmed-entity
gazetteer) WITHOUT the judgements and WITHOUT the entity links, so it cannot echo them; a gold
form the corpus does not mention is added as a mention in a document of its own. Two forms are
predicted "same" when the linker puts them in one cluster or proposes the pair. Pairwise P/R/F1:
a predicted pair gold calls "same" is a true positive, one gold calls "different" a false
positive, a gold "same" pair not predicted a false negative. B-cubed compares, over every gold
form, the linker's clusters with the gold clusters (same-edges joined, never across a
"different" judgement). Without `annotator`, every annotator's judgements and links are pooled
(a note says so).

Gold from several annotators of one document is noted in "notes" of ner and claims.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import combinations
from typing import Any

from .config import Config
from .errors import UserInputError
from .store import Store

__all__ = ["EXTRACTORS", "evaluate", "format_tables", "build_example", "spans_getter"]

EXTRACTORS = ("all", "ner", "claims", "variants")
DEFAULT_FOLDS = 5
PAGE = 200
NO_GOLD = "no gold documents: mark documents done in the Reader (d) first"

_nlp_cache: dict[str, Any] = {}


def _blank() -> Any:
    nlp = _nlp_cache.get("en")
    if nlp is None:
        import spacy

        nlp = _nlp_cache["en"] = spacy.blank("en")
    return nlp


def spans_getter(doc: Any, attr: str) -> Any:
    """The Scorer getter used here: spans from doc.spans[attr]."""
    return doc.spans[attr] if attr in doc.spans else []


# --------------------------------------------------------------------------- examples


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _tokens(text: str, cuts: Iterable[int]) -> tuple[list[str], list[bool]]:
    """Words and spaces of the blank tokenizer's tokens, cut again at `cuts`."""
    doc = _blank().make_doc(text)
    points = {t.idx for t in doc}
    points.update(c for c in cuts if 0 < c < len(text))
    points.add(0)
    bounds = sorted(p for p in points if 0 <= p < len(text)) + [len(text)]
    words: list[str] = []
    spaces: list[bool] = []
    for a, b in zip(bounds, bounds[1:]):
        seg = text[a:b]
        if len(seg) > 1 and seg.endswith(" ") and not seg[-2].isspace():
            words.append(seg[:-1])
            spaces.append(True)
        else:
            words.append(seg)
            spaces.append(False)
    return words, spaces


def _overlaps(spans: list[Any]) -> bool:
    last = -1
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if s.start < last:
            return True
        last = max(last, s.end)
    return False


def build_example(text: str, gold_ents: Iterable[dict[str, Any]], pred_ents: Iterable[dict[str, Any]],
                  gold_claims: Iterable[dict[str, Any]] = (), pred_claims: Iterable[dict[str, Any]] = (),
                  *, complete: bool = True) -> Any:
    """A spaCy Example (predicted, reference) over one shared tokenisation on which every span
    is a token span. Items are dicts with start, end (character offsets) and label (ents) or
    type (claims); whitespace around a span is trimmed; empty spans are dropped."""
    from spacy.tokens import Doc
    from spacy.training import Example

    def clean(items: Iterable[dict[str, Any]], key: str) -> list[tuple[int, int, str]]:
        out = []
        for it in items:
            s, e = _trim(text, int(it["start"]), int(it["end"]))
            if e > s:
                out.append((s, e, str(it.get(key) or "claim")))
        return out

    ge, pe = clean(gold_ents, "label"), clean(pred_ents, "label")
    gc, pc = clean(gold_claims, "type"), clean(pred_claims, "type")
    cuts = {p for group in (ge, pe, gc, pc) for s, e, _ in group for p in (s, e)}
    words, spaces = _tokens(text, cuts)
    vocab = _blank().vocab
    docs = []
    for ents, claims in ((pe, pc), (ge, gc)):
        doc = Doc(vocab, words=words, spaces=spaces)
        assert doc.text == text, "tokenisation must reproduce the text"
        espans = [doc.char_span(s, e, label=lab) for s, e, lab in ents]
        cspans = [doc.char_span(s, e, label=lab) for s, e, lab in claims]
        assert all(x is not None for x in espans + cspans), "every boundary is a token boundary"
        doc.spans["ents"] = espans
        doc.spans["claims"] = cspans
        if not _overlaps(espans):
            doc.set_ents(espans, default="outside" if complete else "missing")
        docs.append(doc)
    return Example(docs[0], docs[1])


# --------------------------------------------------------------------------- gold


def _gold_pairs(store: Store, annotator: str | None) -> list[tuple[int, str]]:
    where, params = "status = 'done'", []
    if annotator is not None:
        where += " AND annotator = ?"
        params.append(annotator)
    return [(r["doc_id"], r["annotator"]) for r in store.query(
        f"SELECT doc_id, annotator FROM doc_status WHERE {where} ORDER BY doc_id, annotator", params)]


def _chunks(ids: list[int], size: int = PAGE) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _marks(n: int) -> str:
    return ",".join("?" for _ in range(n))


def _texts(store: Store, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        for r in store.query(f"SELECT id, text FROM documents WHERE id IN ({_marks(len(chunk))})", chunk):
            out[r["id"]] = r["text"]
    return out


def _gold_spans(store: Store, ids: list[int], labels: set[str]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    out: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for r in store.query(
            f'SELECT doc_id, annotator, start, "end", label FROM spans WHERE doc_id IN ({_marks(len(chunk))}) '
            'ORDER BY doc_id, annotator, start, "end", id', chunk,
        ):
            if r["label"] in labels:
                out[(r["doc_id"], r["annotator"])].append(r)
    return out


def _gold_claims(store: Store, ids: list[int]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    out: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    entity_ids: set[int] = set()
    rows = []
    for chunk in _chunks(ids):
        rows += store.query(
            f"""SELECT c.doc_id, c.annotator, c.start, c."end", c.type, c.speaker, c.speaker_entity_id,
                       sp.text AS speaker_span, sp.entity_id AS speaker_span_entity
                FROM claims c LEFT JOIN spans sp ON sp.id = c.speaker_span_id
                WHERE c.doc_id IN ({_marks(len(chunk))}) ORDER BY c.doc_id, c.annotator, c.start, c."end", c.id""",
            chunk,
        )
    for r in rows:
        for key in ("speaker_entity_id", "speaker_span_entity"):
            if r[key] is not None:
                entity_ids.add(r[key])
    names: dict[int, list[str]] = defaultdict(list)
    if entity_ids:
        eids = sorted(entity_ids)
        for chunk in _chunks(eids):
            m = _marks(len(chunk))
            for e in store.query(f"SELECT id, name FROM entities WHERE id IN ({m})", chunk):
                names[e["id"]].append(e["name"])
            for a in store.query(f"SELECT entity_id, form FROM aliases WHERE entity_id IN ({m})", chunk):
                names[a["entity_id"]].append(a["form"])
    for r in rows:
        speakers = [s for s in (r["speaker"], r["speaker_span"]) if s]
        for key in ("speaker_entity_id", "speaker_span_entity"):
            if r[key] is not None:
                speakers += names.get(r[key], [])
        out[(r["doc_id"], r["annotator"])].append(
            {"start": r["start"], "end": r["end"], "type": r["type"], "speakers": speakers})
    return out


# --------------------------------------------------------------------------- predictions


def _stored(store: Store, ids: list[int], extractor: str) -> tuple[dict[int, list[dict[str, Any]]], dict[int, str]]:
    """Latest stored predictions and their version, per document that has a run."""
    versions: dict[int, str] = {}
    preds: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        m = _marks(len(chunk))
        for r in store.query(
            f"SELECT doc_id, version FROM prediction_runs WHERE extractor = ? AND doc_id IN ({m}) ORDER BY rowid",
            [extractor, *chunk],
        ):
            versions[r["doc_id"]] = r["version"]
        for r in store.query(
            f'SELECT doc_id, version, start, "end", label, data FROM predictions '
            f'WHERE extractor = ? AND doc_id IN ({m}) ORDER BY doc_id, start, "end", id',
            [extractor, *chunk],
        ):
            if versions.get(r["doc_id"]) != r["version"]:
                continue
            item = {"start": r["start"], "end": r["end"], "label": r["label"]}
            try:
                item.update({k: v for k, v in json.loads(r["data"] or "{}").items() if k not in item})
            except ValueError:
                pass
            preds.setdefault(r["doc_id"], []).append(item)
    for doc_id in versions:
        preds.setdefault(doc_id, [])
    return preds, versions


def _tainted(version: str) -> bool:
    return "+gaz." in (version or "")


class _Runner:
    """Loads a pipeline once and predicts documents with a cross-fitted gazetteer."""

    def __init__(self, store: Store, config: Config, *, model: str | None, pipeline: Any,
                 folds: int, gazetteer: bool, on_progress: Callable[[int, int], None] | None) -> None:
        self.store, self.config, self.model = store, config, model
        self.pipe = pipeline
        self.folds = max(1, int(folds))
        self.use_gazetteer = gazetteer
        self.on_progress = on_progress
        self.error: str | None = None
        self.gazetteer_note: str | None = None

    def load(self, tasks: set[str]) -> Any:
        if self.pipe is None and self.error is None:
            from .extract.pipeline import ModelMissing, load_configured

            try:
                self.pipe = load_configured(self.config.model, components=tasks | {"entities", "claims"},
                                            override=self.model)
            except ModelMissing as exc:
                if self.model:
                    raise
                self.error = str(exc)
        return self.pipe

    @property
    def version(self) -> str | None:
        return getattr(self.pipe, "version", None)

    def predict(self, ids: list[int], tasks: set[str]) -> dict[str, dict[int, list[dict[str, Any]]]]:
        """{task: {doc_id: predictions}} for the tasks the pipeline supports."""
        out: dict[str, dict[int, list[dict[str, Any]]]] = {t: {} for t in tasks}
        pipe = self.load(tasks)
        if pipe is None or not ids:
            return out
        tasks = {t for t in tasks if pipe.supports(t)}
        from .predict import confirmed_entries

        entries = confirmed_entries(self.store) if (self.use_gazetteer and "entities" in tasks) else []
        pipe.remove_gazetteer()  # never reuse a ruler built from every confirmed entity
        ids = sorted(ids)
        k = min(self.folds, len(ids)) if entries else 1
        folds = [ids[i::k] for i in range(k)]
        done = 0
        if self.on_progress:
            self.on_progress(0, len(ids))
        try:
            for fold in folds:
                if entries:
                    pipe.add_gazetteer(entries, exclude_doc_ids=fold)
                texts = _texts(self.store, fold)
                items = [(d, texts[d]) for d in fold if d in texts]
                for doc_id, result in pipe.predict(
                    items, tasks=sorted(tasks), batch_size=self.config.model.batch_size,
                    labels=self.config.label_names, claim_types=self.config.claims.types,
                ):
                    for task in tasks:
                        out[task][doc_id] = list(result.get(task, []))
                    done += 1
                    if self.on_progress:
                        self.on_progress(done, len(ids))
        finally:
            pipe.remove_gazetteer()
        if entries:
            self.gazetteer_note = (f"cross-fitted: {k} fold(s), each predicted without the entities "
                                   "confirmed in its own documents")
        elif "entities" in tasks:
            self.gazetteer_note = "none" if self.use_gazetteer else "off"
        return out


_Preds = dict[int, list[dict[str, Any]]]  # doc id -> predictions


def _predictions(store: Store, ids: list[int], task: str, runner: _Runner, model: str | None,
                 cache: dict[str, _Preds]) -> tuple[_Preds, dict[str, Any]]:
    """Predictions for `task` ("entities" or "claims") on the gold documents, and where they came from."""
    info: dict[str, Any] = {"stored": 0, "predicted": 0, "skipped": 0, "notes": []}
    if model is not None:
        if task not in cache:
            cache.update(runner.predict(ids, {"entities", "claims"}))
        preds = cache.get(task, {})
        info["predicted"] = len(preds)
        info["skipped"] = len(ids) - len(preds)
        if info["skipped"]:
            info["notes"].append(f"{runner.version} cannot run the {task} extractor")
        info["source"] = f"model {runner.version}"
        return preds, info
    stored, versions = _stored(store, ids, task)
    need = [d for d in ids if d not in versions or (task == "entities" and _tainted(versions[d]))]
    need_set = set(need)
    tainted = sum(1 for d in ids if d in versions and task == "entities" and _tainted(versions[d]))
    preds = {d: stored[d] for d in ids if d in versions and d not in need_set}
    info["stored"] = len(preds)
    if need:
        fresh = runner.predict(need, {task}).get(task, {})
        preds.update(fresh)
        info["predicted"] = len(fresh)
        info["skipped"] = len(need) - len(fresh)
        if tainted:
            info["notes"].append(f"{tainted} document(s) had stored predictions made with the confirmed-entity "
                                 "gazetteer; they were predicted again without their own entities")
        if info["skipped"]:
            why = runner.error or "the pipeline cannot run this extractor"
            info["notes"].append(f"{info['skipped']} gold document(s) without usable stored predictions were "
                                 f"skipped: {why}")
    used = sorted({versions[d] for d in preds if d in versions and d not in need_set})
    parts = []
    if used:
        parts.append("stored " + ", ".join(used))
    if info["predicted"]:
        parts.append(f"predicted {runner.version}")
    info["source"] = "; ".join(parts) or "none"
    return preds, info


# --------------------------------------------------------------------------- scoring


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | None]:
    p = tp / n_pred if n_pred else None
    r = tp / n_gold if n_gold else None
    if p is None and r is None:
        return {"p": None, "r": None, "f": None}
    p0, r0 = p or 0.0, r or 0.0
    f = 2 * p0 * r0 / (p0 + r0) if p0 + r0 else 0.0
    return {"p": p, "r": r, "f": f}


def _norm_speaker(text: str | None) -> str:
    from .extract.normalize import normalize

    return normalize(text or "")


def _score_claims_overlap(examples: list[tuple[list[dict], list[dict]]]) -> tuple[dict[str, Any], int, int]:
    """Overlap P/R/F1 and speaker accuracy over (gold, pred) claim lists."""
    matched_pred = matched_gold = n_pred = n_gold = 0
    speaker_ok = speaker_n = 0
    for gold, pred in examples:
        n_pred += len(pred)
        n_gold += len(gold)
        for p in pred:
            if any(p["start"] < g["end"] and g["start"] < p["end"] for g in gold):
                matched_pred += 1
        for g in gold:
            best, best_len = None, 0
            for p in pred:
                ov = min(p["end"], g["end"]) - max(p["start"], g["start"])
                if ov > best_len:
                    best, best_len = p, ov
            if best is None:
                continue
            matched_gold += 1
            forms = {_norm_speaker(s) for s in g.get("speakers", ()) if s}
            forms.discard("")
            if forms:
                speaker_n += 1
                if _norm_speaker(best.get("speaker")) in forms:
                    speaker_ok += 1
    p = matched_pred / n_pred if n_pred else None
    r = matched_gold / n_gold if n_gold else None
    if p is None and r is None:
        overlap = {"p": None, "r": None, "f": None}
    else:
        p0, r0 = p or 0.0, r or 0.0
        overlap = {"p": p, "r": r, "f": 2 * p0 * r0 / (p0 + r0) if p0 + r0 else 0.0}
    return overlap, speaker_ok, speaker_n


def _ner_section(store: Store, config: Config, pairs: list[tuple[int, str]], texts: dict[int, str],
                 preds: dict[int, list[dict[str, Any]]], info: dict[str, Any], runner: _Runner) -> dict[str, Any]:
    from spacy.scorer import Scorer

    labels = set(config.label_names)
    ids = sorted({d for d, _ in pairs})
    gold = _gold_spans(store, ids, labels)
    examples = []
    docs: set[int] = set()
    n_gold = n_pred = 0
    gold_by: dict[str, int] = defaultdict(int)
    pred_by: dict[str, int] = defaultdict(int)
    for doc_id, ann in pairs:
        if doc_id not in preds or doc_id not in texts:
            continue
        g = gold.get((doc_id, ann), [])
        p = [x for x in preds[doc_id] if x.get("label") in labels]
        examples.append(build_example(texts[doc_id], g, p))
        docs.add(doc_id)
        n_gold += len(g)
        n_pred += len(p)
        for x in g:
            gold_by[x["label"]] += 1
        for x in p:
            pred_by[x["label"]] += 1
    scores = Scorer.score_spans(examples, "ents", getter=spans_getter)
    per_label = {}
    for label, prf in sorted((scores.get("ents_per_type") or {}).items()):
        per_label[label] = {"p": prf["p"], "r": prf["r"], "f": prf["f"],
                            "gold": gold_by.get(label, 0), "pred": pred_by.get(label, 0)}
    return {
        "p": scores["ents_p"], "r": scores["ents_r"], "f": scores["ents_f"], "per_label": per_label,
        "docs": len(docs), "examples": len(examples), "gold": n_gold, "pred": n_pred,
        "labels": list(config.label_names), "source": info["source"],
        "gazetteer": runner.gazetteer_note or ("n/a (stored predictions)" if not info["predicted"] else "none"),
        "skipped": info["skipped"], "notes": info["notes"],
    }


def _claims_section(store: Store, pairs: list[tuple[int, str]], texts: dict[int, str],
                    preds: dict[int, list[dict[str, Any]]], info: dict[str, Any]) -> dict[str, Any]:
    from spacy.scorer import Scorer

    ids = sorted({d for d, _ in pairs})
    gold = _gold_claims(store, ids)
    examples = []
    plain: list[tuple[list[dict], list[dict]]] = []
    docs: set[int] = set()
    n_gold = n_pred = 0
    for doc_id, ann in pairs:
        if doc_id not in preds or doc_id not in texts:
            continue
        g = gold.get((doc_id, ann), [])
        p = preds[doc_id]
        examples.append(build_example(texts[doc_id], (), (), g, p))
        text = texts[doc_id]
        trimmed_g = []
        for x in g:
            s, e = _trim(text, x["start"], x["end"])
            if e > s:
                trimmed_g.append({**x, "start": s, "end": e})
        trimmed_p = []
        for x in p:
            s, e = _trim(text, x["start"], x["end"])
            if e > s:
                trimmed_p.append({**x, "start": s, "end": e})
        plain.append((trimmed_g, trimmed_p))
        docs.add(doc_id)
        n_gold += len(trimmed_g)
        n_pred += len(trimmed_p)
    exact = Scorer.score_spans(examples, "claims", getter=spans_getter, labeled=False, allow_overlap=True)
    overlap, ok, n = _score_claims_overlap(plain)
    return {
        "exact": {"p": exact["claims_p"], "r": exact["claims_r"], "f": exact["claims_f"]},
        "overlap": overlap,
        "speaker_accuracy": ok / n if n else None,
        "speaker_pairs": n,
        "docs": len(docs), "examples": len(examples), "gold": n_gold, "pred": n_pred,
        "source": info["source"], "skipped": info["skipped"], "notes": info["notes"],
    }


# --------------------------------------------------------------------------- variants


def _linker_mentions(store: Store) -> tuple[list[Any], int]:
    """What the linker sees, and how many documents' predictions were left out: the text and
    label of every gold span and of each document's latest entity predictions. No entity links
    and no judgements; predictions made with the confirmed-entity gazetteer ("+gaz.") are left
    out, since that ruler is built from the entity links scored here."""
    from .extract.variants import Mention

    out = [Mention(r["text"], r["label"], r["doc_id"], r["start"], r["end"]) for r in store.query(
        'SELECT doc_id, start, "end", text, label FROM spans ORDER BY doc_id, start, id')]
    latest = """SELECT doc_id, version FROM prediction_runs r WHERE extractor = 'entities'
                AND rowid = (SELECT max(rowid) FROM prediction_runs r2
                             WHERE r2.doc_id = r.doc_id AND r2.extractor = 'entities')"""
    for r in store.query(
        f"""SELECT p.doc_id, p.start, p."end", p.label, json_extract(p.data, '$.text') AS text
            FROM predictions p JOIN ({latest}) v ON v.doc_id = p.doc_id AND v.version = p.version
            WHERE p.extractor = 'entities' AND v.version NOT LIKE '%+gaz.%' ORDER BY p.doc_id, p.start, p.id"""
    ):
        if r["text"] and r["label"]:
            out.append(Mention(r["text"], r["label"], r["doc_id"], r["start"], r["end"]))
    tainted = store.scalar(f"SELECT count(*) FROM ({latest}) WHERE version LIKE '%+gaz.%'")
    return out, int(tainted or 0)


_Node = tuple[str, str]          # (label group, normalised form)
_Key = tuple[str, str, str]      # (label group, form, form), forms sorted


class _VariantGold:
    """Gold for the variant linker over normalised forms within a label group.

    Judgements (latest verdict per pair; unsure ones left out) override what entity links say:
    two forms of one canonical entity are "same", forms of two entities of one label group are
    "different" (those pairs are implied, never listed: there are quadratically many)."""

    def __init__(self, store: Store, annotator: str | None, mention_groups: Callable[[], dict[str, set[str]]]):
        from .export import entity_forms
        from .extract.normalize import normalize
        from .extract.variants import SKIP_LABELS, label_group

        self.rep: dict[_Node, tuple[str, str | None]] = {}   # node -> (form as written, label)
        self.owners: dict[_Node, set[int]] = defaultdict(set)
        self.entity_same: set[_Key] = set()
        self.annotators: set[str] = set()
        keys_of: dict[int, list[str]] = defaultdict(list)
        group_of: dict[int, str] = {}
        for eid, (label, forms) in entity_forms(store, annotator=annotator).items():
            if not label or label.upper() in SKIP_LABELS:
                continue  # values (dates, numbers) are never linked
            g = group_of[eid] = label_group(label)
            for form in sorted(forms):
                key = normalize(form)
                if key and eid not in self.owners[(g, key)]:
                    self.owners[(g, key)].add(eid)
                    self.rep.setdefault((g, key), (form, label))
                    keys_of[eid].append(key)
        for eid, keys in keys_of.items():
            self.entity_same.update((group_of[eid], *ab) for ab in combinations(sorted(keys), 2))

        self.judged: dict[_Key, str] = {}
        who, params = ("", []) if annotator is None else (" AND annotator = ?", [annotator])
        groups = None
        for r in store.query(f"SELECT a, b, label, verdict, annotator FROM judgements WHERE 1{who} ORDER BY id",
                             params):
            ka, kb = normalize(r["a"] or ""), normalize(r["b"] or "")
            if not ka or not kb or ka == kb:
                continue
            if r["label"]:
                g = label_group(r["label"])
            else:  # no label: the first group where both forms occur, as the linker does
                groups = mention_groups() if groups is None else groups
                g = next((g for g in sorted(groups) if {ka, kb} <= groups[g]), None)
                if g is None:
                    continue
            key = (g, *sorted((ka, kb)))
            self.judged.pop(key, None)
            self.judged[key] = r["verdict"]
            self.annotators.add(r["annotator"])
            for form, k in ((r["a"].strip(), ka), (r["b"].strip(), kb)):
                self.rep.setdefault((g, k), (form, r["label"]))
        self.unsure = sum(1 for v in self.judged.values() if v == "unsure")
        self.judged = {k: v for k, v in self.judged.items() if v in ("same", "different")}
        self.annotators.update(r["annotator"] for r in store.query(
            f"SELECT DISTINCT annotator FROM spans WHERE entity_id IS NOT NULL{who}", params))

    def verdict(self, key: _Key) -> str | None:
        """The gold verdict on a pair of nodes: same, different, or None when gold says nothing."""
        if key in self.judged:
            return self.judged[key]
        if key in self.entity_same:
            return "same"
        g, a, b = key
        return "different" if (g, a) in self.owners and (g, b) in self.owners else None

    def nodes(self) -> set[_Node]:
        return set(self.owners) | {(g, x) for g, a, b in self.judged for x in (a, b)}

    def counts(self) -> dict[str, dict[str, int]]:
        """Gold pairs per source; entity-derived ones exclude the pairs a judgement overrides."""
        judged = {"same": sum(1 for v in self.judged.values() if v == "same")}
        judged["different"] = len(self.judged) - judged["same"]
        by_group: Counter[str] = Counter(g for g, _ in self.owners)
        all_pairs = sum(n * (n - 1) // 2 for n in by_group.values())
        overridden = [k for k in self.judged if (k[0], k[1]) in self.owners and (k[0], k[2]) in self.owners]
        same = len(self.entity_same) - sum(1 for k in overridden if k in self.entity_same)
        different = all_pairs - len(self.entity_same) - sum(1 for k in overridden if k not in self.entity_same)
        return {"judgements": judged, "entities": {"same": same, "different": different}}

    def groups(self) -> list[set[str]]:
        """Gold clusters of nodes (as "group\\0form" strings): same-edges joined, never across a
        "different" judgement."""
        from .extract.variants import Judgement, canonical_groups

        edges = [Judgement(f"{g}\0{a}", f"{g}\0{b}", "", "same") for g, a, b in sorted(self.entity_same)]
        edges += [Judgement(f"{g}\0{a}", f"{g}\0{b}", "", v) for (g, a, b), v in self.judged.items()]
        return canonical_groups(edges)


def _variants_section(store: Store, config: Config, annotator: str | None) -> dict[str, Any]:
    from .extract.normalize import normalize
    from .extract.variants import LINKER_VERSION, Mention, label_group, suggest

    mentions, tainted = _linker_mentions(store)

    def mention_groups() -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for form, label in {(m.form, m.label) for m in mentions}:
            out[label_group(label)].add(normalize(form))
        return out

    gold = _VariantGold(store, annotator, mention_groups)
    counts = gold.counts()
    n_same = counts["judgements"]["same"] + counts["entities"]["same"]
    n_diff = counts["judgements"]["different"] + counts["entities"]["different"]
    threshold = config.linker.threshold
    empty = {"p": None, "r": None, "f": None}
    base = {"pairs": n_same + n_diff, "same": n_same, "different": n_diff, "unsure": gold.unsure,
            "sources": counts, "threshold": threshold, "linker": LINKER_VERSION, "notes": []}
    if annotator is None and len(gold.annotators) > 1:
        names = ", ".join(sorted(gold.annotators))
        base["notes"].append(f"gold pooled from {len(gold.annotators)} annotators ({names}): the latest "
                             "judgement of a pair wins; pass --annotator to score one")
    if tainted:
        base["notes"].append(f"{tainted} document(s)' entity predictions were made with the confirmed-entity "
                             "gazetteer and are left out of the linker's input (they carry the entity links)")
    if not base["pairs"]:
        return {**empty, **base, "bcubed": dict(empty), "forms": 0, "mentions": len(mentions),
                "notes": base["notes"] + ["no gold pairs: judge variant pairs (same / different) in the Entities "
                                          "screen, or link mentions to canonical entities"]}

    # Gold forms the corpus does not mention (entity names, aliases, judged forms) are given to
    # the linker each as its own one-mention document, so they share no made-up context.
    seen = {(m.form, m.label) for m in mentions}
    nodes = gold.nodes()
    for i, node in enumerate(sorted(nodes), 1):
        form, label = gold.rep[node]
        if (form, label) not in seen:
            mentions.append(Mention(form, label or node[0], -i, None))
    sugg = suggest(mentions, (), threshold=threshold)   # never the judgements nor the entity links

    cluster_of: dict[_Node, int] = {}
    for ci, cluster in enumerate(sugg.clusters):
        g = label_group(cluster.label)
        for form in cluster.forms:
            cluster_of[(g, normalize(form))] = ci
    members: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        if node in cluster_of:
            members[cluster_of[node]].append(node[1])
    predicted: set[_Key] = set()
    for ci, keys in members.items():
        g = label_group(sugg.clusters[ci].label)
        predicted.update((g, *ab) for ab in combinations(sorted(keys), 2))
    for pair in sugg.pairs:
        g = label_group(pair.label)
        a, b = normalize(pair.a), normalize(pair.b)
        if (g, a) in nodes and (g, b) in nodes and a != b:
            predicted.add((g, *sorted((a, b))))
    verdicts = Counter(gold.verdict(k) for k in predicted)
    tp, fp = verdicts["same"], verdicts["different"]
    fn = n_same - tp
    pairwise = _prf(tp, tp + fp, n_same)

    gold_of = {m: gi for gi, group in enumerate(gold.groups()) for m in group}
    items = sorted(nodes)
    gkey = {n: gold_of.get(f"{n[0]}\0{n[1]}", n) for n in items}
    pkey = {n: cluster_of.get(n, n) for n in items}
    gold_cluster: dict[Any, set[_Node]] = defaultdict(set)
    pred_cluster: dict[Any, set[_Node]] = defaultdict(set)
    for n in items:
        gold_cluster[gkey[n]].add(n)
        pred_cluster[pkey[n]].add(n)
    bp = br = 0.0
    for n in items:
        g, p = gold_cluster[gkey[n]], pred_cluster[pkey[n]]
        both = len(g & p)
        bp += both / len(p)
        br += both / len(g)
    bp, br = bp / len(items), br / len(items)
    bcubed = {"p": bp, "r": br, "f": 2 * bp * br / (bp + br) if bp + br else 0.0}
    return {**pairwise, **base, "bcubed": bcubed, "forms": len(items), "mentions": len(mentions),
            "tp": tp, "fp": fp, "fn": fn}


# --------------------------------------------------------------------------- entry point


def evaluate(
    store: Store,
    config: Config,
    *,
    extractor: str = "all",
    model: str | None = None,
    annotator: str | None = None,
    pipeline: Any = None,
    folds: int = DEFAULT_FOLDS,
    gazetteer: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Score the extractors against gold (see the module docstring); the `evaluate --json` dict.

    extractor: "all", "ner", "claims" or "variants". model: a spaCy package name or pipeline
    directory to run over the gold documents instead of scoring stored predictions. annotator:
    only this annotator's gold (default: every annotator's, one example per document and
    annotator). pipeline: an already loaded LoadedPipeline (tests, or the TUI) used instead of
    loading one. on_progress(done, total) counts documents while a pipeline predicts.
    Raises UserInputError when there is no gold to score, ModelMissing for a bad `model`.
    """
    if extractor not in EXTRACTORS:
        raise UserInputError(f"--extractor: expected one of {', '.join(EXTRACTORS)}, got {extractor!r}")
    result: dict[str, Any] = {}
    want_docs = extractor in ("all", "ner", "claims")
    if want_docs:
        pairs = _gold_pairs(store, annotator)
        if not pairs:
            if annotator is not None:
                raise UserInputError(f"no gold documents for annotator {annotator!r}: "
                                     "mark documents done in the Reader (d) first")
            raise UserInputError(NO_GOLD)
        ids = sorted({d for d, _ in pairs})
        texts = _texts(store, ids)
        runner = _Runner(store, config, model=model, pipeline=pipeline, folds=folds, gazetteer=gazetteer,
                         on_progress=on_progress)
        cache: dict[str, dict[int, list[dict[str, Any]]]] = {}
        if extractor in ("all", "ner"):
            preds, info = _predictions(store, ids, "entities", runner, model, cache)
            if not preds and extractor == "ner":
                raise UserInputError(_no_predictions(len(ids), "entity", runner))
            result["ner"] = _ner_section(store, config, pairs, texts, preds, info, runner)
        if extractor in ("all", "claims"):
            preds, info = _predictions(store, ids, "claims", runner, model, cache)
            if not preds and extractor == "claims":
                raise UserInputError(_no_predictions(len(ids), "claim", runner))
            result["claims"] = _claims_section(store, pairs, texts, preds, info)
        if extractor == "all" and not result["ner"]["examples"] and not result["claims"]["examples"]:
            raise UserInputError(_no_predictions(len(ids), "entity or claim", runner))
        note = _several_annotators(pairs)
        for name in ("ner", "claims"):
            if note and name in result:
                result[name]["notes"].append(note)
    if extractor in ("all", "variants"):
        section = _variants_section(store, config, annotator)
        if extractor == "variants" and not section["pairs"]:
            who = f" by annotator {annotator!r}" if annotator else ""
            raise UserInputError(f"no variant gold{who}: judge pairs (same / different) in the Entities "
                                 "screen, or link mentions of one name to a canonical entity (l), first")
        result["variants"] = section
    return result


def _several_annotators(pairs: list[tuple[int, str]]) -> str | None:
    """A note when some documents have gold from several annotators: each version is its own
    example, so the same text counts once per annotator."""
    by_doc: dict[int, set[str]] = defaultdict(set)
    for doc_id, ann in pairs:
        by_doc[doc_id].add(ann)
    shared = [anns for anns in by_doc.values() if len(anns) > 1]
    if not shared:
        return None
    names = ", ".join(sorted(set().union(*shared)))
    return (f"{len(shared)} document(s) have gold from several annotators ({names}): each annotator's "
            "version is scored as its own example; pass --annotator to score one")


def _no_predictions(n: int, what: str, runner: _Runner) -> str:
    why = f" ({runner.error})" if runner.error else ""
    return (f"no {what} predictions for the {n} gold document(s){why}: run `newsmark predict` first, "
            "or pass --model")


# --------------------------------------------------------------------------- terminal


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def format_tables(result: dict[str, Any]) -> Any:
    """A rich renderable of the result: one table per extractor, with the gold document count."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = []
    ner = result.get("ner")
    if ner is not None:
        parts.append(Text(f"Entities (NER): {ner['docs']} gold document(s), {ner['examples']} example(s)",
                          style="bold"))
        t = Table()
        for col in ("label", "P", "R", "F1", "gold", "pred"):
            t.add_column(col, justify="left" if col == "label" else "right")
        for label, s in ner["per_label"].items():
            t.add_row(Text(label), _fmt(s["p"]), _fmt(s["r"]), _fmt(s["f"]), str(s["gold"]), str(s["pred"]))
        t.add_section()
        t.add_row(Text("micro", style="bold"), _fmt(ner["p"]), _fmt(ner["r"]), _fmt(ner["f"]),
                  str(ner["gold"]), str(ner["pred"]))
        parts.append(t)
        parts.append(Text(f"predictions: {ner['source']}; gazetteer: {ner['gazetteer']}", style="dim"))
        parts.extend(Text(f"note: {n}", style="yellow") for n in ner["notes"])
    claims = result.get("claims")
    if claims is not None:
        parts.append(Text(f"Claims: {claims['docs']} gold document(s), {claims['examples']} example(s)",
                          style="bold"))
        t = Table()
        for col in ("match", "P", "R", "F1"):
            t.add_column(col, justify="left" if col == "match" else "right")
        for name in ("exact", "overlap"):
            s = claims[name]
            t.add_row(name, _fmt(s["p"]), _fmt(s["r"]), _fmt(s["f"]))
        parts.append(t)
        parts.append(Text(f"speaker accuracy: {_fmt(claims['speaker_accuracy'])} over {claims['speaker_pairs']} "
                          f"matched claim(s) with a speaker; gold {claims['gold']}, predicted {claims['pred']}; "
                          f"predictions: {claims['source']}", style="dim"))
        parts.extend(Text(f"note: {n}", style="yellow") for n in claims["notes"])
    var = result.get("variants")
    if var is not None:
        src = var["sources"]
        parts.append(Text(f"Variants: {var['pairs']} gold pair(s) ({var['same']} same, {var['different']} "
                          f"different; {var['unsure']} unsure left out)", style="bold"))
        parts.append(Text(f"from judgements: {src['judgements']['same']} same, {src['judgements']['different']} "
                          f"different; from canonical entities: {src['entities']['same']} same, "
                          f"{src['entities']['different']} different", style="dim"))
        t = Table()
        for col in ("measure", "P", "R", "F1"):
            t.add_column(col, justify="left" if col == "measure" else "right")
        t.add_row("pairwise", _fmt(var["p"]), _fmt(var["r"]), _fmt(var["f"]))
        b = var["bcubed"]
        t.add_row("B-cubed", _fmt(b["p"]), _fmt(b["r"]), _fmt(b["f"]))
        parts.append(t)
        parts.append(Text(f"linker {var['linker']} at threshold {var['threshold']:g} over {var['mentions']} "
                          f"mention(s), {var['forms']} gold form(s)", style="dim"))
        parts.extend(Text(f"note: {n}", style="yellow") for n in var["notes"])
    return Group(*parts)
