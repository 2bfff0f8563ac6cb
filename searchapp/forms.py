"""Forms for searching, uploading files and pasting text."""
from django import forms

from .extract import SUPPORTED_TYPES


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=500, label="Question")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe); each is judged later, one by one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join("." + t for t in SUPPORTED_TYPES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            files = [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        else:
            files = [super().clean(data, initial)] if data else []
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        return files


class UploadForm(forms.Form):
    files = MultipleFileField(required=False, allow_empty_file=True)


class PasteForm(forms.Form):
    title = forms.CharField(required=False, max_length=300)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
