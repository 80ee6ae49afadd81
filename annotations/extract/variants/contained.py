"""One form whose every token is matched inside the other: a short form (a lone surname, given
names only, names left out of a Spanish or Portuguese full name) for context to resolve
(short.py), or another person (an extra given name, a generational suffix)."""

from __future__ import annotations

from annotations.extract.normalize import NAME_SUFFIXES
from annotations.extract.variants.analysis import Node
from annotations.extract.variants.origins import romance
from annotations.extract.variants.verdict import Comparison

__all__ = ["contained"]


def contained(
    short: Node,
    long_: Node,
    m_short: dict[int, tuple[int, float]],
    m_long: dict[int, tuple[int, float]],
    extra: list[int],
    person: bool,
    joined: bool,
    debug: bool = False,
) -> Comparison:
    """Every token of `short` is matched inside `long_`: a short form (surname only, given
    names only) for the context rules, or another person (an extra given name). `m_short` and
    `m_long` are the alignment (index -> (index on the other side, similarity)), `extra` the
    indices of `long_`'s unmatched tokens, `joined` whether tokens were joined to align; reject
    reasons are spelled out only with `debug`."""
    lcore = long_.core
    if not (short.person and long_.person) and (short.person or long_.person):
        return Comparison.reject("rejected: a short form of another kind of name" if debug else "", False)
    if not person:
        return Comparison.reject(f"rejected: extra token {' '.join(lcore[i] for i in extra)!r}" if debug else "", True)
    generation = [lcore[i] for i in extra if lcore[i] in NAME_SUFFIXES]
    if generation:  # Donald Trump / Donald Trump Jr
        return Comparison.reject(f"rejected: generational suffix {generation[0]!r}", True)
    in_long = sorted(m_long)
    k = len(in_long)
    seq = [m_short[i][0] for i in sorted(m_short)]
    if all(x <= y for x, y in zip(seq, seq[1:])) and not joined:
        if k == 1 and in_long[0] == (0 if long_.chinese else len(lcore) - 1):
            return Comparison.short_form(short.idx, long_.idx, "surname only", min(s for _, s in m_short.values()))
        if k >= 2 and in_long[-1] == k - 1 and not long_.chinese:  # in_long == [0, 1, ..., k - 1]
            return Comparison.short_form(short.idx, long_.idx, "given names only", min(s for _, s in m_short.values()))
    if k >= 2 and not joined and all(x <= y for x, y in zip(seq, seq[1:])) and (romance(short) or romance(long_)):
        # José Luis (Rodríguez) Zapatero, (Luiz Inácio) Lula da Silva: names people leave out
        return Comparison.short_form(
            short.idx,
            long_.idx,
            "names left out of a Spanish or Portuguese full name",
            min(s for _, s in m_short.values()),
        )
    if any(i < in_long[-1] for i in extra):  # Ahmad (Shah) Massoud, (Habib) Ahmad Miim
        return Comparison.reject(
            f"rejected: extra given name {' '.join(lcore[i] for i in extra)!r}" if debug else "",
            True,
        )
    if len(short.core) == 1:
        return Comparison.reject("rejected: given name only", False)
    return Comparison.reject(f"rejected: extra name {' '.join(lcore[i] for i in extra)!r}" if debug else "", True)
