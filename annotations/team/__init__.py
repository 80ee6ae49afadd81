"""Working as a team: who is asked to annotate what (`assign`), whose layer counts as gold
(`layers`), agreement between annotators (`agreement/`), adjudication into the reviewed layer
(`review`), and merging databases made on other servers (`merge`: the command's core and the
history; `merge_source`: the other file, opened read-only and checked; `merge_rows`: each table).

May import: reading (layout, for sanitising), entities, suggestions, store, config, vocab, errors.
"""
