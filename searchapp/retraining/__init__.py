"""Retraining: a run trains a new model beside the active one, encodes every document into its own index,
checks its quality against the active model, and only then swaps the active version.

    runs.py      starting (one at a time), cancelling, runs left behind by a dead worker, the periodic trigger
    pipeline.py  what the training task does with a run, step by step
    progress.py  progress reports from training and encoding written to the run
    quality.py   the held-out self-retrieval check of a new model against the active one
    versions.py  activation, rollback and keeping the last N versions
    forms.py     the admin's retrain form (also validates `manage.py train` options)
"""
