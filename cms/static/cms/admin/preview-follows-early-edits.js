// The live preview shows what was typed before Wagtail started watching the form (Wagtail 8).
//
// Wagtail refreshes the preview when its unsaved-changes watcher reports an edit
// (`w-unsaved:add`). The watcher takes its reference copy of the form two seconds after the
// editor opens (`w-unsaved:watch-edits`): text typed before then is in that copy, is never
// reported as an edit, and the preview, opened earlier, keeps the page as it was loaded. When
// the watcher starts, the preview is marked stale (Wagtail's own `setStale` action, through
// Stimulus), so it posts the form as it is then; nothing is sent while the panel is shut.
document.addEventListener('w-unsaved:watch-edits', () => {
  const app = window.wagtail && window.wagtail.app;
  if (!app) return;
  document.querySelectorAll('[data-controller~="w-preview"]').forEach((panel) => {
    const preview = app.getControllerForElementAndIdentifier(panel, 'w-preview');
    if (preview) preview.setStale();
  });
});
