"""The linker's batch helpers must agree exactly with the one-item functions they speed up.

Property tests over name-like strings (ASCII and not, punctuation, possessives, "the") and
over the fixture-like names the linker meets in news."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.extract.blocking import skeleton_keys
from annotations.extract.distance import TOKEN_MATCH, match_similarities, symbol_similarity, token_similarity
from annotations.extract.normalize import (
    loose_symbols,
    loose_symbols_many,
    normalize,
    normalize_many,
    symbols,
    symbols_many,
)
from annotations.extract.variants.match import token_matches

NAMES = [
    "Massoud",
    "Masood",
    "Mas'ud",
    "The Washington Post's",
    "Qaddafi",
    "Gaddafi",
    "Yevgeny",
    "Evgeny",
    "Zelenskyy",
    "Zelensky",
    "al-Sayeh",
    "Saif al-Islam",
    "Ahmad Shāh Mas'ūd",
    "Hizbullah",
    "Hezbollah",
    "Kharkiv",
    "Kharkov",
    "N.R.F.",
    "the ",
    "'s",
    "Q",
    "yy",
    "wya",
]
name_text = st.one_of(
    st.sampled_from(NAMES),
    st.text(alphabet=st.sampled_from(list("aeiouyw bcdghjkqstxzl'’-.QA\u0101\u00e9")), max_size=14),
)
token = st.text(alphabet=st.sampled_from(list("aeiouywbcdghjkqstxzlmnprfv")), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(name_text, max_size=12))
def test_normalize_many_is_normalize(forms):
    assert normalize_many(forms) == [normalize(f) for f in forms]


@settings(max_examples=300, deadline=None)
@given(st.lists(token, max_size=12))
def test_symbols_many_and_loose_symbols_many_are_the_scalar_functions(tokens):
    syms = symbols_many(tokens)
    assert syms == [symbols.__wrapped__(t) for t in tokens]
    assert loose_symbols_many(syms) == [loose_symbols(s) for s in syms]


@settings(max_examples=200, deadline=None)
@given(st.lists(token, min_size=2, max_size=10, unique=True), st.booleans())
def test_match_similarities_is_symbol_similarity_where_it_matters(tokens, plural_s):
    syms = sorted(set(symbols_many(tokens)))
    pairs = [(i, j) for i in range(len(syms)) for j in range(len(syms)) if i != j]
    if not pairs:
        return
    left = np.array([i for i, _ in pairs])
    right = np.array([j for _, j in pairs])
    got = match_similarities(syms, left, right, plural_s)
    for (i, j), value in zip(pairs, got):
        want = symbol_similarity(syms[i], syms[j], plural_s)
        assert value == (want if want >= TOKEN_MATCH else 0.0), (syms[i], syms[j])


def test_a_token_ending_in_ye_keeps_its_y_in_the_batch_too():
    """The batch joins tokens with newlines: "ye" must not read as Ye before a consonant."""
    assert symbols_many(["ye", "a"]) == [symbols("ye"), symbols("a")] == ["yE", "A"]


VARIANT_TOKENS = (
    "massoud masood masud mashhad qaddafi gaddafi kadhafi zelensky zelenskyy zelenska alaoui alawi "
    "ziad ziyad abdelhamid abdulhamid hamid hamad oleh oleg nagi naji belaid belkaid afghan afghans "
    "kharkiv kharkov yevgeny evgeny mahdy mady baghaei bahaei"
).split()
variant_token = st.one_of(st.sampled_from(VARIANT_TOKENS), token)


@settings(max_examples=200, deadline=None)
@given(st.lists(variant_token, min_size=2, max_size=10), st.booleans())
def test_token_matches_is_token_similarity_where_it_matters(tokens, plural_s):
    pairs = [(i, j) for i in range(len(tokens)) for j in range(len(tokens)) if i != j]
    got = token_matches(tokens, pairs, plural_s)
    for (i, j), value in zip(pairs, got):
        want = token_similarity(tokens[i], tokens[j], plural_s)
        assert value == (want if want >= TOKEN_MATCH else 0.0), (tokens[i], tokens[j])


def test_token_matches_finds_the_variants_the_linker_needs():
    tokens = ["massoud", "masood", "belaid", "belkaid", "abdelhamid", "abdulhamid"]
    got = token_matches(tokens, [(0, 1), (2, 3), (4, 5)], False)
    assert got[0] >= TOKEN_MATCH and got[2] >= TOKEN_MATCH
    assert got[1] == 0.0  # another consonant in a short name: another name


@settings(max_examples=100, deadline=None)
@given(st.lists(variant_token, min_size=2, max_size=10, unique=True), st.booleans())
def test_match_similarities_with_the_callers_block_keys_is_the_same(tokens, plural_s):
    syms = sorted(set(symbols_many(tokens)))
    pairs = [(i, j) for i in range(len(syms)) for j in range(len(syms)) if i != j]
    if not pairs:
        return
    left = np.array([i for i, _ in pairs])
    right = np.array([j for _, j in pairs])
    keys = [skeleton_keys(s) for s in syms]
    assert match_similarities(syms, left, right, plural_s, keys).tolist() == (
        match_similarities(syms, left, right, plural_s).tolist()
    )
