"""Hong Kong and Taiwan people written the Western way: an English given name or the initials
of the Chinese given name before the surname (Jimmy Lai, CY Leung), a short form of the full
name (Jimmy Lai Chee-ying, Leung Chun-ying) that analysis.Node.aliases records."""

from __future__ import annotations

from annotations.extract.variants.analysis import Node
from annotations.extract.variants.verdict import Comparison

__all__ = ["alias_short"]


def alias_short(fa: Node, fb: Node) -> Comparison | None:
    """A Chinese name's English given name or initials before its surname (Jimmy Lai, CY
    Leung), beside the full name (Jimmy Lai Chee-ying, Leung Chun-ying): a short form, for
    context to decide (two Tony Leungs stay apart)."""
    for short, long_ in ((fa, fb), (fb, fa)):
        core = short.core
        if long_.aliases and short.person and len(core) == 2 and core[0] in long_.aliases and core[1] == long_.core[0]:
            kind = "initials and surname" if len(core[0]) <= 2 else "English name and surname"
            return Comparison.short_form(short.idx, long_.idx, kind, 1.0)
    return None
