"""Block keys for token matching, and the guarantee that blocking never drops a token pair the
distance accepts (tests/test_variants_blocking.py states it over generated spellings).

What the weighted edit distance (distance.py) lets a token pair differ by and still pass the
gate (similarity >= TOKEN_MATCH, a cost of at most 15 % of the longer skeleton), and the key
that brings such pairs together:

* vowels, h, doubled letters, consonants of one class (k/g/q/kh, s/z/sh/zh/j/ch, t/d, b/p/f/v):
  the consonant key (the loose skeleton without vowels) is the same;
* h against g (Oleh / Oleg), Egyptian g for j (Nagi / Naji): the key read with h, or j, as g;
* ch against k (0.6): the key read with ch as k;
* a glide against a vowel (Ziyad / Ziad, Alawi / Alaoui, Ridwan / Raduan): the key without
  y and v (which a w before a vowel becomes);
* a final s (plurals, places and groups): the key without it;
* one consonant more, fewer or different in a key of 5+ consonants (Abdulrahman /
  Abdelrahmane): every key with one letter deleted.

The gate itself requires a shared key (``share_block``): a consonant added, dropped or
changed in a shorter name makes another name (Belaid / Belkaid, Mahdy / Mady), whatever the
edit distance says. So every pair that passes the gate shares a block by construction, and
what is left to guarantee is the plumbing: readings, prefilter and block caps.
The metaphone code of a token (jellyfish) is one more key: it brings candidates, never a
match by itself.

A skeleton's keys are the union over these readings; vowel-only keys (a key of at most one
consonant) block on the loose skeleton instead. Oversized blocks are split by first letter
and, past tuning.BLOCK_CAP, skipped: the guarantee holds for tokens that are not that common.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish

from annotations.extract.normalize import loose_symbols, loose_symbols_many

__all__ = [
    "READINGS",
    "phonetic_key",
    "prefilter_forms",
    "prefilter_forms_many",
    "share_block",
    "skeleton_key_set",
    "skeleton_keys",
]

GLIDES: dict[int, int | None] = {ord("y"): None, ord("v"): None}


def _keys(lo: str, keys: set[str]) -> None:
    key = lo.replace("a", "")
    if len(key) <= 1:
        keys.add("~" + lo)
    else:
        keys.add(key)
        if len(key) >= 3 and key[-1] == "s":
            keys.add(key[:-1])  # plurals: Libyan / Libyans, Afghan / Afghans
        if len(key) >= 5:
            keys.update([key[:i] + key[i + 1 :] for i in range(len(key))])


# the readings of a skeleton besides its own: (a symbol it needs, the translation)
READINGS: tuple[tuple[str, dict[int, int | None]], ...] = (
    ("h", {ord("h"): ord("g")}),  # Ukrainian h, Russian g
    ("j", {ord("j"): ord("g")}),  # Egyptian g for j
    ("C", {ord("C"): ord("k")}),  # ch against k
    ("yv", GLIDES),  # glides against vowels
)


def prefilter_forms(sym: str) -> tuple[str, ...]:
    """The loose skeleton, then one loose reading per entry of READINGS (the loose skeleton
    again where the skeleton has none of the symbols that reading changes)."""
    lo = loose_symbols(sym)
    return (
        lo,
        *[loose_symbols(sym.translate(table)) if any(c in sym for c in need) else lo for need, table in READINGS],
    )


def prefilter_forms_many(syms: list[str]) -> list[tuple[str, ...]]:
    """[prefilter_forms(s) for s in syms], with one batch pass per reading."""
    base = loose_symbols_many(syms)
    cols = [base]
    for need, table in READINGS:
        chars = frozenset(need)
        idx = [i for i, s in enumerate(syms) if not chars.isdisjoint(s)]
        col = list(base)
        for i, form in zip(idx, loose_symbols_many([syms[i].translate(table) for i in idx])):
            col[i] = form
        cols.append(col)
    return list(zip(*cols))


@lru_cache(maxsize=1 << 16)
def skeleton_key_set(sym: str) -> frozenset[str]:
    """skeleton_keys, memoised (distance.symbol_similarity asks for the same skeletons often)."""
    return frozenset(skeleton_keys(sym))


def share_block(sx: str, sy: str) -> bool:
    """True if two skeletons share a block key: the structural half of the gate."""
    return not skeleton_key_set(sx).isdisjoint(skeleton_key_set(sy))


def skeleton_keys(sym: str, forms: tuple[str, ...] | None = None) -> set[str]:
    """Every block key of a skeleton (see the module docstring); `forms` are its
    prefilter_forms if the caller has them."""
    keys: set[str] = set()
    for lo in dict.fromkeys(prefilter_forms(sym) if forms is None else forms):
        _keys(lo, keys)
    return keys


def phonetic_key(token: str) -> str:
    """The metaphone code of a normalised token, as a block key ("" if it has none)."""
    code = jellyfish.metaphone(token)
    return "m:" + code if len(code) >= 2 else ""
