// Alert banners the visitor hid stay hidden (per alert version) in this browser.
const STORE = "council-dismissed-alerts";

function dismissed() {
  try {
    return JSON.parse(window.localStorage.getItem(STORE) || "[]");
  } catch {
    return [];
  }
}

for (const banner of document.querySelectorAll("[data-alert-key]")) {
  const key = banner.getAttribute("data-alert-key");
  if (dismissed().includes(key)) {
    banner.hidden = true;
    continue;
  }
  const button = banner.querySelector(".council-alert__dismiss");
  if (!button) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const keys = dismissed().filter((k) => k !== key).slice(-50);
    keys.push(key);
    try {
      window.localStorage.setItem(STORE, JSON.stringify(keys));
    } catch {
      /* storage unavailable: hide for this page view only */
    }
    banner.hidden = true;
    const main = document.getElementById("main-content");
    if (main) {
      main.setAttribute("tabindex", "-1");
      main.focus();
    }
  });
}
