"""Training the extractors on the team's gold: `newsmark train`, `train-curve`.

    data     the NER corpus: the export's own DocBins (split by document, seeded), rehearsal
    config   the spaCy training config, built with spaCy's own API (init config / sourcing)
    loop     in-process training with a per-step callback; stops at steps, minutes or patience
    ner      train one NER model: temp dir -> before/after table -> rename -> register
    curve    dev F1 at 25/50/75/100 % of the training documents
    claims   a span categorizer on doc.spans["claims"]
    variants the linker's decision threshold fitted on judged pairs

Nothing here imports spaCy at module level, so the CLI stays quick to start.
"""
