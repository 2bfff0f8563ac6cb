"""Ablation: what each part of the training recipe is worth, at the same number of epochs.

    .venv/bin/python -m bench.ablation [--epochs 3] [--only NAME ...]

Every variant is the default recipe with one change (the 'plain' one drops
all of them at once: the autoencoder as first specified), trained on the
bbc-headlines corpus and scored by dense MRR@10 and nDCG@10 on its queries.
Writes bench/results/ablation.json.
"""
import argparse
import json
import time
from pathlib import Path

from embeddings.config import TrainingConfig
from embeddings.evaluation import run

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

VARIANTS = {
    "recipe": {},
    "plain-autoencoder": {"retrieval_weight": 0.0, "reverse_input": False, "word_dropout": 0.0,
                          "pooling": "final", "pretrained": None},
    "no-retrieval-loss": {"retrieval_weight": 0.0},
    "no-keyword-queries": {"keyword_queries": 0.0},
    "reversed-input": {"reverse_input": True},
    "no-word-dropout": {"word_dropout": 0.0},
    "final-state": {"pooling": "final"},
    "no-glove": {"pretrained": None},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA / "bbc-headlines")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ablation.json")
    args = parser.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["command"] = f"python -m bench.ablation --epochs {args.epochs}"
    results["base"] = TrainingConfig().to_dict()
    results.setdefault("variants", {})
    for name in args.only:
        started = time.monotonic()
        config = TrainingConfig(**{**VARIANTS[name], "epochs": args.epochs, "patience": args.epochs})
        report = run(args.data, ["dense"], train=True, config=config)
        figures = report["methods"]["dense"]
        results["variants"][name] = {"changes": VARIANTS[name], "epochs": args.epochs,
                                     "seconds": round(time.monotonic() - started), **figures}
        print(f"{name:<20} mrr@10 {figures['mrr@10']:.4f}  ndcg@10 {figures['ndcg@10']:.4f}  "
              f"({time.monotonic() - started:.0f} s)", flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
