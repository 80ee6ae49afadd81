"""Evaluate the three extractors against the annotators' gold, without leakage.

    evaluate(store, config, *, extractor="all", model=None, annotator=None) -> dict
    evaluate_results(...) -> {"ner": NerResult, "claims": ClaimsResult, "variants": VariantsResult}
    format_tables(result) -> a rich renderable (prints the number of gold documents)

The package, by concern: gold (whose gold counts: `gold_pairs`), examples (spaCy Examples on one
tokenisation), predictions (stored or freshly predicted, never leaking), ner, claims, variants
(one scorer each), results (the dataclasses), report (terminal tables).

The result is the `evaluate --json` shape of DESIGN.md, with a few extra keys:

    {"ner":      {"p", "r", "f", "per_label": {LABEL: {"p", "r", "f", "gold", "pred"}}, "docs", "examples",
                  "gold", "pred", "source", "gazetteer", "skipped", "notes"},
     "claims":   {"exact": {"p", "r", "f"}, "overlap": {"p", "r", "f"}, "speaker_accuracy", "speaker_pairs",
                  "speaker_lenient", "speaker_entity_accuracy", "entity_pairs", "quote_type_recall",
                  "type_agreement", "stance_agreement", "role_accuracy", "role_pairs", "matched",
                  "docs", "examples", "gold", "pred", "source", "skipped", "notes"},
     "variants": {"p", "r", "f", "pairs", "same", "different", "unsure", "bcubed": {"p", "r", "f"},
                  "sources": {"judgements": {"same", "different"}, "entities": {"same", "different"}},
                  "forms", "mentions", "threshold", "linker", "notes", "tp", "fp", "fn"}}

A score is null when it is undefined (nothing predicted and nothing in gold).

Gold
----
Documents held out for evaluation (`newsmark split`, `newsmark mark --held-out`) are what is
scored by default (scope "auto"): training never saw them. Without any, every gold document is
scored and a note says that training may have seen them; scope "all" scores every gold
document, "held-out" only the held-out ones. Gold is what annotators marked done: one example per (document, annotator) whose status is
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
speaker names it (normalised: case, diacritics, possessive, a leading article; a speaker linked to
a canonical entity accepts its name and aliases). Type and stance agreement: the same matched
pairs, over gold claims with a type / a stance.

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
  - canonical entities (`store.entities.canonical_forms`: an entity's name, aliases and the text of spans
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

from collections.abc import Callable
from typing import Any

from annotations.config import Config
from annotations.errors import UserInputError
from annotations.learn.evaluate.claims import claims_section
from annotations.learn.evaluate.examples import build_example, spans_getter
from annotations.learn.evaluate.gold import gold_pairs, several_annotators, texts
from annotations.learn.evaluate.ner import ner_section
from annotations.learn.evaluate.predictions import Runner, no_predictions, predictions
from annotations.learn.evaluate.report import format_tables
from annotations.learn.evaluate.results import PRF, ClaimsResult, NerResult, VariantsResult
from annotations.learn.evaluate.variants import variants_section
from annotations.store import Store
from annotations.team.layers import gold_sources

__all__ = [
    "EXTRACTORS",
    "NO_GOLD",
    "PRF",
    "ClaimsResult",
    "NerResult",
    "VariantsResult",
    "build_example",
    "evaluate",
    "evaluate_results",
    "format_tables",
    "gold_pairs",
    "spans_getter",
]

EXTRACTORS = ("all", "ner", "claims", "variants")
DEFAULT_FOLDS = 5
NO_GOLD = "no gold documents: mark documents done in the Reader (d) first"

_Section = NerResult | ClaimsResult | VariantsResult


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
    scope: str = "auto",
) -> dict[str, Any]:
    """Score the extractors against gold (see the module docstring); the `evaluate --json` dict.

    extractor: "all", "ner", "claims" or "variants". model: a spaCy package name or pipeline
    directory to run over the gold documents instead of scoring stored predictions. annotator:
    only this annotator's gold (default: the gold rule of annotations.team.layers: the reviewed
    layer where a document has one, else one example per annotator who marked it done).
    pipeline: an already loaded LoadedPipeline (tests, or the TUI) used instead of loading one. on_progress(done, total) counts documents while a pipeline predicts.
    Raises UserInputError when there is no gold to score, ModelMissing for a bad `model`.
    """
    results = evaluate_results(
        store,
        config,
        extractor=extractor,
        model=model,
        annotator=annotator,
        pipeline=pipeline,
        folds=folds,
        gazetteer=gazetteer,
        on_progress=on_progress,
        scope=scope,
    )
    return {name: section.as_dict() for name, section in results.items()}


def evaluate_results(
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
    scope: str = "auto",
) -> dict[str, _Section]:
    """`evaluate`, as result dataclasses keyed "ner", "claims", "variants"."""
    if extractor not in EXTRACTORS:
        raise UserInputError(f"--extractor: expected one of {', '.join(EXTRACTORS)}, got {extractor!r}")
    result: dict[str, _Section] = {}
    if extractor in ("all", "ner", "claims"):
        runner = Runner(
            store, config, model=model, pipeline=pipeline, folds=folds, gazetteer=gazetteer, on_progress=on_progress
        )
        result.update(_document_sections(store, config, extractor, annotator, runner, model, scope))
    if extractor in ("all", "variants"):
        section = variants_section(store, config, annotator)
        if extractor == "variants" and not section.pairs:
            who = f" by annotator {annotator!r}" if annotator else ""
            raise UserInputError(
                f"no variant gold{who}: judge pairs (same / different) in the Entities "
                "screen, or link mentions of one name to a canonical entity (l), first"
            )
        result["variants"] = section
    return result


SCOPES = ("auto", "held-out", "all")


def scoped_gold(store: Store, annotator: str | None, scope: str) -> tuple[list[tuple[int, str]], str]:
    """(the gold pairs to score, one sentence naming them): the held-out documents when there
    are any (scope "auto"), else every gold document."""
    if scope not in SCOPES:
        raise UserInputError(f"scope: expected one of {', '.join(SCOPES)}, got {scope!r}")
    held = gold_sources(store, annotator=annotator, held_out=True)
    if scope == "held-out" or (scope == "auto" and held.pairs):
        if not held.pairs:
            raise UserInputError(
                "no held-out gold documents: hold some out with `newsmark split --test 0.2` "
                "(or `newsmark mark --held-out --ids N`), or score every gold document with --all-gold"
            )
        docs = len({d for d, _ in held.pairs})
        return (
            held.pairs,
            f"scored on the {docs} held-out document(s), which training never reads; {held.describe(annotator)}",
        )
    choice = gold_sources(store, annotator=annotator)
    docs = len({d for d, _ in choice.pairs})
    why = "--all-gold" if scope == "all" else "no document is held out (newsmark split --test 0.2)"
    return choice.pairs, (
        f"scored on all {docs} gold document(s) ({why}): a model trained on them has seen them; "
        f"{choice.describe(annotator)}"
    )


def _document_sections(
    store: Store,
    config: Config,
    extractor: str,
    annotator: str | None,
    runner: Runner,
    model: str | None,
    scope: str = "auto",
) -> dict[str, _Section]:
    """The NER and claims sections: both scored over the gold documents, per (document, annotator)."""
    pairs, which = scoped_gold(store, annotator, scope)
    if not pairs:
        if annotator is not None:
            raise UserInputError(
                f"no gold documents for annotator {annotator!r}: mark documents done in the Reader (d) first"
            )
        raise UserInputError(NO_GOLD)
    ids = sorted({d for d, _ in pairs})
    doc_texts = texts(store, ids)
    cache: dict[str, dict[int, list[dict[str, Any]]]] = {}
    out: dict[str, _Section] = {}
    if extractor in ("all", "ner"):
        preds, info = predictions(store, ids, "entities", runner, model, cache)
        if not preds and extractor == "ner":
            raise UserInputError(no_predictions(len(ids), "entity", runner))
        ner = out["ner"] = ner_section(store, config, pairs, doc_texts, preds, info, runner)
    if extractor in ("all", "claims"):
        preds, info = predictions(store, ids, "claims", runner, model, cache)
        if not preds and extractor == "claims":
            raise UserInputError(no_predictions(len(ids), "claim", runner))
        claims = out["claims"] = claims_section(store, pairs, doc_texts, preds, info)
    if extractor == "all" and not ner.examples and not claims.examples:
        raise UserInputError(no_predictions(len(ids), "entity or claim", runner))
    notes = [which, several_annotators(pairs)]
    for section in out.values():
        section.notes.extend(note for note in notes if note)
    return out
