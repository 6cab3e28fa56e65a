"""The council admin's menu hides the items of optional features switched off for the council
(platform_core.features); their admin URLs answer 404 (FeatureGateMiddleware)."""

from wagtail import hooks

from platform_core import features


def _hidden_names() -> set[str]:
    hidden: set[str] = set()
    for feature in features.features():
        if feature.admin_menu and not features.is_enabled(feature.key):
            hidden.update(feature.admin_menu)
    return hidden


@hooks.register("construct_main_menu")
def hide_switched_off_features(request, menu_items):
    hidden = _hidden_names()
    if hidden:
        menu_items[:] = [item for item in menu_items if item.name not in hidden]
