"""Text out of an uploaded file, or a clear reason why not.

Every problem a user can cause raises Rejected with a message meant for them;
nothing is stored before extraction has succeeded.
"""
import io
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from django.conf import settings

SUPPORTED_TYPES = ("txt", "md", "html", "htm", "pdf", "docx")
TITLE_MAX = 300


class Rejected(Exception):
    """The file cannot become a document; str(exc) says why, for the user."""


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    file_type: str


def check_size(size: int) -> None:
    if size > settings.MAX_UPLOAD_BYTES:
        raise Rejected(f"too large: {size / 2**20:.1f} MB, the limit is {settings.MAX_UPLOAD_MB} MB")


def extract(name: str, data: bytes) -> Extracted:
    """The title and plain text of a file, judged by its extension."""
    file_type = Path(name).suffix.lower().lstrip(".")
    if file_type not in SUPPORTED_TYPES:
        shown = f"“.{file_type}”" if file_type else "a file without extension"
        raise Rejected(f"unsupported type: {shown}; accepted: {', '.join('.' + t for t in SUPPORTED_TYPES)}")
    check_size(len(data))
    if not data.strip():
        raise Rejected("the file is empty")
    title, text = _EXTRACTORS[file_type](data)
    text = clean_text(text)
    if not text:
        raise Rejected("no extractable text in this file")
    title = " ".join((title or "").split()) or text.split("\n", 1)[0].lstrip("# ").strip() or Path(name).stem
    return Extracted(title=title[:TITLE_MAX], text=text, file_type="html" if file_type == "htm" else file_type)


def clean_text(text: str) -> str:
    """Trailing spaces off, runs of blank lines down to one, ends stripped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise Rejected("undecodable text: the file is not valid UTF-8 (save it as UTF-8 and try again)") from None
    if "\x00" in text:
        raise Rejected("undecodable text: the file looks binary, not like text")
    return text


def _plain(data: bytes) -> tuple[str, str]:
    return "", _decode(data)


def _html(data: bytes) -> tuple[str, str]:
    soup = BeautifulSoup(data, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text() if soup.title else ""
    if not title.strip() and (heading := soup.find(["h1", "h2"])):
        title = heading.get_text()
    body = soup.body or soup
    if soup.title:
        soup.title.decompose()
    return title, body.get_text("\n")


def _pdf(data: bytes) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Rejected("the PDF is encrypted")
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
        title = (reader.metadata.title if reader.metadata else "") or ""
    except Rejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        raise Rejected("not a readable PDF file") from None
    return str(title), text


def _docx(data: bytes) -> tuple[str, str]:
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise Rejected("not a readable Word (.docx) document") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return document.core_properties.title or "", "\n".join(parts)


_EXTRACTORS = {"txt": _plain, "md": _plain, "html": _html, "htm": _html, "pdf": _pdf, "docx": _docx}
