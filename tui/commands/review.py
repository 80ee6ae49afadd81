"""`newsmark review`: open the Review screen (as `R` in the Library does) on one document.

Without --doc it opens the first document two or more annotators marked done that is not yet
reviewed; `q` there goes on to the Library.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import tui.app
from annotations.errors import UserInputError
from annotations.team import review
from annotations.team.review import may_see_others
from tui.app import NewsmarkApp
from tui.commands.app import model_notice
from tui.commands.context import context, open_store
from tui.keys import validate_keymap
from tui.screens.review import ReviewScreen


def add_arguments(p: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    p.add_argument(
        "--doc",
        type=int,
        metavar="ID",
        help="the document to review (default: the first done by two or more annotators and not yet reviewed)",
    )
    p.add_argument("--model", action="store_true", help="show the model's version too")
    p.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:

    config, annotator, db = context(args)
    store = open_store(db, create=False)
    doc_id = args.doc if args.doc is not None else review.next_to_review(store)
    if doc_id is None:
        raise UserInputError(
            "no document is done by two or more annotators and not yet reviewed; name one with --doc ID"
        )
    if store.document(doc_id) is None:
        raise UserInputError(f"--doc: no document {doc_id} in {db}")

    if not may_see_others(store, config, annotator, doc_id):
        raise UserInputError(
            f"--doc {doc_id}: blind review (config review.blind): {annotator} annotates "
            "this document, so others' work stays hidden until it is reviewed"
        )

    validate_keymap(config)
    app = _review_app(store, config, annotator, doc_id, args.model, model_notice(config))
    app.run(mouse=not getattr(args, "no_mouse", False))
    return 0


def _review_app(store: Any, config: Any, annotator: str, doc_id: int, with_model: bool, notice: str | None) -> Any:

    class ReviewApp(NewsmarkApp):
        """The app, opened on the Review screen over the Library."""

        CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))  # else relative to this module

        def on_mount(self) -> None:
            super().on_mount()
            self.push_screen(ReviewScreen(doc_id, with_model=with_model))

    return ReviewApp(store, config, annotator, model_notice=notice)
