"""How predict runs: on this machine (`local`) or on a Dask cluster (`dask`), in bounded pieces.

cores.py     usable cores; `n_process: auto` and the cap on explicit values
bounded.py   long texts cut into pieces on token boundaries, so no batch exceeds a char budget
local.py     nlp.pipe with n_process, failing cleanly (children ended) when a fork fails
cluster.py   chunks of pending documents sent to Dask workers; the coordinator alone writes
single.py    one document predicted and stored as predict would (the Reader's on-open path)
"""
