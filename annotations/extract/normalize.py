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

``token_cost`` is a weighted edit distance over symbol skeletons whose costs encode what
transliteration does and does not change: vowel-class swaps, h, doubled letters and sibling
consonants are cheap; a different consonant, or a syllable added at the end (Niger / Nigeria,
Russia / Russian, Daniel / Daniela) is expensive.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

__all__ = [
    "normalize",
    "normalize_many",
    "strip_possessive",
    "PARTICLES",
    "TITLES",
    "NAME_SUFFIXES",
    "ORG_DESIGNATORS",
    "TOKEN_MATCH",
    "symbols",
    "loose",
    "loose_symbols",
    "symbols_many",
    "loose_symbols_many",
    "block_keys",
    "block_keys_symbols",
    "token_cost",
    "token_similarity",
    "symbol_similarity",
    "match_similarities",
    "describe_token_pair",
    "clear_caches",
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
        "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
        "þ": "th", "Þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i",
        "ħ": "h", "Ħ": "h", "ŋ": "n", "ß": "ss", "ſ": "s",
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
_ASCII_PUNCT = str.maketrans({**{chr(c): " " for c in range(128) if not chr(c).isalnum()},
                              "'": None, "`": None})
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


# Name particles: never counted as a missing or extra token (al-Sayeh == Sayeh,
# Saif al-Islam == Saif al Islam). Kept out: "ben" and "abu", which are names.
PARTICLES = frozenset(
    """al el ul ad ar as at an ash az bin ibn bint
    de da di del della dos das du la le van von der den ter
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

_VOWEL_CLASSES = frozenset("AEIUYW")
_VOWEL_LETTERS = frozenset("aeiouy")

# Russian Е at the start of a name is written Ye or E (Yevgeny / Evgeny, Yelena / Elena).
_INITIAL_YE_RE = re.compile(r"^y(?=e[^aeiouy])", re.MULTILINE)
_GRAPHEME_RE = re.compile(r"tsch|sch|tch|dzh|gu(?=[eiy])|qu(?=[eiy])|sh|ch|zh|kh|gh|dh|th|ph|ck|dj|x|q")
_SOFT_C_RE = re.compile(r"c(?=[eiy])")
_GRAPHEMES = {
    "tsch": "C", "sch": "S", "tch": "C", "dzh": "j", "sh": "S", "ch": "C", "zh": "Z",
    "kh": "X", "gh": "g", "dh": "d", "th": "t", "ph": "f", "ck": "k", "dj": "j",
    "x": "ks", "q": "k", "gu": "g", "qu": "k",
}
_RUNS = {
    "a": "A", "aa": "A", "e": "E", "i": "I", "ii": "I", "y": "I", "yy": "I", "ee": "I",
    "ie": "I", "yi": "I", "iy": "I", "ea": "I", "iyy": "I",
    "o": "U", "u": "U", "oo": "U", "ou": "U", "uu": "U", "ow": "U", "uw": "U", "ouw": "U",
    "ai": "Y", "ay": "Y", "ei": "Y", "ey": "Y", "ae": "Y", "aye": "Y", "aey": "Y", "eye": "Y",
    # intervocalic y after a is the diphthong (Zaid / Zayid / Zayed, Said / Sayyid, Aisha / Ayesha)
    "ayi": "Y", "ayyi": "Y", "ayye": "Y", "aee": "Y",  # Saeed / Said, Raeesi / Raisi
    # French-style ou for w after a (Daoud / Dawood / Dawud, Raouf / Rawuf)
    "aou": "AvU", "aoo": "AvU",
    "au": "W", "aw": "W", "ao": "W",
    "ia": "IA", "ya": "IA", "iya": "IA", "iyya": "IA", "yya": "IA",
    "io": "IU", "yo": "IU", "iu": "IU", "yu": "IU", "you": "IU",
    "ua": "UA", "oa": "UA", "wa": "UA", "oua": "UA", "uwa": "UA",
    "oi": "UI", "oy": "UI", "ui": "UI", "uy": "UI",
    "eo": "EU", "eu": "U", "ue": "U", "oe": "U",
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
            if (i == 0 and nxt in _VOWEL_LETTERS) or (prev_vowel and nxt in _VOWEL_LETTERS and nxt != "y"
                                                     and not diphthong):
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
_Y_CONSONANT_RE = re.compile(r"^y(?=[aeiouy])|(?<=[eiou])y(?=[aeiou])|(?<=a)y(?=[aou])"
                             r"|(?<=.y)(?<!ay)y(?=[aeiou])|(?<=ay)y(?=[aou])", re.MULTILINE)
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


_KEY_MAP = {"g": "k", "X": "k", "q": "k", "S": "s", "z": "s", "Z": "s", "C": "s", "j": "s",
            "d": "t", "b": "p", "f": "p", "v": "p"}


def loose_symbols(sym: str) -> str:
    """A skeleton with consonant classes merged, vowels reduced to 'a' and h dropped."""
    out: list[str] = []
    for c in sym:
        if c == "h":
            continue
        c = "a" if c in _VOWEL_CLASSES else _KEY_MAP.get(c, c)
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


_LOOSE_TABLE = str.maketrans({**{c: "a" for c in _VOWEL_CLASSES}, **_KEY_MAP, "h": None})


def loose_symbols_many(syms: list[str]) -> list[str]:
    """[loose_symbols(s) for s in syms] in one translate and one regex pass."""
    text = "\n".join(syms)
    if len(syms) != text.count("\n") + 1:
        return [loose_symbols(s) for s in syms]
    return _REPEAT_RE.sub(r"\1", text.translate(_LOOSE_TABLE)).split("\n")


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
            keys.add(key[:i] + key[i + 1:])
    return tuple(sorted(keys))


@lru_cache(maxsize=1 << 16)
def block_keys(token: str) -> tuple[str, ...]:
    """Blocking keys of a token (see block_keys_symbols)."""
    return block_keys_symbols(symbols(token))


# --------------------------------------------------------------------------- token cost

_CONS_SUB: dict[frozenset[str], float] = {}
for _a, _b, _c in [
    ("k", "g", 0.4), ("k", "X", 0.3), ("X", "h", 0.3), ("g", "X", 0.4), ("s", "S", 0.4),
    ("s", "z", 0.8), ("z", "Z", 0.3), ("j", "Z", 0.4), ("S", "C", 0.5), ("C", "j", 0.6),
    # b/p and f/p make other Persian names (Behruz / Pirouz, Farid / Parid): dearer than v/f
    ("t", "d", 0.6), ("f", "p", 1.0), ("v", "f", 0.6), ("b", "p", 1.0), ("v", "b", 0.6),
    ("h", "g", 0.3), ("j", "y", 0.4), ("S", "Z", 0.5), ("s", "C", 0.6), ("k", "C", 0.6),
    ("g", "j", 0.3),  # Egyptian g for j: Nagi / Naji, Gamal / Jamal
]:
    _CONS_SUB[frozenset((_a, _b))] = _c
_VOW_SUB: dict[frozenset[str], float] = {}
for _a in "AIUYW":
    _VOW_SUB[frozenset(("E", _a))] = 0.1
_VOW_SUB[frozenset(("I", "Y"))] = 0.2
_VOW_SUB[frozenset(("U", "W"))] = 0.3
_VOW_SUB[frozenset(("A", "W"))] = 0.4
_VOW_SUB[frozenset(("A", "Y"))] = 0.5
_FINAL_VOWELS = frozenset("AIUYW")
# ...whose differences at the end of a name make another name (Maria / Mario), except i / ei
# (Serhiy / Sergei, Andriy / Andrei: transliterations of one ending)
_FINAL_CLASS = {"A": 1, "I": 2, "Y": 2, "U": 3, "W": 4}
_SEMI_SUB = {frozenset(("y", "I")): 0.3, frozenset(("v", "U")): 0.3}


def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    av, bv = a in _VOWEL_CLASSES, b in _VOWEL_CLASSES
    key = frozenset((a, b))
    if av and bv:
        return _VOW_SUB.get(key, 0.6)
    if av or bv:
        return _SEMI_SUB.get(key, 9.0)
    return _CONS_SUB.get(key, 1.5)


def _indel(c: str, edge: str, plural_s: bool) -> float:
    """Cost of inserting or deleting symbol c; edge is "", "start" or "end"."""
    if c in _VOWEL_CLASSES:
        if c == "E":
            return 0.4
        if edge == "end":
            return 1.3  # Ivanov / Ivanova, Paul / Paula, Niger / Nigeria
        return 1.0 if edge else 0.6
    if c == "h":
        # a final h comes and goes (Fatimah / Fatima); one dropped inside a name makes another
        # (Mahdy / Mady, Rahman / Raman)
        return 0.3 if edge else 1.0
    if c == "y":
        return 0.6 if not edge else 1.0
    if edge == "end" and c == "s" and plural_s:
        return 0.4
    return 1.5 if edge else 0.9


class _SubRow(dict):
    """Substitution costs from one symbol: row[b] -> cost (filled lazily)."""

    __slots__ = ("a",)

    def __init__(self, a: str) -> None:
        super().__init__()
        self.a = a

    def __missing__(self, b: str) -> float:
        v = 0.0 if b == self.a else _sub(self.a, b)
        self[b] = v
        return v


class _Table(dict):
    """Lazily filled cost tables for one plural-s setting."""

    def __init__(self, plural_s: bool) -> None:
        super().__init__()
        self.plural_s = plural_s
        self.mid: dict[str, float] = {}
        self.start: dict[str, float] = {}
        self.end: dict[str, float] = {}

    def __missing__(self, a: str) -> _SubRow:
        row = self[a] = _SubRow(a)
        self.mid[a] = _indel(a, "", self.plural_s)
        self.start[a] = _indel(a, "start", self.plural_s)
        self.end[a] = _indel(a, "end", self.plural_s)
        return row


_TABLES = {False: _Table(False), True: _Table(True)}


def token_cost(a: str, b: str, plural_s: bool = False, limit: float = float("inf")) -> float:
    """Weighted edit distance between the symbol skeletons a and b.

    Stops early (returning a value above `limit`) once every path costs more than `limit`."""
    tab = _TABLES[plural_s]
    for c in a:
        tab[c]  # noqa: B018 - make sure every symbol has its rows
    for c in b:
        tab[c]  # noqa: B018
    mid, start_, end_ = tab.mid, tab.start, tab.end
    n, m = len(a), len(b)
    prev = [0.0] * (m + 1)
    ins0 = start_ if n else end_
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + ins0[b[j - 1]]
    ins_mid = [mid[c] for c in b]
    ins_end = [end_[c] for c in b]
    last_b = b[-1] if m else ""
    last_vowel_b = last_b in _FINAL_VOWELS
    rng = range(1, m + 1)
    for i in range(1, n + 1):
        ai = a[i - 1]
        row = tab[ai]
        del_mid = mid[ai]
        del_end = end_[ai]
        c0 = prev[0] + start_[ai]
        cur = [c0] * (m + 1)
        ins = ins_end if i == n else ins_mid
        final_a = (i == n and ai in _FINAL_VOWELS and last_vowel_b
                   and _FINAL_CLASS[ai] != _FINAL_CLASS[last_b])
        row_min = c0
        left = c0
        for j in rng:
            best = prev[j - 1] + row[b[j - 1]]
            v = left + ins[j - 1]
            if v < best:
                best = v
            v = prev[j] + (del_end if j == m else del_mid)
            if v < best:
                best = v
            if j == m and final_a:
                # Maria / Mario, Zelensky / Zelenska: a different final vowel is another name
                v = prev[j - 1] + 1.5
                alt = min(left + ins[j - 1], prev[j] + del_end)
                best = v if v < alt else alt
            cur[j] = left = best
            if best < row_min:
                row_min = best
        if row_min > limit:
            return row_min
        prev = cur
    return prev[m]


TOKEN_MATCH = 0.85  # two tokens are "the same name" from this similarity up


def token_similarity(x: str, y: str, plural_s: bool = False) -> float:
    """Similarity in [0, 1] of two normalised tokens: 1.0 identical, 0.97 the same skeleton
    (a transliteration or doubling variant), otherwise 1 - weighted edit cost / length, capped
    at 0.96; 0.0 for short tokens (4 symbols or fewer) that differ by more than a vowel shade."""
    if x == y:
        return 1.0
    sx, sy = symbols(x), symbols(y)
    if sx == sy:
        return 0.97
    if len(x) == 1 or len(y) == 1:
        return 0.0
    return symbol_similarity(sx, sy, plural_s)


def symbol_similarity(sx: str, sy: str, plural_s: bool = False) -> float:
    """Similarity of two different skeletons (see token_similarity)."""
    L = max(len(sx), len(sy))
    limit = (1.0 - TOKEN_MATCH) * L + 1e-9
    cost = token_cost(sx, sy, plural_s, limit) if sx <= sy else token_cost(sy, sx, plural_s, limit)
    if (L <= 3 and cost > 0.2) or (L == 4 and cost > 0.3) or (L == 5 and cost > 0.6):
        return 0.0  # short names: only vowel shades (Imad / Emad), not Sine / Sane, Nile / Nyala
    if L <= 5 and _one_vowel(sx) and _one_vowel(sy) and _one_vowel(sx) != _one_vowel(sy):
        return 0.0  # one syllable: its vowel is the name (Peng / Ping, Yang / Ying, Jan / Jon)
    return max(0.0, min(0.96, 1.0 - cost / L))


def _one_vowel(sym: str) -> str:
    """The vowel symbol of a one-syllable skeleton, else "" (none, or several)."""
    vowels = [c for c in sym if c in _VOWEL_CLASSES]
    return vowels[0] if len(vowels) == 1 else ""


class _CostArrays:
    """token_cost's tables as numpy arrays over a set of skeletons, which are encoded as rows
    of symbol codes (code 0 pads; its costs are never read into a result)."""

    def __init__(self, tab: _Table, syms: list[str]) -> None:
        chars = ["\0"] + sorted(set("".join(syms)) - {"\0"})
        for c in chars[1:]:
            tab[c]  # noqa: B018 - fill the rows and indel costs
        code = np.zeros(max(ord(c) for c in chars) + 1, dtype=np.intp)
        code[[ord(c) for c in chars]] = np.arange(len(chars))
        self.sub = np.array([[0.0] * len(chars)]
                            + [[0.0] + [tab[x][y] for y in chars[1:]] for x in chars[1:]])
        self.mid = np.array([0.0] + [tab.mid[c] for c in chars[1:]])
        self.start = np.array([0.0] + [tab.start[c] for c in chars[1:]])
        self.end = np.array([0.0] + [tab.end[c] for c in chars[1:]])
        self.final = np.array([c in _FINAL_VOWELS for c in chars])
        self.final_class = np.array([_FINAL_CLASS.get(c, 0) for c in chars])
        self.lens = np.fromiter(map(len, syms), dtype=np.intp, count=len(syms))
        width = int(self.lens.max())
        buf = "".join(s.ljust(width, "\0") for s in syms).encode("utf-32-le")
        self.codes = code[np.frombuffer(buf, dtype=np.uint32).reshape(len(syms), width)]
        self.last = self.codes[np.arange(len(syms)), self.lens - 1]


def _batch_costs(arr: _CostArrays, a_ids: np.ndarray, b_ids: np.ndarray) -> np.ndarray:
    """token_cost(syms[a], syms[b]) for many pairs at once, without the early stop: the same
    recurrence as token_cost, run over all pairs in lock step (the same float operations in
    the same order, so the values are identical)."""
    P = len(a_ids)
    n_arr, m_arr = arr.lens[a_ids], arr.lens[b_ids]
    N, M = int(n_arr.max()), int(m_arr.max())
    # (position, pair) layout: one position of every pair is one contiguous vector
    ai = np.ascontiguousarray(arr.codes[a_ids, :N].T)
    bi = np.ascontiguousarray(arr.codes[b_ids, :M].T)
    sub = arr.sub[ai[:, None, :], bi[None, :, :]]  # (N, M, P)
    # Maria / Mario: a different final vowel costs 1.5
    la, lb = arr.last[a_ids], arr.last[b_ids]
    f = np.nonzero((arr.final_class[la] != arr.final_class[lb]) & arr.final[la] & arr.final[lb])[0]
    if len(f):
        sub[n_arr[f] - 1, m_arr[f] - 1, f] = 1.5
    last_col = np.arange(M)[:, None] == (m_arr - 1)[None, :]  # (M, P)
    dele = np.where(last_col[None, :, :], arr.end[ai][:, None, :], arr.mid[ai][:, None, :])
    ins_mid, ins_end = arr.mid[bi], arr.end[bi]
    start_a, start_b = arr.start[ai], arr.start[bi]
    prev = np.zeros((M + 1, P))
    for j in range(1, M + 1):
        prev[j] = prev[j - 1] + start_b[j - 1]
    out = np.empty(P)
    cols = np.arange(P)
    n_min = int(n_arr.min())
    for i in range(1, N + 1):
        last_row = n_arr == i
        ins = np.where(last_row, ins_end, ins_mid)
        base = np.minimum(prev[:-1] + sub[i - 1], prev[1:] + dele[i - 1])
        cur = np.empty((M + 1, P))
        cur[0] = left = prev[0] + start_a[i - 1]
        for j in range(1, M + 1):
            left = cur[j] = np.minimum(base[j - 1], left + ins[j - 1])
        if i >= n_min:
            out[last_row] = cur[m_arr[last_row], cols[last_row]]
        prev = cur
    return out


def match_similarities(syms: list[str], left: np.ndarray, right: np.ndarray,
                       plural_s: bool = False) -> np.ndarray:
    """symbol_similarity(syms[left[k]], syms[right[k]]) for every k where it reaches
    TOKEN_MATCH, else 0.0. The skeletons must be distinct.

    For the many candidate pairs of the linker's token matching: numpy passes over all pairs
    instead of one Python edit-distance table per pair."""
    out = np.zeros(len(left))
    if not len(left):
        return out
    arr = _CostArrays(_TABLES[plural_s], syms)
    rank = np.empty(len(syms), dtype=np.intp)
    rank[sorted(range(len(syms)), key=syms.__getitem__)] = np.arange(len(syms))
    left, right = np.asarray(left, dtype=np.intp), np.asarray(right, dtype=np.intp)
    swap = rank[left] > rank[right]  # token_cost(a, b) with a <= b, as symbol_similarity
    a_ids, b_ids = np.where(swap, right, left), np.where(swap, left, right)
    L = np.maximum(arr.lens[a_ids], arr.lens[b_ids])
    cost = np.empty(len(left))
    # bucket by length so that short pairs are not padded to the longest ones (finer buckets
    # pay off only for many pairs: every bucket costs a few hundred numpy calls)
    cuts = (0, 5, 6, 7, 8, 10, 1 << 30) if len(left) > 5000 else (0, 6, 8, 1 << 30)
    for lo, hi in zip(cuts, cuts[1:]):
        idx = np.nonzero((L >= lo) & (L < hi))[0]
        if len(idx):
            cost[idx] = _batch_costs(arr, a_ids[idx], b_ids[idx])
    Lf = L.astype(np.float64)
    sim = np.maximum(0.0, np.minimum(0.96, 1.0 - cost / Lf))
    sim[((L <= 3) & (cost > 0.2)) | ((L == 4) & (cost > 0.3)) | ((L == 5) & (cost > 0.6))] = 0.0
    vowel = np.array([ord(_one_vowel(x) or "\0") for x in syms])
    va, vb = vowel[a_ids], vowel[b_ids]
    sim[(L <= 5) & (va != 0) & (vb != 0) & (va != vb)] = 0.0  # see symbol_similarity
    ok = sim >= TOKEN_MATCH
    out[ok] = sim[ok]
    return out


def clear_caches() -> None:
    """Forget memoised skeletons (benchmarks call this between repeats)."""
    for f in (symbols, loose, block_keys):
        f.cache_clear()


def describe_token_pair(x: str, y: str, sim: float, sym_x: str | None = None) -> str:
    """Human-readable reason for an aligned token pair (JaroWinkler shown for reference).
    sym_x: symbols(x), if the caller has it."""
    from rapidfuzz.distance import JaroWinkler

    jw = JaroWinkler.similarity(x, y)
    if sim >= 0.97:
        kind = "same skeleton " + (symbols(x) if sym_x is None else sym_x)
    else:
        kind = f"weighted edit {sim:.2f}"
    return f"token-aligned: {x}~{y} ({kind}, JW {jw:.2f})"
