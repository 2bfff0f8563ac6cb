"""Views, one module per resource: documents and search."""
