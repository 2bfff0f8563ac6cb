"""Views, one module per resource: documents, search, and the JSON API."""


def wants_json(request) -> bool:
    """The page's scripts ask for JSON; browsers navigating ask for HTML."""
    return request.accepts("application/json") and not request.accepts("text/html")
