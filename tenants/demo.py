"""The demo councils ``make run`` starts with.

Every tenant app may add demo content with a module ``<app>/demo.py`` defining
``seed_demo(council)``; it runs in the council's schema and must be safe to run again.
"""

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string, module_has_submodule

DEMO_COUNCILS = [
    {
        "name": "Northshire County Council",
        "slug": "northshire",
        "gss_code": "E10000901",
        "tier": "county",
        "region": "east-midlands",
    },
    {
        "name": "Riverton Borough Council",
        "slug": "riverton",
        "gss_code": "E07000901",
        "tier": "district",
        "region": "south-west",
    },
    {
        "name": "Eastvale District Council",
        "slug": "eastvale",
        "gss_code": "E07000902",
        "tier": "district",
        "region": "east-of-england",
    },
]


def demo_content_hooks() -> list:
    hooks = []
    for app_config in apps.get_app_configs():
        if app_config.name in settings.TENANT_APPS and module_has_submodule(
            app_config.module, "demo"
        ):
            hooks.append(import_string(f"{app_config.name}.demo.seed_demo"))
    return hooks
