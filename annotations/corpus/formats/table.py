"""Tables (.csv, .tsv): one row is one document, streamed a row at a time.

The first row names the columns. The text column is --text-col, else the first column named
text, body or content (case-insensitive); the title is --title-col, else a column named title
or headline; the id (kept as meta["source_id"], as for JSON Lines) is --id-col, else a column
named id. Columns named url, date, outlet or author fill those fields. The other columns are
kept in meta (all of them, or only --meta-cols). A missing column is one line naming the
columns found; a bad row is "FILE:LINE: reason", which --skip-invalid skips.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotations.corpus.formats.records import (
    _DOC_FIELDS,
    MAX_DOCUMENT_BYTES,
    Invalid,
    Problem,
    ReadOptions,
    Record,
)

SUFFIXES = (".csv", ".tsv")
TEXT_COLUMNS = ("text", "body", "content")
TITLE_COLUMNS = ("title", "headline")
ID_COLUMNS = ("id",)

csv.field_size_limit(MAX_DOCUMENT_BYTES)


class _Columns:
    """Where each field is in a row, resolved once from the header and the options."""

    def __init__(self, header: list[str], options: ReadOptions) -> None:
        self.header = header
        self.lower = {name.strip().lower(): i for i, name in reversed(list(enumerate(header)))}
        self.text = self._pick(options.text_col, TEXT_COLUMNS, "--text-col", required=True)
        self.title = self._pick(options.title_col, TITLE_COLUMNS, "--title-col")
        self.id = self._pick(options.id_col, ID_COLUMNS, "--id-col")
        taken = {self.text, self.title, self.id}
        self.fields = {
            name: i
            for name in _DOC_FIELDS
            if name != "title"
            if (i := self.lower.get(name)) is not None and i not in taken
        }
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


def _cell(row: list[str], index: int | None) -> str | None:
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None


def _record(row: list[str], cols: _Columns, label: str, line: int) -> Record:
    if len(row) != len(cols.header):
        raise Invalid(f"expected {len(cols.header)} fields (as in the header), got {len(row)}")
    text = row[cols.text]
    if not text.strip():
        raise Invalid(f"empty text in column {cols.header[cols.text]!r}")
    if "\0" in text:
        raise Invalid("the text contains a NUL character")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, Any] = {cols.header[i]: row[i] for i in cols.meta if row[i].strip()}
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
        date=field.get("date"),
        outlet=field.get("outlet"),
        author=field.get("author"),
    )


def read_file(
    path: Path, label: str, options: ReadOptions, skip_invalid: bool, on_bytes: Callable[[int], None] | None = None
) -> Iterator[Record | Problem]:
    """Each row a Record; a bad row a line Problem; a bad header or encoding a file Problem."""
    delimiter = "\t" if path.name.lower().endswith(".tsv") else ","
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield Problem(label, None, f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        rows = csv.reader(handle, delimiter=delimiter)
        line = 1
        try:
            header = next(rows, None)
            if header is None:
                yield Problem(label, None, "empty file")
                return
            cols = _Columns(header, options)
            yield from _rows(rows, cols, label, skip_invalid)
        except Invalid as exc:
            yield Problem(label, None, exc.reason)
        except UnicodeDecodeError as exc:
            yield Problem(
                label,
                None,
                f"not UTF-8 text: invalid byte 0x{exc.object[exc.start]:02x} after line {rows.line_num or line}",
            )
        except (csv.Error, OSError) as exc:
            yield Problem(label, rows.line_num or line, f"not valid {(delimiter == ',' and 'CSV') or 'TSV'}: {exc}")


def _rows(rows: Any, cols: _Columns, label: str, skip_invalid: bool) -> Iterator[Record | Problem]:
    valid = failed = 0
    start = rows.line_num + 1
    for row in rows:
        line, start = start, rows.line_num + 1
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            record = _record(row, cols, label, line)
        except Invalid as exc:
            failed += 1
            yield Problem(label, line, exc.reason)
            continue
        valid += 1
        if skip_invalid or not failed:
            yield record
    if valid == 0 and not failed:
        yield Problem(label, None, "no rows after the header")
