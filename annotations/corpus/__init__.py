"""The corpus: getting articles in. Paths, globs and stdin become records (`sources`), one
reader per file format (`formats/`), and records become documents in the store (`ingest`).

May import: store, config, vocab, errors. Never extract, reading or anything above it.
"""
