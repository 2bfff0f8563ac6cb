"""Forms for searching, uploading files and pasting text."""
from django import forms
from django.contrib.auth import get_user_model

from .extract import SUPPORTED_TYPES
from .search import Filters


class SearchForm(forms.Form):
    """The question, how to rank, and the filters; the search page and the API read the same fields."""

    q = forms.CharField(required=False, max_length=500, label="Question")
    mode = forms.ChoiceField(choices=[("hybrid", "Hybrid"), ("semantic", "Semantic only"), ("keyword", "Keyword only")],
                             required=False, initial="hybrid", widget=forms.RadioSelect)
    type = forms.MultipleChoiceField(choices=[(t, t) for t in (*SUPPORTED_TYPES, "paste")], required=False,
                                     widget=forms.CheckboxSelectMultiple, label="File type")
    uploaded_from = forms.DateField(required=False, label="Uploaded from", widget=forms.DateInput(attrs={"type": "date"}))
    uploaded_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    uploader = forms.ModelChoiceField(queryset=get_user_model().objects.filter(document__isnull=False).distinct(),
                                      required=False, to_field_name="username", empty_label="anyone")

    def clean(self):
        data = super().clean()
        if data.get("uploaded_from") and data.get("uploaded_to") and data["uploaded_from"] > data["uploaded_to"]:
            raise forms.ValidationError("The start of the date range is after its end.")
        data["mode"] = data.get("mode") or "hybrid"
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(tuple(data["type"]), data["uploaded_from"], data["uploaded_to"],
                       data["uploader"].pk if data["uploader"] else None)


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
