"""A second, non-news benchmark: the Python FAQ's questions against the Python documentation.

    .venv/bin/python -m bench.python_faq            # writes data/python-faq/ (BEIR layout)
    .venv/bin/python manage.py evaluate data/python-faq --train --max-minutes 4

Source: Debian's python3.11-doc package (fetched with `apt-get download`,
unpacked with `dpkg-deb`, both under data/, which git ignores: the text is
never committed). Each FAQ entry's question, as written by the FAQ's authors,
is a query; that entry's answer is its one relevant document. Every section
of the library reference joins the corpus as a distractor, so a query is
answered among a few thousand technical texts.
"""
import argparse
import glob
import json
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

PACKAGE = "python3.11-doc"
HTML = "usr/share/doc/python3.11/html"


def fetch(downloads: Path) -> Path:
    """The unpacked package's HTML folder, downloading the package once."""
    downloads.mkdir(parents=True, exist_ok=True)
    if not glob.glob(str(downloads / f"{PACKAGE}_*.deb")):
        subprocess.run(["apt-get", "download", PACKAGE], cwd=downloads, check=True)
    unpacked = downloads / PACKAGE
    if not (unpacked / HTML).exists():
        deb = sorted(glob.glob(str(downloads / f"{PACKAGE}_*.deb")))[-1]
        subprocess.run(["dpkg-deb", "-x", deb, str(unpacked)], check=True)
    return unpacked / HTML


def _sections(path: Path, heading: str):
    """(heading text, body text) of each section whose heading is `heading` (h2, h3) in a page's main part."""
    main = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find(attrs={"role": "main"})
    for section in main.find_all("section") if main else []:
        title = section.find(heading, recursive=False)
        if title is None:
            continue
        title_text = title.get_text(" ", strip=True).rstrip("¶").strip()
        title.extract()
        text = " ".join(section.get_text(" ", strip=True).replace("¶", "").split())
        if text:
            yield title_text, text


def build(html: Path, out: Path) -> tuple[int, int]:
    corpus, queries = [], []
    for page in sorted((html / "faq").glob("*.html")):
        for number, (question, answer) in enumerate(_sections(page, "h3")):
            doc_id = f"faq-{page.stem}-{number}"
            corpus.append({"_id": doc_id, "title": "", "text": answer})
            queries.append({"_id": f"q-{doc_id}", "text": question})
    for page in sorted((html / "library").glob("*.html")):
        for number, (title, text) in enumerate(_sections(page, "h2")):
            corpus.append({"_id": f"lib-{page.stem}-{number}", "title": title, "text": text})
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    (out / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus))
    (out / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (out / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q['_id']}\t{q['_id'][2:]}\t1\n" for q in queries))
    return len(corpus), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("data/python-faq"))
    parser.add_argument("--downloads", type=Path, default=Path("data/downloads"))
    args = parser.parse_args()
    documents, questions = build(fetch(args.downloads.resolve()), args.out)
    print(f"{args.out}: {documents} documents, {questions} queries")


if __name__ == "__main__":
    main()
