"""Write the README's benchmark table from one run of bench/run.py.

    python bench/run.py --json > run.json && python bench/table.py run.json [--readme README.md] [--print]

The table replaces what stands between BEGIN and END in the README (the Performance section),
headed by the run's date, commit, machine and load average, so every row comes from that one
run of that one commit. Each row names its baseline in words a reader can check against the
benchmark's code; where no raw component exists the baseline column says so and the ratio is
how the same program scales.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "<!-- bench-table:begin (written by bench/table.py from one run; do not edit by hand) -->"
END = "<!-- bench-table:end -->"

Row = dict
Words = Callable[[Row], str]


def _n(row: Row, default: str = "") -> str:
    n = row.get("n", default)
    return f"{n:,}" if isinstance(n, int) else str(n).split(";")[0].split(" ")[0]


def _link_quality(row: Row, side: str) -> str:
    q = (row.get("pairs_quality") or {}).get(side)
    if not q:
        return ""
    return f"; recall {q['recall']:.2f}, {q['false_links']:,} false links of {q['pairs']:,} pairs"


def _f1(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


NO_RAW = "none: no raw component does this; "
DESCRIBE: dict[str, tuple[Words, Words]] = {
    "predict": (
        lambda r: f"predict ({_n(r)} docs, storage included)",
        lambda r: "raw spaCy `nlp.pipe` over the same texts, same pipes, batch size and processes",
    ),
    "import": (
        lambda r: f"import ({_n(r)} JSONL docs in {r.get('files')} files, validated, stored)",
        lambda r: (
            "sqlite-utils `insert_all(ignore=True)` reading, parsing and hashing the same files into the "
            "same columns and indexes; both sides WAL, synchronous=NORMAL, one commit per 2,000 docs"
        ),
    ),
    "export": (
        lambda r: f"export ({_n(r)} docs, native JSONL)",
        lambda r: "three ordered SQLite queries merged in Python, `json.dumps` per document",
    ),
    "link": (
        lambda r: f"link suggest ({_n(r)} forms){_link_quality(r, 'ours')}",
        lambda r: (
            "brute force: rapidfuzz `process.cdist` of all pairs of normalised forms (`fuzz.ratio` >= 85), "
            f"chunked, pairs taken with `np.nonzero`{_link_quality(r, 'baseline')}"
        ),
    ),
    "link_100k": (
        lambda r: f"link suggest ({_n(r)} forms){_link_quality(r, 'ours')}",
        lambda r: (
            "the same brute force, timed on 10,000 rows and extrapolated linearly; quality over those rows"
            f"{_link_quality(r, 'baseline')}"
        ),
    ),
    "reader_keystroke_scale": (
        lambda r: "reader cursor key (`w` `b` arrows) at 20,000 words, key to painted frame",
        lambda r: NO_RAW + "the same keys at 200 words (ratio: how it scales)",
    ),
    "reader_accept": (
        lambda r: "reader accept (`a`) at 20,000 words, key to committed row to painted frame",
        lambda r: NO_RAW + "the same at 200 words (ratio: how it scales); budget 100 ms",
    ),
    "reader_label": (
        lambda r: "reader label key on a suggestion at 20,000 words, key to committed row to painted frame",
        lambda r: NO_RAW + "the same at 200 words (ratio: how it scales); budget 100 ms",
    ),
    "library_open_scale": (
        lambda r: f"Library open at {_n(r)} docs, store open to first rows painted",
        lambda r: NO_RAW + "the same app on 100 docs (ratio: how it scales)",
    ),
    "reader_open_scale": (
        lambda r: "Reader: opening a document after the first, 5,000 docs with the team's gold",
        lambda r: NO_RAW + "the same on 500 docs (ratio: how it scales); the first opening reads the gold once",
    ),
    "cli_startup": (
        lambda r: "`newsmark --help`, process start to exit",
        lambda r: 'a bare Python printing the same text: `python -c "import argparse, sys; sys.stdout.write(HELP)"`',
    ),
    "import_html": (
        lambda r: f"import HTML ({_n(r)} pages, stored)",
        lambda r: (
            "`trafilatura.bare_extraction` (the function newsmark calls) of the same files, same arguments "
            "(`with_metadata=True`, newsmark's settings), nothing stored"
        ),
    ),
    "import_conll": (
        lambda r: f"import CoNLL ({_n(r)} docs, 4 columns, validated)",
        lambda r: "a plain parse into the same rows (split, join, cut IOB2 spans, `executemany`), no validation",
    ),
    "annotation_keys": (
        lambda r: "annotation keys (event_a: 6 blind articles, learning off, scripted annotator)",
        lambda r: NO_RAW + "the model's errors to fix (ratio: keys per error)",
    ),
    "train": (
        lambda r: (
            f"`newsmark train` (fine-tune, {r.get('steps', '?')} steps, sample corpus; "
            f"dev F1 {_f1(r.get('f1_before'))} before, {_f1(r.get('f1_after'))} after)"
        ),
        lambda r: "`python -m spacy train` on the DocBins and config newsmark builds",
    ),
    "predict_dask": (
        lambda r: f"predict `--engine dask`, warm: a running 2-worker LocalCluster ({_n(r)} docs)",
        lambda r: "`--engine local --n-process 2`, warm: forked from the process holding the pipeline",
    ),
    "predict_dask_cold": (
        lambda r: f"predict `--engine dask --workers 2`, cold: a fresh `newsmark predict` ({_n(r)} docs)",
        lambda r: "a fresh `newsmark predict --engine local --n-process 2`",
    ),
    "first_suggestions": (
        lambda r: f"first suggestions: start on {_n(r)} freshly imported docs to suggestions drawn",
        lambda r: "a fresh Python importing spaCy, loading the same pipeline, predicting the same article; budget 3 s",
    ),
    "predict_memory": (
        lambda r: f"predict peak memory, {str(r.get('n', '')).split(' vs ')[0]}",
        lambda r: (
            NO_RAW + "spaCy refuses a text over `nlp.max_length` (1,000,000 characters); "
            "the same command on one 50 KB article (ratio: how it scales)"
        ),
    ),
}


def _figure(value, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value >= 1000:
        value = round(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def _verdict(row: Row) -> str:
    sign = ">=" if row.get("better") == "higher" else "<="
    target = f"{sign} {row.get('target')}"
    if row.get("budget"):
        target += f", <= {row['budget']['max']:g} {row['budget'].get('unit', '')}".rstrip()
    return target


def table_rows(result: Row) -> list[str]:
    if "error" in result:
        return [f"| {result['name']} | | | | FAILED: {result['error']} | | **failed** |"]
    lines = []
    for row in [result, *result.get("also", [])]:
        what, base = DESCRIBE.get(row["name"], (lambda r: r["name"], lambda r: "see the benchmark's docstring"))
        unit = row.get("unit", "")
        ours_unit, base_unit = unit.split(" / ") if " / " in unit else (unit, unit)  # "keys / model errors"
        ratio = f"{row.get('ratio')}"
        if "spread" in row:
            ratio += f" ({row['spread'][0]}-{row['spread'][1]} over {row['repeats']} runs)"
        holds = "holds" if row.get("holds") else "**missed**"
        lines.append(
            f"| {what(row)} | {base(row)} | {_figure(row.get('ours'), ours_unit)} | {_figure(row.get('baseline'), base_unit)} "
            f"| {ratio} | {_verdict(row)} | {holds} |"
        )
    return lines


def render(run: Row) -> str:
    commit = run.get("commit") or {}
    machine = run.get("machine") or {}
    tree = f"commit {commit.get('hash')}" + (" with uncommitted changes" if commit.get("dirty") else "")
    head = (
        f"Measured {run['date'][:16].replace('T', ' ')} UTC on {tree}, {run.get('mode', 'full')} run"
        + (f", each benchmark {run['repeat']} times" if run.get("repeat", 1) > 1 else "")
        + f"; {machine.get('processor')} {machine.get('platform')}, {machine.get('cpus')} cpus, "
        f"{machine.get('memory_gb')} GB, Python {machine.get('python')} (shared with other work: load average "
        f"{_load(run.get('load_before'))} before, {_load(run.get('load_after'))} after)."
    )
    rows = [line for result in run["results"] for line in table_rows(result)]
    missed = sum(line.endswith("**missed** |") or line.endswith("**failed** |") for line in rows)
    summary = f"{len(rows) - missed} of {len(rows)} rows hold their target on this run" + (
        f"; {missed} do not (marked)." if missed else "."
    )
    return "\n".join(
        [
            BEGIN,
            head,
            "",
            "| benchmark (ours) | baseline: the cheapest program doing the same work | ours | baseline | ratio "
            "| target | this run |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            summary,
            END,
        ]
    )


def _load(load) -> str:
    return "/".join(f"{x:g}" for x in load) if load else "unknown"


def rewrite(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{readme}: the markers of the benchmark table are missing ({BEGIN} ... {END})")
    readme.write_text(text[:start] + block + text[end + len(END) :], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("run", type=Path, help="the JSON printed by `bench/run.py --json`")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--print", action="store_true", help="print the table instead of writing the README")
    args = parser.parse_args(argv)
    try:
        run = json.loads(args.run.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"{args.run}: not a run of bench/run.py --json ({exc})", file=sys.stderr)
        return 2
    if not isinstance(run, dict) or "results" not in run or "date" not in run:
        print(f"{args.run}: not a run of bench/run.py --json (no date or results)", file=sys.stderr)
        return 2
    block = render(run)
    if args.print:
        print(block)
    else:
        rewrite(args.readme, block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
