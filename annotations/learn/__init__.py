"""Learning from the team's gold: training the extractors (`train/`, registering each model in
store/models.py) and evaluation against gold without leakage (`evaluate/`).

May import anything in the core below it: export (the training data is the export's), predict,
team, reading, entities, corpus, extract, store, config, vocab, errors.
"""
