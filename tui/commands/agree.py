"""`newsmark agree`: inter-annotator agreement over documents two or more annotators marked done.

Every figure is printed beside the number of shared documents it counts; with none shared
the command exits 2 with one line (a figure over nothing would read as perfect agreement).
"""

from __future__ import annotations

import argparse
from typing import Any

from annotations.errors import UserInputError
from annotations.reading.layout import sanitize
from annotations.team.agreement import agreement
from tui.commands.context import context, open_store
from tui.output import print_json


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--annotators", metavar="A,B", help="compare only these annotators (two or more)")
    p.add_argument("--labels", metavar="L1,L2", help="only these entity labels")
    p.add_argument(
        "--lowest",
        type=int,
        default=10,
        metavar="N",
        help="list the N documents with the lowest agreement (default 10)",
    )


def _names(value: str | None, option: str) -> list[str] | None:

    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise UserInputError(f"{option}: expected a comma-separated list, got {value!r}")
    return names


def run(args: argparse.Namespace) -> int:

    config, _annotator, db = context(args)
    annotators = _names(args.annotators, "--annotators")
    if annotators is not None and len(set(annotators)) < 2:
        raise UserInputError("--annotators: name two or more annotators to compare")
    labels = _names(args.labels, "--labels")
    unknown = [label for label in labels or [] if label not in config.label_names]
    if unknown:
        raise UserInputError(
            f"--labels: unknown label {unknown[0]!r} (configured in {config.source}: {', '.join(config.label_names)})"
        )
    if args.lowest < 0:
        raise UserInputError("--lowest: expected 0 or more")
    store = open_store(db, create=False)
    try:
        report = agreement(store, annotators, labels, lowest=args.lowest)
    finally:
        store.close()
    if args.json:
        print_json(report)
    else:
        print("\n".join(render(report)))
    return 0


# -- text ------------------------------------------------------------------------------------


def _safe(value: Any) -> str:
    """Names, labels and titles come from outside: one line, no control characters."""

    return " ".join(sanitize(str(value if value is not None else "")).split())


def _n(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def _prf(fig: dict[str, Any]) -> str:
    return f"P {_n(fig['p'])}  R {_n(fig['r'])}  F1 {_n(fig['f'])}  ({fig['docs']} docs)"


def _entity_lines(pair: dict[str, Any]) -> list[str]:
    out = [f"  {_safe(pair['a'])} ~ {_safe(pair['b'])}: {pair['docs']} shared docs"]
    for mode in ("strict", "partial"):
        fig = pair[mode]
        out.append(f"    {mode:<8} {_prf(fig)}")
        for label, lf in fig["per_label"].items():
            out.append(f"      {_safe(label):<12} F1 {_n(lf['f'])}  ({lf['a']} vs {lf['b']} spans, {lf['docs']} docs)")
    k = pair["kappa"]
    out.append(
        f"    Cohen's kappa over all tokens        {_n(k['all_tokens']['kappa'])}  "
        f"({k['all_tokens']['tokens']} tokens, {k['all_tokens']['docs']} docs)"
    )
    out.append(
        f"    Cohen's kappa over labelled tokens   {_n(k['labelled_tokens']['kappa'])}  "
        f"({k['labelled_tokens']['tokens']} tokens either labelled, {k['labelled_tokens']['docs']} docs)"
    )
    return out


def _claim_lines(pair: dict[str, Any]) -> list[str]:
    out = [f"  {_safe(pair['a'])} ~ {_safe(pair['b'])}: {pair['docs']} shared docs"]
    out.append(f"    exact    {_prf(pair['exact'])}")
    out.append(f"    overlap  {_prf(pair['overlap'])}")
    for what in ("type", "stance"):
        f = pair[what]
        out.append(
            f"    {what:<8} agreement {_n(f['agreement'])}  kappa {_n(f['kappa'])}  "
            f"({f['matched']} matched claims, {f['docs']} docs)"
        )
    return out


def render(report: dict[str, Any]) -> list[str]:
    """The report as plain lines (no markup: names and titles are data)."""
    docs = report["documents"]
    who = ", ".join(_safe(a) for a in report["annotators"])
    out = [f"Agreement over {docs} documents done by two or more of: {who}"]
    if report.get("labels"):
        out.append(f"Labels: {', '.join(_safe(x) for x in report['labels'])}")
    left = report.get("labels_left_out") or {}
    if left:
        named = ", ".join(f"{_safe(label)} (only {', '.join(_safe(a) for a in who)})" for label, who in left.items())
        out.append(f"Left out, used by one annotator only: {named}; --labels scores them")
    overall = report["entities"]["overall"]
    out += [
        "",
        "Entities (overall, micro over pairs)",
        f"  strict   {_prf(overall['strict'])}",
        f"  partial  {_prf(overall['partial'])}",
    ]
    for which, name in (("all_tokens", "all tokens"), ("labelled_tokens", "labelled tokens")):
        k = overall[f"mean_pairwise_kappa_{which}"]
        out.append(
            f"  mean pairwise Cohen's kappa over {name}: {_n(k['kappa'])}  ({k['pairs']} pairs, {k['docs']} docs)"
        )
    out += ["", "Entities per pair"]
    for pair in report["entities"]["pairs"]:
        out += _entity_lines(pair)
    out += ["", "Claims per pair"]
    for pair in report["claims"]["pairs"]:
        out += _claim_lines(pair)
    v = report["variants"]
    out += [
        "",
        (
            f"Variant judgements: Krippendorff's alpha (nominal) {_n(v['alpha'])}  "
            f"({v['pairs']} pairs judged by two or more; {len(v['annotators'])} annotators)"
        ),
    ]
    if report["lowest"]:
        out += ["", "Lowest agreement (mean pairwise strict entity F1): review these first"]
        for row in report["lowest"]:
            title = _safe(row["title"]) or f"document {row['doc_id']}"
            out.append(
                f"  {row['doc_id']:>6}  F1 {_n(row['strict_f'])}  {title[:60]}  "
                f"({', '.join(_safe(a) for a in row['annotators'])})"
            )
    return out
