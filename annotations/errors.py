"""Errors the CLI turns into one clear line and an exit code, never a traceback."""

from __future__ import annotations


class NewsmarkError(Exception):
    """A failure the user can act on; `exit_code` 2 means bad input or usage."""

    exit_code = 1


class UserInputError(NewsmarkError):
    """Bad input: a file, line or key the user supplied is wrong."""

    exit_code = 2


class ConfigError(UserInputError):
    """The configuration file is invalid; the message names the file and the key."""


class StoreError(NewsmarkError):
    """The database cannot be used (not ours, too new, locked)."""

    exit_code = 2


class QueryInterrupted(StoreError):
    """A read stopped by `interrupt()`: a newer request superseded it (the Library's search
    typed letter by letter); the caller retries or drops it, never reports it."""


class StoreUnavailable(StoreError):
    """The environment refused a read or write (lock, disk, permissions): nothing was changed.

    Raised by the store in place of a raw sqlite3 error, so every screen's error handling and
    the CLI's one-line path report it; `retry` says whether trying again may succeed."""

    exit_code = 1
    retry = False


class StoreLocked(StoreUnavailable):
    """Another process held the write lock past the busy timeout."""

    retry = True


class StoreFull(StoreUnavailable):
    """The disk (or the database's size limit) is full."""


class StoreReadOnly(StoreUnavailable):
    """The database file, its directory or its medium is read-only."""


class StoreIOFailure(StoreUnavailable):
    """The operating system reported an I/O error (a removed file, a failing disk)."""


class StoreCorrupt(StoreUnavailable):
    """SQLite found the file damaged (disk image malformed)."""


class ImportFailed(UserInputError):
    """One or more input files were rejected; `problems` holds `FILE:LINE: reason` lines."""

    def __init__(self, problems: list[str], total: int | None = None, report: object = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        self.report = report  # what the good files added, when some files were rejected
        super().__init__(problems[0] if problems else "import failed")
