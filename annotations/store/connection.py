"""Opening a database file safely: the foreign-file guard, the connection, and the words for
what the environment did (a lock, a full disk, a read-only file, an I/O error).

The guard reads the SQLite header itself: opening a WAL database, even read-only, creates
-wal and -shm files beside it, and a `file:` URI built from a path holding # ? or % names
another file. Any URI here is escaped.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from annotations.errors import (
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreIOFailure,
    StoreLocked,
    StoreReadOnly,
)
from annotations.store import schema

# The first 100 bytes of an SQLite file (https://www.sqlite.org/fileformat.html#the_database_header).
_MAGIC = b"SQLite format 3\x00"

# SQLite primary result codes (https://www.sqlite.org/rescode.html) the environment causes.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_READONLY_DBMOVED = 1032


def _header(path: Path) -> tuple[int, int, int]:
    """(schema cookie, user_version, application_id) from the file header, without SQLite."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database ({exc.strerror})") from None
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise StoreError(f"{path}: not a newsmark database (not an SQLite file)")
    return (int.from_bytes(head[40:44], "big"), int.from_bytes(head[60:64], "big"), int.from_bytes(head[68:72], "big"))


def uri(path: Path, **params: str) -> str:
    """A `file:` URI naming exactly this path (# ? % and spaces escaped), with query params."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.absolute()), safe='/')}" + (f"?{query}" if query else "")


def _wal_header(path: Path) -> tuple[int, int, int]:
    """The header as the newest committed state (main file plus -wal) shows it; read-only,
    and any -wal or -shm this read creates is removed again."""
    extra = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    existed = [p.exists() for p in extra]
    try:
        conn = sqlite3.connect(uri(path, mode="ro"), uri=True)
        try:
            return (
                int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]),
                int(conn.execute("PRAGMA user_version").fetchone()[0]),
                int(conn.execute("PRAGMA application_id").fetchone()[0]),
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a newsmark database ({exc})") from None
    finally:
        for p, was in zip(extra, existed):
            if not was:
                p.unlink(missing_ok=True)


def _check_empty(path: Path) -> None:
    """A size of 0 is a new database only if the file is really empty: /proc and /sys files say
    0 and hold text (/proc/version) or fail to read (/proc/self/mem)."""
    try:
        with path.open("rb") as f:
            head = f.read(1)
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise StoreError(f"{path}: not a newsmark database (cannot read it: {exc.strerror})") from None
    if head and not size:  # (a size above 0 now: another process is creating this database)
        raise StoreError(f"{path}: not a newsmark database (a special file, not a database file)")


_held_lock = threading.Lock()
_held: Counter[tuple[int, int]] = Counter()
"""Database files (device, inode) this process has open through a Store. While one is, the
guard below never opens the file itself: closing any descriptor of a file drops every POSIX
lock the process holds on it, SQLite's included, and another process closing its connection
(a learning round ending, any CLI command) would then find the database unused and delete its
-wal and -shm under this one, whose later writes no other process sees."""


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def hold(path: Path) -> tuple[int, int] | None:
    """Count a Store open on `path` in this process (its key for `release`)."""
    key = _file_key(path)
    if key is not None:
        with _held_lock:
            _held[key] += 1
    return key


def release(key: tuple[int, int] | None) -> None:
    """The Store counted under `key` is closed."""
    if key is None:
        return
    with _held_lock:
        _held[key] -= 1
        if _held[key] <= 0:
            del _held[key]


def held_here(path: Path) -> bool:
    """Whether a Store in this process has this file open (it was checked when that one opened)."""
    key = _file_key(path)
    with _held_lock:
        return key is not None and _held[key] > 0


def check_file(path: Path) -> None:
    """Refuse, without writing a byte or leaving a file, a path that is not a newsmark
    database or is too new. A file this process already has open was checked then, and is
    not read again (see `_held`)."""
    if not path.exists() or held_here(path):
        return
    if not path.is_file():
        raise StoreError(f"{path}: not a newsmark database (not a regular file)")
    if path.stat().st_size == 0:
        _check_empty(path)
        return
    cookie, version, app_id = _header(path)
    if Path(f"{path}-wal").exists():  # committed changes may still sit in the -wal file
        cookie, version, app_id = _wal_header(path)
    if app_id != schema.APPLICATION_ID and (cookie or version):
        raise StoreError(f"{path}: not a newsmark database (it holds other SQLite tables); choose another --db")
    if version > schema.SCHEMA_VERSION:
        raise StoreError(
            f"{path}: database schema version {version} is newer than this newsmark "
            f"understands ({schema.SCHEMA_VERSION}); upgrade newsmark"
        )


def storage_error(
    exc: sqlite3.Error, path: Path, *, writing: bool, timeout: float, lost: str | None = None
) -> StoreError | None:
    """The StoreError saying truly what the environment did, or None for any other error
    (a bug or a constraint, which callers re-raise unchanged). `lost` says what a failed
    write lost (default: nothing was saved)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    lost = f"; {lost or 'nothing was saved'}" if writing else ""
    primary = code & 0xFF
    if primary in (_BUSY, _LOCKED):
        return StoreLocked(f"{path}: the database is locked by another process (waited {timeout:g}s){lost}; try again")
    if primary == _FULL:
        return StoreFull(f"{path}: disk full (or the database's size limit reached){lost}")
    if code == _READONLY_DBMOVED:
        return StoreIOFailure(f"{path}: the database file was moved or deleted while open{lost}")
    if primary == _READONLY:
        return StoreReadOnly(f"{path}: the database is read-only (its file, directory or disk){lost}")
    if primary == _IOERR:
        hint = ""
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_IOERR_SHORT_READ":
            hint = ": its -wal file is shorter than its -shm index says (deleted while in use?)"
        return StoreIOFailure(f"{path}: disk I/O error ({getattr(exc, 'sqlite_errorname', code)}){hint}{lost}")
    if primary in (_CORRUPT, _NOTADB):
        return StoreCorrupt(f"{path}: the database file is damaged ({exc}){lost}")
    if primary == _CANTOPEN:
        return StoreIOFailure(f"{path}: cannot open the database (or its -wal/-shm files){lost}")
    return None


def wal_mode(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch a new file to WAL, retrying with no lock held between tries.

    On a brand-new file (still in rollback-journal mode) the switch needs an exclusive lock;
    waiting for it inside SQLite's busy handler keeps this connection's shared lock, while the
    process creating the schema waits for that lock to commit: both wait out the whole busy
    timeout (four imports into a new database at once failed "locked, waited 30 s"). So the
    switch is tried with a short busy wait, and retried after letting go, until `timeout`."""
    deadline = time.monotonic() + timeout
    conn.execute("PRAGMA busy_timeout = 50")
    try:
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", 0) & 0xFF != _BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.01 + random.random() * 0.04)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def connect(path: Path, timeout: float, *, readonly: bool) -> tuple[sqlite3.Connection, bool]:
    """A connection; when the file or its directory cannot be written, a read-only one, so
    reading commands still work. Returns (connection, read-only?). `readonly` (a second
    connection to a database another one set up) skips setting the journal mode."""
    attempts: list[tuple[str, bool]] = []
    if not path.exists() or os.access(path, os.W_OK):
        attempts.append((str(path), False))
    if any(Path(f"{path}{s}").exists() for s in ("-wal", "-shm")):
        attempts.append((uri(path, mode="ro"), True))  # read through the -wal others write
    else:  # nobody has it open: read it as it is, creating no -wal or -shm beside it
        attempts.append((uri(path, immutable="1"), True))
    last: sqlite3.Error | None = None
    for target, is_uri in attempts:
        try:
            conn = sqlite3.connect(target, uri=is_uri, isolation_level=None, check_same_thread=False, timeout=timeout)
        except sqlite3.Error as exc:  # a new file where none can be made (/proc, a read-only directory)
            last = exc
            continue
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if not is_uri and not readonly:
                wal_mode(conn, timeout)
                conn.execute("PRAGMA synchronous = NORMAL")
            return conn, is_uri
        except sqlite3.Error as exc:
            conn.close()
            last = exc
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF not in (_READONLY, _CANTOPEN, _IOERR):
                break
    assert last is not None
    if not path.exists():
        raise StoreIOFailure(f"{path}: cannot create a database there ({last}): choose another --db")
    raise storage_error(last, path, writing=False, timeout=timeout) or last
