"""One module per format, each holding its reader (and its writer, where newsmark writes one).

Every reader module defines
    SUFFIXES: tuple[str, ...]                  file name endings it reads (lower case)
    read_file(path, label, options, skip_invalid, on_bytes) -> Iterator[Record | Problem]
so a new format is one module and one line in READERS. `annotations.corpus.sources` resolves paths
and stdin and picks the reader here; the records themselves are in `records`.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from annotations.corpus.formats import conll, html, jsonl, table, text, warc
from annotations.corpus.formats.records import ReadOptions

# name -> module; the name is what `import --format NAME` forces over the suffix.
READERS: dict[str, ModuleType] = {
    "txt": text,
    "jsonl": jsonl,
    "html": html,
    "warc": warc,
    "csv": table,
    "conll": conll,
}
MARKDOWN = "md"  # .md is the text module read as Markdown


def suffixes() -> tuple[str, ...]:
    return (
        *text.SUFFIXES,
        *text.MARKDOWN_SUFFIXES,
        *jsonl.SUFFIXES,
        *html.SUFFIXES,
        *warc.SUFFIXES,
        *table.SUFFIXES,
        *conll.SUFFIXES,
    )


def format_of(path: Path | str, options: ReadOptions | None = None) -> str | None:
    """The reader name for a path: the forced --format, else by suffix (longest first), else
    by content for a file whose suffix none claims (CoNLL's `.train`, `.testa`)."""
    if options is not None and options.format:
        return options.format
    name = Path(path).name.lower()
    if name.endswith(text.MARKDOWN_SUFFIXES):
        return MARKDOWN
    for key, module in READERS.items():
        if name.endswith(module.SUFFIXES):
            return key
    if Path(path).is_file() and conll.looks_like(Path(path)):
        return "conll"
    return None
