"""Name normalisation, transliteration skeletons and per-token similarity for the variant linker.

Pure Python (plus rapidfuzz for the fast paths); no Textual, no database.

Three representations of a name token are used:

* the *normalised* token: NFKD, combining marks and quote marks dropped, casefolded
  (``"Mas'ūd"`` -> ``"masud"``);
* the *symbol skeleton*: a transliteration-tolerant spelling where digraphs become one symbol
  (sh -> S, kh -> X, dh -> d, q -> k ...), doubled letters collapse and every vowel run becomes
  one vowel class (A, E, I, U, Y = ai/ei, W = au), so Masood, Massoud and Masoud all read
  ``mAsUd``;
* the *blocking key*: the skeleton without vowels or h, with consonant classes merged
  (k/g/q/kh, s/z/sh/zh/ch/j, t/d, b/p/f/v), used only to decide which tokens get compared.

The weighted edit distance over skeletons, and the similarity built on it, are in distance.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from annotations.extract.romanize import alternates

__all__ = [
    "NAME_SUFFIXES",
    "ORG_DESIGNATORS",
    "PARTICLES",
    "TITLES",
    "VOWEL_CLASSES",
    "block_keys",
    "block_keys_symbols",
    "clear_caches",
    "describe_token_pair",
    "loose",
    "loose_symbols",
    "loose_symbols_many",
    "name_from_form",
    "normalize",
    "normalize_many",
    "plain_line",
    "skeletons",
    "strip_possessive",
    "symbols",
    "symbols_many",
]

# --------------------------------------------------------------------------- normalise

# Quote-like marks that transliterations put inside names (ʿ ʾ ‘ ’ ' ʼ ʻ ` ´ ′): dropped, not
# turned into spaces, so Qa'ida == Qaida and Sana'a == Sanaa.
_QUOTES = "'\u2018\u2019\u02bc\u02bb\u02bf\u02be\u0060\u00b4\u2032\u02b9\u02c8\u201b"
_QUOTE_RE = re.compile("[" + re.escape(_QUOTES) + "]")
_POSSESSIVE_RE = re.compile("[" + re.escape(_QUOTES) + r"]s\s*$", re.IGNORECASE)
# Letters NFKD does not decompose.
_LETTER_MAP = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
        "ŋ": "n",
        "ß": "ss",
        "ſ": "s",
    }
)
_NON_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def normalize(form: str) -> str:
    """Normalise a surface form for comparison.

    NFKD with combining marks removed, quote marks (ʿ ʾ ‘ ’ ') dropped, casefolded, a final
    possessive 's / ’s removed, other punctuation turned into spaces, a leading "the" removed
    and whitespace collapsed: ``"The Washington Post's"`` -> ``"washington post"``,
    ``"Ahmad Shāh Mas'ūd"`` -> ``"ahmad shah masud"``.
    """
    if not form:
        return ""
    if form.isascii():  # NFKD, marks and the letter map change nothing; casefold == lower
        s = form.lower().strip()
    else:
        s = unicodedata.normalize("NFKD", form)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
        s = s.translate(_LETTER_MAP).casefold().strip()
    s = strip_possessive(s)
    s = _QUOTE_RE.sub("", s)
    s = _NON_WORD_RE.sub(" ", s).strip()
    if s.startswith("the ") and len(s) > 4:
        s = s[4:].lstrip()
    return " ".join(s.split())


# normalize_many: the ASCII forms, lower-cased, are joined with "Q", which none of them can
# contain any more and which, being a word character, the punctuation pass leaves alone.
_POSSESSIVE_Q_RE = re.compile(r"['`]s(?=Q|\Z)")
# quote marks dropped, every other ASCII non-word character turned into a space
_ASCII_PUNCT = str.maketrans({**{chr(c): " " for c in range(128) if not chr(c).isalnum()}, "'": None, "`": None})
_THE_Q_RE = re.compile("Qthe (?=[^Q])")


def normalize_many(forms: list[str]) -> list[str]:
    """[normalize(f) for f in forms]: the ASCII forms (nearly all of them) in a few passes
    over one joined string, the others one by one."""
    out = [""] * len(forms)
    ascii_idx = []
    for k, f in enumerate(forms):
        if f.isascii():
            ascii_idx.append(k)
        elif f:
            out[k] = normalize(f)
    if ascii_idx:
        text = "Q" + "Q".join([forms[k].lower().strip() for k in ascii_idx])
        if "'" in text or "`" in text:
            text = _POSSESSIVE_Q_RE.sub("", text)
        text = text.translate(_ASCII_PUNCT)
        while "  " in text:
            text = text.replace("  ", " ")
        text = text.replace(" Q", "Q").replace("Q ", "Q").rstrip(" ")
        text = _THE_Q_RE.sub("Q", text)
        for k, key in zip(ascii_idx, text[1:].split("Q")):
            out[k] = key
    return out


def strip_possessive(form: str) -> str:
    """A form without a final possessive 's / ’s (Al-Burhan's -> Al-Burhan), case kept."""
    return _POSSESSIVE_RE.sub("", form)


def plain_line(value: str) -> str:
    """A field's value as people type it: one line, without control, format or unassigned
    characters (a page's escape sequence belongs to its text, never to a name or a speaker
    people pick, search and export; ZWNJ, which Persian spells with, stays)."""
    kept = "".join(
        " " if c.isspace() else c for c in value if c == "\u200c" or c.isspace() or unicodedata.category(c)[0] != "C"
    )
    return " ".join(kept.split())


def name_from_form(form: str) -> str:
    """The name a new canonical entity gets from a mention's form: `plain_line`, without a
    lower-case leading article ('the Norwegian Maritime Authority' names the authority; 'The
    Hague' keeps its capital)."""
    name = plain_line(form)
    if name.startswith("the ") and len(name) > 4:
        name = name[4:]
    return name


# Name particles: never counted as a missing or extra token (al-Sayeh == Sayeh,
# Saif al-Islam == Saif al Islam). Kept out: "ben" and "abu", which are names.
PARTICLES = frozenset(
    """al el ul ad ar as at an ash az bin ibn bint
    de da di del della dos das du la le van von der den ter zu
    of the and for y""".split()
)
# Titles removed only at the start of a form ("President Zelensky", "Mr Massoud", "Gen. Zara");
# "John Major" keeps its surname.
TITLES = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady
    gen general lt col colonel maj major capt captain cmdr commander adm admiral sgt marshal
    president pres vice sen senator rep representative gov governor minister prime premier
    chancellor secretary ambassador mayor judge justice
    king queen prince princess emir sheikh shaikh sheik mullah mawlawi maulvi maulana mufti
    haji hajji imam ayatollah pope rev reverend saint st""".split()
)
NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())
# Company-type words, removed from organisation names as entity-resolution fingerprints do.
ORG_DESIGNATORS = frozenset(
    """group inc incorporated corp corporation co company ltd limited plc llc llp holdings
    sa ag gmbh nv bv spa""".split()
)

# --------------------------------------------------------------------------- skeletons

VOWEL_CLASSES = frozenset("AEIUYW")
_VOWEL_LETTERS = frozenset("aeiouy")

# Russian Е at the start of a name is written Ye or E (Yevgeny / Evgeny, Yelena / Elena).
_INITIAL_YE_RE = re.compile(r"^y(?=e[^aeiouy\n])", re.MULTILINE)  # \n: symbols_many joins tokens
_GRAPHEME_RE = re.compile(r"tsch|sch|tch|dzh|gu(?=[eiy])|qu(?=[eiy])|sh|ch|zh|kh|gh|dh|th|ph|ck|dj|x|q")
_SOFT_C_RE = re.compile(r"c(?=[eiy])")
_GRAPHEMES = {
    "tsch": "C",
    "sch": "S",
    "tch": "C",
    "dzh": "j",
    "sh": "S",
    "ch": "C",
    "zh": "Z",
    "kh": "X",
    "gh": "g",
    "dh": "d",
    "th": "t",
    "ph": "f",
    "ck": "k",
    "dj": "j",
    "x": "ks",
    "q": "k",
    "gu": "g",
    "qu": "k",
}
_RUNS = {
    "a": "A",
    "aa": "A",
    "e": "E",
    "i": "I",
    "ii": "I",
    "y": "I",
    "yy": "I",
    "ee": "I",
    "ie": "I",
    "yi": "I",
    "iy": "I",
    "ea": "I",
    "iyy": "I",
    "o": "U",
    "u": "U",
    "oo": "U",
    "ou": "U",
    "uu": "U",
    "ow": "U",
    "uw": "U",
    "ouw": "U",
    "ai": "Y",
    "ay": "Y",
    "ei": "Y",
    "ey": "Y",
    "ae": "Y",
    "aye": "Y",
    "aey": "Y",
    "eye": "Y",
    # intervocalic y after a is the diphthong (Zaid / Zayid / Zayed, Said / Sayyid, Aisha / Ayesha)
    "ayi": "Y",
    "ayyi": "Y",
    "ayye": "Y",
    "aee": "Y",  # Saeed / Said, Raeesi / Raisi
    # French-style ou for w after a (Daoud / Dawood / Dawud, Raouf / Rawuf)
    "aou": "AvU",
    "aoo": "AvU",
    "au": "W",
    "aw": "W",
    "ao": "W",
    "ia": "IA",
    "ya": "IA",
    "iya": "IA",
    "iyya": "IA",
    "yya": "IA",
    "io": "IU",
    "yo": "IU",
    "iu": "IU",
    "yu": "IU",
    "you": "IU",
    "ua": "UA",
    "oa": "UA",
    "wa": "UA",
    "oua": "UA",
    "uwa": "UA",
    "oi": "UI",
    "oy": "UI",
    "ui": "UI",
    "uy": "UI",
    "eo": "EU",
    "eu": "U",
    "ue": "U",
    "oe": "U",
}
_LETTER_CLASS = {"a": "A", "e": "E", "i": "I", "y": "I", "o": "U", "u": "U", "w": "U"}


def _run_class(run: str) -> str:
    cls = _RUNS.get(run)
    if cls is not None:
        return cls
    out: list[str] = []
    for ch in run:
        c = _LETTER_CLASS.get(ch, "E")
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def symbols(token: str) -> str:
    """Transliteration skeleton of one normalised token (see module docstring)."""
    t = _GRAPHEME_RE.sub(lambda m: _GRAPHEMES[m.group(0)], _INITIAL_YE_RE.sub("", token))
    if "c" in t:  # a "c" left over: soft before e/i/y (Cecilia), hard elsewhere (Carlos)
        t = _SOFT_C_RE.sub("s", t).replace("c", "k")
    out: list[str] = []
    run: list[str] = []
    n = len(t)

    def flush() -> None:
        if run:
            for c in _run_class("".join(run)):
                if not out or out[-1] != c:
                    out.append(c)
            run.clear()

    for i, ch in enumerate(t):
        nxt = t[i + 1] if i + 1 < n else ""
        if ch == "y":
            prev_vowel = bool(run)
            diphthong = nxt in "ie" and "".join(run[-2:]) in ("a", "ay") and run[-1:] != ["y"] * 2
            if (i == 0 and nxt in _VOWEL_LETTERS) or (
                prev_vowel and nxt in _VOWEL_LETTERS and nxt != "y" and not diphthong
            ):
                flush()
                if not out or out[-1] != "y":
                    out.append("y")
                continue
            run.append(ch)
            continue
        if ch == "w":
            if nxt in _VOWEL_LETTERS:
                flush()
                if not out or out[-1] != "v":
                    out.append("v")
            else:
                run.append(ch)
            continue
        if ch in _VOWEL_LETTERS:
            run.append(ch)
            continue
        flush()
        if not out or out[-1] != ch:
            out.append(ch)
    flush()
    return "".join(out)


# Batch version of symbols(): the per-character rules above as whole-string regex passes.
_W_CONSONANT_RE = re.compile(r"w(?=[aeiouy])")
# a consonant y: first and before a vowel letter, or after a vowel run and before a vowel
# (a y before y is in the run, unless it is the token's first letter)
# (not after a before i or e: the diphthong, see _RUNS)
_Y_CONSONANT_RE = re.compile(
    r"^y(?=[aeiouy])|(?<=[eiou])y(?=[aeiou])|(?<=a)y(?=[aou])"
    r"|(?<=.y)(?<!ay)y(?=[aeiou])|(?<=ay)y(?=[aou])|(?<=[aeiou]a)y(?=[ei])",
    re.MULTILINE,
)
_VOWEL_RUN_SPLIT = re.compile(r"([aeiouyw]+)")
_GRAPHEME_SPLIT = re.compile("(" + _GRAPHEME_RE.pattern + ")")
_REPEAT_RE = re.compile(r"(.)\1+")


class _RunClasses(dict):
    def __missing__(self, run: str) -> str:
        v = self[run] = _run_class(run)
        return v


_RUN_CLASSES = _RunClasses()


def symbols_many(tokens: list[str]) -> list[str]:
    """[symbols(t) for t in tokens], computed with a few regex passes over all tokens at once
    (uncached; for the linker, which needs every token's skeleton)."""
    text = "\n".join(tokens)
    if "\x01" in text or len(tokens) != text.count("\n") + 1:  # separator or marker inside
        return [symbols(t) for t in tokens]
    text = _INITIAL_YE_RE.sub("", text)
    # split on a capturing pattern: the odd parts are the matches, mapped through a dict
    parts = _GRAPHEME_SPLIT.split(text)
    parts[1::2] = map(_GRAPHEMES.__getitem__, parts[1::2])
    text = "".join(parts)
    if "c" in text:
        text = _SOFT_C_RE.sub("s", text).replace("c", "k")
    text = _W_CONSONANT_RE.sub("v", text)
    text = _Y_CONSONANT_RE.sub("\x01", text)
    parts = _VOWEL_RUN_SPLIT.split(text)
    parts[1::2] = map(_RUN_CLASSES.__getitem__, parts[1::2])
    text = "".join(parts).replace("\x01", "y")
    return _REPEAT_RE.sub(r"\1", text).split("\n")


_KEY_MAP = {
    "g": "k",
    "X": "k",
    "q": "k",
    "S": "s",
    "z": "s",
    "Z": "s",
    "C": "s",
    "j": "s",
    "d": "t",
    "b": "p",
    "f": "p",
    "v": "p",
}


def loose_symbols(sym: str) -> str:
    """A skeleton with consonant classes merged, vowels reduced to 'a' and h dropped."""
    out: list[str] = []
    for c in sym:
        if c == "h":
            continue
        c = "a" if c in VOWEL_CLASSES else _KEY_MAP.get(c, c)
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


_LOOSE_TABLE = str.maketrans({**{c: "a" for c in VOWEL_CLASSES}, **_KEY_MAP, "h": None})


def loose_symbols_many(syms: list[str]) -> list[str]:
    """[loose_symbols(s) for s in syms] in one translate and one regex pass."""
    text = "\n".join(syms)
    if len(syms) != text.count("\n") + 1:
        return [loose_symbols(s) for s in syms]
    return _REPEAT_RE.sub(r"\1", text.translate(_LOOSE_TABLE)).split("\n")


@lru_cache(maxsize=1 << 16)
def skeletons(token: str) -> tuple[str, ...]:
    """The skeleton of a token, then those of its other readings (romanize.alternates) that
    differ from it."""
    own = symbols(token)
    alts = alternates(token)
    if not alts:
        return (own,)
    return tuple(dict.fromkeys([own, *map(symbols, alts)]))


@lru_cache(maxsize=1 << 16)
def loose(token: str) -> str:
    """Loose skeleton of a token (prefilter and blocking)."""
    return loose_symbols(symbols(token))


def block_keys_symbols(sym: str) -> tuple[str, ...]:
    """Blocking keys of a skeleton: its consonant key; the key without a final s (plurals);
    and, for keys of 5+ letters, every key with one letter deleted (so a one-consonant
    insertion, deletion or substitution still meets)."""
    lo = loose_symbols(sym)
    key = lo.replace("a", "")
    if len(key) <= 1:
        # vowel-heavy or very short tokens ("ali", "aya"): block on the loose form instead
        return ("~" + lo,)
    keys = {key}
    if key.endswith("s") and len(key) >= 3:
        keys.add(key[:-1])  # plurals: Libyan / Libyans, Afghan / Afghans
    if len(key) >= 5:
        for i in range(len(key)):
            keys.add(key[:i] + key[i + 1 :])
    return tuple(sorted(keys))


@lru_cache(maxsize=1 << 16)
def block_keys(token: str) -> tuple[str, ...]:
    """Blocking keys of a token (see block_keys_symbols)."""
    return block_keys_symbols(symbols(token))


def clear_caches() -> None:
    """Forget memoised skeletons (benchmarks call this between repeats)."""
    for f in (symbols, skeletons, loose, block_keys):
        f.cache_clear()


def describe_token_pair(x: str, y: str, sim: float, sym_x: str | None = None) -> str:
    """Human-readable reason for an aligned token pair (JaroWinkler shown for reference).
    sym_x: symbols(x), if the caller has it."""

    jw = JaroWinkler.similarity(x, y)
    if sim >= 0.97:
        kind = "same skeleton " + (symbols(x) if sym_x is None else sym_x)
    else:
        kind = f"weighted edit {sim:.2f}"
    return f"token-aligned: {x}~{y} ({kind}, JW {jw:.2f})"
