"""Web crawls (.warc, .warc.gz): every HTML response record is one document, streamed.

warcio reads the records (gzip members or plain) one at a time, so memory stays constant
however large the crawl; each page goes through the same trafilatura extraction as a saved
.html file. The record's target URI is the document's url and its WARC-Date is kept in
meta["fetched"] (and is the date when the page names none). Other records (requests,
metadata, redirects, non-HTML responses) are skipped and counted in one notice. A truncated
or damaged file keeps the records before the damage and names the byte offset where it starts.
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotations.corpus.formats.html import extract_page
from annotations.corpus.formats.records import MAX_DOCUMENT_BYTES, Invalid, Problem, ReadOptions, Record

SUFFIXES = (".warc", ".warc.gz")
_TAIL_SLACK = 16  # a record's trailing CRLFs; more unread bytes than this is damage
MAX_HEADER_LINE = 1 << 20  # bytes in one WARC or HTTP header line (real ones are under 16 KiB)


class HeaderLineTooLong(Exception):
    """A header line past MAX_HEADER_LINE: warcio's line reader would hold it whole, growing
    it block by block (a 200 MB line hung; /dev/zero never ends)."""


def _bound_lines(records: Any) -> None:
    """Give warcio's buffered reader a readline that stops at MAX_HEADER_LINE and raises.

    warcio reads every header line (WARC's, and HTTP's through a LimitReader over the same
    reader) with `readline()` and no length; content goes through `read()`, untouched here."""
    reader = records.reader
    original = reader.readline

    def readline(length: int | None = None) -> bytes:
        cap = MAX_HEADER_LINE + 1 if not length or length < 0 else min(length, MAX_HEADER_LINE + 1)
        line = original(cap)
        while line and not line.endswith(b"\n") and len(line) < cap:  # warcio stops short of `cap`
            more = original(cap - len(line))
            if not more:
                break
            line += more
        if len(line) > MAX_HEADER_LINE and not line.endswith(b"\n"):
            raise HeaderLineTooLong
        return line

    reader.readline = readline


class _Crawl:
    """The state of one WARC read: what was kept, skipped, and how far it got."""

    def __init__(self, label: str, on_bytes: Callable[[int], None] | None, favor_precision: bool = False) -> None:
        self.label = label
        self.favor_precision = favor_precision
        self.on_bytes = on_bytes
        self.kept = 0
        self.skipped: Counter[str] = Counter()
        self.end = 0  # byte offset just past the last whole record
        self.reported = 0  # bytes already reported to on_bytes
        self.last = 0  # byte offset of the record being read

    def progress(self, position: int) -> None:
        if self.on_bytes and position > self.reported:
            self.on_bytes(position - self.reported)
            self.reported = position

    def damage(self, offset: int, reason: str) -> Problem:
        if self.kept == 0 and offset == 0:
            return Problem(self.label, None, f"not a readable WARC file ({reason})")
        return Problem(
            self.label,
            None,
            f"damaged at byte offset {offset} ({reason}); the {self.kept} document(s) before it were read",
            keeps=True,
        )

    def notice(self) -> Problem | None:
        if not self.skipped:
            return None
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.skipped.items()))
        return Problem(
            self.label,
            None,
            f"{sum(self.skipped.values())} record(s) that are not HTML pages were skipped ({kinds})",
            keeps=True,
        )


def _kind(record: Any) -> str | None:
    """None for an HTML page worth importing, else why the record is skipped."""
    if record.rec_type != "response":
        return record.rec_type or "unknown"
    http = record.http_headers
    if http is None:
        return "non-HTTP response"
    code = (http.get_statuscode() or "")[:1]
    if code != "2":
        return f"HTTP {http.get_statuscode() or '?'}"
    ctype = (http.get_header("Content-Type") or "").lower()
    if ctype and "html" not in ctype:
        return "non-HTML response"
    return None


def _page(record: Any, content: bytes, source: str, favor_precision: bool) -> Record:
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    fetched = record.rec_headers.get_header("WARC-Date") or None
    fields = extract_page(content, url=url, favor_precision=favor_precision)
    canonical = fields["url"]
    fields["url"] = url or canonical
    if canonical and canonical != fields["url"]:
        fields["meta"]["canonical_url"] = canonical
    if fetched:
        fields["meta"]["fetched"] = fetched
        fields["date"] = fields["date"] or fetched[:10]
    return Record(source=source, **fields)


def read_file(
    path: Path, label: str, options: ReadOptions, skip_invalid: bool, on_bytes: Callable[[int], None] | None = None
) -> Iterator[Record | Problem]:
    """Every HTML response of the crawl, in file order; damage ends the read with a notice."""
    from warcio.archiveiterator import ArchiveIterator

    crawl = _Crawl(label, on_bytes, options.favor_precision)
    try:
        raw = open(path, "rb")
    except OSError as exc:
        yield Problem(label, None, f"cannot read: {exc.strerror or exc}")
        return
    with raw:
        size = path.stat().st_size
        records = ArchiveIterator(raw)
        _bound_lines(records)
        stream = iter(records)
        try:
            while True:
                # warcio prints a warning on a bad Content-Length: keep it off the terminal, and
                # count it (err_count) as the damage it is
                with contextlib.redirect_stderr(io.StringIO()):
                    record = next(stream, None)
                    item = None if record is None else _one(records, record, crawl)
                if record is None:
                    break
                crawl.progress(raw.tell())
                if records.err_count and not isinstance(item, Problem):
                    item = crawl.damage(crawl.last, "a record's Content-Length does not match its content")
                if isinstance(item, Problem):  # damage: what came before is kept, the rest unread
                    yield item
                    return
                if item is not None:
                    yield item
        except Exception as exc:
            yield crawl.damage(_next_start(raw, crawl.end), _reason(exc))
            return
        if size - crawl.end > _TAIL_SLACK:
            yield crawl.damage(
                _next_start(raw, crawl.end), "the file ends inside a record, or holds bytes that are not WARC"
            )
            return
        if crawl.kept == 0:
            yield Problem(
                label,
                None,
                "no HTML pages in this WARC file"
                + (f" ({sum(crawl.skipped.values())} other record(s))" if crawl.skipped else ""),
            )
            return
        notice = crawl.notice()
        if notice is not None:
            yield notice


def _one(records: Any, record: Any, crawl: _Crawl) -> Record | Problem | None:
    """One record: a page, a damage notice, or None (skipped, counted)."""
    why = _kind(record)
    content = b""
    if why is None:
        content = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
        if len(content) > MAX_DOCUMENT_BYTES:
            why = "larger than the document limit"
    offset = records.get_record_offset()
    crawl.last = offset
    if record.format != "warc":
        return crawl.damage(offset, "not a WARC record")
    length = records.get_record_length()  # reads what is left of the record
    missing = getattr(record.raw_stream, "limit", 0) or 0
    if missing > 0:
        return crawl.damage(offset, f"the record is cut short, {missing} byte(s) missing")
    crawl.end = offset + length
    if why is not None:
        crawl.skipped[why] += 1
        return None
    try:
        page = _page(record, content, f"{crawl.label}@{offset}", crawl.favor_precision)
    except Invalid as exc:
        crawl.skipped[
            "page too large to extract" if exc.reason.startswith("page too large") else "no article text"
        ] += 1
        return None
    crawl.kept += 1
    return page


def _next_start(raw: Any, end: int) -> int:
    """Where the record after `end` starts: past the CRLFs that close a plain WARC record."""
    try:
        raw.seek(end)
        gap = raw.read(_TAIL_SLACK)
    except (OSError, ValueError):
        return end
    return end + len(gap) - len(gap.lstrip(b"\r\n"))


def _reason(exc: Exception) -> str:
    """warcio's own words for a bad record; other errors (from its parser or gzip) by kind."""
    from warcio.exceptions import ArchiveLoadFailed

    if isinstance(exc, HeaderLineTooLong):
        return f"a header line longer than {MAX_HEADER_LINE >> 20} MiB"
    if isinstance(exc, ArchiveLoadFailed):
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        text = "".join(ch if ch.isprintable() and ch.isascii() else "?" for ch in text[:60])
        return text or "not a WARC record"
    if isinstance(exc, (EOFError, OSError)) or "zlib" in type(exc).__module__:
        return f"the compressed data is cut short or corrupt ({type(exc).__name__})"
    return "a record header that cannot be parsed"
