"""Other readings of a name token: the spelling conventions that make one name look like two.

``alternates(token)`` returns the token as other romanisation conventions would have
written it in the linker's reference convention (English-language news, Wikipedia's
romanisation of Russian), so that the distance in distance.py compares like with like:

* **Cyrillic-origin names** in the schemes outlets use: French (MVD 310, the scheme of French
  passports: Tchekhov, Khrouchtchev, Gorbatchev), ICAO passports (Iuliia), GOST (Tcar),
  and German (Tschechow, Gorbatschow, Kiew, Jelzin). The Russian
  schemes' letter tables come from the iuliia library (each scheme against its Wikipedia
  scheme, letter by letter; a letter written alike by two Cyrillic letters is left alone, so
  "e" and "i" are never rewritten). No maintained library ships the German (Duden)
  transcription, so its six rules are written out below.
* **Vowels in hiatus and glides** of Arabic and Persian names: French "ou" before a vowel is
  a w (Alaoui / Alawi, Badouan / Badwan, Anuar / Anwar); a / u in hiatus is a w (Daudi /
  Dawudi / Daoudi); an e inside a run of three vowels is a hiatus mark (Saeidi / Saidi,
  Rajaie / Rajai, Mashaei / Mashai); i or e before a y glide is one sound (Ziyad / Ziad /
  Zeyad); a doubled vowel after a glide is one vowel (Zayeed / Zayed).
* **Arabic and Persian names in other spellings**: dh between vowels is the z of Persian,
  Turkish and Iraqi Arabic (Kadhimi / Kazimi, Nadhim / Nazim); German writes kh as ch, also at
  the start of a name of five letters or more (Chaldun / Khaldun, Rub al-Chali), and keeps an
  Arabic z (Zarandsch / Zaranj); the aspirated bh of Urdu names loses its h (Bhutto / Butto).

Alternates only ever add readings (the token as written is always compared too), and they
never change how many tokens a name has, so cannot-link rules (an extra given name, a
different given name) are untouched.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial

import iuliia

__all__ = ["alternates", "scheme_rewrites"]

# iuliia schemes whose letters differ from the Wikipedia scheme in ways news spellings show
_SCHEMES = ("MVD_310_FR", "ICAO_DOC_9303", "GOST_52535")
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"

# Rules the iuliia tables cannot give, as (pattern, replacement), tried in order at each
# position (one pass: a replacement is never rewritten again).
# German (Duden) transcription, of Russian and of Arabic names alike (Tschechow, Gorbatschow,
# Saluschnyj, Donezk, Jermak, Mudschahid, Machfus); sch is both sh and zh (Schomart = Zhomart).
# No maintained library ships it.
_GERMAN = (
    ("dsch", "j"),
    ("tsch", "ch"),
    ("sch", "sh"),
    ("ch", "kh"),
    ("w", "v"),
    ("tz", "ts"),
    ("z", "ts"),
    ("j", "y"),
)
# ... and its second reading: sch as zh, s before a vowel or a final s after one as z (Saluschnyj =
# Zaluzhny, Sarif, Machfus = Mahfuz)
_GERMAN_Z = (
    ("sch", "zh"),
    ("(?<![st])s(?=[aeiouy])", "z"),
    ("(?<=[aeiou])s$", "z"),
    *[r for r in _GERMAN if r[0] != "sch"],
)
# ... and its reading of Arabic and Persian names, whose z German writes as z too (Zarandsch = Zaranj)
_GERMAN_KEEP_Z = tuple(r for r in _GERMAN if "z" not in r[0])
# scholarly (Czech-style) spellings once their carons are gone: c for ch, ch for kh
# (Cechov = Chekhov, Chruscev = Khrushchev)
_SCHOLARLY = (("ch", "kh"), ("c(?![hk])", "ch"))
# French spellings beyond the letter table: j is zh (Zaloujny), a final mute e after a
# consonant (Sourovikine, Salmane), i between vowels is y (Tokaiev)
_FRENCH_EXTRA = (
    ("j", "zh"),
    ("(?<=[bcdfgklmnprstvz])e$", ""),
    ("(?<=[aeou])i(?=e)", "y"),
)
# a German reading is only tried on a token that shows a German mark (so Jamal stays Jamal): ch
# after a vowel or after l, n, r (Torcham = Torkham); an initial ch before a vowel is one in a name of five letters or more (Chaldun = Khaldun, Chamenei),
# not in a shorter one, where it is far more often the Cantonese or English ch (Chan is not Khan)
_GERMAN_MARK = re.compile(
    r"sch|w|j|tz|z$|zk|zj|(?<=[aeiou])ch|(?<=[lnr])ch(?=[aeiou])|(?:^|-)ch(?=[aeiou][a-z]{2})|(?<=[aeiourln])s(?=[aeiouy])"
)
_SCHOLARLY_MARK = re.compile(r"c(?![hk])")


@lru_cache(maxsize=1)
def scheme_rewrites() -> dict[str, tuple[tuple[str, str], ...]]:
    """Per scheme, its rewrites to the Wikipedia scheme as (regex, replacement), tried in
    order at each position. The Russian schemes' rules come from iuliia's letter tables: the
    letters whose spelling differs from Wikipedia's where the scheme's spelling is ASCII and
    written by no other letter (single letters only if consonants: French j for zh)."""
    ref = iuliia.WIKIPEDIA
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for name in _SCHEMES:
        scheme = getattr(iuliia, name)
        pairs: dict[str, set[str]] = {}
        for ch in _CYRILLIC:
            src, dst = scheme.translate(ch), ref.translate(ch)
            pairs.setdefault(src, set()).add(dst)
        rules = [
            (src, next(iter(dst)))
            for src, dst in pairs.items()
            if len(dst) == 1
            and src.isascii()
            and src.isalpha()
            and (len(src) >= 2 or src not in "aeiouy")
            and next(iter(dst)) not in ("", src)
        ]
        rules.sort(key=lambda r: (-len(r[0]), r[0]))
        extra = _FRENCH_EXTRA if name == "MVD_310_FR" else ()
        out[name] = tuple((re.escape(src), dst) for src, dst in rules if src != "j" or not extra) + extra
    out["GERMAN"] = _GERMAN
    out["GERMAN_Z"] = _GERMAN_Z
    out["GERMAN_KEEP_Z"] = _GERMAN_KEEP_Z
    out["SCHOLARLY"] = _SCHOLARLY
    return out


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]:
    """Each scheme as one regex of numbered alternatives and their replacements."""
    rules = []
    for name, pairs in scheme_rewrites().items():
        pattern = re.compile("|".join(f"(?P<r{k}>{p})" for k, (p, _) in enumerate(pairs)))
        rules.append((name, pattern, tuple(r for _, r in pairs)))
    return tuple(rules)


# hiatus and glides (see the module docstring)
_OU_GLIDE = re.compile(r"(?<=[a-z])(?:ou|u)(?=[aeiy])")
_AU_HIATUS = re.compile(r"(?<=[^aeiou])a(?:o|u)(?=[^aeiouwy])(?!$)")
_E_IN_RUN = re.compile(r"(?<=[aiou])e(?=[aiou])|(?<=ai)e|(?<=a)e(?=i)")
_Y_GLIDE = re.compile(r"(?<=[^aeiouy])[ei]y(?=[aoue])")
_DOUBLE_AFTER_GLIDE = re.compile(r"(?<=[yw])(ee|ii|oo|aa)")


# dh (Arabic dhal and zha) between vowels is read z in Persian, Turkish and Iraqi Arabic, and
# written so (Kadhimi / Kazimi / Kazemi, Ramadhan / Ramazan, Nadhim / Nazim)
_DH_AS_Z = re.compile(r"(?<=[aeiou])dh(?=[aeiou])")
# the aspirated bh of Urdu and Hindi names is written without its h by German and French outlets
# (Bhutto / Butto, Bhopal / Bopal); no other convention writes bh
_BH = re.compile(r"bh")


def _hiatus(token: str) -> str:
    t = _OU_GLIDE.sub("w", token)
    t = _AU_HIATUS.sub("awu", t)
    t = _E_IN_RUN.sub("", t)
    t = _Y_GLIDE.sub("i", t)
    return _DOUBLE_AFTER_GLIDE.sub(lambda m: m.group(1)[0], t)


def _replace(table: tuple[str, ...], m: re.Match[str]) -> str:
    return table[int((m.lastgroup or "r0")[1:])]


@lru_cache(maxsize=1 << 16)
def alternates(token: str) -> tuple[str, ...]:
    """Other spellings of a normalised token under the conventions above, without the token
    itself (usually empty)."""
    if len(token) < 3 or not token.isascii():
        return ()
    out: list[str] = []
    for name, pattern, table in _compiled():
        if name.startswith("GERMAN") and not _GERMAN_MARK.search(token):
            continue
        if name == "SCHOLARLY" and not _SCHOLARLY_MARK.search(token):
            continue
        alt = pattern.sub(partial(_replace, table), token)
        if alt != token and alt not in out:
            out.append(alt)
    for h in (_hiatus(token), _DH_AS_Z.sub("z", token), _BH.sub("b", token)):
        if h != token and h not in out:
            out.append(h)
    return tuple(out)
