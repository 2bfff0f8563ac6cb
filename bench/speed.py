"""Speed benchmark: training throughput, encoding throughput and latency, index search latency.

    .venv/bin/python -m bench.speed

Figures that depend on this shared, noisy machine are also given as ratios
(sampled vs full softmax; approximate vs exact index). Writes bench/results/speed.json.
"""
import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from embeddings.artefact import load_metrics
from embeddings.config import TrainingConfig
from embeddings.encoder import Encoder
from embeddings.index import VectorIndex
from embeddings.training import train_model

ROOT = Path(__file__).resolve().parents[1]


def zipf_corpus(documents: int, length: int, words: int, seed: int = 0) -> list[str]:
    """Synthetic text with a natural (Zipfian) word distribution over more than 20,000 words."""
    rng = np.random.default_rng(seed)
    ranks = np.minimum(rng.zipf(1.1, size=(documents, length)), words) - 1
    return [" ".join(f"w{r}" for r in row) for row in ranks]


def training_throughput(texts: list[str], sampled: bool, models_dir: Path) -> tuple[float, Path]:
    """Tokens per second in the second epoch (the first one includes graph tracing)."""
    config = TrainingConfig(epochs=2, pretrained=None, sampled_softmax=sampled, validation_fraction=0.0)
    model_dir = train_model(texts, models_dir, config)
    metrics = load_metrics(model_dir)
    return metrics["tokens"] / metrics["epochs"][1]["seconds"], model_dir


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def index_latency(size: int, dim: int, rng) -> dict:
    centres = rng.normal(size=(200, dim)).astype(np.float32)
    vectors = centres[rng.integers(0, 200, size)] + 0.5 * rng.normal(size=(size, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[rng.integers(0, size, 200)] + 0.1 * rng.normal(size=(200, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = VectorIndex.create(dim, "bench")
    exact.add(np.arange(size), vectors)
    chosen = VectorIndex.build(np.arange(size), vectors, "bench")
    result = {"vectors": size, "kind": chosen.kind,
              "exact_ms": 1000 * statistics.median(timed(lambda: exact.search(queries[:1], 10), 200))}
    if chosen.kind != "flat":
        truth = exact.search(queries, 10)[1]
        found = chosen.search(queries, 10)[1]
        result["approximate_ms"] = 1000 * statistics.median(timed(lambda: chosen.search(queries[:1], 10), 200))
        result["recall@10_vs_exact"] = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]))
        result["speedup"] = result["exact_ms"] / result["approximate_ms"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed.json")
    args = parser.parse_args()
    results = {"command": "python -m bench.speed"}
    texts = zipf_corpus(1280, 100, 40_000)
    with tempfile.TemporaryDirectory() as scratch:
        full, _ = training_throughput(texts, sampled=False, models_dir=Path(scratch))
        sampled, model_dir = training_throughput(texts, sampled=True, models_dir=Path(scratch))
        results["training_tokens_per_s"] = {"full_softmax": round(full), "sampled_softmax": round(sampled),
                                            "ratio": round(sampled / full, 2), "vocabulary": 20_000}
        print(f"training: full softmax {full:.0f} tokens/s, sampled {sampled:.0f} tokens/s ({sampled / full:.2f}x)")

        encoder = Encoder.load(model_dir)
        windows = zipf_corpus(2048, 100, 40_000, seed=1)
        batch_seconds = min(timed(lambda: encoder.encode(windows), 3))
        query = "Ad sales boost Time Warner profit"
        latencies = timed(lambda: encoder.encode([query]), 300)
        results["encoder"] = {"dim": encoder.dim, "windows_per_s": round(len(windows) / batch_seconds),
                              "query_ms_median": round(1000 * statistics.median(latencies), 3),
                              "query_ms_p95": round(1000 * sorted(latencies)[int(0.95 * len(latencies))], 3)}
        print(f"encoder: {results['encoder']['windows_per_s']} windows/s (100 tokens), one query "
              f"{results['encoder']['query_ms_median']} ms median")

    rng = np.random.default_rng(0)
    results["index"] = [index_latency(size, 256, rng) for size in (10_000, 100_000)]
    for row in results["index"]:
        print("index: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
