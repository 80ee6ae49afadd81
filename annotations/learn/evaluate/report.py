"""The evaluation result as tables for the terminal (every outside string shown as plain text)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def format_tables(result: dict[str, Any]) -> Any:
    """A rich renderable of the result: one table per extractor, with the gold document count."""

    parts: list[Any] = []
    ner = result.get("ner")
    if ner is not None:
        parts.extend(_ner_parts(ner))
    claims = result.get("claims")
    if claims is not None:
        parts.extend(_claims_parts(claims))
    var = result.get("variants")
    if var is not None:
        parts.extend(_variants_parts(var))
    return Group(*parts)


def _ner_parts(ner: dict[str, Any]) -> list[Any]:
    """The entity section: heading, per-label table with a micro row, then source and notes.

    Labels come from the data, so they are wrapped in Text and never read as markup."""

    parts: list[Any] = [
        Text(f"Entities (NER): {ner['docs']} gold document(s), {ner['examples']} example(s)", style="bold")
    ]
    t = Table()
    for col in ("label", "P", "R", "F1", "gold", "pred"):
        t.add_column(col, justify="left" if col == "label" else "right")
    for label, s in ner["per_label"].items():
        t.add_row(Text(label), _fmt(s["p"]), _fmt(s["r"]), _fmt(s["f"]), str(s["gold"]), str(s["pred"]))
    t.add_section()
    t.add_row(
        Text("micro", style="bold"),
        _fmt(ner["p"]),
        _fmt(ner["r"]),
        _fmt(ner["f"]),
        str(ner["gold"]),
        str(ner["pred"]),
    )
    parts.append(t)
    parts.append(Text(f"predictions: {ner['source']}; gazetteer: {ner['gazetteer']}", style="dim"))
    parts.extend(Text(f"note: {n}", style="yellow") for n in ner["notes"])
    return parts


def _claims_parts(claims: dict[str, Any]) -> list[Any]:
    """The claims section: exact and overlap match scores, then speaker and type/stance agreement."""

    parts: list[Any] = [
        Text(f"Claims: {claims['docs']} gold document(s), {claims['examples']} example(s)", style="bold")
    ]
    t = Table()
    for col in ("match", "P", "R", "F1"):
        t.add_column(col, justify="left" if col == "match" else "right")
    for name in ("exact", "overlap"):
        s = claims[name]
        t.add_row(name, _fmt(s["p"]), _fmt(s["r"]), _fmt(s["f"]))
    parts.append(t)
    parts.append(
        Text(
            f"speaker accuracy: {_fmt(claims['speaker_accuracy'])} strict, "
            f"{_fmt(claims.get('speaker_lenient'))} lenient over {claims['speaker_pairs']} "
            f"matched claim(s) with a speaker; canonical entity {_fmt(claims.get('speaker_entity_accuracy'))} "
            f"over {claims.get('entity_pairs', 0)} linked; gold {claims['gold']}, predicted {claims['pred']}; "
            f"predictions: {claims['source']}",
            style="dim",
        )
    )
    parts.append(
        Text(
            f"on {claims.get('matched', 0)} matched gold claim(s): type agreement "
            f"{_fmt(claims.get('type_agreement'))}, stance agreement "
            f"{_fmt(claims.get('stance_agreement'))}; quotations typed quote "
            f"{_fmt(claims.get('quote_type_recall'))}; speaker's role {_fmt(claims.get('role_accuracy'))} "
            f"over {claims.get('role_pairs', 0)} with one",
            style="dim",
        )
    )
    parts.extend(Text(f"note: {n}", style="yellow") for n in claims["notes"])
    return parts


def _variants_parts(var: dict[str, Any]) -> list[Any]:
    """The variants section: where the gold pairs came from, pairwise and B-cubed scores, linker."""

    src = var["sources"]
    parts: list[Any] = [
        Text(
            f"Variants: {var['pairs']} gold pair(s) ({var['same']} same, {var['different']} "
            f"different; {var['unsure']} unsure left out)",
            style="bold",
        ),
        Text(
            f"from judgements: {src['judgements']['same']} same, {src['judgements']['different']} "
            f"different; from canonical entities: {src['entities']['same']} same, "
            f"{src['entities']['different']} different",
            style="dim",
        ),
    ]
    t = Table()
    for col in ("measure", "P", "R", "F1"):
        t.add_column(col, justify="left" if col == "measure" else "right")
    t.add_row("pairwise", _fmt(var["p"]), _fmt(var["r"]), _fmt(var["f"]))
    b = var["bcubed"]
    t.add_row("B-cubed", _fmt(b["p"]), _fmt(b["r"]), _fmt(b["f"]))
    parts.append(t)
    parts.append(
        Text(
            f"linker {var['linker']} at threshold {var['threshold']:g} over {var['mentions']} "
            f"mention(s), {var['forms']} gold form(s)",
            style="dim",
        )
    )
    parts.extend(Text(f"note: {n}", style="yellow") for n in var["notes"])
    return parts
