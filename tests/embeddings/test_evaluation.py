import json

import numpy as np
import pytest

from embeddings.evaluation import evaluate, load_beir, ranking_metrics, split_queries
from embeddings.lexical import Bm25Ranker, TfidfRanker

from .conftest import TOPICS


def write_beir(folder, docs: dict[str, str], queries: dict[str, str], qrels: list[tuple[str, str, int]]):
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("".join(json.dumps({"_id": i, "title": "", "text": t}) + "\n" for i, t in docs.items()))
    (folder / "queries.jsonl").write_text("".join(json.dumps({"_id": i, "text": t}) + "\n" for i, t in queries.items()))
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in qrels))


@pytest.fixture
def topic_dataset(tmp_path):
    docs = {f"d-{topic}": sentence for topic, sentence in TOPICS.items()}
    queries = {"q1": "goal scored by the striker", "q2": "satellite orbit", "q3": "nothing relevant here"}
    write_beir(tmp_path, docs, queries, [("q1", "d-football", 1), ("q2", "d-space", 1), ("q3", "d-cooking", 0)])
    return tmp_path


def test_metrics_of_a_single_ranking():
    figures = ranking_metrics(["a", "b", "c"], {"b": 1})
    assert figures["mrr@10"] == 0.5
    assert figures["ndcg@10"] == pytest.approx(1 / np.log2(3))
    assert figures["recall@10"] == 1.0
    missing = ranking_metrics(["x"] * 5, {"b": 1})
    assert missing == {"ndcg@10": 0.0, "mrr@10": 0.0, "recall@10": 0.0, "recall@100": 0.0}


def test_graded_relevance_rewards_the_better_document_first():
    relevant = {"a": 2, "b": 1}
    assert ranking_metrics(["a", "b"], relevant)["ndcg@10"] == pytest.approx(1.0)
    assert ranking_metrics(["b", "a"], relevant)["ndcg@10"] < 1.0


def test_load_beir_keeps_only_queries_with_a_relevant_document(topic_dataset):
    dataset = load_beir(topic_dataset)
    assert dataset.query_ids == ["q1", "q2"]
    assert dataset.qrels["q1"] == {"d-football": 1}
    assert len(dataset.doc_texts) == 4


@pytest.mark.parametrize("ranker", [TfidfRanker, Bm25Ranker])
def test_lexical_rankers_find_the_document_sharing_the_words(ranker):
    texts = list(TOPICS.values())
    scores, rows = ranker(texts).search(["rocket satellite", "zzzz"], 3)
    assert rows[0, 0] == 2 and scores[0, 0] > scores[0, 1]
    assert (rows[1] == -1).all()                       # no shared word: nothing ranked


def test_evaluate_compares_methods_in_one_report(topic_dataset):
    dataset = load_beir(topic_dataset)
    report = evaluate(dataset, ["tfidf", "bm25"])
    assert report["n_docs"] == 4 and report["n_queries"] == len(split_queries(dataset.query_ids)[1]) >= 1
    assert report["methods"]["bm25"]["mrr@10"] == 1.0
    assert set(report["methods"]["tfidf"]) == {"ndcg@10", "mrr@10", "recall@10", "recall@100"}


def test_dense_without_a_model_is_refused(topic_dataset):
    with pytest.raises(ValueError, match="need a model"):
        evaluate(load_beir(topic_dataset), ["dense"])


def test_tuning_queries_are_a_fixed_fifth_kept_apart_from_the_test_queries():
    ids = [f"q{i}" for i in range(2000)]
    tuning, test = split_queries(ids)
    assert set(tuning).isdisjoint(test) and len(tuning) + len(test) == len(ids)
    assert 300 < len(tuning) < 500
    again, _ = split_queries(list(reversed(ids)))
    assert sorted(ids[i] for i in tuning) == sorted(ids[::-1][i] for i in again)   # by id, not by position


def test_hybrid_is_tuned_on_held_out_queries_and_reported_on_the_others(tiny_model, tmp_path):
    from embeddings.encoder import Encoder

    texts = {f"d{i}": f"{topic} report number {i}: {sentence}" for i, (topic, sentence) in
             enumerate(list(TOPICS.items()) * 5)}
    queries = {f"q{i}": " ".join(text.split()[3:7]) for i, text in enumerate(texts.values())}
    write_beir(tmp_path, texts, queries, [(f"q{i}", f"d{i}", 1) for i in range(len(texts))])
    dataset = load_beir(tmp_path)
    report = evaluate(dataset, ["bm25", "dense", "hybrid"], Encoder.load(tiny_model))
    tuning, test = split_queries(dataset.query_ids)
    assert report["n_queries"] == len(test) and report["fusion"]["tuning_queries"] == len(tuning)
    assert report["fusion"]["fusion"] in {"sum", "rrf"} and 0.0 <= report["fusion"]["weight"] <= 1.0
    assert set(report["methods"]) == {"bm25", "dense", "hybrid"}
