"""Canonical entities: creating, merging and splitting them, linking mentions, variant
judgements as pair edges (`actions`); the variant queue over a whole store (`queue`); known
entities from outside, in and out (`known`).

May import: extract (normalisation, the linker), suggestions, store, config, vocab, errors.
"""
