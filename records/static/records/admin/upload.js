/* Progressive enhancement of the records file inputs (records.admin_viewsets.DropFileInput).
   Without JavaScript the form is an ordinary multipart form. With it: the input's box is a drop
   zone (several files where the input takes several), each chosen file's name and size are
   listed with a progress bar, and on submit the form is sent with XMLHttpRequest so each bar
   can follow its file's upload. The files travel in one request, one after the other, after
   the form's other fields: a file's share of the bytes sent so far is its progress. The server's answer is the same
   as without JavaScript: the page it leads to (or the form with its errors) replaces this one. */
(function () {
  "use strict";

  function size(bytes) {
    var units = ["bytes", "KB", "MB", "GB"], i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i ? bytes.toFixed(1) : bytes) + " " + units[i];
  }

  function showChosen(zone, input) {
    var list = zone.querySelector("[data-records-drop-chosen]");
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file, index) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = "Chosen: " + file.name + " (" + size(file.size) + ")";
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.textContent = "0%";
      bar.hidden = true;
      bar.id = input.id + "-progress-" + index;
      bar.setAttribute("aria-label", "Upload of " + file.name);
      bar.setAttribute("data-records-drop-progress", "");
      item.appendChild(name);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(bar);
      list.appendChild(item);
    });
  }

  function setBar(bar, value) {
    if (bar.value === value && !bar.hidden) return;
    bar.hidden = false;
    bar.value = value;
    bar.textContent = value + "%";
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
        var dropped = event.dataTransfer.files;
        if (!input.multiple && dropped.length > 1 && window.DataTransfer) {
          var first = new DataTransfer(); // this input takes one file: the first dropped
          first.items.add(dropped[0]);
          dropped = first.files;
        }
        input.files = dropped;
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
      var files = Array.prototype.slice.call(input.files);
      var bars = zone.querySelectorAll("[data-records-drop-progress]");
      var status = zone.querySelector("[data-records-drop-status]");
      var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      bars.forEach(function (bar) { setBar(bar, 0); });
      var filesBytes = files.reduce(function (sum, file) { return sum + file.size; }, 0);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        // The other fields go first, then the files in order: bytes past the fields belong to
        // the first file until it is sent, then to the next one.
        var sent = e.loaded - Math.max(0, e.total - filesBytes);
        files.forEach(function (file, index) {
          var mine = Math.min(Math.max(sent, 0), file.size);
          sent -= file.size;
          if (bars[index]) setBar(bars[index], file.size ? Math.round((mine / file.size) * 100) : 100);
        });
        var value = Math.round((e.loaded / e.total) * 100);
        status.textContent = "Uploading: " + value + "% of " + size(e.total);
      });
      xhr.upload.addEventListener("load", function () {
        bars.forEach(function (bar) { setBar(bar, 100); });
        status.textContent = "Uploaded; checking and storing the " + (files.length > 1 ? "files" : "file") + ".";
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
        status.textContent = "The upload failed (the connection was lost). Try again.";
      });
      xhr.send(new FormData(form));
    });
  }

  function init() { document.querySelectorAll("[data-records-drop]").forEach(enhanceZone); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
