"""The home page: a search box, ranking mode, filters, and ranked, paginated results with facets."""
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import search
from ..forms import SearchForm
from ..models import Document

SCORE_LABELS = {"hybrid": "fused score", "semantic": "cosine similarity", "keyword": "BM25 score"}


def home(request):
    """Search the indexed documents; explain instead of failing when nothing can be found yet."""
    data = request.GET.copy()
    data.setdefault("mode", "hybrid")  # so the default mode shows as chosen
    form = SearchForm(data if request.GET else None)
    context = {"form": form, "document_count": Document.objects.count(), "page": None, "notice": ""}
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if not query:
            context["notice"] = "Type a question or a few words to search for."
        elif context["document_count"] == 0:
            context["notice"] = "There are no documents yet: upload some first."
        else:
            try:
                results = search.search(query, settings.SEARCH_MAX_RESULTS, mode=form.cleaned_data["mode"],
                                        filters=form.filters())
            except search.NoModel:
                context["notice"] = "No model is trained yet, so nothing can be searched. Ask an administrator."
            else:
                context["page"] = Paginator(results.hits, settings.SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
                context.update(query=query, facets=results.facets, score_label=SCORE_LABELS[form.cleaned_data["mode"]])
                if not results.hits:
                    context["notice"] = ("No document passes these filters." if form.filters()
                                         else "No indexed documents yet; uploaded ones are still being encoded.")
    return render(request, "search/home.html", context)
