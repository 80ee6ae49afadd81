"""Which examples an export writes, read from the store a page at a time.

One example is one (document, annotator) version. `gold_versions` is the one place that picks
which annotators' versions of a document are written; `Reader` pages them out in document id,
then annotator order, fetching each page's text and annotations together so memory does not
grow with the corpus.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.errors import UserInputError
from annotations.store import Store
from annotations.team.layers import choose_gold
from annotations.vocab import REVIEW_ANNOTATOR, Status

PAGE = 900  # documents fetched per query page (ids bound as parameters: under 999)


def gold_versions(versions: dict[str, str], status: str, annotator: str | None = None) -> list[tuple[str | None, str]]:
    """The (annotator, status) versions of one document to write, in annotator order.

    `versions` maps each annotator who touched the document (a status, spans or claims) to
    their status. Every version whose status matches is written ("all": every one); a document
    nobody touched is one unannotated "todo" version (annotator None) for "all" and "todo".
    For "done" the gold rule chooses (annotations.team.layers.choose_gold): the reviewed layer wins.
    """
    if status == Status.DONE:  # the gold: the reviewed layer where there is one (annotations.team.layers)
        return [(ann, versions[ann]) for ann in choose_gold(versions, annotator)]
    wanted: list[tuple[str | None, str]] = [
        (ann, st) for ann, st in sorted(versions.items()) if status == "all" or st == status
    ]
    if not versions and status in ("all", "todo"):
        wanted.append((None, "todo"))
    return wanted


@dataclass
class Example:
    doc: dict[str, Any]
    annotator: str | None
    status: str
    spans: list[Any]  # dicts (start, end, label, text, entity), or their JSON text (native jsonl)
    claims: list[dict[str, Any]]
    entities: dict[int, dict[str, Any]]


def _marks(n: int) -> str:
    return ",".join("?" for _ in range(n))


def _chunked(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    """Id lists short enough for one statement's parameters (SQLite's limit may be 999)."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class Reader:
    """Pages of examples from the store, in document id then annotator order."""

    def __init__(
        self,
        store: Store,
        status: str,
        annotator: str | None,
        labels: set[str] | None,
        *,
        json_spans: bool = False,
        held_out: bool = True,
    ) -> None:
        self.store = store
        # False: leave out the documents held out for evaluation (what training reads)
        self.aside = "" if held_out else " AND d.id NOT IN (SELECT doc_id FROM held_out)"
        self.status = status
        self.annotator = annotator
        self.labels = labels
        # The annotators whose rows are read: `annotator`'s, and for the gold ("done") the
        # reviewed layer too, which wins over them where a document has one (the README's order).
        self.who: list[str] = []
        if annotator is not None:
            self.who = [annotator]
            if status == Status.DONE and annotator != REVIEW_ANNOTATOR:
                self.who.append(REVIEW_ANNOTATOR)
        # Native jsonl: SQLite writes each span's JSON object (json_object, in C), which is about
        # three times cheaper than a Python dict per span encoded again.
        self.json_spans = json_spans

    def _filter(self) -> tuple[str, list[Any]]:
        clause, params = self._status_filter()
        return clause + self.aside, params

    def _status_filter(self) -> tuple[str, list[Any]]:
        if self.status in ("all", "todo"):
            return "", []
        cond = "s.doc_id = d.id AND s.status IN (?, ?)"
        reviewed = Status.REVIEWED if self.status == Status.DONE else self.status
        params: list[Any] = [self.status, reviewed]
        if self.who:
            cond += f" AND s.annotator IN ({_marks(len(self.who))})"
            params += self.who
        return f"AND EXISTS (SELECT 1 FROM doc_status s WHERE {cond})", params

    def count(self) -> int:
        clause, params = self._filter()
        return int(self.store.scalar(f"SELECT count(*) FROM documents d WHERE 1 {clause}", params))

    def hashes(self) -> list[str]:
        """Content hashes of the documents that will yield an example: what a split is cut from,
        so it matches `_page`'s choice (for "todo": documents nobody touched, or with a pair -
        a status row, spans or claims - whose status is todo or missing)."""
        clause, params = self._filter()
        if self.status == "todo":
            who = "" if self.annotator is None else " AND x.annotator = ?"
            pair = "EXISTS (SELECT 1 FROM {} x WHERE x.doc_id = d.id" + who
            not_todo = (
                " AND NOT EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id "
                "AND s.annotator = x.annotator AND s.status != 'todo')"
            )
            tables = ("doc_status", "spans", "claims")
            untouched = " AND ".join(f"NOT {pair.format(t)})" for t in tables)
            todo = " OR ".join(f"{pair.format(t)}{not_todo})" for t in tables)
            clause = f"AND ({untouched} OR {todo}){self.aside}"
            params = [] if self.annotator is None else [self.annotator] * 2 * len(tables)
        return [r[0] for r in self._rows(f"SELECT d.hash FROM documents d WHERE 1 {clause}", params)]

    def pages(self) -> Iterator[list[Example]]:
        clause, params = self._filter()
        last = 0
        while True:
            ids = [
                r["id"]
                for r in self.store.query(
                    f"SELECT d.id FROM documents d WHERE d.id > ? {clause} ORDER BY d.id LIMIT {int(PAGE)}",
                    [last, *params],
                )
            ]
            if not ids:
                return
            last = ids[-1]
            yield self._page(ids)

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.store.reading() as conn:
            return conn.execute(sql, params).fetchall()

    def _page(self, ids: list[int]) -> list[Example]:
        # Plain tuples, no ORDER BY and no joins in SQL: sorting a page in Python and looking up
        # the few claim groups / speakers separately is about twice as fast.
        m = _marks(len(ids))
        who, who_params = ("", []) if not self.who else (f" AND annotator IN ({_marks(len(self.who))})", self.who)
        where, params = f"WHERE doc_id IN ({m}){who}", [*ids, *who_params]
        docs = {r["id"]: r for r in self.store.query(f"SELECT * FROM documents WHERE id IN ({m})", ids)}
        statuses = {
            (d, a): st for d, a, st in self._rows(f"SELECT doc_id, annotator, status FROM doc_status {where}", params)
        }
        spans, linked, present = self._spans(where, params, docs)
        claims = self._claims(where, params)
        entities = self._entities(sorted(set().union(*linked.values())) if linked else [])
        pairs: dict[int, set[str]] = defaultdict(set)
        for doc_id, ann in [*statuses, *present, *claims]:
            pairs[doc_id].add(ann)
        out: list[Example] = []
        for doc_id in ids:
            doc = docs.get(doc_id)
            if doc is None:  # deleted meanwhile
                continue
            versions = {ann: statuses.get((doc_id, ann), "todo") for ann in pairs.get(doc_id, ())}
            for ann, st in gold_versions(versions, self.status, self.annotator):
                if ann is None:  # nobody's version: the text alone
                    out.append(Example(doc, None, st, [], [], {}))
                    continue
                ents = {e: entities[e] for e in linked.get((doc_id, ann), ()) if e in entities}
                out.append(Example(doc, ann, st, spans.get((doc_id, ann), []), claims.get((doc_id, ann), []), ents))
        return out

    def _spans(
        self, where: str, params: list[Any], docs: dict[int, dict[str, Any]]
    ) -> tuple[dict[tuple[int, str], list[Any]], dict[tuple[int, str], set[int]], set[tuple[int, str]]]:
        """Each version's spans (of the wanted labels), the entities they link, the versions with spans."""
        spans: dict[tuple[int, str], list[Any]] = defaultdict(list)
        linked: dict[tuple[int, str], set[int]] = defaultdict(set)
        labels = self.labels
        if self.json_spans:
            rows = self._rows(
                f'SELECT doc_id, annotator, start, "end", label, id, entity_id, CASE WHEN proposed_by IS NULL '
                f"THEN json_object('start', start, 'end', \"end\", 'label', label, 'text', text, "
                f"'entity', entity_id) ELSE json_object('start', start, 'end', \"end\", 'label', label, "
                f"'text', text, 'entity', entity_id, 'proposed_by', json(proposed_by)) END "
                f"FROM spans {where}",
                params,
            )
            rows.sort()
            for d, a, _st, _en, lab, _id, ent, js in rows:
                if labels is None or lab in labels:
                    spans[(d, a)].append(js)
                    if ent is not None:
                        linked[(d, a)].add(ent)
        else:
            # A span's text is sliced from the document (what the stored copy is, by
            # construction, and what re-import checks), which is cheaper than reading the copy.
            rows = self._rows(
                f'SELECT doc_id, annotator, start, "end", label, id, entity_id FROM spans {where}', params
            )
            rows.sort()
            text_of = {d: r["text"] for d, r in docs.items()}
            for d, a, st, en, lab, _id, ent in rows:
                if (labels is None or lab in labels) and d in text_of:
                    spans[(d, a)].append(
                        {"start": st, "end": en, "label": lab, "text": text_of[d][st:en], "entity": ent}
                    )
                    if ent is not None:
                        linked[(d, a)].add(ent)
        return spans, linked, {(r[0], r[1]) for r in rows}

    def _claims(self, where: str, params: list[Any]) -> dict[tuple[int, str], list[dict[str, Any]]]:
        """Each version's claims, already in the export shape (a group named by its name, else id)."""
        claims: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
        rows = self._rows(
            f'SELECT doc_id, annotator, start, "end", id, type, speaker, cue, stance, checkworthy, note, group_id, '
            f"speaker_span_id, speaker_entity_id, proposed_by, role FROM claims {where}",
            params,
        )
        rows.sort(key=lambda r: r[:5])
        groups = self._names("SELECT id, name FROM claim_groups", {r[11] for r in rows if r[11] is not None})
        span_text = self._names("SELECT id, text FROM spans", {r[12] for r in rows if r[12] is not None})
        ent_name = self._names("SELECT id, name FROM entities", {r[13] for r in rows if r[13] is not None})
        for d, a, st, en, _id, typ, speaker, cue, stance, cw, note, gid, sspan, sent, proposed, role in rows:
            claim = {
                "start": st,
                "end": en,
                "type": typ,
                "speaker": speaker or span_text.get(sspan) or ent_name.get(sent),
                "role": role,
                "cue": cue,
                "stance": stance,
                "group": None if gid is None else (groups.get(gid) or str(gid)),
                "checkworthy": bool(cw),
                "note": note,
            }
            if proposed is not None:  # the reviewed layer's provenance
                claim["proposed_by"] = json.loads(proposed)
            claims[(d, a)].append(claim)
        return claims

    def _entities(self, entity_ids: list[int]) -> dict[int, dict[str, Any]]:
        """The canonical entities the page's spans link to, with their aliases."""
        entities: dict[int, dict[str, Any]] = {}
        alias_rows: list[tuple[Any, ...]] = []
        for chunk in _chunked(entity_ids):
            em = _marks(len(chunk))
            for eid, name, label, ext in self._rows(
                f"SELECT id, name, label, external_id FROM entities WHERE id IN ({em})", chunk
            ):
                entities[eid] = {"id": eid, "name": name, "label": label, "external_id": ext, "aliases": []}
            alias_rows += self._rows(f"SELECT entity_id, form FROM aliases WHERE entity_id IN ({em})", chunk)
        for eid, form in sorted(alias_rows, key=lambda r: (r[1], r[0])):
            if eid in entities:
                entities[eid]["aliases"].append(form)
        return entities

    def _names(self, sql: str, ids: set[int]) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for chunk in _chunked(sorted(ids)):
            out.update(self._rows(f"{sql} WHERE id IN ({_marks(len(chunk))})", chunk))
        return out


def export_meta(doc: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """(export id, meta with the document fields) for a document row."""
    try:
        meta = json.loads(doc.get("meta") or "{}")
    except (TypeError, ValueError):
        meta = {}
    if not isinstance(meta, dict):
        meta = {"meta": meta}
    export_id = meta.pop("source_id", None)
    if export_id is None:
        export_id = doc["id"]
    for name in ("title", "url", "date", "outlet", "author"):
        if doc.get(name) is not None:
            meta[name] = doc[name]
    return export_id, dict(sorted(meta.items()))


def check_labels(store: Store, wanted: set[str], known: Sequence[str]) -> None:
    """A label neither configured nor anywhere in the data is a typo: name it and the known ones."""
    present = {
        r["label"]
        for r in store.query(
            "SELECT DISTINCT label FROM spans UNION SELECT DISTINCT label FROM entities "
            "UNION SELECT DISTINCT label FROM judgements WHERE label IS NOT NULL"
        )
    }
    unknown = sorted(wanted - present - set(known))
    if unknown:
        names = ", ".join(repr(x) for x in unknown)
        raise UserInputError(f"--labels: unknown label {names} (known: {', '.join(sorted(present | set(known)))})")


def _pairs_sql(status: str) -> tuple[str, list[Any]]:
    """SQL of the (doc_id, annotator) pairs an export with `status` writes (as _Reader picks them)."""
    if status == Status.DONE:  # as gold_versions: a reviewed document's gold is the review layer alone
        return (
            "SELECT doc_id, annotator FROM doc_status WHERE annotator = ? AND status = ? UNION ALL "
            "SELECT doc_id, annotator FROM doc_status s WHERE status = ? AND annotator != ? AND NOT EXISTS "
            "(SELECT 1 FROM doc_status r WHERE r.doc_id = s.doc_id AND r.annotator = ? AND r.status = ?)",
            [REVIEW_ANNOTATOR, Status.REVIEWED, Status.DONE, REVIEW_ANNOTATOR, REVIEW_ANNOTATOR, Status.REVIEWED],
        )
    if status not in ("all", "todo"):
        return "SELECT doc_id, annotator FROM doc_status WHERE status = ?", [status]
    touched = (
        "SELECT doc_id, annotator FROM doc_status UNION SELECT doc_id, annotator FROM spans "
        "UNION SELECT doc_id, annotator FROM claims"
    )
    if status == "all":
        return touched, []
    return (
        f"SELECT doc_id, annotator FROM ({touched}) t WHERE NOT EXISTS (SELECT 1 FROM doc_status s "
        "WHERE s.doc_id = t.doc_id AND s.annotator = t.annotator AND s.status != 'todo')"
    ), []


def refuse_several_versions(store: Store, status: str) -> None:
    """spaCy training data holds one gold version per text: documents annotated by several
    annotators need --annotator (jsonl and prodigy keep every version, one line each)."""
    pairs, params = _pairs_sql(status)
    rows = store.query(
        f"""WITH p AS ({pairs}),
                 multi AS (SELECT doc_id FROM p GROUP BY doc_id HAVING count(DISTINCT annotator) > 1)
            SELECT DISTINCT annotator, (SELECT count(*) FROM multi) AS docs FROM p
            WHERE doc_id IN (SELECT doc_id FROM multi) ORDER BY annotator""",
        params,
    )
    if rows:
        names = ", ".join(r["annotator"] for r in rows)
        raise UserInputError(
            f"--format spacy: {rows[0]['docs']} document(s) were annotated by several annotators ({names}); "
            "training data must hold one gold version per text: pass --annotator NAME"
        )
