/* The 28-clear-day forward plan check, shown as the dates are typed on a decision's form
   (records.admin_viewsets.ForwardPlanDateInput). The server applies the same rule on save
   (records.actions.decisions); this only tells the person earlier. Clear days exclude both the
   day of notice and the day of decision. */
(function () {
  "use strict";

  function parse(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec((value || "").trim());
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : null;
  }

  function enhance(input) {
    if (input.dataset.recordsForwardPlanReady) return;
    input.dataset.recordsForwardPlanReady = "1";
    var form = input.form;
    var need = parseInt(input.dataset.noticeDays || "28", 10);
    var decision = form.querySelector("[name=decision_date]");
    var key = form.querySelector("[name=is_key_decision]");
    var urgency = form.querySelector("[name=urgency_reason]");
    var out = document.createElement("p");
    out.id = input.id + "-check";
    out.className = "records-forward-plan";
    out.setAttribute("aria-live", "polite");
    var wrapper = input.closest(".w-field__wrapper") || input.parentNode;
    wrapper.appendChild(out);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(out.id);
    input.setAttribute("aria-describedby", described.join(" "));

    function update() {
      var notice = parse(input.value), taken = parse(decision && decision.value);
      out.classList.remove("records-forward-plan--short");
      if (notice === null || taken === null) {
        out.textContent = key && key.checked
          ? "Enter the forward plan date and the decision date to check the " + need + " clear days."
          : "";
        return;
      }
      var days = Math.round((taken - notice) / 86400000) - 1;
      var urgent = urgency && urgency.value.trim();
      if (days >= need) {
        out.textContent = days + " clear days on the forward plan: enough (" + need + " needed).";
      } else {
        out.textContent = Math.max(days, 0) + " clear days on the forward plan: " + need + " needed" +
          (urgent ? "; the urgency reason allows it." : ". Move a date or give an urgency reason.");
        if (!urgent && (!key || key.checked)) out.classList.add("records-forward-plan--short");
      }
    }

    [input, decision, urgency, key].forEach(function (el) {
      if (!el) return;
      el.addEventListener("input", update);
      el.addEventListener("change", update);
    });
    update();
  }

  function init() { document.querySelectorAll("[data-records-forward-plan]").forEach(enhance); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
