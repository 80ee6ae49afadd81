"""The named mentions a pronoun or description can resolve to: spaCy's person and organisation
entities (an organisation's name widened over the proper nouns compounded onto it and over "of
Japan"), runs of proper nouns it tagged as nothing, plural subjects naming people, or a
document's gold spans with their canonical entities. All on character offsets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotations.extract.claims.lexicon import (
    GROUP_NOUNS,
    ORG_LABELS,
    ORG_NAME_WORDS,
    ORG_NOUNS,
    PERSON_LABELS,
    STREET_WORDS,
)
from annotations.extract.claims.units import dateline_end
from annotations.extract.normalize import ORG_DESIGNATORS

_MISTAKEN_LABELS = frozenset({"WORK_OF_ART", "PRODUCT", "FAC", "LAW", "EVENT"})  # names an organisation's may get
UNTAGGED = "NAME"  # the label of a proper-noun run spaCy tagged as no entity
GROUP = "GROUP"  # the label of a plural subject naming people ("Residents of Calvera")


@dataclass(frozen=True)
class Mention:
    """A named mention: character offsets, label, and its canonical entity when known."""

    start: int
    end: int
    label: str
    entity: int | None = None
    gold: bool = False
    subject: bool = False  # the subject of its clause (a pronoun after it most likely means it)


def mentions_from_doc(doc: Any, offset: int = 0, text: str | None = None) -> list[Mention]:
    """spaCy's person and organisation entities, except those in an opening dateline ("KABUL —").
    Pass `text` (doc.text) when you have it: spaCy rebuilds it on every access."""
    text = doc.text if text is None else text
    skip = dateline_end(text, 0) if offset == 0 else 0
    labelled = [(e, _label(doc, e)) for e in doc.ents]
    named = [
        Mention(
            _name_start(doc, e) + offset,
            _of_name_end(doc, e) + offset,
            label,
            subject=e.root.dep_ in ("nsubj", "nsubjpass"),
        )
        for e, label in labelled
        if label in PERSON_LABELS | ORG_LABELS
        and e.start_char >= skip
        and not (label in PERSON_LABELS and e[-1].lower_ in STREET_WORDS)  # "Mill Lane"
    ]
    found = named + _untagged_names(doc, offset, skip) + _groups(doc, offset, skip)
    return sorted(found + _surnames(doc, text, offset, found), key=lambda m: m.start)


def _surnames(doc: Any, text: str, offset: int, found: list[Mention]) -> list[Mention]:
    """A person's surname alone after their full name, where spaCy tagged it as nothing and no
    proper noun ("Siobhan Keely ... Keely was asked"): a person's mention."""
    people = sorted((m for m in found if m.label in PERSON_LABELS), key=lambda m: m.start)
    taken = {m.start - offset for m in found}
    out = []
    for tok in doc:
        if tok.ent_type_ or tok.idx in taken or not tok.is_alpha or not tok.text[:1].isupper() or len(tok) < 3:
            continue
        if any(
            m.end - offset < tok.idx and text[m.start - offset : m.end - offset].split()[-1] == tok.text for m in people
        ):
            subject = tok.dep_ in ("nsubj", "nsubjpass")
            out.append(Mention(tok.idx + offset, tok.idx + len(tok) + offset, "PERSON", subject=subject))
    return out


def _label(doc: Any, ent: Any) -> str:
    """The entity's label, an organisation's where spaCy's small model mistook one: a name an
    appositive calls an organisation ("Aeralis, the largest regional airline"), a "person" or a
    "work of art" whose name ends in an organisation's word ("Ostrava Steelworks", "Kestrel
    Airlines"), or any name followed by its acronym tagged an organisation ("Baltic Gateway
    Terminals (BGT)")."""
    described = any(c.dep_ == "appos" and c.pos_ == "NOUN" and c.lemma_.lower() in ORG_NOUNS for c in ent.root.children)
    if described and ent.label_ != "ORG":  # "Aeralis, the largest regional airline" (spaCy: a place)
        return "ORG"
    if ent.label_ in ORG_LABELS:
        return str(ent.label_)
    acronym = (
        ent.end + 2 < len(doc)
        and doc[ent.end].text == "("
        and doc[ent.end + 1].ent_type_ == "ORG"
        and doc[ent.end + 1].text.isupper()
        and doc[ent.end + 2].text == ")"
    )
    if acronym or (ent.label_ in PERSON_LABELS | _MISTAKEN_LABELS and org_name(ent.text)):
        return "ORG"
    return str(ent.label_)


def org_name(name: str) -> bool:
    """Whether a name ends in an organisation's word ("Ostrava Steelworks", "Kestrel Airlines",
    "Greenleaf Alliance"): spaCy's small model often tags such invented names as people."""
    words = name.split()
    last = words[-1].lower().rstrip(".,") if len(words) > 1 else ""
    return last in ORG_NAME_WORDS or last in ORG_NOUNS or last in ORG_DESIGNATORS


def _groups(doc: Any, offset: int, skip: int) -> list[Mention]:
    """Plural subjects naming people ("Residents of Calvera blocked the road"), labelled GROUP:
    what a "they" may stand for when no organisation or earlier source is nearer."""
    out = []
    for tok in doc:
        if tok.tag_ != "NNS" or tok.dep_ not in ("nsubj", "nsubjpass") or tok.ent_type_ or tok.idx < skip:
            continue
        if tok.lemma_.lower() not in GROUP_NOUNS and tok.lower_ not in GROUP_NOUNS:
            continue
        start = tok.left_edge.i
        while start < tok.i and doc[start].dep_ in ("det", "punct"):
            start += 1
        end = tok.i + 1
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None and of.right_edge.i - tok.i <= 4:
            end = of.right_edge.i + 1
        out.append(Mention(doc[start].idx + offset, doc[end - 1].idx + len(doc[end - 1]) + offset, GROUP, subject=True))
    return out


def _untagged_names(doc: Any, offset: int, skip: int) -> list[Mention]:
    """Runs of proper nouns spaCy gave no entity ("Kestrel Ferries, the island's main operator"),
    labelled NAME: a description can resolve to one the text so describes, nothing else does."""
    out: list[Mention] = []
    i = 0
    while i < len(doc):
        if not _propn(doc[i]) or doc[i].ent_type_ or doc[i].idx < skip:
            i += 1
            continue
        j = i
        while j < len(doc) and _propn(doc[j]) and not doc[j].ent_type_:
            j += 1
        if j - i >= 2 or doc[i].dep_ in ("nsubj", "nsubjpass"):  # "Later, Marquez returned"
            subject = any(doc[k].dep_ in ("nsubj", "nsubjpass") for k in range(i, j))
            out.append(
                Mention(doc[i].idx + offset, doc[j - 1].idx + len(doc[j - 1]) + offset, UNTAGGED, subject=subject)
            )
        i = j
    return out


def _propn(tok: Any) -> bool:
    """A proper noun, or a capitalised word the tagger did not know that an appositive describes
    ("Hidrocal, the regional water agency, issued")."""
    if tok.pos_ == "PROPN":
        return tok.text[:1].isupper()  # "the finance ministry" tagged PROPN is no name
    return (
        tok.text[:1].isupper()
        and tok.text[1:].islower()
        and any(c.dep_ == "appos" and c.pos_ == "NOUN" and c.i > tok.i for c in tok.children)
    )


def _name_start(doc: Any, ent: Any) -> int:
    """An organisation's name starts at the proper nouns compounded onto it ("Westmere | Borough
    Council" when the entity is only the last two)."""
    i = ent.start
    while ent.label_ == "ORG" and i > 0:
        prev = doc[i - 1]
        if prev.pos_ == "PROPN" and prev.dep_ in ("compound", "nmod") and ent.start <= prev.head.i < ent.end:
            i -= 1
        elif (  # "Brighton and | Hove City Council": a place joined onto the name
            prev.lower_ == "and"
            and i > 1
            and doc[i - 2].pos_ == "PROPN"
            and doc[i - 2].dep_ in ("compound", "nmod")
            and ent.start <= doc[i - 2].head.i < ent.end
        ):
            i -= 2
        elif prev.lower_ == "and" and i > 1 and _joined_plurals(doc, i - 2, ent):
            i = _ent_start(doc, i - 2)  # "the Ghana Museums | and | Monuments Board" (spaCy: two names)
        else:
            break
    return int(doc[i].idx)


def _joined_plurals(doc: Any, k: int, ent: Any) -> bool:
    """Whether the organisation ending at token k and `ent` after "and" are one name that joins two
    plural nouns ("Ghana Museums and Monuments Board"), not two names ("Nordic Ferries and ...")."""
    left, right = doc[k], doc[ent.start]
    return (
        left.ent_type_ == "ORG"
        and len(ent) >= 2
        and all(t.text[:1].isupper() and t.text.endswith("s") and t.lower_ not in ORG_NAME_WORDS for t in (left, right))
    )


def _ent_start(doc: Any, k: int) -> int:
    """The first token of the entity holding token k, past a leading determiner ("the")."""
    while k > 0 and doc[k].ent_iob_ == "I":
        k -= 1
    return k + 1 if doc[k].pos_ == "DET" else k


def _of_name_end(doc: Any, ent: Any) -> int:
    """An organisation's name goes on over "of" and a place or name ("Fisheries Agency of Japan")."""
    i = ent.end
    if ent.label_ != "ORG" or i + 1 >= len(doc) or doc[i].lower_ != "of" or doc[i + 1].pos_ != "PROPN":
        return int(ent.end_char)
    j = i + 1
    while j < len(doc) and doc[j].pos_ == "PROPN":
        j += 1
    return int(doc[j - 1].idx + len(doc[j - 1]))


def mentions_from_spans(spans: list[dict[str, Any]]) -> list[Mention]:
    """Gold spans (dicts with start, end, label, entity_id) as mentions that win over predictions."""
    return [
        Mention(int(s["start"]), int(s["end"]), str(s["label"]), s.get("entity_id"), True)
        for s in spans
        if s.get("label") in PERSON_LABELS | ORG_LABELS
    ]
