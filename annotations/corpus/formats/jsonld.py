"""What a web page says about its article in JSON-LD (schema.org NewsArticle and kin) and in
its Open Graph `og:` / `article:` meta tags: the article body, headline, date, authors and
publisher. The HTML reader falls back on these when trafilatura finds too little (an outlet
that ships the article only as JSON-LD `articleBody` behind a visible teaser) and fills the
metadata trafilatura left empty. Pure text scanning with `re` and `json`, no HTML parser:
the page has been size-checked before it gets here.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from typing import Any

_SCRIPT = re.compile(rb"<script\b[^>]*type\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>", re.I | re.S)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_ATTR = re.compile(rb"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TAG = re.compile(r"<[^>]{0,500}>")
_BREAK = re.compile(r"<\s*(?:br\s*/?|/p|/div|/h[1-6]|/li)\s*>", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "report",
    "liveblogposting",
}
MAX_SCRIPTS = 50  # JSON-LD blocks read per page


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _objects(value: Any) -> list[dict[str, Any]]:
    """Every JSON object in a JSON-LD value, @graph lists included, breadth first."""
    out: list[dict[str, Any]] = []
    stack = deque([value])
    while stack and len(out) < 1000:
        item = stack.popleft()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            out.append(item)
            if "@graph" in item:
                stack.append(item["@graph"])
    return out


def _is_article(obj: dict[str, Any]) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds)


def _names(value: Any) -> str | None:
    """A person or organisation (or a list of them) as names joined by "; "."""
    items = value if isinstance(value, list) else [value]
    names = [i if isinstance(i, str) else i.get("name") if isinstance(i, dict) else None for i in items]
    clean = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    return "; ".join(clean) or None


def body_text(value: str) -> str:
    """An articleBody as stored text: tags (some outlets put HTML in it) become line breaks or
    go, entities are unescaped, and each paragraph is one line, as trafilatura writes them."""
    if "<" in value and _TAG.search(value):
        value = _TAG.sub("", _BREAK.sub("\n", value))
    if "&" in value:
        value = html.unescape(value)
    lines = (line.strip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line).replace("\0", "")


def article(data: bytes) -> dict[str, Any]:
    """{"body", "title", "date", "author", "outlet", "url"} from the page's JSON-LD article
    object and og:/article: meta tags (JSON-LD first); keys with nothing are left out."""
    found: dict[str, Any] = {}
    for match in list(_SCRIPT.finditer(data))[:MAX_SCRIPTS]:
        try:
            value = json.loads(_text(match.group(1)).strip())
        except (ValueError, RecursionError):
            continue
        for obj in _objects(value):
            if not _is_article(obj):
                continue
            body = obj.get("articleBody")
            if isinstance(body, str) and len(body_text(body)) > len(found.get("body", "")):
                found["body"] = body_text(body)
            for key, field in (("headline", "title"), ("datePublished", "date"), ("url", "url")):
                if isinstance(obj.get(key), str) and obj[key].strip() and field not in found:
                    found[field] = obj[key].strip()
            if "author" not in found and _names(obj.get("author")):
                found["author"] = _names(obj.get("author"))
            if "outlet" not in found and _names(obj.get("publisher")):
                found["outlet"] = _names(obj.get("publisher"))
    for field, value in _open_graph(data).items():
        found.setdefault(field, value)
    if isinstance(found.get("date"), str):
        date = _DATE.match(found["date"])
        found["date"] = date.group(0) if date else found["date"]
    return found


_OG = {
    "og:title": "title",
    "og:site_name": "outlet",
    "og:url": "url",
    "article:published_time": "date",
    "article:author": "author",
}


def _open_graph(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in _META.finditer(data):
        attrs = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or b"" for m in _ATTR.finditer(tag.group(0))
        }
        key = _text(attrs.get(b"property") or attrs.get(b"name") or b"").strip().lower()
        field = _OG.get(key)
        content = html.unescape(_text(attrs.get(b"content") or b"")).strip()
        if field and content and field not in out:
            out[field] = content
    return out
