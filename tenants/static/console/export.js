/* The export and restore pages follow their job's progress (JSON from the status URL) and reload
   when it is finished, to show the download button or the restored council. Without JavaScript
   the page has a Refresh link. */
(function () {
  var box = document.getElementById("export-progress");
  if (!box || (box.dataset.status !== "pending" && box.dataset.status !== "running")) return;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 5000);
        if (data.finished) return window.location.reload();
        document.getElementById("export-status").textContent = data.status_label;
        document.getElementById("export-percent").textContent = data.progress;
        document.getElementById("export-step").textContent = data.step ? ", " + data.step : "";
        var bar = document.getElementById("export-bar");
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
