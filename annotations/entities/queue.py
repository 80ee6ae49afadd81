"""Variant-spelling suggestions for a whole store, and the variant queue's state.

Mentions come from gold and predictions; judgements and canonical-entity links are edges.
What the annotators said wins over the model: a prediction overlapping a gold span (or one
they rejected) is not a mention, a predicted mention takes the label its form has in the gold
spans (the model's ORG "El Fasher" is the annotators' GPE), and gold mentions are marked as
such so the linker ranks their labels first. Forms already linked to one canonical entity are
"same" edges, so the queue never asks about them again. Known entities (imported with
`newsmark entities import`, or created by linking) take part with their names and aliases,
so a corpus spelling is proposed against a known name.

`VariantQueue` is what the Entities screen's variant queue drives (no Textual): pairs best
first, minus every pair the judgements made so far imply (nomenklatura's resolver: same-edges
are transitive, a different-edge between two groups settles every pair across them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from annotations.extract.normalize import normalize
from annotations.extract.variants import Judgement, Mention, Pair, Suggestions, suggest
from annotations.extract.variants.labels import pool
from annotations.extract.variants.resolver import Resolver
from annotations.store import Store
from annotations.store.entities import canonical_forms
from annotations.suggestions.ranges import Coverage
from annotations.suggestions.rules import is_rejected
from annotations.vocab import RejectionKind, Verdict

_LATEST_PREDICTIONS = """SELECT p.text_form, p.label, p.doc_id, p.start, p."end" FROM (
    SELECT json_extract(data, '$.text') AS text_form, label, doc_id, start, "end", version, extractor
    FROM predictions WHERE extractor = 'entities') p
    WHERE p.version = (SELECT r.version FROM prediction_runs r WHERE r.doc_id = p.doc_id
                       AND r.extractor = 'entities' ORDER BY r.rowid DESC LIMIT 1)"""


def store_mentions(store: Store) -> Iterator[Mention]:
    """Every entity mention: gold spans of all annotators, then each document's latest entity
    predictions that no gold span covers and nobody rejected, labelled as the gold labels
    their normalised form (see the module docstring)."""
    with store.reading() as conn:  # one consistent read, under the store's lock
        gold_rows = conn.execute('SELECT text, label, doc_id, start, "end" FROM spans').fetchall()
        rejection_rows = conn.execute(
            'SELECT doc_id, start, "end", label FROM rejections WHERE kind = ?', (RejectionKind.ENTITY,)
        ).fetchall()
        prediction_rows = conn.execute(_LATEST_PREDICTIONS).fetchall()
    gold_by_doc: dict[int, list[tuple[int, int]]] = defaultdict(list)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for text, label, doc_id, start, end in gold_rows:
        gold_by_doc[doc_id].append((start, end))
        labels[normalize(text)][label] += 1
        yield Mention(text, label, doc_id, start, end, gold=True)
    # The open-suggestion rule (annotations.suggestions.rules), over every annotator's decisions:
    # a suggestion some gold span overlaps, or someone rejected with its label, is no mention.
    covered = {doc: Coverage(ranges) for doc, ranges in gold_by_doc.items()}
    rejected: dict[int, set[tuple[int, int, str | None]]] = defaultdict(set)
    for doc_id, start, end, label in rejection_rows:
        rejected[doc_id].add((start, end, label))
    gold_label = {text: counts.most_common(1)[0][0] for text, counts in labels.items()}
    for form, label, doc_id, start, end in prediction_rows:
        if not form or (
            doc_id in rejected and is_rejected({"start": start, "end": end, "label": label}, rejected[doc_id])
        ):
            continue
        if doc_id in covered and covered[doc_id].overlaps(start, end):
            continue
        yield Mention(form, gold_label.get(normalize(form), label), doc_id, start, end)


def known_mentions(store: Store) -> list[Mention]:
    """Each canonical entity's name and aliases as one mention in a document of its own (a
    negative id: no context shared with the corpus), labelled as the entity: the linker then
    proposes corpus spellings against known names."""
    out = []
    for r in store.query("""SELECT e.id, e.label, e.name AS form FROM entities e
                            UNION SELECT a.entity_id, e.label, a.form FROM aliases a
                            JOIN entities e ON e.id = a.entity_id ORDER BY 1, 3"""):
        if r["form"] and r["form"].strip():
            out.append(Mention(r["form"].strip(), r["label"], -int(r["id"]), None, None, gold=True))
    return out


def store_judgements(store: Store) -> list[Judgement]:
    """Forms of one canonical entity (`store.entities.canonical_forms`) as "same" edges (a chain is
    enough: clusters are transitive), then the judgements in time order (the latest verdict on
    a pair wins inside `suggest`, so a person's "different" still overrides)."""
    edges: list[Judgement] = []
    for label, forms in canonical_forms(store).values():
        first, *rest = sorted(forms) or [""]
        edges += [Judgement(first, form, label or "", Verdict.SAME.value) for form in rest]
    return edges + [
        Judgement(r["a"], r["b"], r["label"] or "", r["verdict"])
        for r in store.query("SELECT a, b, label, verdict FROM judgements ORDER BY id")
    ]


def suggest_for_store(store: Store, *, threshold: float = 85, limit: int | None = None) -> Suggestions:
    """The linker over the store's mentions, known entities and judgements. Pairs between two
    known names that no document mentions are left out (two known entities are two things)."""
    with store.reading():
        mentions = list(store_mentions(store))
        known = known_mentions(store)
        judgements = store_judgements(store)
    seen = {m.form for m in mentions}
    found = suggest(mentions + [m for m in known if m.form not in seen], judgements, threshold=threshold)
    found.pairs = [p for p in found.pairs if p.a in seen or p.b in seen]
    if limit is not None:
        found.pairs = found.pairs[: max(0, limit)]
    return found


def judged_count(store: Store, annotator: str) -> int:
    """How many judgements this annotator has made (the queue's count, across visits)."""
    return int(store.scalar("SELECT count(*) FROM judgements WHERE annotator = ?", (annotator,)) or 0)


# --------------------------------------------------------------------------- the queue


def _node(form: str, label: str | None) -> tuple[str, str]:
    return (pool(label) or (label or ""), normalize(form))


@dataclass
class VariantQueue:
    """The variant queue: proposed pairs best first, minus skipped ones and every pair that
    the judgements (stored ones and those made here) settle."""

    proposed: list[Pair]
    judgements: list[Judgement] = field(default_factory=list)
    skipped: set[tuple[str, str, str]] = field(default_factory=set)
    decided: list[tuple[Pair, str]] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._front: Pair | None = None
        self.proposed = sorted(self.proposed, key=lambda p: -p.score)
        self._update()

    @staticmethod
    def key(pair: Pair) -> tuple[str, str, str]:
        return (pair.a, pair.b, pair.label)

    @property
    def current(self) -> Pair | None:
        return self.pairs[0] if self.pairs else None

    def decide(self, pair: Pair, verdict: str) -> None:
        """Record a judgement made in the queue: the pair and what it implies leave it."""
        self.decided.append((pair, verdict))
        self._front = None
        self._update()

    def take_back(self) -> Pair | None:
        """Forget the last judgement made here (after an undo): its pair comes back first."""
        if not self.decided:
            return None
        pair, _ = self.decided.pop()
        self._front = pair
        self._update()
        return pair

    def skip(self) -> None:
        """Skip the pair at the front for this visit (a refresh brings it back)."""
        if self.pairs:
            self.skipped.add(self.key(self.pairs[0]))
            self._update()

    def _update(self) -> None:
        uf = Resolver()
        ids: dict[tuple[str, str], int] = {}

        def node(form: str, label: str | None) -> int:
            k = _node(form, label)
            if k not in ids:
                ids[k] = uf.add()
            return ids[k]

        edges = [(j.a, j.b, j.label, j.verdict) for j in self.judgements]
        edges += [(p.a, p.b, p.label, v) for p, v in self.decided]
        for a, b, label, verdict in edges:
            if verdict == Verdict.DIFFERENT:
                uf.forbid_pair(node(a, label), node(b, label))
        for a, b, label, verdict in edges:
            if verdict == Verdict.SAME:
                uf.union(node(a, label), node(b, label))
        asked = {self.key(p) for p, _ in self.decided} | self.skipped
        out = []
        for p in self.proposed:
            if self.key(p) in asked:
                continue
            na, nb = node(p.a, p.label), node(p.b, p.label)
            if uf.find(na) == uf.find(nb) and _node(p.a, p.label) != _node(p.b, p.label):
                continue  # same-edges already join them
            if uf.forbidden(na, nb):
                continue  # a different-edge between their groups
            out.append(p)
        front = self._front
        if front is not None and front in out:  # a pair taken back comes back first
            out.remove(front)
            out.insert(0, front)
        self.pairs = out
