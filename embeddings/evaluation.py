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
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .artefact import load_metrics
from .config import TrainingConfig
from .encoder import Encoder
from .fusion import CANDIDATES, FUSIONS, dense_ranking, fuse
from .index import VectorIndex
from .lexical import RANKERS, Bm25Ranker, TfidfRanker
from .passages import PASSAGE_SLOTS, passage_ids
from .training import train_model
from .vectors import WordVectors

DEPTH = CANDIDATES


@dataclass
class Dataset:
    name: str
    doc_ids: list[str]
    doc_texts: list[str]
    query_ids: list[str]
    query_texts: list[str]
    qrels: dict[str, dict[str, int]]

    def subset(self, rows) -> "Dataset":
        """The same corpus with only the queries at these row numbers."""
        return Dataset(self.name, self.doc_ids, self.doc_texts, [self.query_ids[r] for r in rows],
                       [self.query_texts[r] for r in rows], self.qrels)


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
    return {name: round(value / max(len(dataset.query_ids), 1), 4) for name, value in totals.items()}


# A method takes the dataset (and the encoder, for dense ones) and returns
# (scores, rows): each (n_queries, DEPTH), corpus row numbers best first (-1 = none).
Method = Callable[[Dataset, Encoder | None], tuple[np.ndarray, np.ndarray]]


def rank_dense(dataset: Dataset, encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
    """Documents by whole-text vector or best passage, as the search view ranks them (fusion.dense_ranking)."""
    documents, passages = encoder.encode_with_passages(dataset.doc_texts)
    index = VectorIndex.build(np.arange(len(documents)), documents, encoder.version)
    ids = np.concatenate([np.zeros(0, np.int64)] + [passage_ids(row, len(p)) for row, p in enumerate(passages)])
    passage_index = VectorIndex.build(ids, np.concatenate([p[:PASSAGE_SLOTS] for p in passages]), encoder.version)
    queries = encoder.encode(dataset.query_texts)
    whole, hits = index.search(queries, DEPTH), passage_index.search(queries, DEPTH * 4)
    scores, rows = np.zeros((len(queries), DEPTH), np.float32), np.full((len(queries), DEPTH), -1, np.int64)
    for q in range(len(queries)):
        ranked = dense_ranking(_as_ranking(*_queries(whole, q)), _as_ranking(*_queries(hits, q)))[:DEPTH]
        rows[q, :len(ranked)] = [row for row, _ in ranked]
        scores[q, :len(ranked)] = [score for _, score in ranked]
    return scores, rows


def rank_tfidf(dataset: Dataset, encoder=None) -> tuple[np.ndarray, np.ndarray]:
    return TfidfRanker(dataset.doc_texts).search(dataset.query_texts, DEPTH)


def rank_bm25(dataset: Dataset, encoder=None) -> tuple[np.ndarray, np.ndarray]:
    return Bm25Ranker(dataset.doc_texts).search(dataset.query_texts, DEPTH)


def rank_glove_mean(dataset: Dataset, encoder=None) -> tuple[np.ndarray, np.ndarray]:
    vectors = WordVectors.load()
    index = VectorIndex.build(np.arange(len(dataset.doc_ids)), vectors.mean_vectors(dataset.doc_texts), "glove-mean")
    return index.search(vectors.mean_vectors(dataset.query_texts), DEPTH)


METHODS: dict[str, Method] = {"dense": rank_dense, "tfidf": rank_tfidf, "bm25": rank_bm25, "glove-mean": rank_glove_mean}
ALL_METHODS = [*METHODS, "hybrid"]
DENSE_METHODS = {"dense", "hybrid"}
# Share of the queries (by a stable hash of their id) held out to choose the fusion; never reported.
TUNING_SHARE = 0.2
WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.001, 0.05)]


def split_queries(query_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of the tuning and test queries: a fixed split, the same on every run and machine."""
    in_tuning = np.array([zlib.crc32(q.encode()) % 1000 < TUNING_SHARE * 1000 for q in query_ids], dtype=bool)
    return np.flatnonzero(in_tuning), np.flatnonzero(~in_tuning)


def _queries(ranked: tuple[np.ndarray, np.ndarray], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return ranked[0][rows], ranked[1][rows]


def _as_ranking(scores: np.ndarray, rows: np.ndarray) -> list[tuple[int, float]]:
    return [(int(r), float(s)) for r, s in zip(rows, scores) if r >= 0]


def rank_hybrid(dense, lexical, weight: float, fusion: str) -> np.ndarray:
    """(n_queries, DEPTH) rows of the fused rankings, by the search view's fusion code."""
    out = np.full((len(dense[0]), DEPTH), -1, dtype=np.int64)
    for q in range(len(out)):
        fused = fuse(_as_ranking(dense[0][q], dense[1][q]), _as_ranking(lexical[0][q], lexical[1][q]), weight, fusion, DEPTH)
        out[q, :len(fused)] = [doc_id for doc_id, _ in fused]
    return out


def tune_fusion(dataset: Dataset, ranked: dict, rows: np.ndarray) -> dict:
    """The keyword ranker, fusion and dense weight with the best MRR@10 on the given (tuning) queries."""
    tuning, dense = dataset.subset(rows), _queries(ranked["dense"], rows)
    trials = [(score_rankings(tuning, rank_hybrid(dense, _queries(ranked[keyword], rows), weight, fusion))["mrr@10"],
               keyword == "bm25", fusion == "sum", -abs(weight - 0.5), keyword, fusion, weight)
              for keyword in RANKERS for fusion in FUSIONS for weight in WEIGHTS]
    best = max(trials)   # ties go to BM25, then to the weighted sum, then to the weight nearest 0.5
    return {"keyword": best[4], "fusion": best[5], "weight": best[6], "tuning_mrr@10": best[0],
            "tuning_queries": len(rows)}


def evaluate(dataset: Dataset, methods: list[str], encoder: Encoder | None = None) -> dict:
    """The JSON-ready report: {"dataset", "n_docs", "n_queries", "methods": {name: metrics}}.

    Every method is scored on the same test queries; the held-out tuning
    queries only choose the hybrid's keyword ranker, fusion and dense weight
    (reported under "fusion"; the search view's settings of the same names).
    """
    unknown = set(methods) - set(ALL_METHODS)
    if unknown:
        raise ValueError(f"unknown methods {sorted(unknown)}; choose from {ALL_METHODS}")
    if encoder is None and DENSE_METHODS & set(methods):
        raise ValueError("dense methods need a model: train one or pass a model directory")
    needed = set(methods) | ({"dense", *RANKERS} if "hybrid" in methods else set())
    ranked = {name: METHODS[name](dataset, encoder) for name in METHODS if name in needed}
    tuning, test = split_queries(dataset.query_ids)
    test_set = dataset.subset(test)
    report = {"dataset": dataset.name, "n_docs": len(dataset.doc_ids), "n_queries": len(test), "methods": {}}
    for name in methods:
        if name == "hybrid":
            fusion = report["fusion"] = tune_fusion(dataset, ranked, tuning)
            rows = rank_hybrid(_queries(ranked["dense"], test), _queries(ranked[fusion["keyword"]], test),
                               fusion["weight"], fusion["fusion"])
        else:
            rows = ranked[name][1][test]
        report["methods"][name] = score_rankings(test_set, rows)
    return report


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
