"""Where an export writes: files replaced atomically, or not at all.

Each file is written to a hidden temporary name beside it and renamed into place when the
whole export succeeded (devices and pipes, e.g. --out /dev/null, are written directly). A
read-only target is refused, not replaced; a directory that cannot be written is one clear
line; temporary files a killed export left behind (their process gone) are removed.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import IO, Any

from annotations.errors import UserInputError
from annotations.reading.layout import escape_controls

# Compact JSON, UTF-8 as is: the separators SQLite's json_object uses too, so lines that mix
# spans written by SQLite with the rest written here look alike.
encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dump(obj: Any) -> str:
    """One compact JSON line (UTF-8 as is, no spaces: what Prodigy and srsly write too); terminal
    controls (C1, bidi overrides) as \\uXXXX escapes, so the line is inert on a terminal and exact."""
    return escape_controls(encode(obj)) + "\n"


def _special(path: Path | str) -> bool:
    """An existing path that is not a regular file (/dev/null, a FIFO): written in place, since
    renaming a temporary file over it would replace the device with a file."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: leave its file alone
    return True


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of `path` whose export was killed (kill -9, power loss) before it could
    remove them: named .NAME.tmp-PID, and PID is no longer running."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.tmp-(\d+)$")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
            (path.parent / name).unlink(missing_ok=True)


def _read_only(path: Path) -> bool:
    """A file the user made read-only (0444): by its mode bits, so it holds for root too."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _temp_for(path: Path) -> Path:
    """A fresh temporary name beside `path`, after refusing a target we must not replace."""
    if _read_only(path):
        raise UserInputError(f"{path}: the file is read-only; not replaced (make it writable or choose another --out)")
    _remove_stale_temps(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def _cannot_write(path: Path, exc: OSError) -> UserInputError:
    return UserInputError(f"{path.parent}: cannot write here ({(exc.strerror or str(exc)).lower()})")


class Sink:
    """The files of one export, committed together (renamed into place) or aborted (removed)."""

    def __init__(self) -> None:
        self.handles: dict[str, IO[str]] = {}
        self.temps: dict[str, Path] = {}
        self.binary: list[tuple[Path, Path]] = []

    def text(self, path: Path | str) -> IO[str]:
        key = str(path)
        if key == "-":
            return sys.stdout
        handle = self.handles.get(key)
        if handle is None:
            path = Path(path)
            tmp = path if _special(path) else _temp_for(path)
            try:
                handle = open(tmp, "w", encoding="utf-8", newline="\n")
            except OSError as exc:
                raise _cannot_write(path, exc) from None
            self.handles[key] = handle
            self.temps[key] = tmp
        return handle

    def write_bytes(self, path: Path, data: bytes) -> None:
        if _special(path):
            path.write_bytes(data)
            return
        tmp = _temp_for(path)
        try:
            tmp.write_bytes(data)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _cannot_write(path, exc) from None
        self.binary.append((tmp, path))

    def commit(self) -> None:
        for key, handle in self.handles.items():
            handle.close()
            if str(self.temps[key]) != key:
                os.replace(self.temps[key], key)
        for tmp, path in self.binary:
            os.replace(tmp, path)
        self.handles.clear()
        self.binary.clear()

    def abort(self) -> None:
        for key, handle in self.handles.items():
            handle.close()
            if str(self.temps[key]) != key:
                self.temps[key].unlink(missing_ok=True)
        for tmp, _ in self.binary:
            tmp.unlink(missing_ok=True)
        self.handles.clear()
        self.binary.clear()


def prepare_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UserInputError(f"{out}: exists and is not a directory (this export writes several files into --out)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserInputError(f"{out}: cannot create directory ({exc.strerror or exc})") from None


def file_target(out: str | os.PathLike[str], default_name: str) -> Path | str:
    if str(out) == "-":
        return "-"
    path = Path(os.path.expanduser(str(out)))
    if path.is_dir():
        return path / default_name
    if path.parent and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserInputError(f"{path.parent}: cannot create directory ({exc.strerror or exc})") from None
    return path
