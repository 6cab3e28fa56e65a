// Two of Wagtail 8's own screens, made accessible without copying their templates.
//
// 1. The new user form's "Roles" button below the account fields is a link with role="tab"
//    outside any tablist (axe: aria-required-parent): a screen reader announces a tab that
//    belongs to nothing. It becomes a plain link that selects the real "Roles" tab above.
// 2. The multiple image upload's file input (#fileupload) has no label (axe: label): it is
//    named by the button drawn over it ("Or choose from your computer").
(() => {
  const mend = () => {
    document.querySelectorAll('a[role="tab"]').forEach((link) => {
      if (link.closest('[role="tablist"]')) return;
      const tab = document.querySelector(`[role="tablist"] a[href="${link.getAttribute('href')}"]`);
      if (!tab) return;
      link.removeAttribute('role');
      link.removeAttribute('data-w-tabs-target');
      link.removeAttribute('data-action');
      link.removeAttribute('aria-selected');
      link.addEventListener('click', (event) => {
        event.preventDefault();
        tab.click();
        tab.focus();
      });
    });
    const upload = document.getElementById('fileupload');
    if (upload && !upload.labels.length && !upload.hasAttribute('aria-label')) {
      const button = upload.parentElement.querySelector('button');
      upload.setAttribute('aria-label', (button && button.textContent.trim()) || 'Choose files');
    }
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mend);
  } else {
    mend();
  }
})();
