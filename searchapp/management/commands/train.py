"""manage.py train: the admin's retrain, from the terminal, with progress printed as it goes."""
from django.core.management.base import BaseCommand, CommandError

from searchapp.models import TrainingRun
from searchapp.retraining import pipeline, runs
from searchapp.retraining.forms import RetrainForm


class Command(BaseCommand):
    help = ("Train a new model on every document beside the active one, encode them all with it, check its quality "
            "and activate it when it is not worse (the admin's “Retrain model”, run in this process).")

    def add_arguments(self, parser):
        parser.add_argument("--vocab-size", type=int)
        parser.add_argument("--latent-dim", type=int)
        parser.add_argument("--epochs", type=int)
        parser.add_argument("--seq-len", type=int)
        parser.add_argument("--max-minutes", type=float)
        parser.add_argument("--pretrained", action="store_true", default=None, help="GloVe word vectors on")
        parser.add_argument("--no-pretrained", dest="pretrained", action="store_false")
        parser.add_argument("--sampled-softmax", action="store_true", default=None)
        parser.add_argument("--no-sampled-softmax", dest="sampled_softmax", action="store_false")

    def handle(self, **options):
        base = runs.base_config()
        form = RetrainForm(base=base, data=self._form_data(base, options))
        if not form.is_valid():
            problems = "; ".join(f"--{name.replace('_', '-')}: {' '.join(errors)}" for name, errors in form.errors.items())
            raise CommandError(problems)
        try:
            run = runs.start(form.overrides(), trigger="command", dispatch=False)
        except runs.RunInProgress as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Training run {run.pk} started ({', '.join(f'{k}={v}' for k, v in form.overrides().items())}).")
        pipeline.execute(run.pk, say=self.stdout.write)
        run.refresh_from_db()
        if run.status == TrainingRun.Status.ACTIVE:
            self.stdout.write(self.style.SUCCESS(f"Model {run.model_version.name} is active "
                                                 f"(MRR@10 {run.new_score:.3f}, was {_score(run.active_score)})."))
        elif run.status == TrainingRun.Status.READY:
            self.stdout.write(self.style.WARNING(
                f"Model {run.model_version.name} is ready but not active: MRR@10 {run.new_score:.3f} against "
                f"{_score(run.active_score)} for the active model. Activate it from the admin if you want it anyway."))
        else:
            raise CommandError(f"Run {run.pk} {run.status}: {run.error}")

    @staticmethod
    def _form_data(base, options) -> dict:
        """The options given, else the base recipe's values, as the form's input."""
        data = {}
        for name in RetrainForm.MAIN + ("pretrained",):
            value = options.get(name)
            if value is None:
                value = bool(base.pretrained) if name == "pretrained" else getattr(base, name)
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif value is not None:
                data[name] = value
        return data


def _score(value) -> str:
    return "none" if value is None else f"{value:.3f}"
