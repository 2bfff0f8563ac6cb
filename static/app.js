// Uploads by drag-and-drop or picker, one result line per file, and live document statuses.
(function () {
  "use strict";
  const FINAL = ["indexed", "failed"];

  // Statuses: every .status[data-id] on the page is refreshed until it is final.
  function pendingIds() {
    return Array.from(document.querySelectorAll(".status[data-id]"))
      .filter((el) => !FINAL.includes(el.dataset.status))
      .map((el) => el.dataset.id);
  }

  let polling = false;
  function pollStatuses() {
    const holder = document.querySelector("[data-status-url]");
    const ids = pendingIds();
    if (!holder || ids.length === 0 || polling) return;
    polling = true;
    fetch(holder.dataset.statusUrl + "?ids=" + ids.join(","), { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => data.documents.forEach(showStatus))
      .catch(() => {})
      .finally(() => { polling = false; if (pendingIds().length) setTimeout(pollStatuses, 1000); });
  }

  function showStatus(doc) {
    document.querySelectorAll('.status[data-id="' + doc.id + '"]').forEach((el) => {
      el.dataset.status = doc.status;
      el.className = "status status-" + doc.status;
      el.textContent = doc.status + (doc.error ? ": " + doc.error : "");
    });
  }

  // Uploads: files go to the same form URL, answered with JSON results.
  const form = document.getElementById("upload-form");
  function sendFiles(files) {
    const results = document.getElementById("upload-results");
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    Array.from(files).forEach((file) => data.append("files", file));
    results.innerHTML = '<li class="outcome">Uploading ' + files.length + " file(s)…</li>";
    fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        results.innerHTML = "";
        if (!ok || !body.results) { results.appendChild(line("rejected", body.error || "Upload failed.")); return; }
        body.results.forEach((r) => results.appendChild(outcomeLine(r)));
        form.reset();
        pollStatuses();
      })
      .catch(() => { results.innerHTML = ""; results.appendChild(line("rejected", "Upload failed: the server did not answer.")); });
  }

  function line(kind, text) {
    const li = document.createElement("li");
    li.className = "outcome " + kind;
    li.textContent = text;
    return li;
  }

  function outcomeLine(r) {
    const li = line(r.result, "");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = r.name;
    const result = document.createElement("span");
    result.className = "result";
    result.textContent = r.result + (r.reason ? ": " + r.reason : "");
    li.append(name, " — ", result);
    if (r.id) {
      const link = document.createElement("a");
      link.href = r.url;
      link.textContent = r.title;
      const status = document.createElement("span");
      status.className = "status status-" + r.status;
      status.dataset.id = r.id;
      status.dataset.status = r.status;
      status.textContent = r.status;
      li.append(" ", link, " ", status);
    }
    return li;
  }

  if (form) {
    const zone = document.getElementById("drop-zone");
    form.addEventListener("submit", (event) => {
      const input = form.querySelector("input[type=file]");
      if (!input.files.length) return;  // let the server explain
      event.preventDefault();
      sendFiles(input.files);
    });
    ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("over")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer.files.length) sendFiles(event.dataTransfer.files);
    });
  }

  pollStatuses();
})();
