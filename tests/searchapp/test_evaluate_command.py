import json

import pytest
from django.core.management import CommandError, call_command

from embeddings.evaluation import split_queries
from tests.embeddings.conftest import small_corpus
from tests.embeddings.test_evaluation import write_beir


def test_evaluate_trains_and_writes_the_report(tmp_path, capsys):
    texts = small_corpus(3)
    docs = {f"d{i}": text for i, text in enumerate(texts)}
    queries = {f"q{i}": " ".join(text.split()[:4]) for i, text in enumerate(texts[:4])}
    write_beir(tmp_path / "set", docs, queries, [(f"q{i}", f"d{i}", 1) for i in range(4)])
    out = tmp_path / "report.json"
    call_command("evaluate", str(tmp_path / "set"), "--train", "--epochs", "1", "--json", str(out),
                 "--methods", "dense", "tfidf", "hybrid", "--set", "vocab_size=200", "--set", "latent_dim=8",
                 "--set", "embedding_dim=8", "--set", "pretrained=null", "--set", "seq_len=16",
                 "--set", "span_max=6", "--set", "span_min=2", "--set", "batch_size=8")
    report = json.loads(out.read_text())
    test_queries = split_queries([f"q{i}" for i in range(4)])[1]
    assert report["dataset"] == "set" and report["n_docs"] == 12 and report["n_queries"] == len(test_queries)
    assert set(report["methods"]) == {"dense", "tfidf", "hybrid"}
    assert 0.0 <= report["methods"]["dense"]["mrr@10"] <= 1.0
    assert report["model"]["config"]["latent_dim"] == 8
    printed = capsys.readouterr().out
    assert "mrr@10" in printed and "dense" in printed and "held-out queries not reported above" in printed


def test_evaluate_explains_a_wrong_folder_and_unknown_settings(tmp_path):
    with pytest.raises(CommandError, match="BEIR layout"):
        call_command("evaluate", str(tmp_path))
    (tmp_path / "corpus.jsonl").write_text("")
    with pytest.raises(CommandError, match="unknown setting 'latent'"):
        call_command("evaluate", str(tmp_path), "--train", "--set", "latent=3")
