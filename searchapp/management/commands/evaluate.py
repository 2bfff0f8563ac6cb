"""manage.py evaluate: compare our dense vectors with lexical and word-vector baselines on a BEIR dataset."""
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from embeddings.config import TrainingConfig
from embeddings.evaluation import ALL_METHODS, run

METRICS = ("ndcg@10", "mrr@10", "recall@10", "recall@100")


def parse_overrides(pairs: list[str]) -> dict:
    """`--set key=value` pairs as TrainingConfig fields; values are read as JSON when they parse."""
    fields = TrainingConfig().to_dict()
    overrides = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in fields:
            raise CommandError(f"unknown setting {key!r}; known: {', '.join(sorted(fields))}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


class Command(BaseCommand):
    help = "Rank every query of a BEIR-layout dataset with each method and print nDCG@10, MRR@10, Recall@10/100."

    def add_arguments(self, parser):
        parser.add_argument("dataset_dir", type=Path)
        parser.add_argument("--train", action="store_true", help="train a model on the dataset's corpus first")
        parser.add_argument("--model", type=Path, help="an existing model directory to evaluate")
        parser.add_argument("--methods", nargs="+", default=ALL_METHODS, choices=ALL_METHODS)
        parser.add_argument("--json", dest="json_out", type=Path, help="write the figures to this file")
        parser.add_argument("--epochs", type=int, help="training epochs (default: the recipe's)")
        parser.add_argument("--max-minutes", type=float, help="training time budget")
        parser.add_argument("--save-model", type=Path, help="keep the trained model under this folder")
        parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                            help="override a training setting, e.g. --set latent_dim=128 (repeatable)")

    def handle(self, *args, dataset_dir, train, model, methods, json_out: Path | None, epochs, max_minutes,
               save_model, set, **options):
        if not (dataset_dir / "corpus.jsonl").exists():
            raise CommandError(f"{dataset_dir} has no corpus.jsonl: expected the BEIR layout")
        if train and model:
            raise CommandError("use either --train or --model, not both")
        overrides = parse_overrides(set)
        if epochs is not None:
            overrides["epochs"] = epochs
        if max_minutes is not None:
            overrides["max_minutes"] = max_minutes
        started = time.monotonic()
        try:
            report = run(dataset_dir, methods, model_dir=model, train=train, config=TrainingConfig(**overrides),
                         models_dir=save_model, on_progress=self.show_progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"\n{report['dataset']}: {report['n_docs']} documents, {report['n_queries']} test queries "
                          f"({time.monotonic() - started:.0f} s)")
        self.stdout.write(f"{'method':<12}" + "".join(f"{name:>12}" for name in METRICS))
        for name, figures in report["methods"].items():
            self.stdout.write(f"{name:<12}" + "".join(f"{figures[m]:>12.4f}" for m in METRICS))
        if fusion := report.get("fusion"):
            self.stdout.write(f"hybrid: dense + {fusion['keyword']}, {fusion['fusion']} fusion, dense weight "
                              f"{fusion['weight']}, chosen on {fusion['tuning_queries']} held-out queries "
                              "not reported above")
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(report, indent=2))
            self.stdout.write(f"written to {json_out}")

    def show_progress(self, report: dict):
        if report.get("stage") == "training" and report["batch"] == report["batches"]:
            self.stdout.write(f"epoch {report['epoch']}/{report['epochs']}: loss {report['loss']:.3f}, "
                              f"{report['tokens_per_s']:.0f} tokens/s, {report['elapsed_s']:.0f} s")
        elif report.get("stage") == "vectors":
            self.stdout.write(f"pretrained vectors: {report['found']} of {report['vocabulary']} words found")
