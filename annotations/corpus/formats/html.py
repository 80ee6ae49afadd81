"""Web pages (.html, .htm): the article and its metadata through trafilatura, offline.

trafilatura (the field's standard for this) finds the main text and leaves navigation,
footers, cookie banners and related-link lists out; its metadata gives the title, date,
author, site name (the outlet) and canonical url. The stored text is trafilatura's text,
exactly (offsets index into it). The extraction settings and trafilatura's version are kept
in meta["extraction"], so a re-import of the same page is reproducible. Nothing is fetched:
the page is parsed from the bytes given. `extract_page` is shared with the WARC reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotations.corpus.formats.records import (
    Invalid,
    Problem,
    ReadOptions,
    Record,
    read_whole,
)

SUFFIXES = (".html", ".htm")

# The settings every page is extracted with (kept in each document's meta).
SETTINGS: dict[str, Any] = {
    "include_comments": False,  # reader comments are not the article
    "include_tables": True,
    "include_links": False,
    "include_images": False,
    "favor_precision": True,  # leave boilerplate out rather than let it in: offsets are forever
    "deduplicate": False,
}


@lru_cache(maxsize=1)
def _settings_meta() -> dict[str, Any]:
    import trafilatura

    return {"tool": "trafilatura", "version": trafilatura.__version__, **SETTINGS}


def extract_page(data: bytes | str, *, url: str | None = None) -> dict[str, Any]:
    """trafilatura's text and metadata of one page as Record fields; raises Invalid when the
    page holds no article text."""
    from trafilatura import bare_extraction

    try:
        doc = bare_extraction(data, url=url, with_metadata=True, **SETTINGS)
    except Exception as exc:
        raise Invalid(f"not a readable HTML page ({type(exc).__name__})") from None
    text = (getattr(doc, "text", None) or "").strip("\n") if doc is not None else ""
    if not text.strip():
        raise Invalid("no article text found in the page (navigation or boilerplate only?)")
    if "\0" in text:
        text = text.replace("\0", "")
    meta: dict[str, Any] = {"extraction": dict(_settings_meta())}
    for key in ("hostname", "description", "language", "categories", "tags", "license"):
        value = getattr(doc, key, None)
        if value:
            meta[key] = value
    return {
        "text": text,
        "title": _clean(getattr(doc, "title", None)),
        "date": _clean(getattr(doc, "date", None)),
        "author": _clean(getattr(doc, "author", None)),
        "outlet": _clean(getattr(doc, "sitename", None)),
        "url": _clean(getattr(doc, "url", None)) or url,
        "meta": meta,
    }


def _clean(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def read_file(
    path: Path, label: str, options: ReadOptions, skip_invalid: bool, on_bytes: Any = None
) -> Iterator[Record | Problem]:
    """One page, one document."""
    data = read_whole(path, label)
    if isinstance(data, Problem):
        yield data
        return
    if not data.strip():
        yield Problem(label, None, "empty file")
        return
    try:
        fields = extract_page(data)
    except Invalid as exc:
        yield Problem(label, None, exc.reason)
        return
    yield Record(source=label, **fields)
