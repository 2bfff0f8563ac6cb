"""Quality benchmark: our dense vectors against the baselines, on both shared reference sets.

    .venv/bin/python -m bench.quality [--max-minutes 20] [--lee-minutes 5]

bbc-headlines: `manage.py evaluate --train` with the default recipe and every method (same code).
lee: Pearson correlation of cosine similarity with the 1,225 human ratings of
Lee et al. (2005), the model trained on the 300 background documents and the 50 rated ones.
Prints the figures and writes them to bench/results/quality.json.
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD

from embeddings.config import TrainingConfig
from embeddings.encoder import Encoder
from embeddings.evaluation import METHODS, run
from embeddings.lexical import TfidfRanker
from embeddings.training import train_model
from embeddings.vectors import WordVectors

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def lee_pearson(similarities: np.ndarray, ratings: np.ndarray) -> float:
    """Pearson of model cosine vs human rating over the upper triangle (1,225 pairs)."""
    upper = np.triu_indices(len(ratings), k=1)
    return float(np.corrcoef(similarities[upper], ratings[upper])[0, 1])


def lee_benchmark(folder: Path, config: TrainingConfig, models_dir: Path) -> dict:
    documents = (folder / "lee.cor").read_text(encoding="latin-1").splitlines()
    background = (folder / "lee_background.cor").read_text(encoding="latin-1").splitlines()
    ratings = np.loadtxt(folder / "similarities0-1.txt")
    ratings = np.maximum(ratings, ratings.T)                 # the file holds the upper triangle
    started = time.monotonic()
    encoder = Encoder.load(train_model(background + documents, models_dir, config))
    dense = encoder.encode(documents)
    tfidf = TfidfRanker(background + documents)
    tfidf_vectors = tfidf.vectorizer.transform(documents)
    lsi = TruncatedSVD(n_components=min(200, tfidf.matrix.shape[0] - 1), random_state=0).fit(tfidf.matrix)
    lsi_vectors = lsi.transform(tfidf_vectors)
    lsi_vectors /= np.linalg.norm(lsi_vectors, axis=1, keepdims=True)
    glove = WordVectors.load().mean_vectors(documents)
    return {"pairs": 1225, "train_seconds": round(time.monotonic() - started, 1), "pearson": {
        "dense": round(lee_pearson(dense @ dense.T, ratings), 4),
        "tfidf": round(lee_pearson((tfidf_vectors @ tfidf_vectors.T).toarray(), ratings), 4),
        "lsi": round(lee_pearson(lsi_vectors @ lsi_vectors.T, ratings), 4),
        "glove-mean": round(lee_pearson(glove @ glove.T, ratings), 4)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--max-minutes", type=float, default=20)
    parser.add_argument("--lee-minutes", type=float, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quality.json")
    parser.add_argument("--models", type=Path, default=ROOT / "data" / "bench-models")
    args = parser.parse_args()

    results = {"command": "python -m bench.quality " + f"--max-minutes {args.max_minutes} --lee-minutes {args.lee_minutes}"}
    bbc = run(args.data / "bbc-headlines", list(METHODS), train=True,
              config=TrainingConfig(epochs=100, max_minutes=args.max_minutes), models_dir=args.models)
    results["bbc-headlines"] = bbc
    print(f"bbc-headlines ({bbc['n_docs']} docs, {bbc['n_queries']} queries)")
    for name, figures in bbc["methods"].items():
        print(f"  {name:<11} " + "  ".join(f"{k} {v:.4f}" for k, v in figures.items()))
    lee = lee_benchmark(args.data / "lee", TrainingConfig(epochs=100, max_minutes=args.lee_minutes), args.models)
    results["lee"] = lee
    print("lee (Pearson vs human ratings): " + "  ".join(f"{k} {v:.4f}" for k, v in lee["pearson"].items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
