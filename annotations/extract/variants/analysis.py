"""One node per normalised form: its spellings, labels, occurrences, core tokens and joins."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from annotations.extract.chinese import (
    cantonese_form,
    chinese_form,
    chinese_given_name,
    english_name_before_pinyin,
    english_name_first,
    given_initials,
    hokkien_form,
    one_syllable_names,
    pinyin_apostrophe,
)
from annotations.extract.normalize import ORG_DESIGNATORS, PARTICLES, TITLES, normalize
from annotations.extract.variants.labels import NAME_POOL, PERSON, label_group


@dataclass(slots=True, eq=False)
class Node:
    """One normalised form within a comparison pool (see labels.pool).

    `group` is the label group the node is taken to be (the gold labels' majority, else the
    model's); `person` whether people's rules apply (titles, initials, surnames)."""

    idx: int
    key: str
    group: str
    person: bool = False
    spellings: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    gold: dict[str, int] = field(default_factory=dict)  # labels of the gold mentions only
    slots: dict[str, int] = field(default_factory=dict)  # label group -> mentions (the groups it spans)
    occ: list[int] = field(default_factory=list)  # doc_id, start, doc_id, start, ... (start -1 if unknown)
    count: int = 0
    phantom: bool = False
    marks: bool = False
    rep: str = ""
    acronym: str | None = None
    initials: frozenset[str] = frozenset()
    tokens: tuple[str, ...] = ()
    core: tuple[str, ...] = ()
    cpos: tuple[int, ...] = ()  # index in tokens of each core token
    dropped: list[str] = field(default_factory=list)
    # (joined string, indices into core it covers); filled by TokenIndex
    joins: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    chinese: bool = False  # a Chinese name (chinese.chinese_form): surname first, syllable rules
    cantonese: bool = False  # written the Hong Kong way (chinese.cantonese_form): Cantonese readings too
    hokkien: bool = False  # written the Hokkien way (chinese.hokkien_form): Hokkien readings too
    # a person's Chinese name with a hyphenated given name (Lee Siu-lung): Cantonese readings
    # too against a name written in pinyin (syllables.chinese_sim)
    hyphenated: bool = False
    # a person's name of one-syllable tokens with no Chinese mark (Li Bai, Tu Fu): read as
    # Chinese beside another such name only (see chinese.one_syllable_names)
    syllabic: bool = False
    # what a Chinese name is also written as before its surname (its English given name, the
    # initials of its given name): Jimmy Lai, CY Leung
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.person = self.group == PERSON


_SPECIAL_TOKENS = TITLES | PARTICLES | ORG_DESIGNATORS


# inside a name (never first): "ben" / "ould" (son of: Mohammed ben Salmane = bin Salman) and,
# in a person's name of 3+ tokens, a Russian patronymic (Pyotr Ilyich Tchaikovsky)
_MID_PARTICLES = frozenset({"ben", "ould"})
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovych|evych|ich|ovna|evna|ivna|ichna)$")


def _inner_drops(node: Node, toks: list[str]) -> dict[int, str]:
    """Tokens inside a name that are not names of their own: index -> why."""
    out: dict[int, str] = {}
    for i in range(1, len(toks) - 1):
        if toks[i] in _MID_PARTICLES:
            out[i] = f"particle '{toks[i]}'"
        elif node.person and len(toks) >= 3 and len(toks[i]) > 5 and _PATRONYMIC.search(toks[i]):
            out[i] = f"patronymic '{toks[i]}'"
    return out


def analyse(node: Node) -> None:
    _analyse(node)
    if not node.person and not node.chinese and len(node.core) == 1 and pinyin_apostrophe(node.rep):
        node.chinese = True  # Yan'an: then Yenan, a place name without a mark, meets it
    node.hyphenated = node.person and node.chinese and not node.hokkien and _given_name(node.rep)
    node.syllabic = node.person and not node.chinese and one_syllable_names(node.core)
    if node.person and node.chinese and len(node.core) >= 2:
        initials = given_initials(node.rep)
        english = node.tokens[0] if node.tokens[:1] != node.core[:1] else ""
        node.aliases = tuple(a for a in (english, initials) if a)


def _analyse(node: Node) -> None:
    toks = _abd_al(_irish_o(_chinese_tokens(node) or node.key.split()))
    node.tokens = tuple(toks)
    inner = _inner_drops(node, toks) if len(toks) >= 3 else {}
    # Jimmy Lai Chee-ying: the Chinese name (its given name hyphenated, not Vietnamese Nguyen Tan Dung) is
    # the core; Robin Li Yanhong: likewise, the Chinese name in pinyin
    if node.person and ((_given_name(node.rep) and english_name_first(toks)) or english_name_before_pinyin(toks)):
        node.core, node.cpos, node.dropped = tuple(toks[1:]), tuple(range(1, len(toks))), [f"English name '{toks[0]}'"]
        node.chinese, node.cantonese, node.hokkien = True, cantonese_form(node.core), hokkien_form(node.core)
        return
    if not inner and _SPECIAL_TOKENS.isdisjoint(toks):  # the common case: every token is a core token
        node.core = node.tokens
        node.cpos = tuple(range(len(toks)))
        node.dropped = []
        node.chinese = chinese_form(node.core, not node.person, _given_name(node.rep))
        node.cantonese = node.chinese and cantonese_form(node.core)
        node.hokkien = node.chinese and hokkien_form(node.core)
        return
    dropped: list[str] = []
    lo, hi = 0, len(toks)
    if node.person:
        while hi - lo > 1 and toks[lo] in TITLES:
            dropped.append(f"title '{toks[lo]}'")
            lo += 1
    if chinese_form(tuple(toks[lo:hi])):  # Zhu De: no particles in a Chinese name
        core_idx = list(range(lo, hi))
    else:
        core_idx = [i for i in range(lo, hi) if toks[i] not in PARTICLES and i not in inner]
    if not node.person and node.group != "PLACE":
        kept = [i for i in core_idx if toks[i] not in ORG_DESIGNATORS]
        if kept:
            dropped.extend(f"designator '{toks[i]}'" for i in core_idx if toks[i] in ORG_DESIGNATORS)
            core_idx = kept
    if not core_idx:
        core_idx = list(range(lo, hi))
    elif len(core_idx) < hi - lo:
        dropped.extend(
            inner.get(i, f"particle '{toks[i]}'")
            for i in range(lo, hi)
            if (toks[i] in PARTICLES or i in inner) and i not in core_idx
        )
    node.cpos = tuple(core_idx)
    node.core = tuple(toks[i] for i in core_idx)
    node.dropped = dropped
    node.chinese = chinese_form(node.core, not node.person, _given_name(node.rep))
    node.cantonese = node.chinese and cantonese_form(node.core)
    node.hokkien = node.chinese and hokkien_form(node.core)


def _given_name(rep: str) -> bool:
    """chinese.chinese_given_name, which needs a hyphen (a non-ASCII form may decompose to one):
    most names are settled without looking further."""
    return ("-" in rep or not rep.isascii()) and chinese_given_name(rep)


def _irish_o(toks: list[str]) -> list[str]:
    """An Irish O written apart is one name with the next (Ó Briain = O'Briain = OBriain), not
    an initial."""
    if "o" not in toks[:-1]:
        return toks
    out: list[str] = []
    for t in toks:
        if out and out[-1] == "o" and len(t) >= 3:
            out[-1] = "o" + t
        else:
            out.append(t)
    return out


# the article after Abd ("servant of"), as written (al, el, ul; ar, as, ash ... before a sun letter)
_ABD_ARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "ur", "ud", "un", "us"})


def _abd_al(toks: list[str]) -> list[str]:
    """Abd and its article written apart are one name with it, as Abdel, Abdul, Abdur write it
    (Abd al-Fattah = Abdel Fattah, Abd al-Aziz = Abdulaziz), not a name and a particle."""
    if "abd" not in toks[:-2]:
        return toks
    out: list[str] = []
    for t in toks:
        if out and out[-1] == "abd" and t in _ABD_ARTICLES:
            out[-1] = "abd" + t
        else:
            out.append(t)
    return out


_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def _chinese_tokens(node: Node) -> list[str] | None:
    """The tokens of a Chinese name written with hyphenated syllables (Chou En-lai, Chiang
    Ching-kuo), hyphens joined: a hyphenated given name is one name, not two (so a lone Kuo
    is not the end of Chiang Ching-kuo)."""
    if "-" not in node.rep:
        return None
    toks = normalize(_INNER_HYPHEN.sub("", node.rep)).split()
    chinese = tuple(t for t in toks if t not in _SPECIAL_TOKENS)
    given = _given_name(node.rep)
    if toks == node.key.split() or not (
        chinese_form(chinese, hyphenated=given) or (given and english_name_first(chinese))
    ):
        return None
    return toks


def join_candidates(node: Node):
    """Adjacent core tokens written together (Abdul Hamid ~ Abdelhamid) and a particle joined
    to the next core token (al Qaeda ~ Alqaeda): (left, right, covered core indices)."""
    cpos, toks = node.cpos, node.tokens
    if len(toks) < 2:
        return
    for ci in range(len(cpos) - 1):
        if cpos[ci + 1] == cpos[ci] + 1:
            yield toks[cpos[ci]], toks[cpos[ci + 1]], (ci, ci + 1)
    for ci, p in enumerate(cpos):
        if p > 0 and toks[p - 1] in PARTICLES and (ci == 0 or cpos[ci - 1] != p - 1):
            yield toks[p - 1], toks[p], (ci,)


def finish_node(node: Node) -> None:
    sp = node.spellings
    if len(sp) == 1:
        node.rep = next(iter(sp))
    else:
        # representative: prefer spellings without a possessive, then the most frequent,
        # then not all capitals, then alphabetical (deterministic)
        def rank(item: tuple[str, int]):
            s, c = item
            poss = s.rstrip().endswith(("'s", "’s", "'S", "’S", "ʼs"))
            return (poss, -c, s.isupper() and len(s) > 6, s)

        node.rep = min(sp.items(), key=rank)[0]
    node.marks = not node.rep.isascii() and _strip_marks(node.rep) != node.rep
    analyse(node)
    if not node.person:
        letters = [c for c in node.rep if c.isalpha()]
        if (
            2 <= len(letters) <= 6
            and all(c.isupper() for c in letters)
            and all(s.isupper() for s in sp)  # KABUL beside Kabul is no acronym
            and (len(node.core) == 1 or all(len(t) == 1 for t in node.tokens))
        ):
            node.acronym = "".join(node.tokens)
        elif len(node.tokens) >= 2:
            inits = {
                "".join(t[0] for t in node.tokens),
                "".join(t[0] for t in node.core),
                "".join(t[0] for t in node.tokens if t not in PARTICLES),
            }
            node.initials = frozenset(i for i in inits if len(i) >= 2)


def top_label(labels: dict[str, int], fallback: str) -> str:
    """The most frequent label (ties alphabetical), or `fallback` with none."""
    if not labels:
        return fallback
    # a tie goes to PERSON: models tag unfamiliar names ORG or GPE far more than the reverse
    return min(labels.items(), key=lambda kv: (-kv[1], kv[0] != PERSON, kv[0]))[0]


def settle_kind(node: Node, pool: str) -> None:
    """Decide what a node is taken to be: the gold labels outrank the model's, the majority
    wins. In the name pool a node is a person if any label it is given (gold ones when there
    are some) is a person's: a bare surname is often tagged ORG beside its PERSON full name."""
    if pool != NAME_POOL:
        node.group, node.person = pool, False
        return
    labels = node.gold or node.labels
    if len(node.labels) == 1 and not node.gold:  # most nodes: one label says it all
        ((lab, c),) = node.labels.items()
        g = label_group(lab)
        node.group, node.person, node.slots = g, g == PERSON, {g: c}
        return
    node.group = label_group(top_label(labels, PERSON))
    node.person = any(label_group(lab) == PERSON for lab in labels)
    slots: dict[str, int] = {}
    for lab, c in node.labels.items():
        g = label_group(lab)
        slots[g] = slots.get(g, 0) + c
    node.slots = slots


def docs_of(occ: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for k in range(0, len(occ), 2):
        d = occ[k]
        p = out.get(d)
        if p is None:
            out[d] = [occ[k + 1]]
        else:
            p.append(occ[k + 1])
    return out


def _strip_marks(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in d if not unicodedata.combining(ch))
