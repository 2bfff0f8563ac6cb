"""Progress of a run, written to its row for the admin page: throttled, with an estimate of the time left.

The bar runs 0-80 % while training (by batches done of all planned batches)
and 80-99 % while encoding (by documents); 100 % once the run is ready or active.
"""
import time

from ..models import TrainingRun

TRAINING_SHARE, ENCODING_SHARE = 80.0, 19.0
WRITE_EVERY_S = 0.5
CANCEL_CHECK_EVERY_S = 1.0


class Cancelled(Exception):
    """Someone asked to cancel the run; raised between encoding batches."""


class RunProgress:
    """Callbacks for train_model (on_progress, should_stop) and the encoding loop, bound to one run."""

    def __init__(self, run: TrainingRun, say=None):
        self.run, self.say = run, say
        self.last_write = self.last_check = 0.0
        self.cancelled = False
        self.pending: set[str] = set()

    def on_training(self, report: dict) -> None:
        stage = report.get("stage")
        if stage != "training":
            label = {"vectors": "loading pretrained word vectors", "saving": "saving the model"}.get(stage, stage)
            self._write(stage=label, force=True)
            return
        epoch, epochs, batch, batches = report["epoch"], report["epochs"], report["batch"], report["batches"]
        done = ((epoch - 1) * batches + batch) / max(1, epochs * batches)
        eta = report["elapsed_s"] * (1 - done) / max(done, 1e-9)
        budget = self.run.config.get("max_minutes")
        if budget:
            eta = min(eta, max(0.0, budget * 60 - report["elapsed_s"]))
        epoch_end = batch == batches
        if epoch_end:
            self.run.epoch_losses = [*self.run.epoch_losses[:epoch - 1], round(report["loss"], 5)]
            self.pending.add("epoch_losses")
            if self.say:
                self.say(f"epoch {epoch}/{epochs}: loss {report['loss']:.4f}, {report['tokens_per_s']:.0f} tokens/s, "
                         f"about {eta:.0f} s left")
        self._write(stage=f"training: epoch {epoch} of {epochs}", epoch=epoch, epochs=epochs, batch=batch,
                    batches=batches, loss=report["loss"], tokens_per_s=report["tokens_per_s"], eta_s=eta,
                    percent=TRAINING_SHARE * done, force=epoch_end)

    def on_encoding(self, done: int, total: int, started: float) -> None:
        fraction = done / max(1, total)
        elapsed = time.monotonic() - started
        self._write(stage=f"encoding: {done} of {total} documents", percent=TRAINING_SHARE + ENCODING_SHARE * fraction,
                    eta_s=elapsed * (1 - fraction) / max(fraction, 1e-9), force=done >= total)

    def stage(self, label: str, **fields) -> None:
        self._write(stage=label, force=True, **fields)
        if self.say:
            self.say(label)

    def should_stop(self) -> bool:
        """Whether cancellation was asked for (read from the database at most once a second)."""
        now = time.monotonic()
        if not self.cancelled and now - self.last_check >= CANCEL_CHECK_EVERY_S:
            self.last_check = now
            self.cancelled = TrainingRun.objects.filter(pk=self.run.pk, cancel_requested=True).exists()
        return self.cancelled

    def check_cancelled(self) -> None:
        self.last_check = 0.0
        if self.should_stop():
            raise Cancelled("cancelled during encoding")

    def _write(self, force: bool = False, **fields) -> None:
        """Set fields on the run; save the changed ones when forced or when the last save is old enough."""
        for name, value in fields.items():
            setattr(self.run, name, value)
        self.pending.update(fields)
        now = time.monotonic()
        if force or now - self.last_write >= WRITE_EVERY_S:
            self.last_write = now
            self.run.save(update_fields=[*self.pending, "updated_at"])
            self.pending.clear()
