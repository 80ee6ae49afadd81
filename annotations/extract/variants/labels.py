"""Which entity labels can name the same thing: the one label-compatibility rule.

The linker, the link picker and the entity actions all ask this module, so "is this GPE the
same kind of thing as that LOC" has one answer everywhere:

* ``label_group``: GPE, LOC and FAC are places; ORG and NORP are organisations and groups (the
  Taliban is tagged either way); PERSON (and PER) people; any other label is its own group.
* ``compatible``: two labels of one group (or a label missing) may name one entity.
* ``pool``: which labels the linker compares at all. Name-like labels (PERSON, ORG, NORP, GPE,
  LOC, FAC, and PRODUCT, WORK_OF_ART, EVENT, which small models give unfamiliar names) share one pool, because a small model tags an unfamiliar name ORG or GPE about 40 %
  of the time; a disagreement between groups costs score and is given as a reason. Values
  (dates, numbers, money) are never compared; any other label is compared with itself only.
"""

from __future__ import annotations

SKIP_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
"""Labels whose "entities" are values, not names: never linked."""
PERSON = "PERSON"
NAME_POOL = "NAME"
_GROUP_OF = {
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "PERSON": PERSON,
    "PER": PERSON,
    "ORG": "ORG",
    "NORP": "ORG",
}
# PRODUCT, WORK_OF_ART and EVENT are how a small model tags a name it does not know
# (Qalqiliya, Hadramawt, Tsim Sha Tsui) as often as ORG or GPE: they share the name pool
NAME_GROUPS = frozenset({PERSON, "PLACE", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT"})


def label_group(label: str | None) -> str:
    """The group of an entity label: GPE, LOC and FAC are places, ORG and NORP organisations."""
    lab = (label or "").upper()
    return _GROUP_OF.get(lab, lab)


def compatible(a: str | None, b: str | None) -> bool:
    """True if two labels may name one entity (a missing label is compatible with any)."""
    return not a or not b or label_group(a) == label_group(b)


def pool(label: str | None) -> str:
    """The linker's comparison pool of a label: "" for values (never compared), one pool for
    every name-like label, else the label's own group."""
    lab = (label or "").upper()
    if lab in SKIP_LABELS:
        return ""
    group = label_group(lab)
    return NAME_POOL if group in NAME_GROUPS else group
