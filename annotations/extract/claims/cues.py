"""Phase 2: reporting cues in a unit (a reporting verb with content, "according to", a hearsay
adverb, "reports" as a subject) and the token range of the source each one names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotations.extract.claims.lexicon import (
    AUTHOR_PREPS,
    AUTHOR_VERBS,
    BELIEF_VERBS,
    COMMITMENT_VERBS,
    CONTENT_OPTIONAL,
    HEARSAY_ADVERBS,
    IRREGULAR,
    NEWS_TITLES,
    NOT_REPORTING_HEADS,
    ORG_NOUNS,
    PASSIVE_NEEDS_AGENT,
    QUANTIFIERS,
    REPORT_NOUNS,
    REPORTING_VERBS,
)
from annotations.extract.claims.referents import personlike
from annotations.extract.claims.units import Unit
from annotations.extract.normalize import TITLES

_SUFFIXES = (("ied", "y"), ("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("d", ""))
_SPEAKER_DEPS = frozenset({"compound", "flat", "flat:name", "amod", "poss", "case", "nmod", "nummod"})
_SUBJ_DEPS = frozenset({"nsubj", "csubj"})
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "dobj", "obj", "advcl", "dep"})
_DESCRIPTION_PREPS = frozenset({"for", "of", "at"})  # "a source at the ministry"
LEADING_DROPPED = frozenset(
    "the a an its their his her our".split()
)  # "its owner" -> "owner"; "one" is a quantifier, kept


def lemma(tok: Any) -> str:
    lem = (tok.lemma_ or "").lower()
    low = tok.lower_
    if lem and lem != low:
        return lem
    if low in IRREGULAR:
        return IRREGULAR[low]
    for suffix, repl in _SUFFIXES:
        if low.endswith(suffix) and (low[: -len(suffix)] + repl) in REPORTING_VERBS:
            return low[: -len(suffix)] + repl
    return lem or low


def is_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def depth(tok: Any) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok = tok.head
        d += 1
    return d


def is_title(tok: Any) -> bool:
    low = tok.lower_.rstrip(".")
    return low in TITLES or low in NEWS_TITLES


@dataclass
class Cue:
    start: int  # token range of the cue
    end: int
    lemma: str
    who: Any  # the token naming the source, or None
    score: tuple[int, ...]
    bounds: tuple[int, int] = (0, 0)  # the sentence the source's name must stay in
    inner: tuple[tuple[int, int], ...] = ()  # the quoted words (char spans) the source stays out of

    def speaker(self, doc: Any) -> tuple[int, int] | None:
        """Token range of the source (worked out only for the cue a claim keeps)."""
        return None if self.who is None else speaker_span(doc, self.who, *self.bounds, inner=self.inner)


def author_of(head: Any) -> Any:
    """A report, statement or data never speaks: follow it to its author ("a statement by X",
    "preliminary data from X", "a forecast published by X"); None when it names none."""
    for _ in range(3):
        if head is None or (head.lemma_.lower() not in REPORT_NOUNS and head.lower_ not in REPORT_NOUNS):
            return head
        nxt = None
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in AUTHOR_PREPS:
                nxt = next((g for g in child.children if g.dep_ == "pobj"), None)
            elif child.dep_ == "poss" and child.pos_ in ("NOUN", "PROPN"):  # "a council officer's report"
                nxt = child
            elif child.dep_ == "compound" and _authors(child):  # "a Statec report", "council papers"
                nxt = child
            elif child.dep_ in ("acl", "relcl") and child.lemma_.lower() in AUTHOR_VERBS:  # "published by X"
                for g in child.children:
                    if g.dep_ == "agent":
                        nxt = next((x for x in g.children if x.dep_ == "pobj"), None)
            if nxt is not None:
                break
        head = nxt
    return head


def _authors(tok: Any) -> bool:
    """Whether a report noun's compound names who wrote it: a name ("a Statec report") or an
    organisation's noun ("council papers", "company figures"); not a date ("the May report")."""
    return tok.ent_type_ == "ORG" or (tok.text.islower() and tok.lower_ in ORG_NOUNS)


def in_quotes(tok: Any, inner: tuple[tuple[int, int], ...]) -> bool:
    return any(s <= tok.idx < e for s, e in inner)


def speaker_span(doc: Any, head: Any, lo: int, hi: int, inner: tuple[tuple[int, int], ...] = ()) -> tuple[int, int]:
    """Token range of the source named by `head` (within sentence bounds lo..hi), never
    reaching into the quoted words `inner`."""
    for _ in range(2):  # "Outside court, Keane's daughter, Laura Keane, said": down the appositives
        if head.pos_ not in ("NOUN", "NUM"):  # "one of them, Amal Haddad, said"
            break
        named = next((c for c in head.children if c.dep_ == "appos" and _names(c)), None)
        nested = next(
            (g for c in head.children if c.dep_ == "appos" for g in c.children if g.dep_ == "appos" and _names(g)),
            None,
        )
        under_prep = next(  # "The mayor of Millbrook, Peter Hale, said": parsed onto "Millbrook"
            (
                g
                for c in head.children
                if c.dep_ == "prep"
                for o in c.children
                if o.dep_ == "pobj"
                for g in o.children
                if g.dep_ == "appos" and g.ent_type_ == "PERSON"
            ),
            None,
        )
        found = named if named is not None else nested if nested is not None else under_prep
        if found is None:
            break
        head = found
    keep = _speaker_tokens(doc, head, lo, hi)
    start, end = min(keep), max(keep) + 1
    if head.ent_type_:  # widen to the entity the head is in (token walk: doc.ents is costly)
        e_start, e_end = head.i, head.i + 1
        while e_start > lo and doc[e_start].ent_iob_ == "I":
            e_start -= 1
        while e_end < hi and doc[e_end].ent_iob_ == "I":
            e_end += 1
        if doc[e_start].ent_iob_ == "B":
            start, end = min(start, e_start), max(end, e_end)
    while start > lo and not doc[start - 1].whitespace_ and "-" in (doc[start - 1].text, doc[start].text):
        start -= 1  # "the 29-year-old striker": the hyphenated word whole
    if inner:  # cut at the quoted words on either side of the head
        start, end = _unquoted_around(doc, head.i, start, end, inner)
    while start < end - 1 and (doc[start].is_punct or doc[start].lower_ in LEADING_DROPPED):
        start += 1
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].dep_ in ("cc", "case")):
        end -= 1  # "a council officer|'s report"
    opened = sum(1 for t in doc[start:end] if t.text == "(") - sum(1 for t in doc[start:end] if t.text == ")")
    if opened > 0 and end < hi and doc[end].text == ")":
        end += 1  # "a spokesman for the National Resistance Front (NRF)"
    return start, end


def _in_clause(tok: Any, top: Any) -> bool:
    """Whether `tok` is in a relative clause or an appositive below `top` ("for Harcourt
    Engineering, which employed both": the clause is no part of the source's description)."""
    while tok.i != top.i:
        if tok.dep_ in ("relcl", "appos", "acl") or tok.is_punct:
            return True
        tok = tok.head
    return False


def proper_noun(tok: Any) -> bool:
    """A proper noun as written: capitalised ("the finance ministry" tagged PROPN is none)."""
    return bool(tok.pos_ == "PROPN" and tok.text[:1].isupper())


def _names(tok: Any) -> bool:
    """A name: a person or organisation, an untagged proper noun, or a name spaCy took for a
    place that reads as a person's ("Lowry's lawyer, Helen Park, told")."""
    if tok.ent_type_ in ("PERSON", "ORG") or (tok.pos_ == "PROPN" and not tok.ent_type_):
        return True
    return tok.pos_ == "PROPN" and personlike(" ".join(t.text for t in tok.subtree if t.pos_ == "PROPN"))


def _unquoted_around(
    doc: Any, anchor: int, start: int, end: int, inner: tuple[tuple[int, int], ...]
) -> tuple[int, int]:
    """The tokens start..end around `anchor` up to the first quoted one on each side."""
    lo = hi = anchor
    while lo - 1 >= start and not in_quotes(doc[lo - 1], inner):
        lo -= 1
    while hi + 1 < end and not in_quotes(doc[hi + 1], inner):
        hi += 1
    return lo, hi + 1


def _speaker_tokens(doc: Any, head: Any, lo: int, hi: int) -> set[int]:
    """The head, its name tokens and conjuncts; for a common noun, also "for/of X" and a short acl."""
    keep = {head.i}
    chain = {head.i}  # the head and its conjuncts ("Massoud and Saleh said")
    stack = [head]
    while stack:
        tok = stack.pop()
        for child in tok.children:
            dep = child.dep_
            joined = (
                dep in ("conj", "cc")
                and tok.i in chain
                and not (dep == "conj" and child.lemma_.lower() in REPORT_NOUNS)
            )  # "witnesses and videos"
            if (dep in _SPEAKER_DEPS or joined) and child.i not in keep and lo <= child.i < hi:
                keep.add(child.i)
                stack.append(child)
                if dep == "conj" and joined:
                    chain.add(child.i)
    if head.pos_ == "NOUN":
        for child in head.children:
            if child.dep_ in ("det", "predet") and child.lower_ in QUANTIFIERS and lo <= child.i < hi:
                keep.add(child.i)  # "some officials", as written
            wanted = (
                (child.dep_ == "prep" and child.lower_ in _DESCRIPTION_PREPS and child.i > head.i)
                or (child.dep_ == "prep" and child.lower_ == "in" and child.i > head.i and _placed_in(head, child))
                or (child.dep_ == "relcl" and child.i > head.i and _restrictive(doc, head, child))
                or (child.dep_ == "acl" and child.tag_ == "VBN")  # "people briefed on them"
                or (child.dep_ == "amod" and any(g.dep_ == "prep" for g in child.children))
            )  # "a source close to the delegation", "people familiar with the talks"
            sub = [t.i for t in child.subtree if child.dep_ == "relcl" or not _in_clause(t, child)]
            if wanted and len(sub) <= 8 and lo <= min(sub) and max(sub) < hi:
                keep.update(sub)
    return keep


def _placed_in(head: Any, prep: Any) -> bool:
    """'in' + a place or an institution qualifying an unnamed source, kept as written
    ("officials in Tallinn", "community leaders in the valley"), not a time or a document ("in
    March", "in a statement"), nor an organisation's own place ("the ministry in Kabul")."""
    if head.lemma_.lower() in ORG_NOUNS:
        return False
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None or obj.ent_type_ in ("DATE", "TIME", "CARDINAL") or obj.lemma_.lower() in REPORT_NOUNS:
        return False
    return obj.pos_ in ("PROPN", "NOUN")


def _restrictive(doc: Any, head: Any, clause: Any) -> bool:
    """A restrictive relative clause on an unnamed source, part of its description ("two
    collectors who attended the hearing"); not one set off by a comma ("the company, which ...")."""
    return doc[head.i + 1].text != "," and clause.left_edge.i == head.i + 1 and clause.right_edge.i - head.i <= 8


def find_cues(doc: Any, unit: Unit, lo: int, hi: int) -> list[Cue]:
    """Every reporting cue in the unit outside its quotations, each with its source (if named)."""
    cues: list[Cue] = []
    for tok in doc[unit.start : unit.end]:
        if unit.quotes and unit.inside_quote(tok):
            continue
        low = tok.lower_
        if low == "according" and tok.i + 1 < hi and doc[tok.i + 1].lower_ == "to":
            objs = [c for c in doc[tok.i + 1].children if c.dep_ in ("pobj", "pcomp")]
            cues.append(
                _cue(
                    doc,
                    tok.i,
                    tok.i + 2,
                    "according to",
                    author_of(objs[0]) if objs else None,
                    lo,
                    hi,
                    (-depth(tok), 0),
                )
            )
        elif low in HEARSAY_ADVERBS:
            cues.append(Cue(tok.i, tok.i + 1, low, None, (-99, 0, 0, -tok.i), (lo, hi)))
        elif low in ("reports", "report") and tok.dep_ == "nsubj" and tok.head.pos_ == "VERB":
            cues.append(
                Cue(tok.i, tok.i + 1, "report", None, (-98, 0, 0, -tok.i), (lo, hi))
            )  # "unconfirmed reports placed him"
        elif is_verb(tok):
            cue = _verb_cue(doc, unit, tok, lo, hi)
            if cue is not None:
                cues.append(cue)
    for cue in cues:
        cue.inner = tuple(unit.inner)
    return cues


def _cue(doc: Any, start: int, end: int, lem: str, who: Any, lo: int, hi: int, rank: tuple[int, int]) -> Cue:
    return Cue(start, end, lem, who, (*rank, 1 if who is not None else 0, -start), (lo, hi))


def _verb_cue(doc: Any, unit: Unit, tok: Any, lo: int, hi: int) -> Cue | None:
    """A reporting verb that reports something: not negated, not "declined to say", not inside a
    relative clause, and with content (a clause, a quotation; a denied object will do)."""
    lem = lemma(tok)
    if lem not in REPORTING_VERBS or any(c.dep_ == "neg" for c in tok.children):
        return None
    if tok.dep_ in ("relcl", "acl") or (tok.dep_ == "xcomp" and lemma(tok.head) in NOT_REPORTING_HEADS):
        return None
    quoted = bool(unit.quotes) and any(
        unit.inside_quote(c) and not c.dep_.startswith(("nsubj", "csubj")) for c in tok.children
    )
    has_content = (
        quoted
        or any(c.dep_ in _CONTENT_DEPS and c.dep_ != "dobj" for c in tok.children)
        or (
            tok.dep_ in ("ccomp", "parataxis", "advcl")
            or any(
                c.dep_ == "dobj"
                and (lem in CONTENT_OPTIONAL or any(g.dep_ in ("acl", "relcl", "ccomp") for g in c.children))
                for c in tok.children
            )
        )
        or (bool(unit.quotes) and tok.dep_ == "ROOT")
        or _that_clause_under_prep(tok)
        or _that_follows(doc, tok)
    )
    inverted = next((c for c in tok.children if c.dep_ == "nsubj" and c.i > tok.i and c.pos_ == "PROPN"), None)
    if inverted is not None and tok.i > lo + 2 and doc[tok.i - 1].text == ",":
        has_content = True  # "The port reopens on Monday, said Magnus Rø": the clause before is its content
    if not has_content or (not quoted and _orders(tok)):
        return None
    subj = [c for c in tok.children if c.dep_ in _SUBJ_DEPS]
    if inverted is not None and has_content and subj and subj[0].i < tok.i and doc[tok.i - 1].text == ",":
        subj = [inverted]  # the parser made the content's subject the verb's too
    if subj and not subj[0].text[:1].isalnum():  # '»' parsed as the subject: the real one below it, if any
        below = _subject_within(subj[0], lo, hi)
        subj = [below] if below is not None else subj[1:]
    if subj and subj[0].dep_ == "csubj" and subj[0].tag_ == "VBG":  # "Speaking to reporters, the envoy, X, said"
        named = [t for t in subj[0].subtree if t.dep_ == "appos" and t.pos_ in ("NOUN", "PROPN") and lo <= t.i < hi]
        subj = named[:1]
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    agent = None
    for c in tok.children:
        if c.dep_ == "agent":
            agent = next((g for g in c.children if g.dep_ == "pobj"), None)
    if not subj and tok.dep_ in ("conj", "xcomp", "advcl") and is_verb(tok.head):
        subj = [c for c in tok.head.children if c.dep_ in _SUBJ_DEPS]
    if not subj and tok.tag_ == "VBG":  # "X said that after the game, adding that ...": X's participle
        up = tok.head
        for _ in range(3):
            subj = [c for c in up.children if c.dep_ in _SUBJ_DEPS and lo <= c.i < hi]
            if subj or up.head.i == up.i:
                break
            up = up.head
    if passive and agent is None and lem in PASSIVE_NEEDS_AGENT:
        return None
    if lem in BELIEF_VERBS and not subj:
        return None
    who = agent if passive and agent is not None else (subj[0] if subj else None)
    if who is not None and not (lo <= who.i < hi and who.text[:1].isalnum()):
        who = _subject_within(who, lo, hi)  # '»' parsed as the subject across a paragraph break
    if who is not None and who.lower_ in ("who", "that", "which") and who.head.dep_ == "relcl":
        who = who.head.head  # "Mr Saleh, who declared ..."
    if unit.quotes and (who is None or unit.inside_quote(who)):
        who = outside_source(doc, unit, tok, lo, hi)  # '“...,” insisted Mayor Ana Ruiz.'
    return _cue(doc, tok.i, tok.i + 1, lem, author_of(who), lo, hi, (-depth(tok), int(quoted)))


def _subject_within(tok: Any, lo: int, hi: int) -> Any:
    """The first word below a misparsed subject (a quotation mark, a token of the paragraph
    before) that is a subject inside the sentence bounds lo..hi, else None."""
    return next(
        (t for t in tok.subtree if lo <= t.i < hi and t.dep_ in _SUBJ_DEPS | {"nsubjpass"} and t.text[:1].isalnum()),
        None,
    )


def _orders(verb: Any) -> bool:
    """'warned the jury not to read', 'told residents to leave': an order or a warning to someone
    (an addressee and a to-infinitive, no clause), or a threat or promise to act ('threatened to
    move its fleet'): not a claim."""
    kids = list(verb.children)
    to_inf = any(c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in kids)
    if not to_inf or any(c.dep_ == "ccomp" for c in kids):
        return False
    return any(c.dep_ in ("dobj", "obj") for c in kids) or lemma(verb) in COMMITMENT_VERBS  # "threatened to move"


def _that_follows(doc: Any, verb: Any) -> bool:
    """'told the panel that she had flagged ...' however the parser hung the clause: "that"
    right after the verb or after its object, and a subject after it."""
    i = verb.i + 1
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj", "dative") and c.i > verb.i), None)
    if obj is not None and obj.left_edge.i == i:
        i = obj.right_edge.i + 1
    return (
        i + 1 < len(doc)
        and doc[i].lower_ == "that"
        and doc[i + 1].dep_ in ("nsubj", "nsubjpass", "det", "compound", "poss")
    )


def _that_clause_under_prep(verb: Any) -> bool:
    """'said in a statement that ...': the parser hangs the clause on the statement."""
    for prep in verb.children:
        if prep.dep_ != "prep":
            continue
        for obj in prep.children:
            for clause in obj.children:
                if clause.dep_ in ("acl", "ccomp", "relcl") and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
                ):
                    return True
    return False


_SOURCE_DEPS = frozenset({"nsubj", "dobj", "attr", "npadvmod", "dep", "appos", "oprd", "nsubjpass"})


def outside_source(doc: Any, unit: Unit, verb: Any, lo: int, hi: int) -> Any:
    """The source of a cue whose subject the parser found inside the quotation (or not at
    all): a noun the verb governs outside the quoted words, after the verb first (inverted
    attribution: 'said X', 'insisted Mayor X'), else right before it ('X, | insisted')."""
    for c in verb.children:
        if c.dep_ in _SOURCE_DEPS and c.pos_ in ("PROPN", "NOUN", "PRON") and not unit.inside_quote(c):
            if c.i > verb.i or not any(unit.inside_quote(t) for t in doc[c.i : verb.i]):
                return c
    for rng in (range(verb.i + 1, min(hi, verb.i + 5)), range(verb.i - 1, max(lo, verb.i - 5) - 1, -1)):
        for i in rng:
            tok = doc[i]
            if unit.inside_quote(tok) or (tok.is_punct and tok.text not in ","):
                break
            aged = tok.lower_ == "old" and i > lo and doc[i - 1].text == "-"  # "the 52-year-old" (parsed an adjective)
            name = tok.is_alpha and tok.text[:1].isupper() and i > lo  # '“...,” Keely said.' (parsed an adverb)
            if tok.pos_ in ("PROPN", "NOUN") or tok.lower_ in ("he", "she", "they", "it") or aged or name:
                while tok.dep_ in ("compound", "flat") and tok.head.i != tok.i and lo <= tok.head.i < hi:
                    tok = tok.head
                return tok
    return None
