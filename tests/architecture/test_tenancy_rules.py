"""Architecture rules that keep tenancy honest (after Sentry's validate_no_cross_silo_foreign_keys)."""

from django.apps import apps
from django.conf import settings

# Django and third-party apps deliberately installed in both schemas: platform staff live in
# public, council staff in each council's schema.
BOTH_SCHEMAS = {
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    # Sign-in attempts and lockouts are kept where the users are: per council, and in public for
    # platform staff.
    "axes",
    # Two-factor devices sit next to their users (platform staff in public).
    "django_otp",
    "django_otp.plugins.otp_totp",
}


def _app_name(model) -> str:
    return apps.get_app_config(model._meta.app_label).name


def test_every_model_belongs_to_exactly_one_of_shared_or_tenant_apps():
    problems = []
    for model in apps.get_models():
        name = _app_name(model)
        shared, tenant = name in settings.SHARED_APPS, name in settings.TENANT_APPS
        if name in BOTH_SCHEMAS:
            if not (shared and tenant):
                problems.append(f"{model._meta.label}: {name} is meant to be in both lists")
        elif shared == tenant:
            problems.append(
                f"{model._meta.label}: {name} is in {'both' if shared else 'neither'} list"
            )
    assert problems == []


def test_project_apps_are_never_in_both_schemas():
    project = [c.name for c in apps.get_app_configs() if "site-packages" not in c.path]
    assert project, "no project apps found"
    both = [
        name for name in project if name in settings.SHARED_APPS and name in settings.TENANT_APPS
    ]
    assert both == []


def test_no_shared_model_has_a_foreign_key_into_a_tenant_model():
    problems = []
    for model in apps.get_models():
        if _app_name(model) not in settings.SHARED_APPS or _app_name(model) in BOTH_SCHEMAS:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.related_model is None:
                continue
            if field.auto_created and not field.concrete:
                continue  # reverse side of another model's relation
            target = _app_name(field.related_model)
            if target in settings.TENANT_APPS and target not in BOTH_SCHEMAS:
                problems.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
                )
    assert problems == []


def test_every_tenant_api_viewset_inherits_the_platform_base():
    from django.urls import URLPattern, URLResolver, get_resolver

    from platform_core.api.viewsets import TenantViewSetMixin

    offenders = []

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                cls = getattr(p.callback, "cls", None)
                if (
                    cls is not None
                    and hasattr(cls, "get_queryset")
                    and getattr(p.callback, "actions", None)
                ):
                    if not issubclass(cls, TenantViewSetMixin):
                        offenders.append(f"{cls.__module__}.{cls.__name__}")

    walk(get_resolver("platform_core.api.urls_tenant").url_patterns)
    assert offenders == []
