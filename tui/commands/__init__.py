"""The command registry: every `newsmark` command word, its one-line help and its module.

Each module in this package (named in COMMANDS) defines:
    add_arguments(p, parents) -> None        adds its options to the parser made for it
    run(args: argparse.Namespace) -> int     runs it; raises NewsmarkError for bad input
and imports what it needs at its top. Only the module of the command being run is imported
(`newsmark export` never loads the Textual app, `--help` loads none): the registry is a table
of names, the same way plugins are found by name. What a command is handed (`context`,
`open_store`, `Counter`, `stdout_console`) is public in tui/commands/context.py. `newsmark
--help` lists the commands in COMMANDS' order. A new command is one new module and one line here.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import NamedTuple


class Command(NamedTuple):
    module: str
    help: str


COMMANDS: dict[str, Command] = {
    "demo": Command("demo", "import the bundled sample corpus into a fresh database and open the app"),
    "import": Command(
        "ingest", "import .txt .md .jsonl .html .warc .csv .tsv .conll files, directories, globs or - (stdin)"
    ),
    "stats": Command("stats", "corpus and annotation counts, progress per annotator"),
    "list": Command("listing", "list documents: id, status, outlet, date, title"),
    "predict": Command("predict", "run the extractors over documents lacking current predictions"),
    "export": Command("export", "export the labeled dataset: jsonl, prodigy, spacy or links"),
    "evaluate": Command("evaluate", "precision / recall / F1 of each extractor against gold"),
    "link": Command("link", "variant-spelling linking"),
    "agree": Command("agree", "inter-annotator agreement over documents done by two or more annotators"),
    "review": Command("review", "open the Review screen (also R in the Library)"),
    "assign": Command("assign", "distribute documents to annotators with a chosen overlap"),
    "entities": Command("entities", "known entities (name, label, external id such as a Wikidata QID, aliases)"),
    "mark": Command(
        "mark", "set a status (for --annotator) or the held-out flag on a selection of documents (one undo)"
    ),
    "split": Command("split", "hold out a share of the gold documents for evaluation"),
    "train": Command("train", "train an extractor on the gold and register the model"),
    "learn": Command("learn", "run one round of the learning loop now (config learn:)"),
    "models": Command("models", "trained models with their scores; choose the one predict uses"),
    "train-curve": Command("train_curve", "dev scores at 25/50/75/100 %% of the training documents"),
    "merge": Command("merge", "merge annotation databases from other servers (idempotent)"),
}
APP = "app"
"""The module that opens the app when no command word is given."""

Run = Callable[[argparse.Namespace], int]


def load(module: str) -> Run:
    """The run function of a command module, imported now (and only now)."""
    run: Run = importlib.import_module(f"{__name__}.{module}").run
    return run


def register(
    sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser], word: str | None
) -> dict[str, Run]:
    """Add a parser for every command word: the full one for `word` (the command being run),
    a name and help line for the others. Returns `word` -> its run function."""
    runs: dict[str, Run] = {}
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, parents=parents, help=command.help)
        if name == word:
            module = importlib.import_module(f"{__name__}.{command.module}")
            module.add_arguments(p, parents)
            runs[name] = module.run
    return runs
