"""Arabic look-alikes that the transliteration-aware distance reads as one name.

The distance lets vowels vary (Hamid / Hamed, Ahmad / Ahmed), as transliterations do; some
vowels of two-syllable Arabic names are the name's pattern, though, and another pattern is
another name: the agent pattern fa'il, written with e (Samer, Amer, Kamel, Saleh, Majed, Hafez),
against fa'al or fa''al written with a (Samar, Ammar, Kamal, Salah) and fa'il written with ee
(Sameer, Ameer, Majeed, Hafeez). An i writes either (Hamid, Majid), so it is left alone.
(The other look-alike rules: a against i in distance.py, gh against h in match.py, an initial
h in distance.py, a son and his father in compare.py.)
"""

from __future__ import annotations

import re

__all__ = ["drop_pattern_conflicts", "pattern_conflict"]

_PATTERN = re.compile(
    r"(?:[bdfhjklmnqrstwyz]|[ksgdt]h)?aa?"  # the first syllable: Sa, Aa, Kha
    r"(?:sh|th|dh|kh|gh|([bdfhjklmnqrstvz])\1?)"  # one consonant (no glide: Zayed), perhaps doubled
    r"(e|ee|a)(?:[bdfjklmnqrstvwz]h?|h)"  # the last vowel and consonant: er, eer, eh
)
_AGENT = "e"


def _last_vowel(token: str) -> str:
    """The last vowel of a normalised token of the two-syllable pattern, or "" if it is not one."""
    m = _PATTERN.fullmatch(token)
    return m.group(2) if m else ""


def pattern_conflict(a: str, b: str) -> bool:
    """True if two normalised tokens are two-syllable Arabic names of different patterns: e
    against a or ee (Samer / Samar, Amer / Ammar, Samer / Sameer)."""
    va, vb = _last_vowel(a), _last_vowel(b)
    return bool(va and vb and va != vb and _AGENT in (va, vb))


def drop_pattern_conflicts(tokens: list[str], n_core: int, match: list[dict[int, float]]) -> None:
    """Remove the token matches (both ways) between core tokens of different patterns."""
    for a in range(n_core):
        if _last_vowel(tokens[a]) != _AGENT:
            continue
        for b in [b for b in match[a] if b != a and b < n_core]:
            if pattern_conflict(tokens[a], tokens[b]):
                del match[a][b]
                match[b].pop(a, None)
