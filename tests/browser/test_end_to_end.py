"""A newcomer's path in a real browser: drop three files, watch them get indexed, find one by meaning."""
import base64
import shutil

import pytest

from tests.corpus import DOCUMENTS, QUESTIONS
from tests.samples import docx_bytes, pdf_bytes

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="no browser: install Debian's chromium (apt-get install -y chromium) "
                                            "to run the browser tests"),
]


THREE_FILES = [
    ("cars.txt", "text/plain", ("Cars\n" + DOCUMENTS["cars"]).encode()),
    ("cooking.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     docx_bytes("Cooking", DOCUMENTS["cooking"])),
    ("music.pdf", "application/pdf", pdf_bytes("Music", DOCUMENTS["music"])),
]

# Every text a .status element shows, in order, per document id.
RECORD_STATUSES = """() => {
  window.statusLog = {};
  const record = (el) => {
    const log = (window.statusLog[el.dataset.id] ||= []);
    const text = el.textContent.trim();
    if (log[log.length - 1] !== text) log.push(text);
  };
  new MutationObserver(() => document.querySelectorAll('.status[data-id]').forEach(record))
    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""

DROP = """([selector, files]) => {
  const transfer = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], f.name, {type: f.type}));
  }
  document.querySelector(selector).dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true}));
}"""


def test_drop_three_files_watch_them_index_and_find_one_by_meaning(live_server, active_model, celery_worker, page):
    page.goto(live_server.url + "/documents/upload/")
    page.evaluate(RECORD_STATUSES)
    files = [{"name": n, "type": t, "data": base64.b64encode(d).decode()} for n, t, d in THREE_FILES]
    page.evaluate(DROP, ["#drop-zone", files])

    page.locator(".outcome.accepted").nth(2).wait_for()
    assert page.locator(".outcome.accepted").count() == 3
    page.wait_for_function("document.querySelectorAll('.status-indexed').length === 3")
    logs = page.evaluate("window.statusLog")
    assert len(logs) == 3
    for log in logs.values():
        assert log[0] == "queued" and log[-1] == "indexed", log

    question = QUESTIONS["cars"]
    assert not set(question.split()) & set(DOCUMENTS["cars"].lower().split())
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", question)
    page.press("input[name=q]", "Enter")
    page.locator(".result").first.wait_for()
    assert page.locator(".result a").first.inner_text() == "Cars"
    assert page.locator(".result .score").first.inner_text()
    assert "motorway" in page.locator(".result .snippet").first.inner_text()

    # Keyword only, PDFs only: the music document, its matching words highlighted.
    page.fill("input[name=q]", "violin piano")
    page.check("input[name=mode][value=keyword]")
    page.locator("details.filters summary").click()
    page.check("input[name=type][value=pdf]")
    page.press("input[name=q]", "Enter")
    page.locator(".result").first.wait_for()
    assert page.locator(".result a").all_inner_texts() == ["Music"]
    assert page.locator(".result .snippet mark").all_inner_texts() == ["violin", "piano"]
    assert page.locator("input[name=mode][value=keyword]").is_checked()


def test_picker_upload_explains_rejections_and_list_updates(live_server, active_model, celery_worker, page):
    page.goto(live_server.url + "/documents/upload/")
    page.set_input_files("input[type=file]", [
        {"name": "notes.md", "mimeType": "text/markdown", "buffer": b"# Notes\n\nThe band played a new song."},
        {"name": "photo.png", "mimeType": "image/png", "buffer": b"\x89PNG"},
    ])
    page.click("#upload-form button[type=submit]")
    page.locator(".outcome.rejected").wait_for()
    assert "unsupported type" in page.locator(".outcome.rejected").inner_text()
    assert "notes.md" in page.locator(".outcome.accepted").inner_text()

    page.goto(live_server.url + "/documents/")
    page.locator(".status-indexed").wait_for()
    assert page.locator("table.documents tbody tr").count() == 1

    page.goto(live_server.url + "/?q=")
    assert "Type a question" in page.locator(".notice").inner_text()
