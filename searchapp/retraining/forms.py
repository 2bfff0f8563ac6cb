"""The retrain form: the main settings of the recipe, pre-filled with the active model's; the rest is kept."""
from django import forms

from embeddings.config import TrainingConfig
from embeddings.vectors import DEFAULT_VECTORS


class RetrainForm(forms.Form):
    vocab_size = forms.IntegerField(label="Vocabulary size", min_value=100, max_value=200_000,
                                    help_text="The most frequent words kept; the others become “unknown”.")
    latent_dim = forms.IntegerField(label="Latent size", min_value=8, max_value=1024,
                                    help_text="Length of a document vector (LSTM units).")
    epochs = forms.IntegerField(min_value=1, max_value=200, help_text="At most; early stopping may end sooner.")
    seq_len = forms.IntegerField(label="Sequence length", min_value=8, max_value=1000,
                                 help_text="Words per window; longer documents are split.")
    pretrained = forms.BooleanField(label="Pretrained word vectors (GloVe)", required=False)
    sampled_softmax = forms.BooleanField(label="Sampled softmax", required=False,
                                         help_text="Faster training with a large vocabulary.")
    max_minutes = forms.FloatField(label="Time budget (minutes)", required=False, min_value=0.1, max_value=24 * 60,
                                   help_text="Training stops after this long; empty for no limit.")

    MAIN = ("vocab_size", "latent_dim", "epochs", "seq_len", "sampled_softmax", "max_minutes")

    def __init__(self, *args, base: TrainingConfig, **kwargs):
        self.base = base
        initial = {name: getattr(base, name) for name in self.MAIN}
        initial["pretrained"] = bool(base.pretrained)
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)

    def overrides(self) -> dict:
        """The cleaned settings as TrainingConfig fields (a custom vectors file of the base is kept when on)."""
        values = {name: self.cleaned_data[name] for name in self.MAIN}
        values["pretrained"] = (self.base.pretrained or DEFAULT_VECTORS) if self.cleaned_data["pretrained"] else None
        return values
