// Every rich text editor has an accessible name (WCAG 4.1.2; axe's aria-input-field-name).
//
// Wagtail 8 draws a rich text block of a StreamField as a Draftail editor whose text box
// (role="textbox") has neither aria-label nor aria-labelledby: a screen reader announces an
// unnamed "edit text". Each such box is given the label of its field, else the heading of its
// block ("Paragraph"), as its aria-label. Draftail does not manage that attribute when it is
// given none, so it stays; boxes added later (a new block) are named as they appear.
(() => {
  const UNNAMED = '[role="textbox"].public-DraftEditor-content:not([aria-label]):not([aria-labelledby])';

  const labelFor = (box) => {
    const field = box.closest('.w-field');
    const label = field && field.querySelector('.w-field__label');
    const panel = box.closest('.w-panel');
    const heading = panel && panel.querySelector('[data-panel-heading-text]');
    const text = (label && label.textContent) || (heading && heading.textContent) || 'Rich text';
    return text.replace(/\s*\*\s*$/, '').replace(/\s+/g, ' ').trim() || 'Rich text';
  };

  const nameAll = () => {
    document.querySelectorAll(UNNAMED).forEach((box) => {
      box.setAttribute('aria-label', labelFor(box));
    });
  };

  const start = () => {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
