"""Comparing a predicted claim speaker with the gold one: strict, lenient, by canonical entity.

    norm_speaker(text) -> str                      normalize(), without a leading "a" / "an" / "one"
    strict_match(pred, forms) -> bool              the same name, or another name of its entity
    lenient_match(pred, forms) -> bool             also the same head word, or one phrase inside
                                                   the other once determiners and quantifiers go
    entity_match(pred, gold_entity, name_index) -> bool

"the source" and "source", "some officials" and "officials", "Ana Ruiz" and "Ruiz" are lenient
matches; "Ruiz" and "Kato" are not.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotations.extract.normalize import normalize

_ARTICLES = ("a ", "an ", "one ")
_DROP = frozenset(
    """a an the one some several many most few all both other various numerous any each every
    this that these those its their his her our""".split()
)
_PREPS = frozenset("of for at in with from on to close familiar".split())


def norm_speaker(text: str | None) -> str:
    """A speaker compared as normalize() does, also without a leading "a" / "an" / "one"."""
    out = normalize(text or "")
    for art in _ARTICLES:
        out = out.removeprefix(art)
    return out


def _words(text: str) -> list[str]:
    return [w for w in norm_speaker(text).split() if w not in _DROP]


def head_word(words: list[str]) -> str:
    """The head of a speaker phrase: its last word before a preposition ("head of the union")."""
    for k, w in enumerate(words):
        if w in _PREPS and k > 0:
            return words[k - 1]
    return words[-1] if words else ""


def strict_match(pred: str | None, forms: Iterable[str]) -> bool:
    return bool(pred) and norm_speaker(pred) in {norm_speaker(f) for f in forms if f}


def lenient_match(pred: str | None, forms: Iterable[str]) -> bool:
    p = _words(pred or "")
    if not p:
        return False
    joined = " ".join(p)
    for form in forms:
        g = _words(form)
        if not g:
            continue
        other = " ".join(g)
        if head_word(p) == head_word(g) or f" {joined} " in f" {other} " or f" {other} " in f" {joined} ":
            return True
    return False


def name_index(names: dict[int, list[str]]) -> dict[str, set[int]]:
    """{normalised name: the canonical entities it names} over every entity's name and aliases."""
    index: dict[str, set[int]] = {}
    for entity, forms in names.items():
        for form in forms:
            index.setdefault(norm_speaker(form), set()).add(entity)
    return index


def entity_match(pred: str | None, pred_entity: int | None, gold_entity: int, index: dict[str, set[int]]) -> bool:
    """Whether the prediction names the gold speaker's canonical entity: its own link, else the
    one entity its normalised text is a name or alias of (a name shared by two is no match)."""
    if pred_entity is not None:
        return pred_entity == gold_entity
    found = index.get(norm_speaker(pred), set())
    return found == {gold_entity}
