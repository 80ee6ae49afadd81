"""Chinese names between forms: token matches through shared syllable readings (chinese.py)
in place of the edit distance, Cantonese readings for the tokens of Hong Kong names."""

from __future__ import annotations

from collections.abc import Sequence

from annotations.extract.chinese import pinyin_form, reading_matches, readings, same_name, syllable_matches
from annotations.extract.variants.analysis import Node

__all__ = ["CHINESE_SIM", "add_generic_matches", "add_syllable_matches", "chinese_pair", "chinese_sim", "cross_matches"]

CHINESE_SIM = 0.97
"""The similarity of two tokens that share a reading as Chinese syllables (Zhou / Chou)."""


def chinese_pair(fa: Node, fb: Node) -> bool:
    """True if the syllable rule compares two forms' tokens: both are Chinese names, or both
    names of one-syllable tokens with no Chinese mark (Li Bai / Li Pai, Tu Fu / Du Fu)."""
    return (fa.chinese and fb.chinese) or (fa.syllabic and fb.syllabic)


def chinese_sim(a: str, b: str, fa: Node, fb: Node) -> float:
    """CHINESE_SIM when some reading of token a (of form fa) is one of token b (of form fb), else
    0 (Chang / Chiang, Hubei / Hebei); a token of a Hong Kong or Hokkien name is read as
    Cantonese or Hokkien too, and so is one of a name with a hyphenated given name against a
    name written in pinyin (Lee Siu-lung / Li Xiaolong: the mainland's pinyin of a Hong Kong
    name; Hong Kong writes Cantonese with no spelling only Cantonese has)."""
    ca = fa.cantonese or (fa.hyphenated and pinyin_form(fb.core))
    cb = fb.cantonese or (fb.hyphenated and pinyin_form(fa.core))
    return CHINESE_SIM if same_name(a, b, ca, cb, fa.hokkien, fb.hokkien) else 0.0


def add_syllable_matches(
    live: Sequence[Node],
    core_ids: Sequence[tuple[int, ...]],
    join_ids: Sequence[tuple[int, ...]],
    tokens: list[str],
    match: list[dict[int, float]],
) -> None:
    """Add to `match` (both ways, at CHINESE_SIM) the token pairs that read as one Chinese name:
    among the tokens of Chinese names (joined ones too) and any token that looks Chinese; the
    tokens of Hong Kong names read as Cantonese too (Chun for Zhen beside Leung), those of Hokkien
    names as Hokkien (Tan for Chen beside Lim); one-token
    place names read as syllables beside a Chinese one (Shensi / Shaanxi)."""
    of_chinese = {t for n in live if n.chinese for t in (*core_ids[n.idx], *join_ids[n.idx])}
    of_cantonese = {t for n in live if n.cantonese for t in (*core_ids[n.idx], *join_ids[n.idx])}
    of_hokkien = {t for n in live if n.hokkien for t in (*core_ids[n.idx], *join_ids[n.idx])}
    places = {core_ids[n.idx][0] for n in live if not n.person and len(n.core) == 1}
    for a, b in syllable_matches(tokens, of_chinese, of_cantonese, places, of_hokkien):
        if match[a].get(b, 0.0) < CHINESE_SIM:
            match[a][b] = match[b][a] = CHINESE_SIM


def cross_matches(live: Sequence[Node], core_ids: Sequence[tuple[int, ...]], tokens: list[str]) -> dict[int, set[int]]:
    """Token id -> token ids it meets only between two forms that chinese_pair and chinese_sim
    read alike, both ways: the Cantonese reading of a name with a hyphenated given name against
    the pinyin of one (Siulung / Xiaolong), and the syllables of two names of one-syllable tokens
    (Bai / Pai). Kept out of the token matches: they are for finding candidates, and only
    chinese_sim, between two such forms, may accept them."""
    hyphenated = {t for n in live if n.hyphenated and not n.cantonese for t in core_ids[n.idx]}
    pinyin = {t for n in live if n.chinese and pinyin_form(n.core) for t in core_ids[n.idx]}
    syllabic = {t for n in live if n.syllabic for t in core_ids[n.idx]}
    pairs = reading_matches(tokens, hyphenated, pinyin, cantonese=True) if hyphenated and pinyin else []
    pairs += reading_matches(tokens, syllabic, syllabic) if len(syllabic) > 1 else []
    out: dict[int, set[int]] = {}
    for a, b in pairs:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


# what a Chinese place name ends in and the English words for it (Dongting Hu / Dongting Lake, Tai
# Shan / Mount Tai, Min Jiang / Min River), pinyin and Wade-Giles or postal
_GENERIC = {
    "lake": ("hu",),
    "mountain": ("shan",),
    "river": ("jiang", "chiang", "kiang", "he", "ho"),
    "island": ("dao", "tao"),
    "gorge": ("xia", "hsia"),
}
_ENGLISH = {
    "lake": ("lake",),
    "mountain": ("mount", "mountain", "mountains", "mt"),
    "river": ("river",),
    "island": ("island",),
    "gorge": ("gorge",),
}


def add_generic_matches(
    live: Sequence[Node], core_ids: Sequence[tuple[int, ...]], tokens: list[str], match: list[dict[int, float]]
) -> set[tuple[int, int]]:
    """Add to `match` (both ways, at CHINESE_SIM) a Chinese generic word at the end of a name and
    the English one for it (hu / lake, shan / mount), between the tokens of forms whose other
    tokens all read as Chinese syllables: the name of a lake or mountain written in pinyin, its
    generic word translated or not (Dongting Hu / Dongting Lake). A form with any other word
    (Shan State, Lake Placid) is no such name. Returns the pairs added, both ways: they hold
    between two forms read as Chinese names too (Lake reads as la-ke), see chinese_sim."""
    chinese: dict[str, set[int]] = {}  # meaning -> token ids of the Chinese word, last in its form
    english: dict[str, set[int]] = {}
    for n in live:
        ids = core_ids[n.idx]
        if len(ids) < 2:
            continue
        for meaning in _GENERIC:
            last = tokens[ids[-1]]
            if last in _GENERIC[meaning] and _syllables(tokens, ids[:-1]):
                chinese.setdefault(meaning, set()).add(ids[-1])
            for k in (0, len(ids) - 1):
                if tokens[ids[k]] in _ENGLISH[meaning] and _syllables(tokens, ids[:k] + ids[k + 1 :]):
                    english.setdefault(meaning, set()).add(ids[k])
    out: set[tuple[int, int]] = set()
    for meaning, ours in chinese.items():
        for a in ours:
            for b in english.get(meaning, ()):
                if match[a].get(b, 0.0) < CHINESE_SIM:
                    match[a][b] = match[b][a] = CHINESE_SIM
                out.update(((a, b), (b, a)))
    return out


def _syllables(tokens: list[str], ids: Sequence[int]) -> bool:
    return bool(ids) and all(readings(tokens[t]) for t in ids)
