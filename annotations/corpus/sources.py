"""Readers: turn files, directories, globs and stdin into plain records, streaming.

Pure parsing, no database. `expand_paths` resolves what the user typed (files, directories,
globs, "-") before anything is imported, walking each tree once: a directory reached twice
(a symbolic link loop, a second link) is read once, and what is skipped (loops, dangling
links, unreadable directories and files) is named with the reason. `read_source` yields
`Record`s and `Problem`s for one source, through the reader module of its format
(annotations/corpus/formats: text, Markdown, JSON Lines, HTML, WARC, CSV/TSV, CoNLL). Every failure is
a `Problem` ("FILE:LINE: reason" for a bad line, "FILE: reason" for a whole file); no input
makes a reader raise.
"""

from __future__ import annotations

import errno
import fnmatch
import io
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotations.corpus import formats
from annotations.corpus.formats.jsonl import read_jsonl
from annotations.corpus.formats.records import (
    BOM,
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    ClaimIn,
    EntityIn,
    Problem,
    ReadOptions,
    Record,
    SpanIn,
    too_large,
)
from annotations.corpus.formats.text import guess_title, read_document
from annotations.errors import UserInputError

__all__ = [
    "SUFFIXES",
    "ClaimIn",
    "EntityIn",
    "Problem",
    "ReadOptions",
    "Record",
    "SpanIn",
    "expand_paths",
    "guess_title",
    "read_source",
    "total_bytes",
]

SUFFIXES = formats.suffixes()
_SUFFIX_LIST = ", ".join(SUFFIXES[:-1]) + " or " + SUFFIXES[-1]
_MAGIC = re.compile(r"[*?[]")


# --------------------------------------------------------------------------- paths


def _supported(path: Path, options: ReadOptions | None = None) -> bool:
    return formats.format_of(path, options) is not None


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _entries(root: Path, skipped: list[str], max_depth: int | None = None) -> Iterator[tuple[Path, bool]]:
    """(path, is a directory) of every non-hidden entry under `root`, each directory entered once.

    Links are followed only while they stay inside `root` (a link to /etc/passwd in an
    imported directory is named and skipped, never read), and a directory already entered (a
    symbolic link loop, a second link to it) is not entered again; loops, links out of the
    tree, dangling links and unreadable directories are named in `skipped` with the reason
    instead of stopping the walk."""
    try:
        top = os.stat(root)
    except OSError as exc:
        skipped.append(f"{root}: {_why(exc)}")
        return
    inside = os.path.join(os.path.realpath(root), "")
    visited = {(top.st_dev, top.st_ino)}
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                names = sorted((e.name, e.is_symlink()) for e in it if not _hidden(e.name))
        except OSError as exc:
            skipped.append(f"{folder}: {_why(exc)} (directory skipped)")
            continue
        below: list[tuple[Path, int]] = []
        for name, link in names:
            path = folder / name
            try:
                info = os.stat(path)
            except OSError as exc:
                dangling = link and isinstance(exc, FileNotFoundError)
                skipped.append(f"{path}: {'dangling symbolic link' if dangling else _why(exc)}")
                continue
            if link and not os.path.join(os.path.realpath(path), "").startswith(inside):
                skipped.append(f"{path}: symbolic link out of {root} (not followed)")
                continue
            if stat.S_ISDIR(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if key in visited:
                    skipped.append(f"{path}: directory already read here (a symbolic link loop or a second link)")
                    continue
                visited.add(key)
                yield path, True
                if max_depth is None or depth + 1 < max_depth:
                    below.append((path, depth + 1))
            elif stat.S_ISREG(info.st_mode):
                yield path, False
        stack.extend(reversed(below))


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def _readable(path: Path, skipped: list[str]) -> bool:
    if os.access(path, os.R_OK):
        return True
    skipped.append(f"{path}: permission denied")
    return False


def _walk(root: Path, skipped: list[str], options: ReadOptions | None = None) -> list[Path]:
    """Every supported, readable, non-hidden file under `root`, sorted."""
    return sorted(
        p for p, is_dir in _entries(root, skipped) if not is_dir and _supported(p, options) and _readable(p, skipped)
    )


def _component(part: str) -> re.Pattern[str] | None:
    """A glob component as a regex; None for "**" (any number of directories)."""
    return None if part == "**" else re.compile(fnmatch.translate(part))


def _match(rel: tuple[str, ...], pattern: list[re.Pattern[str] | None]) -> bool:
    if not pattern:
        return not rel
    head, rest = pattern[0], pattern[1:]
    if head is None:
        return any(_match(rel[i:], rest) for i in range(len(rel) + 1))
    return bool(rel) and bool(head.match(rel[0])) and _match(rel[1:], rest)


def _glob(raw: str, skipped: list[str], options: ReadOptions | None) -> list[Path]:
    """What a glob matches, walking its fixed prefix once (never following a loop): matched
    directories give their supported files, as a directory argument does."""
    parts = Path(os.path.expanduser(raw)).parts
    fixed = next(i for i, part in enumerate(parts) if _MAGIC.search(part))
    base = Path(*parts[:fixed]) if fixed else Path(".")
    rest = parts[fixed:]
    depth = None if "**" in rest else len(rest)
    pattern = [_component(p) for p in rest]
    files: list[Path] = []
    matched = False
    for path, is_dir in _entries(base, skipped, depth):
        rel = path.relative_to(base).parts
        if not _match(rel, pattern):
            continue
        matched = True
        if is_dir:
            files.extend(_walk(path, skipped, options))
        elif _supported(path, options) and _readable(path, skipped):
            files.append(path)
    if not matched:
        raise UserInputError(f"{raw}: no such file or directory")
    return sorted(set(files))


def expand_paths(
    paths: Iterable[str | os.PathLike], *, options: ReadOptions | None = None, skipped: list[str] | None = None
) -> list[Path | str]:
    """Resolve files, directories, globs and "-" into the list of sources to import.

    Directories are walked recursively (supported suffixes only, hidden files and directories
    skipped); globs match like the shell's, "**" for any depth. Each argument's files come
    sorted, in the order the arguments were given, each file once (by its real path). What a
    walk skipped is appended to `skipped` ("PATH: reason"). Raises UserInputError, before
    anything is read, for a missing or unreadable named path, a glob that matches nothing, a
    named file of an unsupported type, or a directory with nothing to import.
    """
    out: list[Path | str] = []
    seen: set[str] = set()
    notes: list[str] = [] if skipped is None else skipped

    def add(item: Path | str) -> None:
        key = item if item == "-" else os.path.normcase(os.path.realpath(item))
        if key not in seen:
            seen.add(key)
            out.append(item)

    for arg in paths:
        raw = os.fspath(arg)
        if raw == "-":
            add("-")
            continue
        for file in _expand_one(raw, notes, options):
            add(file)
    return out


def _expand_one(raw: str, notes: list[str], options: ReadOptions | None) -> list[Path]:
    if not raw:
        raise UserInputError("empty path: name a file, a directory, a glob or '-' for stdin")
    path = Path(os.path.expanduser(raw))
    if path.is_dir():
        files = _walk(path, notes, options)
        if not files:
            raise UserInputError(f"{raw}: no {_SUFFIX_LIST} files in this directory")
        return files
    if path.exists():
        mode = path.stat().st_mode
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            raise UserInputError(f"{raw}: a device or socket, not a file: nothing to import from it")
        if not _supported(path, options):
            kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
            raise UserInputError(
                f"{raw}: unsupported file type {kind} (expected {_SUFFIX_LIST}; "
                "--format NAME reads it as one, e.g. --format conll for a CoNLL .train file)"
            )
        if not os.access(path, os.R_OK):
            raise UserInputError(f"{raw}: permission denied")
        return [path]
    if _MAGIC.search(raw):
        files = _glob(raw, notes, options)
        if not files:
            raise UserInputError(f"{raw}: matches no {_SUFFIX_LIST} files")
        return files
    if path.is_symlink():
        raise UserInputError(f"{raw}: dangling symbolic link")
    raise UserInputError(f"{raw}: no such file or directory")


def total_bytes(paths: Iterable[Path | str], *, options: ReadOptions | None = None) -> int | None:
    """Total size of the sources, for a progress bar; None when stdin ("-") is among them.

    Takes expanded paths or what the user typed (directories and globs are expanded here).
    """
    total = 0
    for path in paths:
        if path == "-":
            return None
        try:
            if os.path.isfile(path):
                total += os.stat(path).st_size
            else:
                total += sum(os.stat(p).st_size for p in expand_paths([path], options=options) if p != "-")
        except (OSError, UserInputError):
            pass
    return total


# --------------------------------------------------------------------------- entry point


def read_source(
    path: Path | str,
    *,
    skip_invalid: bool = False,
    stdin: Any = None,
    options: ReadOptions | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Record | Problem]:
    """Yield the records and problems of one source ("-" is stdin), streaming.

    Problems never stop the reading: every bad line is reported. With skip_invalid=False the
    caller rejects the whole file on any Problem, so records after the first problem are not
    yielded (they would be thrown away); with skip_invalid=True every good record is yielded.
    A Problem with `keeps` (a damaged WARC's notice) does not reject what was read before it.
    `on_bytes(n)` reports progress inside a large file (WARC), where the format can.
    """
    if path == "-" or path == Path("-"):
        yield from _read_stdin(stdin, skip_invalid)
        return
    path = Path(path)
    options = options or ReadOptions()
    name = formats.format_of(path, options)
    if name is None:
        yield Problem(str(path), None, f"unsupported file type '{path.suffix.lower()}' (expected {_SUFFIX_LIST})")
        return
    module = formats.READERS.get(name, formats.text)
    yield from module.read_file(path, str(path), options, skip_invalid, on_bytes)


# --------------------------------------------------------------------------- stdin


class _Rewound:
    """A binary stream with bytes already read put back in front of it."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def readline(self, limit: int = -1) -> bytes:
        if not self.head:
            return self.stream.readline(limit)
        cut = self.head.find(b"\n") + 1 or len(self.head)
        if limit >= 0:
            cut = min(cut, limit)
        line, self.head = self.head[:cut], self.head[cut:]
        if self.head or line.endswith(b"\n") or (limit >= 0 and len(line) >= limit):
            return line
        return line + self.stream.readline(-1 if limit < 0 else limit - len(line))

    def read(self, size: int = -1) -> bytes:
        head, self.head = self.head, b""
        if size < 0:
            return head + self.stream.read()
        if len(head) >= size:
            self.head = head[size:]
            return head[:size]
        return head + self.stream.read(size - len(head))


def _binary_stream(stream: Any) -> Any:
    """The byte stream behind `stream` (sys.stdin by default; text streams are encoded)."""
    if stream is None:
        stream = sys.stdin
    if stream is None:  # stdin closed (cron, daemons)
        raise ValueError("stdin is closed")
    if isinstance(stream, io.TextIOBase):
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            return buffer
        return io.BytesIO(stream.read().encode("utf-8", "surrogateescape"))
    return stream


def _read_stdin(stdin: Any, skip_invalid: bool) -> Iterator[Record | Problem]:
    """Stdin is JSON Lines when its first non-blank character is "{", else one document."""
    label = "<stdin>"
    try:
        stream = _binary_stream(stdin)
        head: list[bytes] = []
        first = b""
        size = 0
        while True:
            line = stream.readline(MAX_LINE_BYTES)
            if not line:
                break
            head.append(line)
            size += len(line)
            first = line[3:] if len(head) == 1 and line.startswith(BOM) else line
            first = first.lstrip()
            if first or size > MAX_DOCUMENT_BYTES:
                break
        rest = _Rewound(b"".join(head), stream)
        if first.startswith(b"{"):
            yield from read_jsonl(rest, label, skip_invalid)
            return
        data = rest.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, ValueError) as exc:  # a closed or unreadable stream
        yield Problem(label, None, f"cannot read: {exc}")
        return
    if len(data) > MAX_DOCUMENT_BYTES:
        yield Problem(label, None, too_large(len(data)))
        return
    if not data.strip():
        yield Problem(label, None, "empty input")
        return
    # Front matter on stdin (`cat article.md | newsmark import -`) is read as Markdown would be.
    markdown = re.match(rb"(\xef\xbb\xbf)?---[ \t]*\r?\n", data) is not None
    yield read_document(data, label, markdown=markdown)
