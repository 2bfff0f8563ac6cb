// The admin's training run page: the progress bar, figures and loss chart follow the run without a reload.
(function () {
  "use strict";
  const box = document.getElementById("training-progress");
  if (!box) return;
  const wasInProgress = box.dataset.inProgress === "true";
  const fixed = (value, digits) => (value === null || value === undefined ? "–" : Number(value).toFixed(digits));

  function set(selector, text) {
    const el = box.querySelector(selector);
    if (el) el.textContent = text;
  }

  function show(run) {
    box.querySelector("progress").value = run.percent;
    set(".percent", fixed(run.percent, 0));
    set(".run-status", run.status_label);
    set(".stage", run.stage);
    set(".epoch", run.epoch);
    set(".epochs", run.epochs);
    set(".batch", run.batch);
    set(".batches", run.batches);
    set(".loss", fixed(run.loss, 4));
    set(".tokens", fixed(run.tokens_per_s, 0));
    set(".eta", fixed(run.eta_s, 0));
    set(".new-score", fixed(run.new_score, 3));
    set(".active-score", fixed(run.active_score, 3));
    box.dataset.status = run.status;
    const cancel = box.querySelector(".cancel-form");
    if (cancel && !run.in_progress) cancel.remove();
    drawChart(run.epoch_losses, run.val_losses);
  }

  // Training loss per epoch (solid) and, once training has ended, validation loss (dashed).
  function drawChart(losses, valLosses) {
    const svg = document.getElementById("loss-chart");
    const ns = "http://www.w3.org/2000/svg";
    svg.replaceChildren();
    const series = [[losses, "train"], [(valLosses || []).filter((v) => v !== null), "val"]];
    const all = series.flatMap(([values]) => values);
    if (!losses.length) {
      const empty = document.createElementNS(ns, "text");
      empty.setAttribute("x", 10); empty.setAttribute("y", 90);
      empty.textContent = "The first point appears when the first epoch ends.";
      svg.appendChild(empty);
      return;
    }
    const [w, h, left, bottom] = [520, 180, 44, 22];
    const top = Math.max(...all), low = Math.min(...all), span = top - low || 1;
    const epochs = Math.max(losses.length, series[1][0].length, 2);
    const x = (i) => left + (i * (w - left - 10)) / (epochs - 1);
    const y = (v) => 10 + ((top - v) * (h - bottom - 20)) / span;
    for (const [values, kind] of series) {
      if (!values.length) continue;
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("class", kind);
      line.setAttribute("points", values.map((v, i) => x(i) + "," + y(v)).join(" "));
      svg.appendChild(line);
    }
    const labels = [[top.toFixed(3), 4, y(top) + 4], [low.toFixed(3), 4, y(low)],
                    ["epoch 1", left, h - 4], ["epoch " + epochs, w - 60, h - 4],
                    ["— training  - - validation", w - 170, 12]];
    for (const [text, lx, ly] of labels) {
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", lx); label.setAttribute("y", ly);
      label.textContent = text;
      svg.appendChild(label);
    }
  }

  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((run) => {
        show(run);
        if (run.in_progress) setTimeout(poll, 1000);
        else if (wasInProgress) setTimeout(() => window.location.reload(), 1500);  // final figures and buttons
      })
      .catch(() => setTimeout(poll, 3000));
  }
  poll();
})();
