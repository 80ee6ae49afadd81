"""Comparing forms: candidate generation through inverted token indexes and one-to-one token
alignment. What an alignment scores is in score.py, a form contained in another in
contained.py, Chinese tokens in syllables.py, Arabic look-alikes in arabic.py."""

from __future__ import annotations

from collections import defaultdict

from annotations.extract.chinese import pinyin_form
from annotations.extract.distance import TOKEN_MATCH, token_similarity
from annotations.extract.normalize import describe_token_pair, loose_symbols_many, symbols_many
from annotations.extract.places import place_name, place_of
from annotations.extract.variants.analysis import Node
from annotations.extract.variants.arabic import drop_pattern_conflicts
from annotations.extract.variants.contained import contained
from annotations.extract.variants.context import EventIndex
from annotations.extract.variants.hongkong import alias_short
from annotations.extract.variants.joins import add_joins
from annotations.extract.variants.match import (
    drop_different_numbers_and_places,
    drop_short_unknown_places,
    is_numeral,
    match_tokens,
    place_matches,
)
from annotations.extract.variants.near import near_pairs
from annotations.extract.variants.origins import has_nasab
from annotations.extract.variants.score import score_alignment
from annotations.extract.variants.slips import one_letter_slip, slip_pairs, variant_slip_pairs
from annotations.extract.variants.syllables import (
    CHINESE_SIM,
    add_generic_matches,
    add_syllable_matches,
    chinese_pair,
    chinese_sim,
    cross_matches,
)
from annotations.extract.variants.tuning import (
    EVENT_MIN_SHARED,
    JOIN_MATCH,
    NEAR_CAP,
    PLACE_SIM,
    SIBLING_CAP,
    SLIP_SIM,
)
from annotations.extract.variants.verdict import Comparison


class TokenIndex:
    """Everything computed for one comparison pool (see labels.pool)."""

    def __init__(self, name: str, nodes: list[Node], workers: int, debug: bool = False) -> None:
        self.name = name
        self.debug = debug
        self.desc: dict[tuple[str, str, float], str] = {}  # describe_token_pair, memoised
        self.events: EventIndex | None = None  # built the first time context is asked for
        # with debug: (node, node, reason) for near pairs never compared (one token under the gate)
        self.near: list[tuple[int, int, str]] = []
        self.nodes = nodes
        tid: dict[str, int] = {}
        tokens: list[str] = []
        live = [n for n in nodes if not n.phantom and not n.acronym]
        # a final s is cheap between forms of places and groups (Afghan / Afghans), not between
        # people's names (Nicola / Nicolas): see `strict`
        self.plural_s = any(not n.person for n in live)
        self.core_ids: list[tuple[int, ...]] = [()] * len(nodes)
        self.join_ids: list[tuple[int, ...]] = [()] * len(nodes)
        core_ids = self.core_ids
        # forms with a one-letter core token (an initial, matched separately)
        self.initial: list[bool] = [False] * len(nodes)
        for n in live:
            if n.core and min(map(len, n.core)) == 1:
                self.initial[n.idx] = True
        for n in live:
            ids = []
            for t in n.core:
                i = tid.get(t)
                if i is None:
                    i = tid[t] = len(tokens)
                    tokens.append(t)
                ids.append(i)
            core_ids[n.idx] = tuple(ids)
        n_core = len(tokens)
        # skeletons of every core token at once (regex passes over all of them)
        syms = symbols_many(tokens)
        looses = loose_symbols_many(syms)
        for idx, joined in add_joins(live, tid, tokens, looses).items():
            self.join_ids[idx] = joined
        self.tid = tid
        self.tokens = tokens
        self.syms = syms  # skeletons of the core tokens
        self.n_core = n_core
        self.match = match_tokens(tokens, n_core, syms, looses, self.plural_s, workers)
        drop_pattern_conflicts(tokens, n_core, self.match)  # Samer / Samar: see arabic.py
        drop_different_numbers_and_places(tokens, n_core, self.match)  # Mohammed V / VI, Anshan / Anshun
        people = {t for n in live if n.person for t in self.core_ids[n.idx]}
        drop_short_unknown_places(tokens, n_core, self.match, people)  # Basra / Bosra
        self.strict = self._strict_matches() if any(n.person for n in live) else {}
        # two names of one city match, but not between people's names (Ivanova is a city too)
        for a, b, s in place_matches(tokens, n_core, self.match):
            self.match[a][b] = PLACE_SIM
            self.strict[(a, b)] = s
        add_syllable_matches(live, self.core_ids, self.join_ids, tokens, self.match)
        # Dongting Hu / Dongting Lake: a generic word and its translation, between Chinese names too
        self.generic = add_generic_matches(live, self.core_ids, tokens, self.match)
        # Lee Siu-lung / Li Xiaolong, Li Bai / Li Pai: candidates only (chinese_sim decides)
        self.cross = cross_matches(live, self.core_ids, tokens)
        self._index(live)

    def _index(self, live: list[Node]) -> None:
        """Inverted indexes over live nodes: token -> nodes (one-token forms, any token,
        last token, joined token)."""
        self.post_single: dict[int, list[int]] = defaultdict(list)
        self.post_any: dict[int, list[int]] = defaultdict(list)
        self.post_last: dict[int, list[int]] = defaultdict(list)
        self.post_join: dict[int, list[int]] = defaultdict(list)
        for n in live:
            ids = self.core_ids[n.idx]
            if len(ids) == 1:
                self.post_single[ids[0]].append(n.idx)
            else:
                for t in set(ids):
                    self.post_any[t].append(n.idx)
                # the surname: last, but first in a Chinese name
                self.post_last[ids[0] if n.chinese else ids[-1]].append(n.idx)
            for t in set(self.join_ids[n.idx]):
                self.post_join[t].append(n.idx)
            for a in n.aliases:  # Jimmy Lai meets Jimmy Lai Chee-ying (see hongkong.alias_short)
                if (alias := self.tid.get(a)) is not None:
                    self.post_any[alias].append(n.idx)

    def _strict_matches(self) -> dict[tuple[int, int], float]:
        """Token matches that relied on a cheap final s, rescored as people's names are."""
        out: dict[tuple[int, int], float] = {}
        if not self.plural_s:
            return out
        tokens = self.tokens
        for a, row in enumerate(self.match):
            ta = tokens[a]
            for b in row:
                if b != a and (ta[-1] == "s") != (tokens[b][-1] == "s"):
                    s = token_similarity(ta, tokens[b], False)
                    out[(a, b)] = s if s >= TOKEN_MATCH else 0.0
        return out

    def chinese_sim(self, x: int, y: int, fx: Node, fy: Node) -> float:
        """Similarity of token ids x and y of forms fx and fy as syllables of Chinese names
        (syllables.py); a token of a Hong Kong or Hokkien name is read as Cantonese or Hokkien too."""
        if x == y:
            return 1.0
        return CHINESE_SIM if (x, y) in self.generic else chinese_sim(self.tokens[x], self.tokens[y], fx, fy)

    def tsim(self, x: int, y: int, person: bool) -> float:
        """Similarity of token ids x and y (people's rules when `person`)."""
        s = self.match[x].get(y, 0.0)
        if person and s and self.strict:
            return self.strict.get((x, y), s)
        return s

    def sim(self, a: str, b: str, person: bool = False) -> float:
        ia, ib = self.tid.get(a), self.tid.get(b)
        if ia is None or ib is None:
            return 1.0 if a == b else 0.0
        if ia == ib:
            return 1.0
        s = self.tsim(ia, ib, person)
        if s == 0.0 and person and (len(a) == 1 or len(b) == 1) and a[0] == b[0] and not is_numeral(a + b):
            return 0.9  # an initial: G. Bush ~ George Bush
        return s

    # candidate generation -------------------------------------------------------------

    def surname_candidates(self, f: int, toks: list[tuple[int, float]]) -> dict[int, float]:
        out: dict[int, float] = {}
        nodes = self.nodes
        for t2, s in toks:
            for g in self.post_last.get(t2, ()):
                if nodes[g].person and out.get(g, 0.0) < s:
                    out[g] = s
        return out

    def _closure(self, t: int, postings: dict[int, list[int]]) -> set[int]:
        out: set[int] = set()
        for t2 in (*self.match[t], *self.cross.get(t, ())):
            p = postings.get(t2)
            if p:
                out.update(p)
        return out

    def candidates(
        self,
    ) -> tuple[dict[tuple[int, int], float], dict[int, list[tuple[int, float]]], set[tuple[int, int]]]:
        """Candidate comparisons, typed so that the common cases skip full alignment:

        * singles: {(f, g): similarity} for two one-token forms;
        * shorts: {short: [(token id, similarity)]} for a one-token PERSON form whose token
          matches the surname (last core token) of longer forms (expanded later through
          ``post_last``, so a common surname does not materialise every pair);
        * pairs: {(f, g)} where every core token of one form matches a token of the other.
        """
        singles: dict[tuple[int, int], float] = {}
        shorts: dict[int, list[tuple[int, float]]] = {}
        pairs: set[tuple[int, int]] = set()
        cache: dict[int, set[int]] = {}
        match = self.match
        post_single, post_last, post_join = self.post_single, self.post_last, self.post_join
        for n in self.nodes:
            if n.phantom or n.acronym:
                continue
            ids = self.core_ids[n.idx]
            f = n.idx
            if len(ids) == 1:
                for t2, s in match[ids[0]].items():
                    for g in post_single.get(t2, ()):
                        if g > f and singles.get((f, g), 0.0) < s:
                            singles[(f, g)] = s
                    if n.person and t2 in post_last:
                        shorts.setdefault(f, []).append((t2, s))
                    for g in post_join.get(t2, ()):
                        pairs.add((f, g) if f < g else (g, f))
                continue
            sets = []
            for t in set(ids):
                if n.person and len(self.tokens[t]) == 1 and len(ids) > 1:
                    continue  # an initial matches any name with that letter: checked later
                c = cache.get(t)
                if c is None:
                    c = self._closure(t, self.post_any) | self._closure(t, post_join)
                    cache[t] = c
                sets.append(c)
            if not sets:
                continue
            cand = _intersection(sets)
            for t in self.join_ids[f]:  # a split form meets a joined one through the joined token
                cand |= self._closure(t, post_single)
            cand.discard(f)
            pairs.update([(f, g) if f < g else (g, f) for g in cand])
            if self.debug and len(sets) > 1 and len(self.near) < NEAR_CAP:
                self.near += near_pairs(n, sets, cand, self.nodes, self.core_ids, self.tokens, self.match)
        pairs |= slip_pairs(self.nodes, self.core_ids, self.tokens)
        pairs |= self._pinyin_siblings()
        pairs |= variant_slip_pairs(self.nodes, self.core_ids, self.tokens, self.match, self.post_last)
        return singles, shorts, pairs

    def _pinyin_siblings(self) -> set[tuple[int, int]]:
        """Pairs of forms written in pinyin that one Hong Kong or Hokkien form of one token
        matches (Teochew: Chaozhou, Zhangzhou, Changzhou): a Cantonese or Hokkien syllable reads
        as many pinyin ones, so the pinyin forms are compared with each other too, and two that
        read differently become a cannot-link that keeps them apart in one cluster."""
        out: set[tuple[int, int]] = set()
        for n in self.nodes:
            if n.phantom or not (n.hokkien or n.cantonese) or len(self.core_ids[n.idx]) != 1:
                continue
            t = self.core_ids[n.idx][0]
            near = sorted(
                {g for t2 in self.match[t] for g in self.post_single.get(t2, ()) if g != n.idx and self._pinyin(g)}
            )[:SIBLING_CAP]
            out.update((f, g) for i, f in enumerate(near) for g in near[i + 1 :])
        return out

    def _pinyin(self, g: int) -> bool:
        node = self.nodes[g]
        return node.chinese and not (node.hokkien or node.cantonese) and pinyin_form(node.core)

    # alignment --------------------------------------------------------------------------

    def compare(self, fa: Node, fb: Node) -> Comparison:
        """Align two forms: accepted with a score, rejected (perhaps as a cannot-link), or a
        short form of the other. Reject reasons are only spelled out with debug (nobody reads
        them otherwise)."""
        alias = alias_short(fa, fb)
        if alias is not None:
            return alias
        ia, ib = self.core_ids[fa.idx], self.core_ids[fb.idx]
        match = self.match
        n, m = len(ia), len(ib)
        person = fa.person or fb.person
        strict = self.strict if person else None
        chinese = chinese_pair(fa, fb)
        if n == m:
            # the common case first: tokens aligned in place
            items = []
            for k in range(n):
                s = match[ia[k]].get(ib[k], 0.0)
                if chinese:
                    s = self.chinese_sim(ia[k], ib[k], fa, fb)
                elif strict and s:
                    s = strict.get((ia[k], ib[k]), s)
                if s < TOKEN_MATCH:
                    break
                items.append((k, k, s))
            else:
                return self.accept(fa, fb, items, [])
        ma, mb = self._align(fa, fb, person)
        joined = self._join(fa, fb, ma, mb, person) if len(ma) < n and len(mb) < m else []
        if len(ma) == n and len(mb) == m:
            if person and not joined:
                seq = [ma[i][0] for i in sorted(ma)]
                if any(x > y for x, y in zip(seq, seq[1:])):
                    if n > 2 and not _is_rotation(seq):
                        return Comparison.reject("rejected: given names in a different order", True)
                    if has_nasab(fa) or has_nasab(fb):
                        # Hamad bin Khalifa / Khalifa bin Hamad: a son and his father
                        return Comparison.reject("rejected: the names around 'son of' swapped", True)
            return self.accept(fa, fb, [(i, *ma[i]) for i in sorted(ma)], joined)
        ua = [i for i in range(n) if i not in ma]
        ub = [j for j in range(m) if j not in mb]
        if ua and ub:
            slip = self._slip(fa, fb, ma, ua, ub) if person else None
            if slip is not None:
                return slip
            word = "given name" if person else "token"
            return Comparison.reject(
                f"rejected: different {word}s {' '.join(fa.core[i] for i in ua)!r} "
                f"vs {' '.join(fb.core[j] for j in ub)!r}"
                if self.debug
                else "",
                True,
            )
        # one side is fully matched inside the other
        if ub:
            return contained(fa, fb, ma, mb, ub, person, bool(joined), self.debug)
        return contained(fb, fa, mb, ma, ua, person, bool(joined), self.debug)

    def _align(self, fa: Node, fb: Node, person: bool):
        """One-to-one token alignment, best matches first (ties: nearer positions):
        ({index in fa: (index in fb, sim)}, {index in fb: (index in fa, sim)})."""
        A, B = fa.core, fb.core
        ia, ib = self.core_ids[fa.idx], self.core_ids[fb.idx]
        strict = self.strict if person else None
        chinese = chinese_pair(fa, fb)
        edges = []
        initials = person and (self.initial[fa.idx] or self.initial[fb.idx])
        for i in range(len(A)):
            row = self.match[ia[i]]
            for j in range(len(B)):
                s = row.get(ib[j], 0.0)
                if chinese:
                    s = self.chinese_sim(ia[i], ib[j], fa, fb)
                elif strict and s:
                    s = strict.get((ia[i], ib[j]), s)
                if initials and s == 0.0 and (len(A[i]) == 1 or len(B[j]) == 1):
                    s = self.sim(A[i], B[j], person)  # an initial
                if s >= TOKEN_MATCH:
                    edges.append((-s, abs(i - j), i, j))
        edges.sort()
        ma: dict[int, tuple[int, float]] = {}
        mb: dict[int, tuple[int, float]] = {}
        for negs, _, i, j in edges:
            if i not in ma and j not in mb:
                ma[i] = (j, -negs)
                mb[j] = (i, -negs)
        return ma, mb

    def _join(self, fa: Node, fb: Node, ma: dict, mb: dict, person: bool) -> list:
        """Tokens written as one on one side (Abdul Hamid ~ Abdelhamid), added to the
        alignment: [(A indices, B indices, A string, B string, similarity)]."""
        joined: list[tuple[tuple[int, ...], tuple[int, ...], str, str, float]] = []
        for x, y, mx, my, flip in ((fa, fb, ma, mb, False), (fb, fa, mb, ma, True)):
            for jstr, cover in x.joins:
                if any(c in mx for c in cover):
                    continue
                for k, tok in enumerate(y.core):
                    if k in my:
                        continue
                    s = self.sim(tok, jstr, person) if flip else self.sim(jstr, tok, person)
                    if s >= JOIN_MATCH:
                        for c in cover:
                            mx[c] = (k, s)
                        my[k] = (cover[0], s)
                        joined.append(((k,), cover, tok, jstr, s) if flip else (cover, (k,), jstr, tok, s))
                        break
        return joined

    def _slip(self, fa: Node, fb: Node, ma: dict[int, tuple[int, float]], ua: list[int], ub: list[int]):
        """Accept two people's names whose only difference is a one-letter slip in a given name
        (see slips.py) beside an identical surname, or beside a variant surname when the two
        forms' documents report one event (context.py); None if that is not the case."""
        A, B = fa.core, fb.core
        n = len(A)
        if fa.chinese or fb.chinese:  # a letter more or less is another Chinese name (Chang / Chiang)
            return None
        if len(ua) != 1 or ua != ub or n != len(B) or ua[0] == n - 1 or not one_letter_slip(A[ua[0]], B[ub[0]]):
            return None
        if any(ma[i][0] != i for i in ma):
            return None
        event: list[str] | None = None
        if A[-1] != B[-1]:
            if self.events is None:
                self.events = EventIndex(self.nodes)
            event = self.events.shared(fa, fb)
            if len(event) < EVENT_MIN_SHARED:
                return None
        items = sorted([(i, *ma[i]) for i in ma] + [(ua[0], ub[0], SLIP_SIM)])
        return self.accept(fa, fb, items, [], slip=(A[ua[0]], B[ub[0]]), event=event)

    def _describe(self, a: str, b: str, s: float, chinese: bool) -> str:
        """The reason for one aligned token pair (memoised)."""
        if chinese and s == CHINESE_SIM and (self.tid.get(a), self.tid.get(b)) not in self.generic:
            return f"token-aligned: {a}~{b} (the same Chinese syllables: pinyin, Wade-Giles, postal)"
        key = (a, b, s)
        r = self.desc.get(key)
        if r is None and s == CHINESE_SIM and (self.tid.get(a), self.tid.get(b)) in self.generic:
            r = self.desc[key] = f"token-aligned: {a}~{b} (a generic word of a Chinese place name and its translation)"
        if r is None and s == PLACE_SIM and (p := place_of(a)) >= 0 and p == place_of(b):
            r = self.desc[key] = f"token-aligned: {a}~{b} (names of one place: {place_name(p)})"
        if r is None:
            t = self.tid.get(a, self.n_core)
            r = self.desc[key] = describe_token_pair(a, b, s, self.syms[t] if t < self.n_core else None)
        return r

    def accept(
        self,
        fa: Node,
        fb: Node,
        items: list[tuple[int, int, float]],
        joined: list,
        slip: tuple[str, str] | None = None,
        event: list[str] | None = None,
    ) -> Comparison:
        """Score an alignment (score.score_alignment): items are (index in fa.core, index in
        fb.core, similarity) in fa order."""
        return score_alignment(fa, fb, items, joined, self._describe, slip, event)


def _intersection(sets: list[set[int]]) -> set[int]:
    """The forms every token's set holds (a new set), smallest sets first."""
    if len(sets) == 1:
        return set(sets[0])
    ordered = sorted(sets, key=len)
    cand = ordered[0] & ordered[1]
    for c in ordered[2:]:
        if not cand:
            break
        cand &= c
    return cand


def _is_rotation(seq: list[int]) -> bool:
    """True if seq is 0..n-1 shifted cyclically (Massoud Ahmad ~ Ahmad Massoud)."""
    n = len(seq)
    k = seq.index(0) if 0 in seq else -1
    return k >= 0 and all(seq[(k + i) % n] == i for i in range(n))
