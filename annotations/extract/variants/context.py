"""Whether two forms' documents report one event: the other entities named around them.

Spelling alone cannot tell a typo from another person when a given name loses a letter
beside a surname that is itself spelt two ways (Ahad Masoud / Ahmad Massoud). News about one
event names the same places, groups and people around it, so the forms' documents are
compared on the other entities they name (forms sharing no token with either form: its own
short forms are not evidence)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from annotations.extract.variants.analysis import Node

__all__ = ["EventIndex"]


class EventIndex:
    """The forms named in each document of a comparison pool."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.nodes = nodes
        self.by_doc: dict[int, set[int]] = defaultdict(set)
        for n in nodes:
            if not n.phantom:
                for d in n.occ[0::2]:
                    self.by_doc[d].add(n.idx)

    def _around(self, node: Node) -> set[int]:
        out: set[int] = set()
        for d in set(node.occ[0::2]):
            out |= self.by_doc.get(d, set())
        return out

    def shared(self, fa: Node, fb: Node) -> list[str]:
        """The other entities named in documents of both forms (representative spellings,
        sorted), leaving out the two forms and every form that shares a token with them."""
        own = set(fa.core) | set(fb.core)
        common = self._around(fa) & self._around(fb)
        nodes = self.nodes
        return sorted(nodes[i].rep for i in common if own.isdisjoint(nodes[i].core))
