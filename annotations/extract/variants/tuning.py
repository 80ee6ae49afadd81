"""Tuning constants of the variant linker, in one place (nomenklatura keeps its own apart too)."""

from __future__ import annotations

BLOCK_CAP = 1500  # a token block larger than this is split by first letter, then skipped
PREFILTER_CUTOFF = 78  # fuzz.ratio of loose skeletons below which a token pair is dropped
CLUSTER_CONSTRAINT_CAP = 12  # clusters kept pairwise apart per short form (the 12 first)
JOIN_MATCH = 0.93  # two tokens written as one must match closely (Abdul Hamid ~ Abdelhamid)
CROSS_LABEL_PENALTY = 4.0  # score lost when the two forms carry labels of different groups
SLIP_SIM = 0.86  # the similarity a one-letter slip in a given name counts as
SLIP_PENALTY = 3.0  # and the score it costs besides
SLIP_MIN_LEN = 5  # the slipped given name has at least this many letters (the longer one)
SLIP_MAX_TOKENS = 3  # slips are looked for in names of 2 to this many core tokens
SAME_FORM_SCORE = 100.0  # spellings identical after normalisation, labelled differently
EVENT_MIN_SHARED = 2  # other entities both forms' documents name, for a slip beside a variant surname
EVENT_SLIP_PENALTY = 2.0  # what such a slip costs beyond SLIP_PENALTY
NEAR_CAP = 2000  # near pairs --debug explains at most (one token under the gate)
PLACE_SIM = 0.95  # two tokens that are names of one city in GeoNames (places.py: Moskau / Moscow)
PLACE_SCORE = 95.0  # two whole forms that are names of one city (Rostov-on-Don / Rostow am Don)
SHORT_PLACE = 5  # a token of at most this many letters against a city the place table knows and it does not
SHORT_PLACE_SIM = 0.95  # or match at least this closely (match.drop_short_unknown_places)
SIBLING_CAP = 12  # pinyin forms one Hong Kong or Hokkien token matches, compared pairwise (compare.py)
SYLLABLE_LEN = 4  # a name of three tokens of at most this many letters may be written as one (Wen Wei Po)
