"""Building the Chinese syllable table that chinese.py reads (annotations/data/chinese_syllables.json).

Generated, never edited by hand, from maintained libraries: pypinyin (every Mandarin syllable,
its Wade-Giles and Gwoyeu Romatzyh spellings, its dictionary of words), cantonese-romanisation
(Hong Kong Government spellings of the characters), taibun (Hokkien readings of the characters,
written the way Singapore, Malaysia and Taiwan write names) and OpenCC (traditional characters
read through their simplified form). Regenerate with ``python -m annotations.extract.chinese``;
a test checks that the shipped table is current. These libraries are test-time dependencies:
linking reads only the shipped table.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any

__all__ = ["build_syllable_table"]


def _postal(wg: str) -> list[str]:
    """Postal, older Wade-Giles, Taiwanese and German spellings of a Wade-Giles syllable
    (without apostrophes)."""
    out = []
    if wg.startswith("hs"):
        out.append("s" + wg[2:])  # Hsinchiang -> Sinkiang
    if wg.startswith("chi"):
        out += ["k" + wg[2:], "ts" + wg[2:]]  # Chiang -> Kiang, Ching -> Tsing
    if wg.startswith(("ku", "hu")) and len(wg) > 2 and wg[2] in "aei":
        out.append(wg[0] + "w" + wg[2:])  # Kuangchou -> Kwangchow, Huang Ho -> Hwang Ho
    if wg == "ssu":
        out += ["szu", "sze"]  # Szu-ma Chien, Szechwan
    if wg.endswith("ou"):
        out += [w[:-2] + "ow" for w in [wg, *out]]  # Kwangchow
    if wg.endswith("u") and not wg.endswith(("ou", "iu")):
        out.append(wg[:-1] + "oo")  # Soochow, Foochow
    if wg.endswith("ung"):
        out += [wg[:-3] + "oong", wg[:-3] + "oung"]  # Soong Mei-ling, Lee Hsien Loong; French Tsé-toung
    if wg.endswith("ei"):
        out.append(wg[:-2] + "eh")  # Hopeh, Hupeh
    if wg.endswith("e") and not wg.endswith(("ie", "ue")):
        out.append(wg + "h")  # older Wade-Giles: Chu Teh
    if wg.startswith("yi"):
        out.append(wg[1:])  # Taiwan: Tsai Ing-wen
    if wg.endswith("i") and len(wg) == 2:
        out.append(wg[0] + "ee")  # Taiwan, Singapore: Lee Teng-hui
    if wg == "i":
        out.append("yi")  # Taiwan's place names: Chiayi, Yilan
    if wg.startswith(("ch", "sh")):
        out.append(("tsch" if wg[0] == "c" else "sch") + wg[2:])  # German: Tschou En-lai, Schanghai
    return out


def build_syllable_table() -> dict[str, Any]:
    """{"mandarin": written syllable -> the pinyin syllables (toneless, v for ü) it can stand
    for, from pypinyin's dictionary and its Wade-Giles and Gwoyeu Romatzyh styles;
    "cantonese": Hong Kong Government romanisation syllable -> the pinyin syllables of the
    characters it writes that are in use (cantonese-romanisation's table, through the
    characters: traditional ones through their simplified form, OpenCC); "hokkien": Hokkien
    syllables as Singapore, Malaysia and Taiwan write names -> the pinyin syllables of the
    characters in use they read (taibun's readings);
    "common": the pinyin syllables of common characters (those in 20+ of pypinyin's words);
    "words": pypinyin's two-character words in toneless pinyin (Hunan, Henan); "pinyin" and
    "wade": the Mandarin syllables by scheme; "taiwan": Gwoyeu Romatzyh's j syllables, read
    after a token's first syllable only}."""
    # imported here: pypinyin loads its phrase dictionary on import (1.3 s), needed only to build
    from pypinyin.constants import PHRASES_DICT
    from pypinyin.pinyin_dict import pinyin_dict

    toned: set[str] = set()
    for value in pinyin_dict.values():
        toned.update(value.split(","))
    pinyin, wade = _scheme_tables(toned)
    uses: dict[str, int] = defaultdict(int)  # character -> the number of pypinyin's words it is in
    for word in PHRASES_DICT:
        for ch in set(word):
            uses[ch] += 1
    in_use = {c for c, n in uses.items() if n >= _CANTONESE_USES}
    return {
        "pinyin": _plain_table(pinyin),
        "wade": _plain_table(wade),
        "taiwan": _plain_table(_taiwan_table(toned, pinyin)),
        "cantonese": _cantonese(pinyin_dict, in_use),
        "hokkien": _hokkien(pinyin_dict, in_use),
        "common": sorted(_syllables_of({c for c, n in uses.items() if n >= _COMMON_USES}, pinyin_dict)),
        "words": sorted(_two_character_words(PHRASES_DICT)),
    }


_COMMON_USES = 20  # a common character is in at least this many of pypinyin's words


def _scheme_tables(toned: set[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(pinyin as written in news, Wade-Giles and its kin): written syllable -> the toneless
    pinyin syllables it stands for, from pypinyin's styles."""
    from pypinyin import Style  # the generator's only (see build_syllable_table)
    from pypinyin.style import convert

    pinyin: dict[str, set[str]] = defaultdict(set)
    wade: dict[str, set[str]] = defaultdict(set)
    # (not the interjections ng, m, n, hm, hng: they would cut Wong as wo-ng)
    plain = {convert(p, Style.NORMAL, strict=True) for p in toned} - {"ng", "m", "n", "hm", "hng"}
    for p in plain:
        pinyin[p.replace("v", "u")].add(p)
        wg = convert(p, Style.WADEGILES, strict=True).replace("'", "").replace("v", "u")
        if p.endswith("ai") and wg.endswith("ei"):
            wg = wg[:-2] + "ai"  # pypinyin writes hai, lai, mai, nai, sai, shai, wai, ai as -ei: Wade-Giles keeps ai
        wade[wg].add(p)
        for spelling in _postal(wg):
            wade[spelling].add(p)
    # the postal system's one irregular spelling: Shensi for Shaanxi, to tell it from Shansi
    wade["shen"].add("gr:shaan")
    for p in toned:
        gr = convert(p, Style.GWOYEU, strict=True)
        if re.search(r"([aeiou])\1", gr) and gr not in pinyin and gr not in wade:
            wade[gr].add("gr:" + gr)
    return pinyin, wade


def _taiwan_table(toned: set[str], pinyin: dict[str, set[str]]) -> dict[str, set[str]]:
    """Taiwan's given names keep Gwoyeu Romatzyh's j for zh and j, in any tone, after the first
    syllable (Ma Ying-jeou, Ko Wen-je; a Jean or Jay first is no Chinese syllable)."""
    from pypinyin import Style  # the generator's only (see build_syllable_table)
    from pypinyin.style import convert

    taiwan: dict[str, set[str]] = defaultdict(set)
    for p in toned:
        gr = convert(p, Style.GWOYEU, strict=True)
        if gr.startswith("j") and not gr.startswith("ji") and gr not in pinyin:
            taiwan[gr].add(convert(p, Style.NORMAL, strict=True))
    return taiwan


def _syllables_of(chars: set[str], pinyin_dict: dict[int, str]) -> set[str]:
    """The toneless pinyin syllables of these characters."""
    from pypinyin import Style  # the generator's only (see build_syllable_table)
    from pypinyin.style import convert

    return {
        convert(p, Style.NORMAL, strict=True)
        for c in chars
        if ord(c) in pinyin_dict
        for p in pinyin_dict[ord(c)].split(",")
    }


def _two_character_words(phrases: dict[str, list[list[str]]]) -> set[str]:
    """pypinyin's two-character words in toneless pinyin, u for ü (Hunan, Henan)."""
    from pypinyin import Style  # the generator's only (see build_syllable_table)
    from pypinyin.style import convert

    return {
        "".join(convert(r[0], Style.NORMAL, strict=True) for r in v).replace("v", "u")
        for w, v in phrases.items()
        if len(w) == 2 and len(v) == 2
    }


# a character is in use when its simplified form is in this many of pypinyin's words (the
# surnames Guo, Zheng are in 4 or 5)
_CANTONESE_USES = 3


def _cantonese(pinyin_dict: dict[int, str], in_use: set[str]) -> dict[str, list[str]]:
    """Hong Kong Government romanisation syllable -> pinyin syllables of the characters in use
    it writes (Hong Kong writes traditional characters: read through their simplified form)."""
    import cantoroman  # the generator's only: the shipped table is what linking reads
    import opencc  # likewise
    from pypinyin import Style  # likewise
    from pypinyin.style import convert

    simplified = opencc.OpenCC("t2s").convert
    roman_to_char = cantoroman.Cantonese().romanToChar
    table: dict[str, set[str]] = defaultdict(set)
    for hk, chars in roman_to_char.items():
        for ch in chars:
            if simplified(ch) not in in_use or ord(ch) not in pinyin_dict:
                continue
            for p in pinyin_dict[ord(ch)].split(","):
                py = convert(p, Style.NORMAL, strict=True)
                table[hk].add(py)
                if hk.endswith("i") and len(hk) <= 3:
                    table[hk[:-1] + "ee"].add(py)  # Tung Chee-hwa, Lee
                if hk == "gwoon":
                    table["kwun"].add(py)  # Kwun Tong, Law Kwun-chung: k for g as in Kwok, u for oo
    return {k: sorted(v) for k, v in sorted(table.items()) if k.isascii() and k.isalpha() and v}


def _plain_table(table: dict[str, set[str]]) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in sorted(table.items()) if k.isascii() and k.isalpha()}


# Tailo (taibun's scheme) against the spellings of Hokkien names in Singapore, Malaysia and
# Taiwan, which write neither tones nor aspiration (Tan, Lim, Goh, Khoo, Chua, Teck, Chew)
_Rewrites = tuple[tuple[str, tuple[str, ...]], ...]
_HOKKIEN_INITIALS: _Rewrites = (
    ("tsh", ("ch",)),
    ("ts", ("ch",)),
    ("ph", ("p", "ph")),
    ("th", ("t", "th")),
    ("kh", ("k", "kh")),
)
_HOKKIEN_RIMES: _Rewrites = (
    ("iunn", ("iu", "ew", "eo", "eoh")),  # Teo, Teoh, Yeo for Zhang, Yang (ionn in Zhangzhou)
    ("uinn", ("ui", "wee", "ooi")),  # Wee, Ooi for Huang
    ("oo", ("o", "oh", "oo")),  # Goh, Toh, Khoo
    ("ing", ("ing", "eng")),  # Ng Eng Hen, Heng
    ("ik", ("ik", "ek", "eck")),  # Khoo Teck Puat
    ("ok", ("ok", "ock")),  # Goh Chok Tong
    ("iu", ("iu", "ew")),  # Chew
    ("iong", ("iong", "eong")),  # Ong Teng Cheong
    ("ian", ("ian", "ean", "ien")),  # Teo Chee Hean
    ("un", ("un", "oon")),  # Lim Boon Keng
    ("ui", ("ui", "wee")),  # Goh Keng Swee
    ("au", ("au", "ow")),  # Low
)
_HOKKIEN_FINALS: _Rewrites = (("i", ("i", "ee")), ("e", ("e", "eh", "ay")), ("a", ("a", "ah")), ("o", ("o", "oh")))


def hokkien_spellings(tailo: str) -> set[str]:
    """The ways a toneless Tailo syllable is written in names: tsh and ts as ch, aspiration
    dropped, the nasal nn dropped, ng as g, oo as o or oh, ing as eng, a final i as ee, e as eh or
    ay."""
    base = tailo if tailo.endswith(("iunn", "uinn")) or not tailo.endswith("nn") else tailo[:-2]
    for src, dsts in _HOKKIEN_INITIALS:
        if base.startswith(src):
            rest = base[len(src) :]
            heads = [d + "\0" for d in dsts]
            break
    else:
        # ng before a vowel is g's nasal form (Goh for ngoo)
        heads, rest = (["ng\0", "g\0"], base[2:]) if base.startswith("ng") and len(base) > 2 else (["\0"], base)
    rimes = [rest]
    for src, dsts in _HOKKIEN_RIMES:
        if rest.endswith(src):
            rimes = [rest[: -len(src)] + d for d in dsts]
            break
    else:
        for src, dsts in _HOKKIEN_FINALS:
            if rest.endswith(src) and (len(rest) == 1 or (len(rest) == 2 and rest[0] not in "aeiou")):
                rimes = [rest[: -len(src)] + d for d in dsts]
                break
    out = {h.replace("\0", r) for h in heads for r in rimes}
    out |= {"y" + s[1:] for s in out if s.startswith("i") and s[1:2] in ("a", "o", "u")}  # Yong, Yap
    out |= {"y" + s for s in out if s.startswith("e") and tailo.startswith("i")}  # Yeo, Yeoh
    out |= {"w" + s[1:] for s in out if s.startswith("u") and s[1:2] in ("a", "e", "i")}  # Wee, Wan
    return out


def _hokkien(pinyin_dict: dict[int, str], in_use: set[str]) -> dict[str, list[str]]:
    """Hokkien syllable as names write it -> the pinyin syllables of the characters in use it
    reads (taibun's literary and colloquial readings: Tan and Tin for Chen, Lim for Lin, Ng
    for Huang, Goh for Wu)."""
    import opencc  # the generator's only (see build_syllable_table)
    from pypinyin import Style  # likewise
    from pypinyin.style import convert
    from taibun.taibun import prons_dict  # likewise

    simplified = opencc.OpenCC("t2s").convert
    table: dict[str, set[str]] = defaultdict(set)
    for ch, prons in prons_dict.items():
        simple = simplified(ch)
        if simple not in in_use or ord(simple) not in pinyin_dict:
            continue
        syllables = {convert(p, Style.NORMAL, strict=True) for p in pinyin_dict[ord(simple)].split(",")}
        for pron in prons:
            for reading in pron.split("/"):
                plain = "".join(c for c in unicodedata.normalize("NFD", reading.lower()) if c.isascii())
                for spelling in hokkien_spellings(plain):
                    table[spelling] |= syllables
    return {k: sorted(v) for k, v in sorted(table.items()) if k.isascii() and k.isalpha() and v}
