/* Progressive enhancement of the records file inputs (records.admin_viewsets.DropFileInput).
   Without JavaScript the form is an ordinary multipart form. With it: the input's box is a drop
   zone, the chosen file's name and size are shown, and on submit the form is sent with
   XMLHttpRequest so a progress bar can follow a large upload. The server's answer is the same
   as without JavaScript: the page it leads to (or the form with its errors) replaces this one. */
(function () {
  "use strict";

  function size(bytes) {
    var units = ["bytes", "KB", "MB", "GB"], i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i ? bytes.toFixed(1) : bytes) + " " + units[i];
  }

  function showChosen(zone, input) {
    var out = zone.querySelector("[data-records-drop-chosen]");
    var file = input.files && input.files[0];
    out.textContent = file ? "Chosen: " + file.name + " (" + size(file.size) + ")" : "";
  }

  function enhanceZone(zone) {
    if (zone.dataset.recordsDropReady) return;
    zone.dataset.recordsDropReady = "1";
    var input = zone.querySelector("input[type=file]");
    zone.querySelector("[data-records-drop-hint]").hidden = false;
    input.addEventListener("change", function () { showChosen(zone, input); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("records-drop--over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("records-drop--over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        showChosen(zone, input);
      }
    });
    enhanceForm(input.form, zone);
  }

  function enhanceForm(form, zone) {
    if (!form || form.dataset.recordsUploadReady || !window.FormData) return;
    form.dataset.recordsUploadReady = "1";
    form.addEventListener("submit", function (event) {
      var input = zone.querySelector("input[type=file]");
      if (!input.files || !input.files.length) return; // nothing to show progress for
      event.preventDefault();
      var box = zone.querySelector("[data-records-drop-progress]");
      var bar = box.querySelector("progress");
      var percent = box.querySelector("[data-records-drop-percent]");
      var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var value = Math.round((e.loaded / e.total) * 100);
        bar.value = value;
        bar.textContent = value + "%";
        percent.textContent = value + "% of " + size(e.total);
      });
      xhr.addEventListener("load", function () {
        // The page the server answered (after following a redirect when the save worked, the
        // form with its errors when not): put its content in place of this page's, so its
        // messages show once, and its address in the location bar.
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = page.querySelector("main") || page.body;
        var here = document.querySelector("main") || document.body;
        here.innerHTML = fresh.innerHTML;
        if (page.title) document.title = page.title;
        var sent = new URL(form.action || window.location.href, window.location.href).href;
        if (xhr.responseURL && xhr.responseURL !== sent) {
          window.history.replaceState(null, "", xhr.responseURL);
        }
        document.querySelectorAll("[data-records-drop]").forEach(enhanceZone);
        var target = here.querySelector(".error-message, .help-critical, [role=alert]") || here.querySelector("h1");
        window.scrollTo(0, 0);
        if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
      });
      xhr.addEventListener("error", function () {
        buttons.forEach(function (b) { b.disabled = false; });
        percent.textContent = "The upload failed (the connection was lost). Try again.";
      });
      xhr.send(new FormData(form));
    });
  }

  function init() { document.querySelectorAll("[data-records-drop]").forEach(enhanceZone); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
