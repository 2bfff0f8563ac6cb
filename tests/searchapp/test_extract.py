"""Text extraction: every supported type yields its text and a title; every bad file a clear reason."""
import pytest

from searchapp.extract import Rejected, extract
from tests.samples import docx_bytes, pdf_bytes


@pytest.mark.parametrize(
    "name, data, title, words",
    [
        ("notes.txt", b"Quarterly report\n\nSales rose in spring.", "Quarterly report", "Sales rose in spring."),
        ("notes.txt", "\ufeffCaf\u00e9 menu\nCr\u00e8me br\u00fbl\u00e9e".encode("utf-8"), "Caf\u00e9 menu",
         "Cr\u00e8me br\u00fbl\u00e9e"),
        ("notes.txt", "Wide title\nwide text".encode("utf-16"), "Wide title", "wide text"),
        ("readme.md", b"# Install guide\n\nRun make run.", "Install guide", "Run make run."),
        ("page.html", b"<html><head><title>Garden tips</title><script>alert(1)</script></head>"
                      b"<body><h1>Roses</h1><p>Prune in March.</p></body></html>", "Garden tips", "Prune in March."),
        ("page.HTM", b"<body><h1>Only heading</h1><p>Body text.</p></body>", "Only heading", "Body text."),
        ("letter.docx", docx_bytes("Dear team,", "The move is on Friday.", title="Office move"), "Office move",
         "The move is on Friday."),
        ("scan.pdf", pdf_bytes("Annual figures", "Revenue grew by ten percent."), "Annual figures",
         "Revenue grew by ten percent."),
    ],
)
def test_supported_files_give_title_and_text(name, data, title, words):
    extracted = extract(name, data)
    assert extracted.title == title
    assert words in extracted.text


def test_script_and_style_never_reach_the_text():
    extracted = extract("p.html", b"<style>p{}</style><p>Visible</p><script>secret()</script>")
    assert extracted.text == "Visible"


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("photo.jpg", b"\xff\xd8\xff", "unsupported type"),
        ("Makefile", b"all:", "unsupported type"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\t\n", "empty"),
        ("script.html", b"<script>only()</script>", "no extractable text"),
        ("image-only.pdf", pdf_bytes(), "no extractable text"),
        ("latin1.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "undecodable"),
        ("binary.txt", b"abc\x00\x01\x02def", "undecodable"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip", "not a readable Word"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(name, data, reason):
    with pytest.raises(Rejected, match=reason):
        extract(name, data)


def test_size_limit_is_a_setting(settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 2**20
    with pytest.raises(Rejected, match="too large: 1.5 MB, the limit is 1 MB"):
        extract("big.txt", b"a" * (3 * 2**19))
