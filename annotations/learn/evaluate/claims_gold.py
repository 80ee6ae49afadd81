"""Hand-written claims gold files: claims by their exact text, loaded into a store as done gold.

A gold file is YAML mapping a document's file name to its claims:

    article.md:
      - text: "the exact span, as it appears in the document's text"
        speaker: Maria Delgado        # null when the claim has no speaker
        aliases: [Delgado]            # optional: the speaker's canonical entity and its other names
        role: Councilwoman            # optional: the speaker's role or title, scored as role accuracy
        type: quote | quantity | statement
        stance: asserted | reported | denied | hedged

Writing spans as text (not offsets) keeps the gold readable and checkable by eye; `locate`
finds each one in the document and refuses one that is missing or ambiguous.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from annotations.corpus.ingest import import_paths
from annotations.entities.actions import add_alias, create_entity
from annotations.errors import UserInputError
from annotations.extract.pipeline import load_configured
from annotations.learn.evaluate import evaluate
from annotations.reading.claims import add_claim
from annotations.store import Store

TYPES = ("quote", "quantity", "statement")
STANCES = ("asserted", "reported", "denied", "hedged")


@dataclass
class GoldClaim:
    text: str
    speaker: str | None
    type: str
    stance: str
    aliases: tuple[str, ...] = ()
    role: str | None = None


def read_gold(path: Path) -> dict[str, list[GoldClaim]]:
    """The claims of each document named in a gold file; bad entries name the file and document."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UserInputError(f"{path}: cannot read claims gold: {exc}") from None
    if not isinstance(data, dict):
        raise UserInputError(f"{path}: expected a mapping of file name to claims")
    out: dict[str, list[GoldClaim]] = {}
    for name, items in data.items():
        out[str(name)] = [_claim(path, str(name), i, item) for i, item in enumerate(items or [], 1)]
    return out


def _claim(path: Path, name: str, i: int, item: Any) -> GoldClaim:
    where = f"{path}: {name} claim {i}"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
        raise UserInputError(f"{where}: needs a text")
    if item.get("type") not in TYPES:
        raise UserInputError(f"{where}: type must be one of {', '.join(TYPES)}")
    if item.get("stance") not in STANCES:
        raise UserInputError(f"{where}: stance must be one of {', '.join(STANCES)}")
    speaker = item.get("speaker")
    return GoldClaim(
        item["text"].strip(),
        str(speaker) if speaker else None,
        item["type"],
        item["stance"],
        tuple(str(a) for a in item.get("aliases") or ()),
        item.get("role"),
    )


def locate(text: str, claim: GoldClaim, name: str) -> tuple[int, int]:
    """The claim's character offsets in the document; exactly one occurrence is required."""
    start = text.find(claim.text)
    if start < 0:
        raise UserInputError(f"{name}: gold claim not found in the text: {claim.text[:60]!r}")
    if text.find(claim.text, start + 1) >= 0:
        raise UserInputError(f"{name}: gold claim occurs more than once: {claim.text[:60]!r}")
    return start, start + len(claim.text)


def add_gold(store: Store, doc_id: int, text: str, claims: list[GoldClaim], annotator: str, name: str) -> int:
    """Store the claims as `annotator`'s gold and mark the document done; returns the count.

    A claim with aliases gets its speaker linked to a canonical entity (one per name) holding
    them, as an annotator's link would; evaluate then accepts any of those names."""

    entity_of: dict[str, int] = {}
    for claim in claims:
        start, end = locate(text, claim, name)
        fields: dict[str, Any] = {
            "type": claim.type,
            "stance": claim.stance,
            "speaker": claim.speaker,
            "role": claim.role,
        }
        if claim.speaker and claim.aliases:
            names = (claim.speaker, *claim.aliases)
            entity = next((entity_of[n] for n in names if n in entity_of), None)
            if entity is None:  # one entity for a speaker and its aliases, whichever name comes first
                entity = create_entity(store, claim.speaker, "PERSON", annotator)
            for form in names:
                entity_of.setdefault(form, entity)
            for form in names:
                add_alias(store, entity, form, annotator)
            fields["speaker_entity_id"] = entity
        add_claim(store, doc_id, start, end, annotator, **fields)
    store.set_status(doc_id, annotator, "done")
    return len(claims)


def load_gold_set(store: Store, gold_path: Path, folder: Path, annotator: str = "gold") -> int:
    """Import a gold file's documents (from `folder`) and store their claims as done gold."""

    gold = read_gold(gold_path)
    missing = [name for name in gold if not (folder / name).is_file()]
    if missing:
        raise UserInputError(f"{gold_path}: no document {missing[0]!r} in {folder}")
    import_paths(store, [str(folder / name) for name in sorted(gold)], annotator)
    n = 0
    for row in store.query("SELECT id, source, text FROM documents ORDER BY id"):
        name = Path(row["source"]).name
        n += add_gold(store, row["id"], row["text"], gold[name], annotator, name)
    return n


def score_gold_set(gold_path: Path, folder: Path, config: Any, pipeline: Any = None) -> dict[str, Any]:
    """The claims section of `evaluate` for a gold file, in a temporary database (the
    command's own code path: import, gold as done, predict, score)."""

    pipe = pipeline or load_configured(config.model, components={"entities", "claims"})
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "gold.db")
        try:
            load_gold_set(store, gold_path, folder)
            result: dict[str, Any] = evaluate(store, config, extractor="claims", pipeline=pipe)["claims"]
            return result
        finally:
            store.close()
