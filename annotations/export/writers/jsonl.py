"""jsonl: newsmark's native, lossless line (see DESIGN.md); `import` reads it back."""

from __future__ import annotations

from annotations.corpus.formats.jsonl import native_line
from annotations.export.selection import Example, export_meta
from annotations.export.writers.base import Writer
from annotations.reading.layout import escape_controls


class JsonlWriter(Writer):
    name = "jsonl"
    default_file = "data.jsonl"
    json_spans = True
    pause_gc = True

    def write(self, ex: Example, split: str | None) -> None:
        export_id, meta = export_meta(ex.doc)
        ents = sorted(ex.entities.values(), key=lambda e: (e["name"], e["label"], e["id"]))
        handle = self.ctx.sink.text(self.ctx.path_for(split, self.extension))
        line = native_line(export_id, ex.doc["text"], meta, ex.status, ex.annotator, ex.spans, ex.claims, ents)
        handle.write(escape_controls(line))  # C1 and bidi controls as \uXXXX: inert on a terminal, exact
        self.ctx.report.spans += len(ex.spans)
        self.ctx.report.claims += len(ex.claims)
