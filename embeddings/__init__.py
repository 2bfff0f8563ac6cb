"""Document vectors from a sequence-to-sequence LSTM autoencoder, and their index.

Plain Python: texts and ids in, vectors and ranked ids out. Nothing here knows
about Django, HTTP, Celery or a database.

    text.py        normalisation and tokenisation
    vocabulary.py  top-N vocabulary with padding (0) and unknown (1) ids
    vectors.py     pretrained GloVe-format word vectors
    windows.py     documents -> fixed-length token-id windows
    model.py       the Keras autoencoder (one screen)
    training.py    train_model(): tf.data pipeline, callbacks, artefact
    artefact.py    the versioned model directory, saved atomically
    encoder.py     Encoder: NumPy forward pass for serving (no TensorFlow)
    index.py       VectorIndex: FAISS keyed by document ids
    lexical.py     TF-IDF and BM25 rankers (baselines and hybrid search)
    evaluation.py  BEIR datasets, ranking metrics, method comparison
"""
