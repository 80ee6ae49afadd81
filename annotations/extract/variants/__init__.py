"""Variant-spelling linker: proposes that two surface forms name the same entity.

Pure Python (rapidfuzz + numpy); no Textual, no database. The CLI (`newsmark link suggest`)
and the Entities screen call :func:`suggest` with the corpus's entity mentions and the
annotators' judgements, and show the returned pairs and clusters.

How it works
------------
1. Mentions are grouped by normalised form (:func:`normalize`) within a comparison pool
   (labels.py: every name-like label, PERSON ORG NORP GPE LOC FAC, in one pool, because small
   models tag unfamiliar names ORG or GPE; any other label on its own; values never), so
   forms identical after normalisation always meet. A node is taken to be what its gold
   labels say, else the model's majority; comparing two nodes of different label groups costs
   score and says so. A node's *core tokens* leave out name particles (al-, bin, van ...), leading titles (Mr, Gen., President) and,
   for organisations, company designators (Group, Inc).
2. Tokens, not whole forms, are blocked and compared: every distinct token, under each of its
   readings, goes in the blocks of its consonant keys (and, for long keys, the keys with one
   letter deleted) and of its metaphone code; the gate requires a shared key, so no pair that
   passes it is missed (blocking.py); oversized blocks are split or skipped (IDF-style). Candidate token pairs are pre-scored in bulk with
   ``rapidfuzz.process.cpdist`` (fuzz.ratio over merged skeletons) and the survivors get a
   transliteration-aware weighted edit distance (``distance.token_similarity``).
3. Two forms are compared only if every core token of one has a matching token in the other
   (found through an inverted index of token matches, so no all-pairs step). They are
   aligned token by token, one-to-one (adjacent tokens may be joined: Abdul Hamid ~
   Abdelhamid). A token left over on both sides (Muammar / Saif al-Islam) or an extra given
   name on one side (Ahmad Massoud / Ahmad Shah Massoud) means different entities and
   becomes a cannot-link constraint.
4. Short forms (a lone surname, given names only, an acronym) link to a full form only when
   context makes it unambiguous: the only candidate full name in the documents where the short
   form occurs, or, where one document names several (father and son), the most salient one at
   each mention (mentions so far in the document). If documents disagree, nothing is linked.
5. A one-letter slip inside a given name beside an identical surname is admitted with a
   lower score (slips.py); an extra name token never is.
6. Clusters are connected components of accepted edges and "same" judgements, built in score
   order and never merged across a "different" judgement or a cannot-link constraint
   (nomenklatura's resolver semantics). Judged pairs are never proposed again.

Other readings of a token (Cyrillic-origin names in outlet schemes, hiatus and glides) come
from ../romanize.py, Chinese syllables from ../chinese.py, block keys from ../blocking.py, names
of one city or country (exonyms: Köln / Cologne, Deutschland / Germany) from ../places.py.

Modules: labels (the label rule), model (value types), analysis (nodes), joins (tokens written
together), match (token blocking and matching), compare (candidates and alignment), score (what
an alignment scores), contained (short forms and extra names), syllables (Chinese tokens), verdict
(what a comparison decides), slips, context (shared events), near (--debug), short (context
rules for short forms), origins (Romance full names, nasab), exonyms (names of one place),
hongkong (Jimmy Lai, CY Leung: short forms of Chinese names), arabic (Arabic look-alikes:
Samer / Samar), resolver (judgements as edges),
suggest (the phases), tuning.
"""

from __future__ import annotations

__all__ = [
    "LINKER_VERSION",
    "SKIP_LABELS",
    "Cluster",
    "Judgement",
    "Mention",
    "Pair",
    "Suggestions",
    "canonical_groups",
    "compatible",
    "label_group",
    "normalize",
    "suggest",
]

from annotations.extract.normalize import normalize
from annotations.extract.variants.labels import SKIP_LABELS, compatible, label_group
from annotations.extract.variants.model import Cluster, Judgement, Mention, Pair, Suggestions
from annotations.extract.variants.resolver import canonical_groups
from annotations.extract.variants.suggest import suggest

LINKER_VERSION = "variants-9"
"""Bumped when the linker's decisions change (variants-3: labels pooled, slips, ou/w, y, g/j;
variants-4: readings, Chinese syllables, blocking guarantee, slips by context; variants-5:
names of one place, Romance full names, Arabic look-alikes, Hong Kong and Wade-Giles schemes;
variants-6: Hokkien names, Arabic name patterns, Abd al-, regnal numbers, names of two places
apart, regions, Wade-Giles ai; variants-7: German initial ch, dh as z, Urdu bh, places tagged
PERSON by their own name, GeoNames' spaced pinyin; variants-8: Cantonese readings of hyphenated names
against pinyin, names of one-syllable tokens, English names before pinyin names, three short tokens
joined, Hokkien names syllable by syllable, short unknown places beside known cities, pinyin
siblings kept apart, German ch after l/n/r, pinyin's apostrophe, sz/hw/German tsch spellings;
variants-9: a Chinese place name's generic word and its English translation, Dongting Hu / Dongting Lake)."""
