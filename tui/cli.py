"""The `newsmark` command line.

Heavy imports (Textual, spaCy) happen inside the commands that need them, so `newsmark
--help`, `stats` and `import` start fast. Errors print one line on stderr: exit 2 for bad
input or usage, 1 for other failures, a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from annotations.errors import ImportFailed, NewsmarkError, UserInputError
from annotations.vocab import REVIEW_ANNOTATOR
from tui.output import clean, clean_lines, clean_tree, rich_text, say, to_json, tsv

PROG = "newsmark"


def _common(sub: bool) -> argparse.ArgumentParser:
    """Global options, accepted before or after the command name."""
    p = argparse.ArgumentParser(add_help=False)
    d = argparse.SUPPRESS if sub else None
    p.add_argument("--db", default=d, metavar="PATH", help="SQLite database (default: config `database:`)")
    p.add_argument("--config", default=d, metavar="PATH", help="config file (default: $NEWSMARK_CONFIG, ./config.yaml)")
    p.add_argument("--annotator", default=d, metavar="NAME", help="who is annotating (default: config, else login name)")
    p.add_argument("--debug", action="store_true", default=d if sub else False, help="show tracebacks")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, parents=[_common(False)],
        description="Keyboard-driven terminal reader and annotator for news.",
    )
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse (good over SSH)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = [_common(True)]

    p = sub.add_parser("demo", parents=common, help="import the bundled sample corpus into a fresh database and open the app")
    p.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS)
    p.add_argument("--no-open", action="store_true", help="import only; do not open the app")

    p = sub.add_parser("import", parents=common, help="import .txt .md .jsonl .html .warc .csv .tsv .conll files, directories, globs or - (stdin)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--skip-invalid", action="store_true", help="skip bad lines instead of rejecting the file")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument("--new-labels", action="store_true",
                   help="accept span labels and claim types the config does not list (plain names only), "
                        "e.g. a CoNLL-2003 file's PER and MISC")
    _import_options(p)

    p = sub.add_parser("stats", parents=common, help="corpus and annotation counts, progress per annotator")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("list", parents=common, help="list documents: id, status, outlet, date, title")
    p.add_argument("--status", choices=["todo", "in progress", "done", "skipped"])
    p.add_argument("--search", metavar="WORDS", help="full-text search")
    p.add_argument("--limit", type=int, default=0, help="at most N rows (0: all)")

    p = sub.add_parser("predict", parents=common, help="run the extractors over documents lacking current predictions")
    p.add_argument("--model", metavar="NAME_OR_PATH", help="spaCy pipeline (default: config model.name)")
    p.add_argument("--n-process", type=_n_process, default=None, metavar="N|auto",
                   help="local engine: worker processes (default: config model.n_process; capped at the cores)")
    p.add_argument("--batch-size", type=int, default=None, metavar="N")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="at most N documents this run (in import order; run again for the next N)")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local: this machine; dask: the workers of a Dask cluster (pip install 'newsmark[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask: an existing scheduler (default: a LocalCluster)")
    p.add_argument("--workers", type=_positive("--workers"), default=None, metavar="N",
                   help="dask without --scheduler: LocalCluster workers (default: the usable cores)")
    p.add_argument("--chunk-size", type=_positive("--chunk-size"), default=None, metavar="N",
                   help="dask: documents per task sent to a worker (default: 200)")

    p = sub.add_parser("export", parents=common, help="export the labeled dataset: jsonl, prodigy, spacy or links")
    p.add_argument("--format", default="jsonl", choices=_export_formats())
    p.add_argument("--scheme", choices=["iob1", "iob2", "bioes"], default=None,
                   help="CoNLL tag scheme (default: each document's imported scheme, else iob2)")
    p.add_argument("--out", default="-", metavar="PATH", help="file (or directory for spacy); - is stdout")
    p.add_argument("--split", nargs="?", const="train=0.8,dev=0.1,test=0.1", default=None,
                   metavar="train=0.8,dev=0.1,test=0.1", help="split by document into named parts")
    p.add_argument("--seed", type=int, default=0, help="seed for reproducible splits")
    p.add_argument("--status", default="done", choices=["done", "all", "todo", "in progress", "skipped"])
    p.add_argument("--labels", metavar="L1,L2", help="only these entity labels")

    p = sub.add_parser("evaluate", parents=common, help="precision / recall / F1 of each extractor against gold")
    p.add_argument("--extractor", default="all", choices=["all", "ner", "claims", "variants"])
    p.add_argument("--model", metavar="NAME_OR_PATH", help="score this spaCy pipeline instead of stored predictions")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("link", parents=common, help="variant-spelling linking")
    link = p.add_subparsers(dest="link_command", metavar="SUBCOMMAND")
    p = link.add_parser("suggest", parents=common, help="variant-spelling candidates with scores")
    p.add_argument("--json", action="store_true")
    p.add_argument("--threshold", type=float, default=None, help="minimum score 0-100 (default: config linker.threshold)")
    p.add_argument("--limit", type=int, default=None, help="at most N pairs")

    from tui import commands

    COMMANDS.update(commands.register(sub, common))
    return parser


# -- helpers -----------------------------------------------------------------------------


def _n_process(value: str) -> int | str:
    """--n-process: 'auto' or a whole number from 1."""
    if value == "auto":
        return value
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number of processes, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number of processes from 1, got {n}")
    return n


def _positive(option: str):
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if n < 1:
            raise argparse.ArgumentTypeError(f"expected a number from 1, got {n}")
        return n
    parse.__name__ = option
    return parse


def _context(args: argparse.Namespace) -> tuple[Any, str, Path]:
    from annotations.config import load_config

    config = load_config(args.config)
    annotator = config.resolve_annotator(args.annotator)
    db = Path(args.db) if args.db else config.database_path()
    return config, annotator, db


def _open_store(db: Path, *, create: bool = True) -> Any:
    from annotations.store import Store

    if not create and not db.exists():
        raise UserInputError(f"{db}: no such database (import documents first: newsmark import PATH)")
    return Store(db)


def _progress(description: str):
    """A rich progress bar on a terminal; None when output is piped."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(description), BarColumn(), TaskProgressColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)


def _stdout_console() -> Any:
    """A rich console for stdout: the terminal's width on a terminal; piped or redirected, lines
    are never wrapped (rich would otherwise cut them at 80 columns inside the file)."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console()
    return Console(width=100_000, soft_wrap=True)


class _Counter:
    """A (done, total) progress callback drawing a rich bar on a terminal, nothing when piped."""

    def __init__(self, description: str) -> None:
        self.progress = _progress(description)
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("", total=total)
        self.progress.update(self.task, completed=done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()

    def note(self, line: str) -> None:
        """One line on stderr, above the bar when one is drawn."""
        from annotations.layout import sanitize

        if self.progress is not None and self.task is not None:
            self.progress.console.print(sanitize(line), markup=False, highlight=False)
        else:
            print(sanitize(line), file=sys.stderr)


def _model_notice(config: Any) -> str | None:
    from annotations.extract.pipeline import INSTALL_HINT, resolve_model

    if resolve_model(config.model.name, config.model.fallbacks):
        return None
    return (f"No spaCy model installed (config model.name = {config.model.name}): suggestions are off; "
            f"manual annotation works. {INSTALL_HINT}")


def _run_app(store: Any, config: Any, annotator: str, no_mouse: bool) -> None:
    from tui.actions import validate_keymap

    validate_keymap(config)
    from tui.app import NewsmarkApp

    app = NewsmarkApp(store, config, annotator, model_notice=_model_notice(config), suggest_on_open=True)
    app.run(mouse=not no_mouse)


def _demo_path() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "newsmark"
    base.mkdir(parents=True, exist_ok=True)
    return base / "demo.db"


def sample_paths() -> list[str]:
    from importlib import resources

    folder = resources.files("annotations").joinpath("data", "sample")
    return sorted(str(p) for p in folder.iterdir() if p.name.endswith(".md"))


# -- commands ----------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from annotations.ingest import import_paths
    from annotations.readers import expand_paths, total_bytes

    config, annotator, db = _context(args)
    options = _read_options(args)
    expand_paths(args.paths, options=options)  # a typo fails before the database is created
    store = _open_store(db)
    counter = _Counter("importing")
    total = total_bytes(args.paths, options=options) if counter.progress else None
    read = 0

    def on_file(_name: str, nbytes: int) -> None:
        nonlocal read
        read += nbytes
        counter(read, total)

    try:
        # stdin is touched only when "-" is named: cron and daemons run with it closed
        stdin = getattr(sys.stdin, "buffer", None) if "-" in args.paths else None
        report = import_paths(store, args.paths, annotator, skip_invalid=args.skip_invalid,
                              stdin=stdin, on_progress=on_file, options=options,
                              labels=None if args.new_labels else config.label_names,
                              claim_types=None if args.new_labels else config.claims.types)
    except ImportFailed as exc:
        counter.stop()
        _import_notes(exc.report)
        for line in _import_failure(exc, args.skip_invalid):
            say(line, file=sys.stderr)
        if args.json:
            print(to_json(exc.report.to_json()))
        return 2
    finally:
        counter.stop()
    if args.json:
        print(to_json(report.to_json()))
    else:
        skipped = f", skipped {report.skipped_lines} invalid line(s)" if report.skipped_lines else ""
        say(f"imported {report.imported} document(s) into {db} ({report.duplicates} duplicate(s) skipped, "
              f"{report.spans} span(s), {report.claims} claim(s){skipped})")
        for line in report.problems:
            say(f"skipped: {line}", file=sys.stderr)
    _import_notes(report)
    return 0


def _import_notes(report: Any) -> None:
    """What the walk left out (loops, unreadable entries) and what a damaged file kept."""
    for line in report.skipped_paths:
        say(f"skipped: {line}", file=sys.stderr)
    for line in report.notices:
        say(f"note: {line}", file=sys.stderr)


def _import_options(p: argparse.ArgumentParser) -> None:
    """import's format options: a forced reader, CSV columns, the CoNLL tag scheme."""
    from annotations.formats import MARKDOWN, READERS

    p.add_argument("--format", choices=[*READERS, MARKDOWN], default=None,
                   help="read every file as this format, whatever its suffix")
    p.add_argument("--text-col", metavar="NAME", help="CSV/TSV column holding the text (default: text, body or content)")
    p.add_argument("--title-col", metavar="NAME", help="CSV/TSV title column (default: title or headline)")
    p.add_argument("--id-col", metavar="NAME", help="CSV/TSV id column (default: id), kept as the source id")
    p.add_argument("--meta-cols", metavar="A,B", help="CSV/TSV columns kept in meta (default: all others)")
    p.add_argument("--scheme", choices=["iob1", "iob2", "bioes"], default=None,
                   help="CoNLL tag scheme (default: detected per document)")


def _read_options(args: argparse.Namespace) -> Any:
    from annotations.readers import ReadOptions

    meta = None
    if args.meta_cols is not None:
        meta = [c.strip() for c in args.meta_cols.split(",") if c.strip()]
        if not meta:
            raise UserInputError(f"--meta-cols: no column names in {args.meta_cols!r}")
    return ReadOptions(format=args.format, text_col=args.text_col, title_col=args.title_col,
                       id_col=args.id_col, meta_cols=meta, scheme=args.scheme)


def _export_formats() -> list[str]:
    from annotations.export import FORMATS

    return list(FORMATS)


def _import_failure(exc: ImportFailed, skip_invalid: bool) -> list[str]:
    """stderr lines when files were rejected: each problem once (a line skipped in a file that
    was kept says "skipped:"; a rejected file's "no records" is left out when its bad lines are
    shown), then one summary of what was rejected and what was imported."""
    report = exc.report
    rejected = list(report.rejected_files)

    def rejected_file(line: str) -> str | None:
        return next((f for f in rejected if line.startswith(f + ":")), None)

    def bad_lines(name: str) -> bool:
        return any(re.match(rf"{re.escape(name)}:\d+:", line) for line in exc.problems)

    lines = []
    hopeless: set[str] = set()  # rejected files without a single valid record
    for line in exc.problems:
        name = rejected_file(line)
        if name is None:
            lines.append(f"skipped: {line}")
        elif line == f"{name}: no records":
            hopeless.add(name)
            if not bad_lines(name):  # else its bad lines already say why
                lines.append(line)
        else:
            lines.append(line)
    names = ", ".join(rejected[:3]) + (f" and {len(rejected) - 3} more" if len(rejected) > 3 else "")
    summary = f"rejected {len(rejected)} file(s) ({names}): nothing from them was imported"
    others = report.files - len(rejected)
    if others:
        extra = [f"{n} {what}" for n, what in ((report.duplicates, "duplicate(s) skipped"),
                                                (report.skipped_lines, "invalid line(s) skipped")) if n]
        summary += (f"; imported {report.imported} document(s) from the other {others} file(s)"
                    + (f" ({', '.join(extra)})" if extra else ""))
    more = exc.total - len(exc.problems)
    if more > 0:
        summary += f"; {more} more problem(s) not shown"
    if not skip_invalid and any(bad_lines(f) for f in rejected if f not in hopeless):
        summary += "; --skip-invalid imports the valid lines of such files"
    return lines + [summary]


def cmd_stats(args: argparse.Namespace) -> int:
    config, annotator, db = _context(args)
    store = _open_store(db, create=False)
    stats = store.stats()
    if args.json:
        print(to_json(stats))
        return 0
    from rich.table import Table

    console = _stdout_console()
    head = rich_text(db, style="bold")
    head.append(f": {stats['documents']} documents from {stats['outlets']} outlets, "
                f"{stats['done']} done; {stats['spans']} spans, {stats['claims']} claims, "
                f"{stats['entities']} entities, {stats['predictions']} predictions")
    console.print(head, highlight=False)
    if stats["annotators"]:
        table = Table("annotator", "done", "in progress", "skipped", "todo", "spans", "claims")
        for name, row in sorted(stats["annotators"].items()):
            table.add_row(rich_text(name), *(str(row[k]) for k in ("done", "in progress", "skipped", "todo", "spans", "claims")))
        console.print(table)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    config, annotator, db = _context(args)
    if args.limit < 0:
        raise UserInputError(f"--limit: expected 0 (all) or a positive number of rows, got {args.limit}")
    store = _open_store(db, create=False)
    ids = store.document_ids(status=args.status, annotator=annotator, query=args.search)
    if args.limit:
        ids = ids[: args.limit]
    out = sys.stdout
    for i in range(0, len(ids), 500):
        for row in store.document_rows(ids[i:i + 500], annotator):
            title = (row["title"] or row["lead"] or "").splitlines()[0] if (row["title"] or row["lead"]) else ""
            out.write(tsv([row["id"], row["status"], row["outlet"] or "-", row["date"] or "-", title]) + "\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from annotations.ingest import import_paths

    config, annotator, db = _context(args)
    if not args.db:  # our own demo file: recreated fresh each time
        db = _demo_path()
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    store = _open_store(db)
    report = import_paths(store, sample_paths(), annotator)
    say(f"demo: {report.imported} sample article(s) imported into {db}", file=sys.stderr)
    if _model_notice(config) is None:
        _predict_quietly(store, config)
    if args.no_open:
        return 0
    _run_app(store, config, annotator, getattr(args, "no_mouse", False))
    return 0


def _predict_quietly(store: Any, config: Any) -> None:
    from annotations.predict import run_predict

    print("demo: pre-annotating with spaCy...", file=sys.stderr)
    report = run_predict(store, config)
    say(f"demo: {report.entities} entity and {report.claims} claim suggestion(s) from {report.model}",
        file=sys.stderr)


def cmd_predict(args: argparse.Namespace) -> int:
    from annotations.extract.pipeline import ModelMissing
    from annotations.predict import run_predict

    config, annotator, db = _context(args)
    if args.limit is not None and args.limit < 1:
        raise UserInputError(f"--limit: expected a positive number of documents, got {args.limit}")
    for option, value in (("--scheduler", args.scheduler), ("--workers", args.workers), ("--chunk-size", args.chunk_size)):
        if value is not None and args.engine != "dask":
            raise UserInputError(f"{option} needs --engine dask")
    if args.engine == "dask" and args.n_process is not None:
        raise UserInputError("--n-process is for --engine local; with dask, each worker runs one process")
    if args.engine == "dask":
        from annotations.engine.cluster import require_dask

        require_dask()  # exits 2 with the install line before anything is opened
    store = _open_store(db, create=False)
    on_progress = _Counter("predicting")
    try:
        report = run_predict(store, config, batch_size=args.batch_size, n_process=args.n_process,
                             model=args.model, on_progress=on_progress, limit=args.limit,
                             engine=args.engine, scheduler=args.scheduler, workers=args.workers,
                             chunk_size=args.chunk_size, on_note=on_progress.note)
    except ModelMissing as exc:
        raise UserInputError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted: finished batches are saved; run predict again to continue", file=sys.stderr)
        return 130
    finally:
        on_progress.stop()
    say(f"predicted {report.documents} document(s) with {report.model}: "
        f"{report.entities} entities, {report.claims} claims")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    if args.link_command != "suggest":
        raise UserInputError("usage: newsmark link suggest [--json] [--threshold N] [--limit N]")
    from annotations.linking import suggest_for_store

    config, annotator, db = _context(args)
    store = _open_store(db, create=False)
    if args.limit is not None and args.limit < 1:
        raise UserInputError(f"--limit: expected a positive number of pairs, got {args.limit}")
    from annotations.train.variants import linker_threshold  # the fitted linker in use, else config

    threshold = linker_threshold(store, config) if args.threshold is None else args.threshold
    if not 0 <= threshold <= 100:
        raise UserInputError(f"--threshold: expected 0-100, got {threshold:g}")
    result = suggest_for_store(store, threshold=threshold, limit=args.limit)
    if args.json:
        print(to_json(result.to_json()))
        return 0
    for pair in result.pairs:
        print(f"{pair.score:5.1f}  {clean(pair.label):<8} {clean(pair.a)}  ~  {clean(pair.b)}   "
              f"({'; '.join(clean(r) for r in pair.reasons)})")
    for cluster in result.clusters:
        print(f"cluster {clean(cluster.label)}: " + " | ".join(clean(f) for f in cluster.forms))
    if not result.pairs:
        print("no candidate pairs (run `newsmark predict` first, or lower --threshold)", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from annotations.export import export

    config, annotator, db = _context(args)
    store = _open_store(db, create=False)
    on_progress = _Counter("exporting")

    labels = [x.strip() for x in args.labels.split(",") if x.strip()] if args.labels is not None else None
    if labels is not None and not labels:
        raise UserInputError(f"--labels: no label names in {args.labels!r} (e.g. --labels PERSON,ORG)")
    try:
        # --annotator filters; without it every annotator's work is exported.
        report = export(store, args.format, args.out, split=args.split, seed=args.seed, status=args.status,
                        annotator=args.annotator, labels=labels, known_labels=config.label_names,
                        on_progress=on_progress, scheme=args.scheme)
    finally:
        on_progress.stop()
    info = report.to_json()
    say(_export_summary(info, args.format, ", ".join(info["files"]) or args.out), file=sys.stderr)
    for warning in info["warnings"]:
        say(f"warning: {warning}", file=sys.stderr)
    return 0


def _export_summary(info: dict[str, Any], fmt: str, where: str) -> str:
    """What was written, counted honestly: one line per (document, annotator), so several
    annotators of a document give more lines than documents."""
    if fmt == "links":
        return f"exported {info['pairs']} pair(s) and {info['clusters']} cluster(s) as links to {where}"
    docs, lines = info["documents"], info["examples"]
    if REVIEW_ANNOTATOR in info["annotators"]:
        where += " (gold: the reviewed layer where a document has one)"
    if lines == docs:
        return f"exported {docs} document(s) as {fmt} to {where}"
    return (f"exported {lines} annotated copies of {docs} document(s) (annotators: "
            f"{', '.join(info['annotators'])}) as {fmt} to {where}")


def cmd_evaluate(args: argparse.Namespace) -> int:
    from annotations.evaluate import evaluate, format_tables
    from annotations.extract.pipeline import ModelMissing

    config, annotator, db = _context(args)
    store = _open_store(db, create=False)
    try:
        result = evaluate(store, config, extractor=args.extractor, model=args.model, annotator=args.annotator)
    except ModelMissing as exc:
        raise UserInputError(str(exc)) from None
    if args.json:
        print(to_json(result))
        return 0
    _stdout_console().print(format_tables(clean_tree(result)))
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    config, annotator, db = _context(args)
    store = _open_store(db)
    _run_app(store, config, annotator, args.no_mouse)
    return 0


COMMANDS: dict[str | None, Any] = {"import": cmd_import, "stats": cmd_stats, "list": cmd_list, "demo": cmd_demo,
            "predict": cmd_predict, "link": cmd_link, "export": cmd_export, "evaluate": cmd_evaluate,
            None: cmd_app}


def _parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """parse_args, with its usage errors (which echo the bad value) cleaned like all output."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            return parser.parse_args(argv)
    finally:
        if errors.getvalue():
            sys.stderr.write(clean_lines(errors.getvalue()) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, argv)
    try:
        return COMMANDS[args.command](args)
    except NewsmarkError as exc:
        if args.debug:
            raise
        say(f"{PROG}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line unless --debug
        if args.debug:
            raise
        say(f"{PROG}: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
            file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
