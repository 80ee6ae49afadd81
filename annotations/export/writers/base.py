"""The writer's contract: what a run gives a writer (`Context`) and what a format implements
(`Writer`). Apart from the registry (writers/__init__.py) so that each format module imports
only this, never the package that imports it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from annotations.export.report import ExportReport
from annotations.export.selection import Example
from annotations.export.sink import Sink


@dataclass
class Context:
    """What a writer needs to know about this export run."""

    report: ExportReport
    sink: Sink
    target: Path | str | None  # the one output file (no split), "-" for stdout
    base: Path | None  # the --out directory (a split export)
    splits: dict[str, float] | None
    total: int  # documents to be written
    scheme: str | None = None  # CoNLL tag scheme, when given

    def path_for(self, split: str | None, extension: str) -> Path | str:
        if split is None or self.base is None:
            assert self.target is not None
            return self.target
        return self.base / f"{split}.{extension}"


class Writer:
    """One export format. Class attributes describe it; instances write one run."""

    name: ClassVar[str] = ""
    extension: ClassVar[str] = "jsonl"  # of each split's file
    default_file: ClassVar[str] = "data.jsonl"  # inside an --out directory, without a split
    default_split: ClassVar[dict[str, float] | None] = None
    json_spans: ClassVar[bool] = False  # spans read as SQLite-built JSON text (native jsonl)
    pause_gc: ClassVar[bool] = False  # many small acyclic objects: skip the cyclic collector
    whole_store: ClassVar[bool] = False  # not per document (links)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @classmethod
    def check(cls, store: Any, status: str, annotator: str | None) -> None:
        """Refuse, before anything is written, an export this format cannot hold."""

    def write(self, ex: Example, split: str | None) -> None:
        raise NotImplementedError

    def end_page(self) -> None:
        """A page of examples is done (drop per-page caches)."""

    def finish(self) -> list[str]:
        """Flush what is buffered; returns files written outside the sink's text handles."""
        return []

    def after_commit(self, written: list[str]) -> None:
        """Tidy up once the files are in place."""

    @classmethod
    def export_store(
        cls,
        store: Any,
        out: str | os.PathLike[str],
        *,
        annotator: str | None,
        labels: set[str] | None,
        report: ExportReport,
        on_progress: Any,
    ) -> ExportReport:
        raise NotImplementedError
