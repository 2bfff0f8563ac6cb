"""Measure ranking methods on a BEIR-layout dataset, all in one run.

    corpus.jsonl   {"_id", "title", "text"}
    queries.jsonl  {"_id", "text"}
    qrels/test.tsv header, then query-id <tab> corpus-id <tab> score

Every method ranks the whole corpus for every query; the figures are
nDCG@10, MRR@10, Recall@10 and Recall@100, averaged over queries with at
least one relevant document.
"""
import csv
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .artefact import load_metrics
from .config import TrainingConfig
from .encoder import Encoder
from .index import VectorIndex
from .lexical import Bm25Ranker, TfidfRanker
from .training import train_model
from .vectors import WordVectors

DEPTH = 100


@dataclass
class Dataset:
    name: str
    doc_ids: list[str]
    doc_texts: list[str]
    query_ids: list[str]
    query_texts: list[str]
    qrels: dict[str, dict[str, int]]


def load_beir(path: Path) -> Dataset:
    path = Path(path)
    doc_ids, doc_texts = [], []
    for row in _jsonl(path / "corpus.jsonl"):
        doc_ids.append(str(row["_id"]))
        doc_texts.append("\n\n".join(part for part in (row.get("title"), row.get("text")) if part))
    qrels: dict[str, dict[str, int]] = {}
    with open(path / "qrels" / "test.tsv", encoding="utf-8") as source:
        reader = csv.reader(source, delimiter="\t")
        next(reader, None)
        for query_id, doc_id, score in reader:
            if int(score) > 0:
                qrels.setdefault(query_id, {})[doc_id] = int(score)
    query_ids, query_texts = [], []
    for row in _jsonl(path / "queries.jsonl"):
        if str(row["_id"]) in qrels:
            query_ids.append(str(row["_id"]))
            query_texts.append(row["text"])
    return Dataset(path.name, doc_ids, doc_texts, query_ids, query_texts, qrels)


def _jsonl(path: Path):
    with open(path, encoding="utf-8") as source:
        for line in source:
            if line.strip():
                yield json.loads(line)


def ranking_metrics(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    """nDCG@10 (graded gains), MRR@10, Recall@10 and Recall@100 for one query."""
    gains = [relevant.get(doc_id, 0) for doc_id in ranked[:10]]
    dcg = sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    first = next((rank for rank, doc_id in enumerate(ranked[:10]) if doc_id in relevant), None)
    return {"ndcg@10": dcg / idcg if idcg else 0.0,
            "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
            "recall@10": len(set(ranked[:10]) & relevant.keys()) / len(relevant),
            "recall@100": len(set(ranked[:100]) & relevant.keys()) / len(relevant)}


def score_rankings(dataset: Dataset, rows: np.ndarray) -> dict[str, float]:
    """Average metrics of (n_queries, depth) rankings given as corpus row numbers (-1 = none)."""
    totals: dict[str, float] = {}
    for query_id, ranking in zip(dataset.query_ids, rows):
        ranked = [dataset.doc_ids[r] for r in ranking if r >= 0]
        for name, value in ranking_metrics(ranked, dataset.qrels[query_id]).items():
            totals[name] = totals.get(name, 0.0) + value
    return {name: round(value / len(dataset.query_ids), 4) for name, value in totals.items()}


# A method takes the dataset (and the encoder, for dense ones) and returns
# (n_queries, DEPTH) corpus row numbers, best first.
Method = Callable[[Dataset, Encoder | None], np.ndarray]


def rank_dense(dataset: Dataset, encoder: Encoder) -> np.ndarray:
    index = VectorIndex.build(np.arange(len(dataset.doc_ids)), encoder.encode(dataset.doc_texts), encoder.version)
    return index.search(encoder.encode(dataset.query_texts), DEPTH)[1]


def rank_tfidf(dataset: Dataset, encoder=None) -> np.ndarray:
    return TfidfRanker(dataset.doc_texts).search(dataset.query_texts, DEPTH)[1]


def rank_bm25(dataset: Dataset, encoder=None) -> np.ndarray:
    return Bm25Ranker(dataset.doc_texts).search(dataset.query_texts, DEPTH)[1]


def rank_glove_mean(dataset: Dataset, encoder=None) -> np.ndarray:
    vectors = WordVectors.load()
    index = VectorIndex.build(np.arange(len(dataset.doc_ids)), vectors.mean_vectors(dataset.doc_texts), "glove-mean")
    return index.search(vectors.mean_vectors(dataset.query_texts), DEPTH)[1]


METHODS: dict[str, Method] = {"dense": rank_dense, "tfidf": rank_tfidf, "bm25": rank_bm25, "glove-mean": rank_glove_mean}
DENSE_METHODS = {"dense"}


def evaluate(dataset: Dataset, methods: list[str], encoder: Encoder | None = None) -> dict:
    """The JSON-ready report: {"dataset", "n_docs", "n_queries", "methods": {name: metrics}}."""
    unknown = set(methods) - METHODS.keys()
    if unknown:
        raise ValueError(f"unknown methods {sorted(unknown)}; choose from {sorted(METHODS)}")
    if encoder is None and DENSE_METHODS & set(methods):
        raise ValueError("dense methods need a model: train one or pass a model directory")
    results = {name: score_rankings(dataset, METHODS[name](dataset, encoder)) for name in methods}
    return {"dataset": dataset.name, "n_docs": len(dataset.doc_ids), "n_queries": len(dataset.query_ids),
            "methods": results}


def run(dataset_dir: Path, methods: list[str], model_dir: Path | None = None, train: bool = False,
        config: TrainingConfig = TrainingConfig(), models_dir: Path | None = None,
        on_progress: Callable[[dict], None] | None = None) -> dict:
    """Load a dataset, optionally train a model on its corpus, and compare `methods` on it."""
    dataset = load_beir(dataset_dir)
    model_info = None
    if train:
        with tempfile.TemporaryDirectory() as scratch:
            model_dir = train_model(dataset.doc_texts, Path(models_dir or scratch), config, on_progress=on_progress)
            encoder = Encoder.load(model_dir)
            model_info = {"version": encoder.version, "config": encoder.config.to_dict(), "training": load_metrics(model_dir)}
    else:
        encoder = Encoder.load(model_dir) if model_dir else None
    report = evaluate(dataset, methods, encoder)
    if model_info:
        report["model"] = model_info
    return report
