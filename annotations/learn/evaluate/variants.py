"""The variant linker scored against judgements and canonical entities: pairwise and B-cubed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import combinations
from typing import Any

from annotations.config import Config
from annotations.extract.normalize import normalize
from annotations.extract.variants import (
    LINKER_VERSION,
    SKIP_LABELS,
    Judgement,
    Mention,
    canonical_groups,
    label_group,
    suggest,
)
from annotations.learn.evaluate.results import PRF, VariantsResult
from annotations.store import Store
from annotations.store.entities import canonical_forms


def _linker_mentions(store: Store) -> tuple[list[Any], int]:
    """What the linker sees, and how many documents' predictions were left out: the text and
    label of every gold span and of each document's latest entity predictions. No entity links
    and no judgements; predictions made with the confirmed-entity gazetteer ("+gaz.") are left
    out, since that ruler is built from the entity links scored here."""

    out = [
        Mention(r["text"], r["label"], r["doc_id"], r["start"], r["end"])
        for r in store.query('SELECT doc_id, start, "end", text, label FROM spans ORDER BY doc_id, start, id')
    ]
    latest = """SELECT doc_id, version FROM prediction_runs r WHERE extractor = 'entities'
                AND rowid = (SELECT max(rowid) FROM prediction_runs r2
                             WHERE r2.doc_id = r.doc_id AND r2.extractor = 'entities')"""
    for r in store.query(
        f"""SELECT p.doc_id, p.start, p."end", p.label, json_extract(p.data, '$.text') AS text
            FROM predictions p JOIN ({latest}) v ON v.doc_id = p.doc_id AND v.version = p.version
            WHERE p.extractor = 'entities' AND v.version NOT LIKE '%+gaz.%' ORDER BY p.doc_id, p.start, p.id"""
    ):
        if r["text"] and r["label"]:
            out.append(Mention(r["text"], r["label"], r["doc_id"], r["start"], r["end"]))
    tainted = store.scalar(f"SELECT count(*) FROM ({latest}) WHERE version LIKE '%+gaz.%'")
    return out, int(tainted or 0)


_Node = tuple[str, str]  # (label group, normalised form)
_Key = tuple[str, str, str]  # (label group, form, form), forms sorted


class _VariantGold:
    """Gold for the variant linker over normalised forms within a label group.

    Judgements (latest verdict per pair; unsure ones left out) override what entity links say:
    two forms of one canonical entity are "same", forms of two entities of one label group are
    "different" (those pairs are implied, never listed: there are quadratically many)."""

    def __init__(self, store: Store, annotator: str | None, mention_groups: Callable[[], dict[str, set[str]]]):
        self.rep: dict[_Node, tuple[str, str | None]] = {}  # node -> (form as written, label)
        self.owners: dict[_Node, set[int]] = defaultdict(set)
        self.entity_same: set[_Key] = set()
        self.annotators: set[str] = set()
        keys_of: dict[int, list[str]] = defaultdict(list)
        group_of: dict[int, str] = {}
        for eid, (label, forms) in canonical_forms(store, annotator=annotator).items():
            if not label or label.upper() in SKIP_LABELS:
                continue  # values (dates, numbers) are never linked
            g = group_of[eid] = label_group(label)
            for form in sorted(forms):
                key = normalize(form)
                if key and eid not in self.owners[(g, key)]:
                    self.owners[(g, key)].add(eid)
                    self.rep.setdefault((g, key), (form, label))
                    keys_of[eid].append(key)
        for eid, keys in keys_of.items():
            self.entity_same.update((group_of[eid], *ab) for ab in combinations(sorted(keys), 2))

        self.judged: dict[_Key, str] = {}
        who, params = ("", []) if annotator is None else (" AND annotator = ?", [annotator])
        groups: dict[str, set[str]] | None = None
        for r in store.query(
            f"SELECT a, b, label, verdict, annotator FROM judgements WHERE 1{who} ORDER BY id", params
        ):
            ka, kb = normalize(r["a"] or ""), normalize(r["b"] or "")
            if not ka or not kb or ka == kb:
                continue
            found: str | None
            if r["label"]:
                found = label_group(r["label"])
            else:  # no label: the first group where both forms occur, as the linker does
                groups = mention_groups() if groups is None else groups
                found = next((x for x in sorted(groups) if {ka, kb} <= groups[x]), None)
            if found is None:
                continue
            g = found
            lo, hi = sorted((ka, kb))
            pair_key: _Key = (g, lo, hi)
            self.judged.pop(pair_key, None)
            self.judged[pair_key] = r["verdict"]
            self.annotators.add(r["annotator"])
            for form, k in ((r["a"].strip(), ka), (r["b"].strip(), kb)):
                self.rep.setdefault((g, k), (form, r["label"]))
        self.unsure = sum(1 for v in self.judged.values() if v == "unsure")
        self.judged = {k: v for k, v in self.judged.items() if v in ("same", "different")}
        self.annotators.update(
            r["annotator"]
            for r in store.query(f"SELECT DISTINCT annotator FROM spans WHERE entity_id IS NOT NULL{who}", params)
        )

    def verdict(self, key: _Key) -> str | None:
        """The gold verdict on a pair of nodes: same, different, or None when gold says nothing."""
        if key in self.judged:
            return self.judged[key]
        if key in self.entity_same:
            return "same"
        g, a, b = key
        return "different" if (g, a) in self.owners and (g, b) in self.owners else None

    def nodes(self) -> set[_Node]:
        return set(self.owners) | {(g, x) for g, a, b in self.judged for x in (a, b)}

    def counts(self) -> dict[str, dict[str, int]]:
        """Gold pairs per source; entity-derived ones exclude the pairs a judgement overrides."""
        judged = {"same": sum(1 for v in self.judged.values() if v == "same")}
        judged["different"] = len(self.judged) - judged["same"]
        by_group: Counter[str] = Counter(g for g, _ in self.owners)
        all_pairs = sum(n * (n - 1) // 2 for n in by_group.values())
        overridden = [k for k in self.judged if (k[0], k[1]) in self.owners and (k[0], k[2]) in self.owners]
        same = len(self.entity_same) - sum(1 for k in overridden if k in self.entity_same)
        different = all_pairs - len(self.entity_same) - sum(1 for k in overridden if k not in self.entity_same)
        return {"judgements": judged, "entities": {"same": same, "different": different}}

    def groups(self) -> list[set[str]]:
        """Gold clusters of nodes (as "group\\0form" strings): same-edges joined, never across a
        "different" judgement."""

        edges = [Judgement(f"{g}\0{a}", f"{g}\0{b}", "", "same") for g, a, b in sorted(self.entity_same)]
        edges += [Judgement(f"{g}\0{a}", f"{g}\0{b}", "", v) for (g, a, b), v in self.judged.items()]
        return canonical_groups(edges)


def variants_section(store: Store, config: Config, annotator: str | None) -> VariantsResult:
    """Run the linker (never fed the judgements nor the entity links) and score it against gold."""

    mentions, tainted = _linker_mentions(store)

    def mention_groups() -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for form, label in {(m.form, m.label) for m in mentions}:
            out[label_group(label)].add(normalize(form))
        return out

    gold = _VariantGold(store, annotator, mention_groups)
    counts = gold.counts()
    n_same = counts["judgements"]["same"] + counts["entities"]["same"]
    n_diff = counts["judgements"]["different"] + counts["entities"]["different"]
    notes = _gold_notes(gold, annotator, tainted)
    result = VariantsResult(
        None,
        None,
        None,
        pairs=n_same + n_diff,
        same=n_same,
        different=n_diff,
        unsure=gold.unsure,
        sources=counts,
        threshold=config.linker.threshold,
        linker=LINKER_VERSION,
        notes=notes,
        bcubed=PRF(),
        forms=0,
        mentions=len(mentions),
    )
    if not result.pairs:
        notes.append(
            "no gold pairs: judge variant pairs (same / different) in the Entities "
            "screen, or link mentions to canonical entities"
        )
        return result
    _score(result, gold, mentions)
    return result


def _gold_notes(gold: _VariantGold, annotator: str | None, tainted: int) -> list[str]:
    """Caveats on what the gold and the linker's input are, so a score is not misread: pooled
    annotators, and documents whose predictions were left out for leaking the entity links."""
    notes: list[str] = []
    if annotator is None and len(gold.annotators) > 1:
        names = ", ".join(sorted(gold.annotators))
        notes.append(
            f"gold pooled from {len(gold.annotators)} annotators ({names}): the latest "
            "judgement of a pair wins; pass --annotator to score one"
        )
    if tainted:
        notes.append(
            f"{tainted} document(s)' entity predictions were made with the confirmed-entity "
            "gazetteer and are left out of the linker's input (they carry the entity links)"
        )
    return notes


def _score(result: VariantsResult, gold: _VariantGold, mentions: list[Any]) -> None:
    """Fill in the pairwise and B-cubed scores of the linker's output on the gold nodes.

    Kept apart from the gold counting: only this step runs the linker, and only when there are
    gold pairs. The mention count is taken after the linker saw the gold-only forms too."""
    nodes = gold.nodes()
    cluster_of, predicted = _linker_output(gold, nodes, mentions, result.threshold)
    verdicts = Counter(gold.verdict(k) for k in predicted)
    tp, fp = verdicts["same"], verdicts["different"]
    pairwise = PRF.of(tp, tp + fp, result.same)
    result.p, result.r, result.f = pairwise.p, pairwise.r, pairwise.f
    result.tp, result.fp, result.fn = tp, fp, result.same - tp
    result.bcubed = _bcubed(gold, sorted(nodes), cluster_of)
    result.forms, result.mentions = len(nodes), len(mentions)


def _linker_output(
    gold: _VariantGold, nodes: set[_Node], mentions: list[Any], threshold: float
) -> tuple[dict[_Node, int], set[_Key]]:
    """The linker's cluster of each node, and the pairs of gold nodes it calls the same.

    Gold forms the corpus does not mention (entity names, aliases, judged forms) are given to
    the linker each as its own one-mention document, so they share no made-up context."""

    seen = {(m.form, m.label) for m in mentions}
    for i, node in enumerate(sorted(nodes), 1):
        form, label = gold.rep[node]
        if (form, label) not in seen:
            mentions.append(Mention(form, label or node[0], -i, None))
    sugg = suggest(mentions, (), threshold=threshold)  # never the judgements nor the entity links
    cluster_of: dict[_Node, int] = {}
    for ci, cluster in enumerate(sugg.clusters):
        g = label_group(cluster.label)
        for form in cluster.forms:
            cluster_of[(g, normalize(form))] = ci
    members: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        if node in cluster_of:
            members[cluster_of[node]].append(node[1])
    predicted: set[_Key] = set()
    for ci, keys in members.items():
        g = label_group(sugg.clusters[ci].label)
        predicted.update((g, *ab) for ab in combinations(sorted(keys), 2))
    for pair in sugg.pairs:
        g = label_group(pair.label)
        a, b = normalize(pair.a), normalize(pair.b)
        if (g, a) in nodes and (g, b) in nodes and a != b:
            lo, hi = sorted((a, b))
            predicted.add((g, lo, hi))
    return cluster_of, predicted


def _bcubed(gold: _VariantGold, items: list[_Node], cluster_of: dict[_Node, int]) -> PRF:
    """B-cubed precision and recall of the linker's clusters against the gold clusters."""
    gold_of = {m: gi for gi, group in enumerate(gold.groups()) for m in group}
    gkey = {n: gold_of.get(f"{n[0]}\0{n[1]}", n) for n in items}
    pkey = {n: cluster_of.get(n, n) for n in items}
    gold_cluster: dict[Any, set[_Node]] = defaultdict(set)
    pred_cluster: dict[Any, set[_Node]] = defaultdict(set)
    for n in items:
        gold_cluster[gkey[n]].add(n)
        pred_cluster[pkey[n]].add(n)
    bp = br = 0.0
    for n in items:
        g, p = gold_cluster[gkey[n]], pred_cluster[pkey[n]]
        both = len(g & p)
        bp += both / len(p)
        br += both / len(g)
    bp, br = bp / len(items), br / len(items)
    return PRF(bp, br, 2 * bp * br / (bp + br) if bp + br else 0.0)
