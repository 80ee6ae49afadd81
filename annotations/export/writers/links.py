"""links: variant-spelling pairs {"a", "b", "label", "same"} and clusters, for a variant linker.

A pair derived from a canonical entity also names it ("entity", and "kb_id": its external id).

Not per document: judged pairs (latest verdict each) and the forms of each canonical entity,
then the clusters their same-edges make, never across a "different" judgement.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from annotations.errors import UserInputError
from annotations.export.report import ExportReport
from annotations.export.sink import Sink, dump, file_target
from annotations.export.writers.base import Writer
from annotations.extract.variants import Judgement, canonical_groups, label_group
from annotations.store import Store
from annotations.store.entities import canonical_forms


class LinksWriter(Writer):
    name = "links"
    default_file = "links.jsonl"
    whole_store = True

    @classmethod
    def export_store(
        cls,
        store: Any,
        out: str | os.PathLike[str],
        *,
        annotator: str | None,
        labels: set[str] | None,
        report: ExportReport,
        on_progress: Any,
    ) -> ExportReport:
        return export_links(store, out, annotator=annotator, labels=labels, report=report, on_progress=on_progress)


Pair = tuple[str, str]


def _judged(store: Store, annotator: str | None, labels: set[str] | None) -> dict[Pair, dict[str, Any]]:
    """The latest verdict per unordered pair of forms."""
    who, params = ("", []) if annotator is None else (" WHERE annotator = ?", [annotator])
    judged: dict[Pair, dict[str, Any]] = {}
    for r in store.query(
        f"SELECT a, b, label, verdict, annotator, created_at FROM judgements{who} ORDER BY id", params
    ):
        a, b = (r["a"] or "").strip(), (r["b"] or "").strip()
        if not a or not b or a == b:
            continue
        if labels is not None and r["label"] is not None and r["label"] not in labels:
            continue
        key = (a, b) if a <= b else (b, a)
        judged.pop(key, None)
        judged[key] = {"label": r["label"], "verdict": r["verdict"], "annotator": r["annotator"], "at": r["created_at"]}
    return judged


def _pair_lines(
    judged: dict[Pair, dict[str, Any]],
    ent_rows: dict[int, tuple[str, set[str]]],
    external: dict[int, str],
    labels: set[str] | None,
    report: ExportReport,
    on_progress: Callable[[int, int], None] | None,
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Judged pairs (unsure ones counted, left out), then the same-pairs of each entity's forms."""
    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (a, b), j in judged.items():
        if j["verdict"] == "unsure":
            report.unsure += 1
            continue
        lines[(j["label"] or "", a, b)] = {
            "a": a,
            "b": b,
            "label": j["label"],
            "same": j["verdict"] == "same",
            "source": "judgement",
            "annotator": j["annotator"],
        }
    total = len(ent_rows)
    if on_progress:
        on_progress(0, total)
    for n, (eid, (label, forms)) in enumerate(ent_rows.items(), 1):
        if labels is None or label in labels:
            fs = sorted(forms)
            for i in range(len(fs)):
                for k in range(i + 1, len(fs)):
                    a, b = fs[i], fs[k]
                    verdict = judged.get((a, b), {}).get("verdict")
                    if verdict is not None and verdict != "unsure":
                        report.conflicts += verdict == "different"
                        continue  # the judgement says it
                    line = {"a": a, "b": b, "label": label, "same": True, "source": "entity", "entity": eid}
                    if external.get(eid):
                        line["kb_id"] = external[eid]  # e.g. a Wikidata QID
                    lines.setdefault((label, a, b), line)
        if on_progress and (n % 200 == 0 or n == total):
            on_progress(n, total)
    return lines


def _clusters(lines: dict[tuple[str, str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    """Same-edges (judged and derived) joined per label group, never across "different"."""

    by_group: dict[str, list[Judgement]] = defaultdict(list)
    group_labels: dict[str, Counter[str]] = defaultdict(Counter)
    for line in sorted(lines.values(), key=lambda x: (x["source"] != "entity",)):  # judgements last: they win
        g = label_group(line["label"]) if line["label"] else ""
        by_group[g].append(
            Judgement(line["a"], line["b"], line["label"] or "", "same" if line["same"] else "different")
        )
        if line["same"] and line["label"]:
            group_labels[g][line["label"]] += 1
    cluster_lines = []
    for g in sorted(by_group):
        for members in canonical_groups(by_group[g]):
            if len(members) < 2:
                continue
            counts = group_labels.get(g)
            label = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else (g or None)
            cluster_lines.append({"cluster": sorted(members), "label": label})
    cluster_lines.sort(key=lambda c: (c["label"] or "", c["cluster"]))
    return cluster_lines


def export_links(
    store: Store,
    out: str | os.PathLike[str],
    *,
    annotator: str | None,
    labels: set[str] | None,
    report: ExportReport,
    on_progress: Callable[[int, int], None] | None,
) -> ExportReport:
    judged = _judged(store, annotator, labels)
    ent_rows = canonical_forms(store, annotator=annotator)
    external = {
        r["id"]: r["external_id"]
        for r in store.query("SELECT id, external_id FROM entities WHERE external_id IS NOT NULL AND external_id != ''")
    }
    lines = _pair_lines(judged, ent_rows, external, labels, report, on_progress)
    cluster_lines = _clusters(lines)
    if not lines and not cluster_lines:
        who_msg = f" by annotator {annotator!r}" if annotator else ""
        raise UserInputError(
            f"nothing to export: no variant judgements{who_msg} and no canonical entities "
            "with more than one form (judge pairs in the Entities screen)"
        )
    target = file_target(out, "links.jsonl")
    sink = Sink()
    try:
        handle = sink.text(target)
        for key in sorted(lines):
            handle.write(dump(lines[key]))
        for c in cluster_lines:
            handle.write(dump(c))
        sink.commit()
    except BaseException:
        sink.abort()
        raise
    report.files = [str(target)]
    report.pairs = len(lines)
    report.clusters = len(cluster_lines)
    report.entities = sum(1 for _label, forms in ent_rows.values() if len(forms) > 1)
    if report.unsure:
        report.warnings.append(f"{report.unsure} unsure judgement(s) left out")
    if report.conflicts:
        report.warnings.append(
            f"{report.conflicts} pair(s) judged different although one canonical entity "
            "holds both forms (the judgement is exported)"
        )
    return report
