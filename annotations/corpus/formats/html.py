"""Web pages (.html, .htm): the article and its metadata through trafilatura, offline.

trafilatura (the field's standard for this) finds the main text and leaves navigation,
footers, cookie banners and related-link lists out; its metadata gives the title, date,
author, site name (the outlet) and canonical url. It runs with its default balance of
precision and recall: `favor_precision` (issue 22) dropped an article's own closing lines
("Additional reporting by ..." in a `div.article-bottom`); `import --favor-precision` asks
for it again. When trafilatura's text is short (under SHORT_TEXT characters, or under half of
the page's JSON-LD `articleBody`), or is the articleBody with its paragraph breaks lost, the
articleBody is the text instead (an outlet that ships the article only as JSON-LD behind a
visible teaser); JSON-LD and og: meta tags fill the metadata trafilatura left empty
(formats/jsonld.py). meta["extraction"] keeps the settings, trafilatura's version and the
path taken ("trafilatura" or "json-ld articleBody"), so a re-import is reproducible.

The stored text is exactly what that path gave (offsets index into it). Nothing is fetched:
the page is parsed from the bytes given. trafilatura's time grows faster than the page (a
14 MB page of 200,000 paragraphs took 521 s; 20,000 paragraphs 9 s), so a page with more
than MAX_ELEMENTS elements is refused with one line before it is handed over.
`extract_page` is shared with the WARC reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotations.corpus.formats import jsonld
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
    "favor_precision": False,  # trafilatura's default: keeps an article's closing credit lines
    "deduplicate": False,
}
SHORT_TEXT = 500  # characters: less than this from trafilatura is a teaser, not an article
MAX_ELEMENTS = 20_000  # opening tags handed to trafilatura (about 9 s on a loaded 2-core machine)
_OPENING_TAG = re.compile(rb"<[A-Za-z]")
PATH_TRAFILATURA = "trafilatura"
PATH_JSON_LD = "json-ld articleBody"


@lru_cache(maxsize=1)
def _version() -> str:
    import trafilatura  # heavy (lxml, jusText): only when a page is read

    return str(trafilatura.__version__)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _elements(data: bytes | str) -> int:
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    return len(_OPENING_TAG.findall(raw))


def extract_page(data: bytes | str, *, url: str | None = None, favor_precision: bool = False) -> dict[str, Any]:
    """The article text and metadata of one page as Record fields; raises Invalid when the
    page holds no article text or is too large to extract."""
    from trafilatura import bare_extraction  # heavy (lxml, jusText): only when a page is read

    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    count = _elements(raw)
    if count > MAX_ELEMENTS:
        raise Invalid(
            f"page too large to extract: {count:,} HTML elements (the limit is {MAX_ELEMENTS:,}; "
            "extraction time grows faster than the page)"
        )
    settings = {**SETTINGS, "favor_precision": favor_precision}
    try:
        doc = bare_extraction(data, url=url, with_metadata=True, **settings)
    except Exception as exc:
        raise Invalid(f"not a readable HTML page ({type(exc).__name__})") from None
    text = (getattr(doc, "text", None) or "").strip("\n").replace("\0", "") if doc is not None else ""
    page = jsonld.article(raw)
    body = page.get("body", "")
    path = PATH_TRAFILATURA
    if body and (len(text) < max(SHORT_TEXT, len(body) // 2) or _squash(text) == _squash(body)):
        text, path = body, PATH_JSON_LD
    if not text.strip():
        raise Invalid("no article text found in the page (navigation or boilerplate only?)")
    meta: dict[str, Any] = {"extraction": {"tool": "trafilatura", "version": _version(), **settings, "path": path}}
    for key in ("hostname", "description", "language", "categories", "tags", "license"):
        value = getattr(doc, key, None)
        if value:
            meta[key] = value
    found = {
        "title": _clean(getattr(doc, "title", None)),
        "date": _clean(getattr(doc, "date", None)),
        "author": _clean(getattr(doc, "author", None)),
        "outlet": _clean(getattr(doc, "sitename", None)),
        "url": _clean(getattr(doc, "url", None)),
    }
    for key, value in found.items():
        found[key] = value or _clean(page.get(key))
    return {"text": text, **found, "url": found["url"] or url, "meta": meta}


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
        fields = extract_page(data, favor_precision=options.favor_precision)
    except Invalid as exc:
        yield Problem(label, None, exc.reason)
        return
    yield Record(source=label, **fields)
