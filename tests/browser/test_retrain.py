"""An administrator retrains from the admin in a real browser and watches the run's progress bar fill up."""
import os
import shutil

import pytest
from django.contrib.auth import get_user_model

from searchapp import active, encoding, ingest
from tests.corpus import training_texts

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="no browser: install Debian's chromium (apt-get install -y chromium) "
                                            "to run the browser tests"),
]


@pytest.fixture
def documents(active_model):
    ids = [ingest.ingest_text(f"Note {i}", text).document.pk for i, text in enumerate(training_texts(40, seed=2))]
    encoding.encode_documents(ids)
    return ids


def test_retrain_button_starts_a_run_whose_progress_bar_reaches_the_end(
        live_server, documents, workers, page, settings):
    settings.RETRAIN_GATE_TOLERANCE = 1.0  # the gate's verdict is tested elsewhere; here, the page
    get_user_model().objects.create_superuser("boss", password="pw")
    old = active.active_version()
    page.goto(live_server.url + "/admin/searchapp/trainingrun/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.click("#retrain-link")
    assert page.input_value("#id_latent_dim") == "16"  # pre-filled from the active model
    page.fill("#id_epochs", "3")
    page.uncheck("#id_pretrained")
    page.click("#retrain-form input[type=submit]")

    page.locator("#training-progress").wait_for()
    assert "is queued" in page.locator(".messagelist").inner_text()
    page.evaluate("""() => {
      window.barValues = [];
      const bar = document.querySelector('#training-progress progress');
      new MutationObserver(() => window.barValues.push(bar.value))
        .observe(bar, {attributes: true, attributeFilter: ['value']});
    }""")
    # The page reloads itself once the run has ended, so the values are read in the same step as the end.
    finished = page.wait_for_function("""() => {
      const box = document.querySelector('#training-progress');
      return box.dataset.status === 'active' && box.querySelector('progress').value === 100
        && {values: window.barValues, lines: box.querySelectorAll('#loss-chart polyline.train').length};
    }""", timeout=240_000).json_value()
    values = finished["values"]
    assert len(set(values)) >= 2 and values == sorted(values), values  # it moved, forwards only, without reload
    assert values[-1] == 100 and finished["lines"] == 1
    assert active.active_version() != old
    if path := os.environ.get("RETRAIN_SCREENSHOT"):  # how docs/admin-training.png is made
        page.reload()
        page.locator("#training-progress[data-status=active]").wait_for()
        page.screenshot(path=path)
