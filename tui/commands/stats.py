"""`newsmark stats`: corpus and annotation counts, progress per annotator; with `--time`, where
the team's time goes (annotations/team/time.py); with `--quality`, each annotator against the
reviewed layer and the model (annotations/team/quality.py). `--json` prints one object, `--csv`
the same rows for a spreadsheet."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from rich.table import Table

from annotations.errors import UserInputError
from annotations.team.quality import quality_report
from annotations.team.time import time_report
from tui.commands.context import context, open_store, stdout_console
from tui.output import clean, clock, print_json, rich_text

TIME_COLUMNS = [
    "annotator", "day", "doc_id", "title", "active_s", "docs_done", "decisions", "decisions_per_hour",
    "seconds_per_decision", "keys", "model_errors", "keys_per_error",
]  # fmt: skip
QUALITY_COLUMNS = [
    "annotator", "reviewed_docs", "strict_f", "partial_f", "kept_rate", "gold_check_docs", "gold_check_f",
    "model_agreement", "suggestions",
]  # fmt: skip


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument("--time", action="store_true", help="active time, throughput and keys per model error")
    p.add_argument("--by", choices=["annotator", "day", "document"], default="annotator", help="rows of --time")
    p.add_argument("--quality", action="store_true", help="each annotator against the reviewed layer and the model")
    p.add_argument("--annotators", metavar="A,B", help="only these annotators (--time, --quality)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", action="store_true", help="print the rows of --time or --quality as CSV")


def run(args: argparse.Namespace) -> int:
    config, _annotator, db = context(args)
    store = open_store(db, create=False)
    names = [n.strip() for n in (args.annotators or "").split(",") if n.strip()] or None
    if args.time or args.quality:
        return _team(args, config, store, names)
    if args.csv:
        raise UserInputError("--csv: give --time or --quality (the plain counts are --json)")
    stats = store.stats()
    if args.json:
        print_json(stats)
        return 0
    _counts_table(db, stats)
    return 0


def _team(args: argparse.Namespace, config: Any, store: Any, names: list[str] | None) -> int:
    labels = config.label_names
    out: dict[str, Any] = {}
    if args.time:
        report = time_report(store, idle=config.time.idle_seconds, by=args.by, annotators=names, labels=labels)
        out["time"] = report.as_dict()
    if args.quality:
        out["quality"] = quality_report(store, labels=labels, annotators=names)
    if args.json:
        print_json(out)
    elif args.csv:
        _write_csv(out)
    else:
        _team_tables(out)
    return 0


def _write_csv(out: dict[str, Any]) -> None:
    """One CSV table per section (a blank line between); cells cleaned for the terminal and
    never read as a spreadsheet formula."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    sections = [("time", TIME_COLUMNS, out["time"]["rows"])] if "time" in out else []
    if "quality" in out:
        sections.append(("quality", QUALITY_COLUMNS, out["quality"]))
    for i, (_name, columns, rows) in enumerate(sections):
        if i:
            writer.writerow([])
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        text = clean(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text
    return value


def _team_tables(out: dict[str, Any]) -> None:

    console = stdout_console()
    if "time" in out:
        t = out["time"]
        table = Table(title=f"Active time (pauses over {t['idle_seconds']:g} s not counted)")
        key = {"day": "day", "document": "title"}.get(t["by"])
        for col in ["annotator", *([key] if key else []), "active", "done", "decisions", "per hour", "keys/error"]:
            table.add_column(col, justify="left" if col in ("annotator", "day", "title") else "right")
        for r in t["rows"]:
            first = [rich_text(r["annotator"]), *([rich_text(r.get(key) or r.get("doc_id") or "")] if key else [])]
            table.add_row(*first, clock(r["active_s"]), str(r["docs_done"]), str(r["decisions"]),
                          _num(r["decisions_per_hour"]), _num(r["keys_per_error"]))  # fmt: skip
        console.print(table)
    if "quality" in out:
        table = Table(title="Against the reviewed layer, and the model")
        for col in ["annotator", "reviewed", "strict F1", "partial F1", "kept", "gold checks", "model agreement"]:
            table.add_column(col, justify="left" if col == "annotator" else "right")
        for q in out["quality"]:
            checks = f"{_num(q['gold_check_f'])} ({q['gold_check_docs']})" if q["gold_check_docs"] else "-"
            table.add_row(rich_text(q["annotator"]), str(q["reviewed_docs"]), _num(q["strict_f"]), _num(q["partial_f"]),
                          _num(q["kept_rate"]), checks, _num(q["model_agreement"]))  # fmt: skip
        console.print(table)


def _num(value: Any) -> str:
    return "-" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def _counts_table(db: Any, stats: dict[str, Any]) -> None:

    console = stdout_console()
    head = rich_text(db, style="bold")
    head.append(
        f": {stats['documents']} documents from {stats['outlets']} outlet{'' if stats['outlets'] == 1 else 's'}, "
        f"{stats['done']} done, {stats['reviewed']} reviewed, {stats['held_out']} held out; {stats['spans']} spans, {stats['claims']} claims, "
        f"{stats['entities']} entities, {stats['predictions']} predictions"
    )
    console.print(head, highlight=False)
    if stats["annotators"]:
        columns = ("done", "reviewed", "in progress", "skipped", "todo", "spans", "claims")
        table = Table("annotator", *columns)
        for name, row in sorted(stats["annotators"].items()):
            table.add_row(rich_text(name), *(str(row[k]) for k in columns))
        console.print(table)
