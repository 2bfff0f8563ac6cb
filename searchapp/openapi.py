"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json."""
from django.conf import settings

_ERROR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_DATE = {"type": "string", "format": "date"}

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Document search API", "version": "1.0",
             "description": "Search, upload and manage documents. Authenticate with 'Authorization: Bearer <token>' "
                            "(`manage.py api_token USERNAME`) or a logged-in session (with the CSRF token for "
                            "POST and DELETE)."},
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/search": {"get": {
            "summary": "Ranked documents for a question",
            "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 500}},
                {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                        "maximum": settings.SEARCH_MAX_RESULTS, "default": 10}},
                {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["hybrid", "semantic", "keyword"],
                                                           "default": "hybrid"}},
                {"name": "weight", "in": "query", "description": "share of the dense ranking in hybrid mode (0-1)",
                 "schema": {"type": "number", "minimum": 0, "maximum": 1}},
                {"name": "type", "in": "query", "description": "file type; repeat for several",
                 "schema": {"type": "array", "items": {"type": "string"}}, "explode": True},
                {"name": "uploaded_from", "in": "query", "schema": _DATE},
                {"name": "uploaded_to", "in": "query", "schema": _DATE},
                {"name": "uploader", "in": "query", "description": "username", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "results, best first",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Results"}}}},
                          "400": _ERROR, "401": _ERROR, "405": _ERROR, "503": _ERROR}}},
        "/api/documents": {"post": {
            "summary": "Upload files or a text (the upload page's pipeline)",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                "title": {"type": "string"}, "text": {"type": "string"}}}}}},
            "responses": {"201": {"description": "at least one document accepted"},
                          "200": {"description": "nothing new: duplicates or rejected files, one result each"},
                          "400": _ERROR, "401": _ERROR, "403": _ERROR, "413": _ERROR}}},
        "/api/documents/{id}": {
            "get": {"summary": "A document's status", "parameters": [_ID],
                    "responses": {"200": {"description": "id, title, status (queued, encoding, indexed, failed), error"},
                                  "401": _ERROR, "404": _ERROR}},
            "delete": {"summary": "Delete a document and take it out of the indexes", "parameters": [_ID],
                       "responses": {"204": {"description": "deleted"}, "401": _ERROR, "403": _ERROR, "404": _ERROR}}},
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                            "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"],
                      "properties": {"error": {"type": "string"}, "fields": {"type": "object"}}},
            "Results": {"type": "object", "properties": {
                "query": {"type": "string"}, "mode": {"type": "string"}, "weight": {"type": "number"},
                "facets": {"type": "object"},
                "results": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "title": {"type": "string"}, "score": {"type": "number"},
                    "snippet": {"type": "string"}, "file_type": {"type": "string"}, "url": {"type": "string"}}}}}},
        },
    },
}
