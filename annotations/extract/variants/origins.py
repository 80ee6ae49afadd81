"""What a name's origin tells the alignment rules: a Spanish or Portuguese full name, whose
bearers are written with and without some of their given names and surnames, and an Arabic
nasab ("son of"), where swapping the names around it names the father (compare.py)."""

from __future__ import annotations

import re
import unicodedata

from annotations.extract.variants.analysis import Node

__all__ = ["has_nasab", "romance"]

# the accents of Spanish and Portuguese names (not Vietnamese ones: a dot below, a hook, a
# horn), and their particles
_ROMANCE_MARK = re.compile("[áéíóúãõçñâêôà]", re.IGNORECASE)
_NOT_ROMANCE_MARK = re.compile("[\u0323\u0309\u031b]|[đĐ]")
_ROMANCE_PARTICLES = frozenset("de da do dos das del y".split())
_NASAB = frozenset("bin ibn ben bint binti ould".split())  # "son of", "daughter of"


def romance(node: Node) -> bool:
    """True if a person's name reads as Spanish or Portuguese (see above)."""
    if not _ROMANCE_PARTICLES.isdisjoint(node.key.split()):
        return True
    return any(
        _ROMANCE_MARK.search(s) and not _NOT_ROMANCE_MARK.search(unicodedata.normalize("NFD", s))
        for s in node.spellings
    )


def has_nasab(node: Node) -> bool:
    """True if the name says whose son or daughter its bearer is (Hamad bin Khalifa)."""
    return not _NASAB.isdisjoint(node.key.split())
