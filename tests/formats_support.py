"""Test data built in code: WARC crawls (warcio writes them, as a crawler would)."""

from __future__ import annotations

import io
from pathlib import Path

PAGE = """<html><head><title>{title} | Frontier Post</title>
<meta property="og:site_name" content="Frontier Post">
<meta property="article:published_time" content="{date}"></head>
<body><nav><a href="/">Home</a> <a href="/region">Region</a> <a href="/opinion">Opinion</a></nav>
<div class="cookie-banner">This site uses cookies. <button>Accept cookies</button></div>
<article><h1>{title}</h1>
{paragraphs}
</article>
<footer>Frontier Post © 2024. All rights reserved. Terms and privacy.</footer></body></html>"""

STORIES = [
    (
        "Talks on water sharing resume in Kabul",
        "2024-04-02",
        [
            "Delegations from Afghanistan and Iran met in Kabul on Monday to resume talks on sharing the waters of the Helmand river, the foreign ministry said.",
            "The two sides last met in the autumn, when a dispute over the flow at the Kajaki dam ended without an agreement.",
            "A joint statement is expected on Wednesday after technical teams inspect the gauges near Zaranj.",
        ],
    ),
    (
        "Wheat prices fall in Mazar-i-Sharif",
        "2024-04-03",
        [
            "Wheat prices in Mazar-i-Sharif fell for a third week as the first lorries of the Kazakh harvest crossed at Hairatan, traders said.",
            "A 50-kilogram sack sold for 1,450 afghanis on Wednesday, down from 1,700 a month ago.",
            "Millers warned that prices could rise again if rail shipments through Uzbekistan are delayed.",
        ],
    ),
]


def page(title: str, date: str, paragraphs: list[str]) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return PAGE.format(title=title, date=date, paragraphs=body).encode("utf-8")


def write_warc(path: Path, *, gzip: bool, repeat: int = 1) -> list[int]:
    """A crawl with mixed records: warcinfo, a request, two article pages, an image, a 404 page,
    a metadata record. Returns the byte offset of each record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    offsets: list[int] = []

    def put(record) -> None:
        offsets.append(out.tell())
        writer.write_record(record)

    put(writer.create_warcinfo_record("crawl.warc", {"software": "newsmark tests"}))
    req = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "frontier.example")], is_http_request=True)
    put(
        writer.create_warc_record(
            "https://frontier.example/a", "request", payload=io.BytesIO(b""), length=0, http_headers=req
        )
    )
    for n, (title, date, paras) in enumerate(STORIES * repeat):
        body = page(title if n < len(STORIES) else f"{title} ({n})", date, paras)
        http = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        put(
            writer.create_warc_record(
                f"https://frontier.example/story-{n}",
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
            )
        )
        if n == 0:
            png = b"\x89PNG\r\n\x1a\n" + b"\0" * 40
            http = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            put(
                writer.create_warc_record(
                    "https://frontier.example/logo.png",
                    "response",
                    payload=io.BytesIO(png),
                    length=len(png),
                    http_headers=http,
                )
            )
    gone = page("Not found", "2024-01-01", ["The page you asked for does not exist on this site any more."])
    http = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    put(
        writer.create_warc_record(
            "https://frontier.example/old", "response", payload=io.BytesIO(gone), length=len(gone), http_headers=http
        )
    )
    put(
        writer.create_warc_record(
            "https://frontier.example/a",
            "metadata",
            payload=io.BytesIO(b"via: seed"),
            length=9,
            warc_content_type="text/plain",
        )
    )
    path.write_bytes(out.getvalue())
    return offsets
