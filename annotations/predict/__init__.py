"""Prediction: running the extractors over documents lacking current predictions (`run`), on
this machine (`local`) or on a Dask cluster (`cluster`); long texts go in bounded pieces
(extract/bounded.py).

run.py       plan a run, hand it to an engine, store results resumably, report
cores.py     usable cores; `n_process: auto` and the cap on explicit values
local.py     nlp.pipe with n_process, failing cleanly (children ended) when a fork fails
cluster.py   chunks of pending documents sent to Dask workers; the coordinator alone writes
single.py    one document predicted and stored as predict would (the Reader's on-open path)

May import: extract, store.models (which model is in use), store, config, vocab, errors.
"""
