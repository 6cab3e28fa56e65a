import { initAll } from "/static/govuk-frontend.min.js";
// GOV.UK Frontend components run only when the body says the browser supports them (this file is
// a module, so it does); no inline script is needed, which keeps the CSP strict.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
