"""Tables (.csv, .tsv): one row is one document, streamed a row at a time.

The first row names the columns; a name used twice, or an empty name, is refused (its values
would overwrite each other in meta). The text column is --text-col, else the first column
named text, body or content (case-insensitive); the title is --title-col, else a column named
title or headline; the id (kept as meta["source_id"], as for JSON Lines) is --id-col, else a
column named id; the date is --date-col, else the first of date, published, pubdate and their
usual spellings (DATE_COLUMNS). Columns named url, outlet or author fill those fields. The
other columns are kept in meta (all of them, or only --meta-cols). A missing column is one
line naming the columns found; a bad row is "FILE:LINE: reason" naming the line the row
starts on, which --skip-invalid skips.

CSV is read strictly (RFC 4180): a quote left open no longer swallows the rows after it
silently, it is refused at the line where it opened. TSV has no quoting (IANA
text/tab-separated-values): a quotation mark is text (`"We will fight," Massoud said.` keeps
its quotes), and a row is a line. No physical line is held past MAX_LINE_BYTES characters:
the rest of it is skipped and the line is named, as for JSON Lines.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from annotations.corpus.formats.records import (
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    MAX_SKIP_BYTES,
    Invalid,
    Problem,
    ReadOptions,
    Record,
)

SUFFIXES = (".csv", ".tsv")
TEXT_COLUMNS = ("text", "body", "content")
TITLE_COLUMNS = ("title", "headline")
ID_COLUMNS = ("id",)
DATE_COLUMNS = (
    "date",
    "published",
    "pubdate",
    "pub_date",
    "publish_date",
    "published_at",
    "published_date",
    "publication_date",
    "datepublished",
    "date_published",
)
_FIELDS = ("url", "outlet", "author")  # filled from a column of the same name

csv.field_size_limit(MAX_DOCUMENT_BYTES)


class _Columns:
    """Where each field is in a row, resolved once from the header and the options."""

    def __init__(self, header: list[str], options: ReadOptions) -> None:
        self.header = header
        self.lower = _names(header)
        self.text = self._pick(options.text_col, TEXT_COLUMNS, "--text-col", required=True)
        self.title = self._pick(options.title_col, TITLE_COLUMNS, "--title-col")
        self.id = self._pick(options.id_col, ID_COLUMNS, "--id-col")
        self.date = self._pick(options.date_col, DATE_COLUMNS, "--date-col")
        taken = {self.text, self.title, self.id, self.date}
        self.fields = {name: i for name in _FIELDS if (i := self.lower.get(name)) is not None and i not in taken}
        taken |= set(self.fields.values())
        if options.meta_cols is not None:
            self.meta = [self._pick(name, (), "--meta-cols", required=True) for name in options.meta_cols]
        else:
            self.meta = [i for i in range(len(header)) if i not in taken]

    def _found(self) -> str:
        return ", ".join(repr(h) for h in self.header) or "none"

    def _pick(self, given: str | None, defaults: tuple[str, ...], option: str, *, required: bool = False) -> Any:
        if given is not None:
            index = self.lower.get(given.strip().lower())
            if index is None:
                raise Invalid(f"{option}: no column {given!r} (columns found: {self._found()})")
            return index
        for name in defaults:
            if name in self.lower:
                return self.lower[name]
        if required:
            raise Invalid(
                f"no text column: none is named {', '.join(defaults)} (columns found: "
                f"{self._found()}); name it with --text-col"
            )
        return None


def _names(header: list[str]) -> dict[str, int]:
    """Lower-cased column name -> index; an empty or repeated name raises Invalid (line 1)."""
    lower: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip().lower()
        if not key:
            raise Invalid(f"column {i + 1} of the header has no name: name every column", 1)
        if key in lower:
            raise Invalid(f"column name {name.strip()!r} is used twice (columns {lower[key] + 1} and {i + 1})", 1)
        lower[key] = i
    return lower


def _cell(row: list[str], index: int | None) -> str | None:
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None


def _record(row: list[str], cols: _Columns, label: str, line: int, last: int) -> Record:
    if len(row) != len(cols.header):
        spread = f" (the row runs from line {line} to {last}: is a quote on line {line} left open?)"
        raise Invalid(f"expected {len(cols.header)} fields (as in the header), got {len(row)}{spread * (last > line)}")
    text = row[cols.text]
    if not text.strip():
        raise Invalid(f"empty text in column {cols.header[cols.text]!r}")
    if "\0" in text:
        raise Invalid("the text contains a NUL character")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, Any] = {cols.header[i].strip(): row[i] for i in cols.meta if row[i].strip()}
    ident = _cell(row, cols.id)
    if ident is not None:
        meta["source_id"] = ident
    field = {name: _cell(row, i) for name, i in cols.fields.items()}
    return Record(
        text=text,
        title=_cell(row, cols.title),
        source=f"{label}:{line}",
        meta=meta,
        line=line,
        url=field.get("url"),
        date=_cell(row, cols.date),
        outlet=field.get("outlet"),
        author=field.get("author"),
    )


class _Lines:
    """The file's physical lines for the csv module, none held past MAX_LINE_BYTES characters:
    the rest of an over-long line is skipped (read in pieces), the line is given as empty and
    its number kept in `too_long` for the reader to report."""

    def __init__(self, handle: TextIO, limit: int = MAX_LINE_BYTES) -> None:
        self.handle = handle
        self.limit = limit
        self.number = 0
        self.too_long: list[int] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.handle.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > self.limit and not line.endswith("\n"):
            skipped = len(line)
            while (rest := self.handle.readline(1 << 20)) and not rest.endswith("\n"):
                skipped += len(rest)
                if skipped > MAX_SKIP_BYTES:
                    raise Invalid(
                        f"line longer than {MAX_SKIP_BYTES // 2**20} MiB and still going: "
                        "not a table (an endless stream?)",
                        self.number,
                    )
            self.too_long.append(self.number)
            return "\n"
        return line

    def problems(self, label: str) -> Iterator[Problem]:
        for number in self.too_long:
            yield Problem(label, number, f"line longer than {self.limit // 2**20} MiB")
        self.too_long.clear()


def read_file(
    path: Path, label: str, options: ReadOptions, skip_invalid: bool, on_bytes: Callable[[int], None] | None = None
) -> Iterator[Record | Problem]:
    """Each row a Record; a bad row a line Problem; a bad header or encoding a file Problem."""
    tsv = path.name.lower().endswith(".tsv")
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield Problem(label, None, f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        lines = _Lines(handle)
        if tsv:
            rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
        else:
            rows = csv.reader(lines, strict=True)
        try:
            header = next(rows, None)
            if lines.too_long:
                yield from lines.problems(label)
                return
            if header is None:
                yield Problem(label, None, "empty file")
                return
            cols = _Columns(header, options)
            yield from _rows(rows, lines, cols, label, skip_invalid, "TSV" if tsv else "CSV")
        except Invalid as exc:
            yield Problem(label, exc.line, exc.reason)
        except csv.Error as exc:  # in the header
            yield Problem(label, 1, _quote_error(exc, 1, rows.line_num, "TSV" if tsv else "CSV"))
        except UnicodeDecodeError as exc:
            yield Problem(
                label, None, f"not UTF-8 text: invalid byte 0x{exc.object[exc.start]:02x} after line {lines.number}"
            )
        except OSError as exc:
            yield Problem(label, None, f"cannot read: {exc.strerror or exc}")


def _rows(
    rows: Any, lines: _Lines, cols: _Columns, label: str, skip_invalid: bool, kind: str
) -> Iterator[Record | Problem]:
    valid = failed = 0
    start = rows.line_num + 1
    while True:
        try:
            row = next(rows, None)
        except csv.Error as exc:  # strict CSV: a quote left open; nothing after it can be trusted
            yield Problem(label, start, _quote_error(exc, start, rows.line_num, kind))
            return
        line, last, start = start, rows.line_num, rows.line_num + 1
        if lines.too_long:
            failed += len(lines.too_long)
            yield from lines.problems(label)
            continue
        if row is None:
            break
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            record = _record(row, cols, label, line, last)
        except Invalid as exc:
            failed += 1
            yield Problem(label, line, exc.reason)
            continue
        valid += 1
        if skip_invalid or not failed:
            yield record
    if valid == 0 and not failed:
        yield Problem(label, None, "no rows after the header")


def _quote_error(exc: csv.Error, start: int, at: int, kind: str) -> str:
    """The csv module's words for a bad quote, said from the line where the row starts."""
    text = str(exc)
    if "end of data" in text:
        return f"a quote opened in the row starting on line {start} is never closed (the file ends inside it)"
    if "expected after" in text:
        if at == start:
            return 'a quotation mark inside a quoted field must be doubled ("")'
        return (
            f"a quote opened in the row starting on line {start} is not closed where its field ends "
            f"(line {at} goes on after a closing quote): is a quote left open?"
        )
    if "field larger" in text:
        return f"a field longer than {MAX_DOCUMENT_BYTES // 2**20} MiB (is a quote on line {start} left open?)"
    return f"not valid {kind}: {text}"
