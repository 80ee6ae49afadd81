"""Export formats: one `Writer` subclass a module, registered here by name.

A writer receives examples (one (document, annotator) version each, in document order) with
the split each belongs to, and writes them through the export's `Sink`; `export()` does the
choosing, paging, splitting and reporting, once for every format. A new format is one module
holding a Writer subclass and one line in WRITERS (Harlequin's exporter registry is the model).
A writer that is not per document (links) sets `whole_store` and implements `export_store`.
"""

from __future__ import annotations

from annotations.export.writers import conll, jsonl, links, prodigy, spacy
from annotations.export.writers.base import Context, Writer

__all__ = ["WRITERS", "Context", "Writer"]

WRITERS: dict[str, type[Writer]] = {
    cls.name: cls
    for cls in (jsonl.JsonlWriter, prodigy.ProdigyWriter, spacy.SpacyWriter, links.LinksWriter, conll.ConllWriter)
}
