"""Judgements as edges: a union-find whose components carry cannot-link constraints (nomenklatura's
resolver semantics)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from annotations.extract.variants.model import Judgement


class Resolver:
    """Union-find whose components carry cannot-link constraints to other components."""

    __slots__ = ("forbid", "parent", "size")

    def __init__(self, n: int = 0) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.forbid: dict[int, set[int]] = {}

    def add(self) -> int:
        self.parent.append(len(self.parent))
        self.size.append(1)
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def forbid_pair(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.forbid.setdefault(ra, set()).add(rb)
        self.forbid.setdefault(rb, set()).add(ra)
        return True

    def forbidden(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        return ra != rb and rb in self.forbid.get(ra, ())

    def forbid_all(self, pairs: Iterable[tuple[int, int]]) -> None:
        """forbid_pair for many pairs (the resulting constraints do not depend on the order)."""
        parent, forbid, find = self.parent, self.forbid, self.find
        for a, b in pairs:
            ra = a if parent[a] == a else find(a)
            rb = b if parent[b] == b else find(b)
            if ra != rb:
                fa = forbid.get(ra)
                if fa is None:
                    forbid[ra] = {rb}
                else:
                    fa.add(rb)
                fb = forbid.get(rb)
                if fb is None:
                    forbid[rb] = {ra}
                else:
                    fb.add(ra)

    def roots(self) -> list[int]:
        """The root of every element."""
        parent = self.parent
        out = parent[:]
        for i, r in enumerate(out):
            if r != i:
                while parent[r] != r:
                    r = parent[r]
                out[i] = r
        return out

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        fa = self.forbid.get(ra)
        if fa and rb in fa:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        fb = self.forbid.pop(rb, None)
        if fb:
            fa = self.forbid.setdefault(ra, set())
            for x in fb:
                fx = self.forbid[x]
                fx.discard(rb)
                fx.add(ra)
                fa.add(x)
        return True


def latest_verdicts(judgements: Iterable[Judgement], key) -> dict:
    """Latest verdict per unordered pair (a later judgement on the same pair wins)."""
    out: dict = {}
    for j in judgements:
        verdict = (j.verdict or "").strip().lower()
        if verdict not in ("same", "different", "unsure"):
            continue
        k = key(j)
        if k is None:
            continue
        a, b = k[-2], k[-1]
        if a == b:
            continue
        pair = k[:-2] + ((a, b) if a <= b else (b, a))
        out.pop(pair, None)  # keep insertion order chronological
        out[pair] = verdict
    return out


def canonical_groups(judgements: Iterable[Judgement]) -> list[set[str]]:
    """Groups of forms joined by "same" judgements (connected components), where a "different"
    judgement between two groups forbids merging them: a "same" edge that would join them is
    ignored. The latest judgement on a pair wins. Forms are compared exactly as written;
    labels are not used. Every form named in a "same" judgement is in exactly one group."""
    latest = latest_verdicts(judgements, lambda j: (j.a.strip(), j.b.strip()))
    ids: dict[str, int] = {}
    uf = Resolver()

    def node(form: str) -> int:
        i = ids.get(form)
        if i is None:
            i = ids[form] = uf.add()
        return i

    for (a, b), verdict in latest.items():
        if verdict == "different":
            uf.forbid_pair(node(a), node(b))
    same_nodes: set[int] = set()
    for (a, b), verdict in latest.items():
        if verdict == "same":
            ia, ib = node(a), node(b)
            same_nodes.update((ia, ib))
            uf.union(ia, ib)
    forms = {i: f for f, i in ids.items()}
    groups: dict[int, set[str]] = defaultdict(set)
    for i in same_nodes:
        groups[uf.find(i)].add(forms[i])
    return sorted(groups.values(), key=lambda g: (-len(g), sorted(g)))
