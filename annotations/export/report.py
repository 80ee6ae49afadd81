"""What an export wrote, counted: the summary the CLI prints and `--json` shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 5  # misaligned spans shown in the report


@dataclass
class ExportReport:
    format: str
    files: list[str] = field(default_factory=list)
    documents: int = 0  # distinct documents written
    examples: int = 0  # lines / docs written: one per (document, annotator)
    spans: int = 0  # gold spans written
    claims: int = 0  # claims written
    entities: int = 0  # distinct canonical entities referenced
    splits: dict[str, int] = field(default_factory=dict)  # examples per split
    misaligned: int = 0  # spans and claims that do not fall on token boundaries (left out)
    misaligned_examples: list[dict[str, Any]] = field(default_factory=list)
    overlapping: int = 0  # spaCy: gold spans left out of doc.ents (kept in spans["sc"])
    pairs: int = 0  # links: pair lines
    clusters: int = 0  # links: cluster lines
    unsure: int = 0  # links: unsure judgements left out
    conflicts: int = 0  # links: judged "different" although one canonical entity holds both
    annotators: list[str] = field(default_factory=list)  # whose examples were written
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "files": list(self.files),
            "documents": self.documents,
            "examples": self.examples,
            "spans": self.spans,
            "claims": self.claims,
            "entities": self.entities,
            "splits": dict(self.splits),
            "misaligned": self.misaligned,
            "misaligned_examples": list(self.misaligned_examples),
            "overlapping": self.overlapping,
            "pairs": self.pairs,
            "clusters": self.clusters,
            "unsure": self.unsure,
            "conflicts": self.conflicts,
            "annotators": list(self.annotators),
            "warnings": list(self.warnings),
        }

    def misaligned_span(
        self, doc_id: Any, annotator: str | None, kind: str, start: int, end: int, label: str | None, text: str
    ) -> None:
        self.misaligned += 1
        if len(self.misaligned_examples) < MAX_EXAMPLES:
            self.misaligned_examples.append(
                {
                    "doc": doc_id,
                    "annotator": annotator,
                    "kind": kind,
                    "start": start,
                    "end": end,
                    "label": label,
                    "text": text[start:end],
                }
            )
