import pytest

from searchapp import encoding, ingest
from tests.corpus import DOCUMENTS


@pytest.fixture
def indexed_documents(active_model):
    """The three topic documents, stored and encoded in this process; {topic: Document}."""
    documents = {topic: ingest.ingest_text(topic.title(), text).document for topic, text in DOCUMENTS.items()}
    encoding.encode_documents([d.pk for d in documents.values()])
    for document in documents.values():
        document.refresh_from_db()
    return documents
