"""The home page: a search box and ranked, paginated results."""
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import search
from ..forms import SearchForm
from ..models import Document


def home(request):
    """Search the indexed documents; explain instead of failing when nothing can be found yet."""
    form = SearchForm(request.GET or None)
    context = {"form": form, "document_count": Document.objects.count(), "page": None, "notice": ""}
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if not query:
            context["notice"] = "Type a question or a few words to search for."
        elif context["document_count"] == 0:
            context["notice"] = "There are no documents yet: upload some first."
        else:
            try:
                hits = search.search(query, settings.SEARCH_MAX_RESULTS)
            except search.NoModel:
                context["notice"] = "No model is trained yet, so nothing can be searched. Ask an administrator."
            else:
                context["page"] = Paginator(hits, settings.SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
                context["query"] = query
                if not hits:
                    context["notice"] = "No indexed documents yet; uploaded ones are still being encoded."
    return render(request, "search/home.html", context)
