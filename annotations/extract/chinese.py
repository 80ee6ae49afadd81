"""Chinese names written in pinyin, Wade-Giles (Taiwan's spellings), postal or Gwoyeu Romatzyh.

A token is read as a sequence of Mandarin syllables; each written syllable stands for the
pinyin syllables it can write. The syllable table is built from pypinyin: every pinyin
syllable as written in news (no tones, u for ü), its Wade-Giles spelling without apostrophes
or umlauts (Chou for Zhou and Ch'ou for Chou both become "chou"), and the postal spellings
derived from Wade-Giles by the rules the postal system used (hs to s: Sinkiang; ch before i
to k or ts: Kiang, Tsing; ku to kw: Kwang; ou to ow: Kwangchow). Gwoyeu Romatzyh spellings
with a doubled vowel (the tone-3 spelling kept in Shaanxi) stand only for themselves, so
Shaanxi and Shanxi, two provinces, never read alike.

Two tokens are the same Chinese name when some reading of one is a reading of the other:
Zhou / Chou, Jiang / Chiang / Kiang, Xinjiang / Sinkiang; Chang (Zhang or Chang) and Chiang
(Jiang or Qiang), or Hubei and Hebei, have none in common. The linker applies this rule, in
place of the edit distance, between forms that are both Chinese (``chinese_form``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from annotations.extract.chinese_table import build_syllable_table

__all__ = [
    "TABLE_PATH",
    "block_keys",
    "build_syllable_table",
    "cantonese_form",
    "cantonese_table",
    "cantonese_token",
    "chinese_form",
    "chinese_given_name",
    "chinese_token",
    "english_name_before_pinyin",
    "english_name_first",
    "given_initials",
    "hokkien_form",
    "hokkien_token",
    "one_syllable_names",
    "pinyin_apostrophe",
    "pinyin_form",
    "reading_matches",
    "readings",
    "same_name",
    "scheme_readings",
    "syllable_matches",
    "syllable_table",
]

TABLE_PATH = Path(__file__).resolve().parents[1] / "data" / "chinese_syllables.json"
"""The table build_syllable_table (chinese_table.py) makes, shipped so that linking does not pay pypinyin's
1.3 s import (regenerate: python -m annotations.extract.chinese; a test checks it is current)."""

_MAX_READINGS = 32


class _Tables(NamedTuple):
    pinyin: dict[str, frozenset[str]]  # pinyin as written in news (with Gwoyeu Romatzyh's aa: Shaanxi)
    wade: dict[str, frozenset[str]]  # Wade-Giles, postal, Taiwanese, Gwoyeu Romatzyh
    taiwan: dict[str, frozenset[str]]  # Gwoyeu Romatzyh's j syllables (Ying-jeou), not first in a token
    cantonese: dict[str, frozenset[str]]
    hokkien: dict[str, frozenset[str]]  # as Singapore, Malaysia and Taiwan write Hokkien names
    common: frozenset[str]
    words: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    wade = {k: frozenset(v) for k, v in data["wade"].items()}
    pinyin = {k: frozenset(v) for k, v in data["pinyin"].items()}
    # the doubled vowels of Gwoyeu Romatzyh that official pinyin keeps (Shaanxi)
    pinyin.update((k, v) for k, v in wade.items() if all(p.startswith("gr:") for p in v))
    # the southern readings: Hong Kong's Cantonese and Singapore's or Taiwan's Hokkien
    cantonese = {k: frozenset(v) for k, v in data["cantonese"].items()}
    hokkien = {k: frozenset(v) for k, v in data["hokkien"].items()}
    taiwan = {k: frozenset(v) for k, v in data["taiwan"].items()}
    return _Tables(pinyin, wade, taiwan, cantonese, hokkien, frozenset(data["common"]), frozenset(data["words"]))


def syllable_table() -> dict[str, frozenset[str]]:
    """The shipped Mandarin table (build_syllable_table): every written syllable, pinyin or
    Wade-Giles and its kin, -> the pinyin syllables it can stand for."""
    t = _tables()
    out = dict(t.wade)
    for k, v in t.pinyin.items():
        out[k] = out[k] | v if k in out else v
    return out


def cantonese_table() -> dict[str, frozenset[str]]:
    """The shipped Cantonese table (build_syllable_table), as sets."""
    return _tables().cantonese


@lru_cache(maxsize=1 << 16)
def readings(token: str, cantonese: bool = False, hokkien: bool = False) -> tuple[tuple[frozenset[str], ...], ...]:
    """Every way to cut a normalised token into written syllables, as per-syllable sets of
    pinyin syllables (at most 32 cuts; () if it cannot be cut): see scheme_readings."""
    return tuple(cut for _, cut in scheme_readings(token, cantonese, hokkien))


_Cut = tuple[frozenset[str], ...]


@lru_cache(maxsize=1 << 16)
def scheme_readings(token: str, cantonese: bool = False, hokkien: bool = False) -> tuple[tuple[str, _Cut], ...]:
    """Every way to cut a normalised token into written syllables, each with its scheme: "m"
    (Mandarin), "c" (Cantonese) or "h" (Hokkien).

    A Mandarin cut is written in one scheme: all pinyin, or all Wade-Giles and its kin (postal,
    Taiwanese, Gwoyeu Romatzyh), so the zhou of Suzhou says its su is pinyin su, not the postal
    su of Xuzhou. Hong Kong (Cantonese) cuts are added when `cantonese` (the token is part of a
    Hong Kong name: see cantonese_form) or when the token reads as no syllables of common
    characters otherwise (Leung, Cheung); a token that reads as common pinyin is not read as
    Cantonese on its own (Li Ping is not Li Peng). Hokkien cuts (Tan, Lim, Goh, Teo) are added
    only when `hokkien` (the token is part of a Hokkien name: see hokkien_form): a Hokkien
    syllable reads as many Mandarin ones."""
    if not token.isascii() or not token.isalpha() or len(token) > 24:
        return ()
    t = _tables()
    mandarin = (_cuts(token, t.pinyin, True) + _cuts(token, t.wade, inner=t.taiwan))[:_MAX_READINGS]
    out = [("m", cut) for cut in mandarin]
    if hokkien:
        out += [("h", cut) for cut in _cuts(token, t.hokkien)]
    if cantonese or not any(all(not syl.isdisjoint(t.common) for syl in cut) for cut in mandarin):
        out += [("c", cut) for cut in _cuts(token, t.cantonese)]
    return tuple(out[:_MAX_READINGS])


_WHOLE_ONLY = frozenset({"ng", "m"})  # Cantonese Ng (Wu) is a name, not the end of Wong
_VOWELS = frozenset("aeiou")


def _cuts(
    token: str,
    table: dict[str, frozenset[str]],
    pinyin: bool = False,
    inner: dict[str, frozenset[str]] | None = None,
) -> tuple[tuple[frozenset[str], ...], ...]:
    """The cuts of a token into syllables of `table` (and, after the first syllable, of
    `inner`). In pinyin (`pinyin`), a syllable that starts with a vowel never follows one that
    ends with a vowel: pinyin writes Xi'an, so cheeying is not che-e-ying."""
    n = len(token)
    # cuts[i]: the ways to cut token[i:]
    cuts: list[list[tuple[frozenset[str], ...]]] = [[] for _ in range(n + 1)]
    cuts[n] = [()]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, min(n, i + 7) + 1):
            after = cuts[j]
            if not after:  # (most tokens are no Chinese name: skip the look-up)
                continue
            piece = token[i:j]
            syl = table.get(piece)
            if i and inner and piece in inner:
                syl = syl | inner[piece] if syl else inner[piece]
            if syl is None or (piece in _WHOLE_ONLY and (i, j) != (0, n)):
                continue
            if pinyin and j < n and piece[-1] in _VOWELS and token[j] in _VOWELS:
                continue
            cuts[i].extend((syl, *rest) for rest in after[:_MAX_READINGS])
        cuts[i] = cuts[i][:_MAX_READINGS]
    return tuple(cuts[0])


def same_name(
    a: str,
    b: str,
    cantonese_a: bool = False,
    cantonese_b: bool = False,
    hokkien_a: bool = False,
    hokkien_b: bool = False,
) -> bool:
    """True if some reading of token a is a reading of token b (each read as Cantonese, or as
    Hokkien, too when its flags say it is part of a Hong Kong or a Hokkien name). A Hokkien
    reading meets only a Mandarin reading of a token of a name not written the Hokkien way:
    Hokkien syllables each read as many Mandarin ones, and two Hokkien spellings would meet
    through Mandarin too often (Boon Keng / Boon Heng; Chee Beng / Chee Meng, Meng read as
    Mandarin in a Hokkien name)."""
    ra, rb = scheme_readings(a, cantonese_a, hokkien_a), scheme_readings(b, cantonese_b, hokkien_b)
    for sa, x in ra:
        for sb, y in rb:
            if len(x) != len(y) or not all(s & t for s, t in zip(x, y)):
                continue
            if sa == "h" or sb == "h":
                if ((sa, sb) == ("h", "m") and not hokkien_b) or ((sa, sb) == ("m", "h") and not hokkien_a):
                    return True
                continue
            return True
    return False


@lru_cache(maxsize=1 << 16)
def cantonese_token(token: str) -> bool:
    """True if a token reads as Hong Kong (Cantonese) syllables and as no Mandarin ones
    (Leung, Cheung, Kwok, Fung, Chee-ying): cuts through Gwoyeu Romatzyh's doubled vowels
    are no Mandarin evidence."""
    t = _tables()
    for cut in (*_cuts(token, t.pinyin, True), *_cuts(token, t.wade)):
        if not any(p.startswith("gr:") for syl in cut for p in syl):
            return False
    return bool(_cuts(token, t.cantonese))


def cantonese_form(tokens: Sequence[str]) -> bool:
    """True if a Chinese name is written the Hong Kong way: one of its tokens reads only as
    Cantonese (Leung Chun-ying, Lai Chee-ying) and it is not written the Hokkien way (see
    hokkien_form); its other tokens are then read as Cantonese too (Chun for Zhen)."""
    return any(cantonese_token(t) for t in tokens) and not hokkien_form(tokens)


@lru_cache(maxsize=1 << 16)
def hokkien_token(token: str) -> bool:
    """True if a token reads as Hokkien syllables as Singapore, Malaysia and Taiwan write them,
    and as no Mandarin ones (Lim, Goh, Khoo, Teo, Chok, Boon)."""
    return not _mandarin(token) and bool(_cuts(token, _tables().hokkien))


def hokkien_form(tokens: Sequence[str]) -> bool:
    """True if a Chinese name is written the Hokkien way: one of its tokens reads only as
    Hokkien, every token reads as Mandarin or Hokkien, and some token as neither common Mandarin
    nor Cantonese (Lim Guan Eng, Goh Chok Tong, Tan Cheng Lock; Lai Chee-ying, whose every token
    reads as Cantonese, is a Hong Kong name); its other tokens are then read as Hokkien too (Tan
    for Chen)."""
    t = _tables()
    if not any(hokkien_token(x) for x in tokens) or not _hokkien_shape(tokens, _mandarin):
        return False
    return not all(_common_mandarin(x) or _cuts(x, t.cantonese) for x in tokens)


def _hokkien_shape(tokens: Sequence[str], other: Callable[[str], object]) -> bool:
    """True if every token reads `other`wise (as Mandarin, say) or is one Hokkien syllable, but
    for a last token (a hyphenated given name, joined) of two: Singapore, Malaysia and Taiwan
    write a Hokkien name syllable by syllable (Goh Chok Tong, Goh Chok-tong), and Hokkien's many
    short syllables cut most words (Beit Hanoun, Nabatieh are no Hokkien names)."""
    t = _tables()
    last = len(tokens) - 1
    return all(
        other(x) or x in t.hokkien or (k == last > 0 and any(len(c) == 2 for c in _cuts(x, t.hokkien)))
        for k, x in enumerate(tokens)
    )


@lru_cache(maxsize=1 << 16)
def _common_mandarin(token: str) -> bool:
    """True if a token cuts into Mandarin syllables of common characters (not Eng, a rare
    syllable, that Lim Guan Eng writes in Hokkien)."""
    common = _tables().common
    return any(all(not syl.isdisjoint(common) for syl in cut) for cut in readings(token))


# the aspirated and unaspirated initials (which Wade-Giles tells apart only with an apostrophe)
# fall together in a block key, so that every pair same_name accepts shares one
_COARSE = (("zh", "j"), ("ch", "j"), ("q", "j"), ("z", "j"), ("c", "j"), ("x", "s"), ("sh", "s"))
_COARSE_INITIAL = {"b": "p", "d": "t", "g": "k"}


def _coarse(syllable: str) -> str:
    for src, dst in _COARSE:
        if syllable.startswith(src):
            return dst + syllable[len(src) :]
    return _COARSE_INITIAL.get(syllable[:1], syllable[:1]) + syllable[1:]


def block_keys(token: str, cantonese: bool = False, hokkien: bool = False) -> set[str]:
    """Keys that every token `same_name` would accept with this one shares at least one of:
    the syllable count with the first and last syllables (coarsened), of every reading (a
    shared reading shares them; Cantonese syllables stand for a dozen pinyin ones, so whole
    readings would be too many keys)."""
    keys: set[str] = set()
    for cut in readings(token, cantonese, hokkien):
        first = {_coarse(s) for s in cut[0]}
        last = {_coarse(s) for s in cut[-1]}
        keys.update(f"zh{len(cut)}:{a}-{b}" for a in first for b in last)
    return keys


# the letters of Wade-Giles and postal spellings (no b, d, g, q, x, z: those are pinyin's)
_WADE_LETTERS = re.compile(r"[acefhijklmnoprstuwy]+")


def syllable_matches(
    tokens: Sequence[str],
    of_chinese: set[int],
    of_cantonese: AbstractSet[int] = frozenset(),
    unmarked: AbstractSet[int] = frozenset(),
    of_hokkien: AbstractSet[int] = frozenset(),
) -> list[tuple[int, int]]:
    """Pairs of token ids (a < b) that read as one Chinese name (Zhou / Chou, Tsingtao /
    Qingdao), among the ids in `of_chinese` and any token that looks Chinese; those in
    `of_cantonese` are read as Cantonese too, those in `of_hokkien` as Hokkien. A token in
    `unmarked` (of a place name, say) is paired only with one of those: Shensi / Shaanxi, Hopeh /
    Hebei, not Hunan / Henan."""
    blocks: dict[str, set[int]] = defaultdict(set)
    marked: set[int] = set()
    for t, token in enumerate(tokens):
        if t in of_chinese or chinese_token(token):
            marked.add(t)
        elif t not in unmarked or not _WADE_LETTERS.fullmatch(token):
            continue
        for key in block_keys(token, t in of_cantonese, t in of_hokkien):
            blocks[key].add(t)
    out: set[tuple[int, int]] = set()
    for ids in blocks.values():
        ordered = sorted(ids)
        for k, a in enumerate(ordered):
            for b in ordered[k + 1 :]:
                if (a, b) in out or (a not in marked and b not in marked):
                    continue
                if same_name(
                    tokens[a], tokens[b], a in of_cantonese, b in of_cantonese, a in of_hokkien, b in of_hokkien
                ):
                    out.add((a, b))
    return sorted(out)


def reading_matches(
    tokens: Sequence[str], left: AbstractSet[int], right: AbstractSet[int], cantonese: bool = False
) -> list[tuple[int, int]]:
    """Pairs of token ids (a in `left`, b in `right`, a != b) where some reading of token a
    (Cantonese ones too with `cantonese`) is a Mandarin reading of token b: Siulung / Xiaolong
    for the Cantonese reading of a Hong Kong name against its pinyin, only across the two sets,
    since two Cantonese readings meet too often (Lee / Tai); Bai / Pai between names of
    one-syllable tokens."""
    blocks: dict[str, set[int]] = defaultdict(set)
    for t in right:
        for key in block_keys(tokens[t]):
            blocks[key].add(t)
    out: set[tuple[int, int]] = set()
    for a in left:
        for key in block_keys(tokens[a], cantonese=cantonese):
            for b in blocks.get(key, ()):
                if b != a and (a, b) not in out and same_name(tokens[a], tokens[b], cantonese, False):
                    out.add((a, b))
    return sorted(out)


# what only Chinese romanisations write (Arabic or Persian names that happen to cut into
# syllables, Ali Hasan, do not): x, q, zh, hs, ts, tz, ng, and these vowel runs
_MARK = re.compile(r"x|q|zh|hs|ts|tz|ng|ao|ui|uo|ie|iu|ei|ou|ua|ia|ow|ch|jin|jia|jie|jiu|jio")


def chinese_token(token: str, cantonese: bool = False, hokkien: bool = False) -> bool:
    """True if a token cuts into syllables (Cantonese or Hokkien ones too, as its flags say)
    and shows a mark only Chinese romanisations make."""
    return bool(_MARK.search(token)) and bool(readings(token, cantonese, hokkien))


def chinese_form(tokens: tuple[str, ...], place: bool = False, hyphenated: bool = False) -> bool:
    """True if a form reads as a Chinese name: every token cuts into syllables and one shows
    a mark only Chinese romanisations make or, for a `place` (not a person's name), is a
    two-character word of pypinyin's in pinyin (Hunan, Henan: no mark, yet Chinese; Anna is
    a word too, hence not for people) or, when the name was written with a hyphenated given
    name, reads only as Cantonese (Lau Tak-wah) or every token reads as Mandarin (Ko Wen-je;
    Korean given names, Jae-in, Geun-hye, mostly do not)."""
    marked = any(_MARK.search(t) or (place and t in _tables().words) for t in tokens)
    if not (marked or (hyphenated and len(tokens) >= 2)):
        return False  # (the mark first: most names have none, and cutting costs more)
    if not _hokkien_shape(tokens, readings):
        return False
    return marked or cantonese_form(tokens) or hokkien_form(tokens) or all(map(_mandarin, tokens))


_APOSTROPHE = re.compile(r"^([a-z]+)'([aeo][a-z]*)$")


def pinyin_apostrophe(written: str) -> bool:
    """True if a one-word name is written with pinyin's apostrophe before a syllable that starts
    with a, e or o, and both sides cut into pinyin syllables (Yan'an, Tai'an): a mark only
    pinyin makes, lost when the name is normalised (Yanan)."""
    plain = unicodedata.normalize("NFKD", written.strip().replace("\u2019", "'")).encode("ascii", "ignore")
    m = _APOSTROPHE.match(plain.decode().lower())
    t = _tables()
    return m is not None and all(_cuts(part, t.pinyin, True) for part in m.groups())


def one_syllable_names(tokens: Sequence[str]) -> bool:
    """True if a name of two or three tokens is written in Mandarin syllables of one token each
    (Li Bai, Tu Fu, Li Po): a Chinese name that shows no mark, or one of many other names (Ben
    Lee, Le Duan), so linking reads it as Chinese only beside another such name."""
    if not 2 <= len(tokens) <= 3:
        return False
    t = _tables()
    return all(len(x) >= 2 and (x in t.pinyin or x in t.wade) and not _gr_only(x) for x in tokens)


def _gr_only(token: str) -> bool:
    """True if a written syllable stands only for Gwoyeu Romatzyh's doubled vowels (Shaan)."""
    t = _tables()
    readings_of = t.pinyin.get(token, frozenset()) | t.wade.get(token, frozenset())
    return all(p.startswith("gr:") for p in readings_of)


@lru_cache(maxsize=1 << 16)
def _pinyin(token: str) -> bool:
    """True if a token cuts into pinyin syllables (not Wade-Giles, postal or Gwoyeu Romatzyh)."""
    return bool(_cuts(token, _tables().pinyin, True))


def pinyin_form(tokens: Sequence[str]) -> bool:
    """True if every token of a name cuts into pinyin syllables and one shows a mark only pinyin
    writes (x, q, zh, or a z or c before a vowel: Xiaolong, Guancong, Ziqiong), as the mainland
    writes a Hong Kong or Taiwan name (Li Xiaolong for Lee Siu-lung)."""
    return bool(tokens) and all(map(_pinyin, tokens)) and any(_PINYIN_MARK.search(t) for t in tokens)


_PINYIN_MARK = re.compile(r"x|q|zh|(?<![st])z[aeiou]|(?<![st])c[aeiou]")


@lru_cache(maxsize=1 << 16)
def _mandarin(token: str) -> bool:
    """True if a token cuts into Mandarin syllables (pinyin, or Wade-Giles and its kin)."""
    t = _tables()
    return bool(_cuts(token, t.pinyin, True) or _cuts(token, t.wade, inner=t.taiwan))


def chinese_given_name(written: str) -> bool:
    """True if a name as written ends in a surname of one syllable and a hyphenated given name
    of two (Ko Wen-je, Lau Tak-wah; an English name may come first, Jimmy Lai Chee-ying, and a
    married woman's surname before her own, Carrie Lam Cheng Yuet-ngor): the
    shape that lets a name without a Chinese mark be read as Chinese (not Abdel-Fattah
    el-Sisi)."""
    words = unicodedata.normalize("NFKD", written).lower().split()
    if not 2 <= len(words) <= 4 or words[-1].count("-") != 1:
        return False
    # the given name's two syllables and the surname (or two: Carrie Lam Cheng Yuet-ngor)
    syllables = [*words[-1].split("-"), *words[max(1, len(words) - 3) if len(words) > 2 else 0 : -1]]
    t = _tables()
    for w in syllables:
        w = "".join(c for c in w if c.isascii() and c.isalpha())
        if not any(w in table for table in (t.pinyin, t.wade, t.cantonese, t.hokkien, t.taiwan)):
            return False
    return True


def english_name_first(tokens: Sequence[str]) -> bool:
    """True if a name is written the Hong Kong way, an English given name before the Chinese
    name (Jimmy Lai Chee-ying, Joshua Wong Chi-fung): the first token reads as no Chinese
    syllables (or, before a Hong Kong name, no Cantonese ones: Joshua) and the rest, surname
    and given name, is a Chinese name."""
    if len(tokens) < 3 or not chinese_form(rest := tuple(tokens[1:]), hyphenated=True):
        return False
    return not readings(tokens[0]) or (cantonese_form(rest) and not _cuts(tokens[0], _tables().cantonese))


def english_name_before_pinyin(tokens: Sequence[str]) -> bool:
    """True if a name is an English given name before a Chinese name in pinyin, surname first
    and a given name of two syllables (Robin Li Yanhong, Pony Ma Huateng): the first token reads
    as no Chinese syllables and the rest is a marked Chinese name all in pinyin."""
    if len(tokens) != 3 or readings(tokens[0]) or tokens[1] not in _tables().pinyin:
        return False
    rest = tuple(tokens[1:])
    return (
        chinese_form(rest)
        and all(map(_pinyin, rest))
        and any(len(cut) == 2 for cut in _cuts(rest[1], _tables().pinyin, True))
    )


def given_initials(written: str) -> str:
    """The initials of a hyphenated two-syllable given name written last (Leung Chun-ying ->
    "cy", as Hong Kong writes CY Leung), or "" if the name has none."""
    last = written.split()[-1] if written.split() else ""
    parts = [p for p in last.split("-") if p]
    if len(parts) != 2 or not all(p[:1].isascii() and p[:1].isalpha() for p in parts):
        return ""
    return (parts[0][0] + parts[1][0]).lower()


if __name__ == "__main__":
    TABLE_PATH.write_text(
        json.dumps(build_syllable_table(), sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
