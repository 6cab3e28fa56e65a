"""Feature flags per council: optional capabilities that platform staff switch on or off for
one council from the console (docs/tenancy.md, "Feature flags").

- A domain app declares each optional capability it owns in its ``AppConfig.ready()`` with
  ``register(Feature(...))``: its key, label, the path prefixes it answers on a council's domain
  (public pages, API, admin) and the names of its Wagtail admin menu items.
- ``is_enabled(key)`` answers for the council of the current request (``connection.tenant``):
  the council's own setting when platform staff set one (``CouncilFeature``, public schema),
  else the default of its billing plan when the plan names the feature (billing registers that
  read with ``register_defaults``), else the feature's global default. The answers for all
  features of a council are kept in the shared cache under one key that carries the council's
  schema (django-tenants' ``make_key``); ``forget(schema)`` drops it after any change, so every
  process sees the change on its next request.
- ``FeatureGateMiddleware`` answers a request on a switched-off feature's paths exactly as for a
  missing page (the platform's 404, the JSON envelope under /api/); the Wagtail hook in
  ``platform_core.wagtail_hooks`` hides its admin menu items; ``{% feature_enabled "key" %}``
  (``platform_core.templatetags.features``) asks the same question in templates.

Writes go through ``set_state`` (called by ``tenants.actions.set_council_feature``, which audits
the change in the council's history), and ``restore_council`` (a council's export carries its
own settings, ``export_council``; tenants/export.py and tenants/restore.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

CACHE_KEY = "features:v1"
CACHE_SECONDS = 300  # a safety net: every change drops the key at once


@dataclass(frozen=True)
class Feature:
    key: str
    label: str
    description: str
    default: bool = True
    # Path prefixes on a council's domain that belong to the feature (public, API and admin).
    paths: tuple[str, ...] = ()
    # Names of its Wagtail admin menu items (MenuItem.name: the slugified label).
    admin_menu: tuple[str, ...] = field(default=())


_features: dict[str, Feature] = {}
_defaults: list[Callable[[str], dict[str, tuple[bool, str]]]] = []
# Councils with a setting written in a transaction not yet committed. A transaction that is
# rolled back (every test's is) after something cached its states would leave them cached:
# ``forget_uncommitted()`` (the test suite calls it after each test) drops those.
_uncommitted: set[str] = set()


def register(feature: Feature) -> None:
    _features[feature.key] = feature


def register_defaults(source: Callable[[str], dict[str, tuple[bool, str]]]) -> None:
    """``source(schema_name)`` → ``{key: (on, where from)}`` for the features the council's
    plan names."""
    if source not in _defaults:
        _defaults.append(source)


def features() -> list[Feature]:
    return sorted(_features.values(), key=lambda f: f.label)


def get(key: str) -> Feature:
    """The feature named ``key``; a ValidationError naming it when there is none."""
    try:
        return _features[key]
    except KeyError:
        known = ", ".join(sorted(_features)) or "none"
        raise ValidationError(
            {"feature": [f"There is no feature called “{key}” (known features: {known})."]}
        ) from None


def defaults(schema_name: str) -> dict[str, tuple[bool, str]]:
    """``{key: (on, source)}``: each feature's default for the council, and where it comes from
    (the plan's name, or "platform default")."""
    found: dict[str, tuple[bool, str]] = {
        key: (feature.default, "platform default") for key, feature in _features.items()
    }
    for source in _defaults:
        for key, value in source(schema_name).items():
            if key in found:
                found[key] = value
    return found


def overrides(schema_name: str) -> dict[str, bool]:
    from platform_core.models import CouncilFeature

    with schema_context(get_public_schema_name()):
        return dict(
            CouncilFeature.objects.filter(schema_name=schema_name).values_list("feature", "enabled")
        )


def resolve(schema_name: str) -> dict[str, bool]:
    """Every feature's state for the council, from the database (no cache)."""
    state = {key: on for key, (on, _source) in defaults(schema_name).items()}
    state.update({k: v for k, v in overrides(schema_name).items() if k in state})
    return state


def states(schema_name: str) -> dict[str, bool]:
    """Every feature's state for the council, through the shared cache (the key carries the
    council's schema: the cache's key function is django-tenants' ``make_key``)."""
    with schema_context(schema_name):
        found = cache.get(CACHE_KEY)
        if found is None:
            found = resolve(schema_name)
            cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def is_enabled(key: str, tenant=None) -> bool:
    """Is feature ``key`` on for ``tenant`` (default: the council of the current request)? The
    platform's own public site has no council features: always True there. An unknown key is a
    programming error (ValidationError naming it)."""
    feature = get(key)
    tenant = tenant if tenant is not None else getattr(connection, "tenant", None)
    schema: str = getattr(tenant, "schema_name", None) or getattr(
        connection, "schema_name", get_public_schema_name()
    )
    if schema == get_public_schema_name():
        return True
    return states(schema).get(feature.key, feature.default)


def forget(schema_name: str) -> None:
    """Drop the council's cached states (every process reads them again on its next request)."""
    with schema_context(schema_name):
        cache.delete(CACHE_KEY)


def set_state(schema_name: str, key: str, state: str) -> tuple[bool | None, bool | None]:
    """Set feature ``key`` of the council ``on``, ``off`` or back to its ``default``. Answers
    ``(was, now)``: the council's own setting before and after (None: the default). The cache is
    dropped when the transaction commits. Call it through ``tenants.actions``, which audits."""
    from platform_core.models import CouncilFeature

    get(key)
    if state not in ("on", "off", "default"):
        raise ValidationError({"state": [f"“{state}” is not a state: choose on, off or default."]})
    with schema_context(get_public_schema_name()), transaction.atomic():
        row = (
            CouncilFeature.objects.select_for_update()
            .filter(schema_name=schema_name, feature=key)
            .first()
        )
        was = None if row is None else row.enabled
        now = None if state == "default" else state == "on"
        if now is None:
            if row is not None:
                row.delete()
        elif row is None:
            CouncilFeature.objects.create(schema_name=schema_name, feature=key, enabled=now)
        elif row.enabled != now:
            row.enabled = now
            row.save(update_fields=["enabled", "updated_at"])
        _uncommitted.add(schema_name)
        transaction.on_commit(lambda: _committed(schema_name))
    return was, now


def restore_council(schema_name: str, settings: dict[str, bool]) -> None:
    """A restored council's own settings (from its export's manifest, ``export_council``):
    they replace any the schema name holds, in the current transaction. An unknown feature or a
    setting that is not true or false is a ValidationError naming it; nothing is written."""
    from platform_core.models import CouncilFeature

    check_settings(settings)
    with schema_context(get_public_schema_name()), transaction.atomic():
        CouncilFeature.objects.filter(schema_name=schema_name).delete()
        CouncilFeature.objects.bulk_create(
            CouncilFeature(schema_name=schema_name, feature=key, enabled=enabled)
            for key, enabled in sorted(settings.items())
        )
        _uncommitted.add(schema_name)
        transaction.on_commit(lambda: _committed(schema_name))


def check_settings(settings) -> None:
    """``settings`` is ``{feature key: true|false}`` of registered features (ValidationError
    naming the first that is not)."""
    if not isinstance(settings, dict):
        raise ValidationError({"features": ["The feature settings are not a mapping."]})
    for key, enabled in settings.items():
        get(key)
        if not isinstance(enabled, bool):
            raise ValidationError(
                {"features": [f"The setting of “{key}” is {enabled!r}, not true or false."]}
            )


def export_council(schema_name: str) -> dict[str, bool]:
    """The council's own settings (not its defaults, which follow its plan), for its export."""
    return dict(sorted(overrides(schema_name).items()))


def _committed(schema_name: str) -> None:
    _uncommitted.discard(schema_name)
    forget(schema_name)


def forget_uncommitted() -> None:
    while _uncommitted:
        forget(_uncommitted.pop())


def delete_council(schema_name: str) -> int:
    """The council is being deleted: its settings go with it."""
    from platform_core.models import CouncilFeature

    with schema_context(get_public_schema_name()):
        deleted, _ = CouncilFeature.objects.filter(schema_name=schema_name).delete()
    forget(schema_name)
    return deleted


def feature_for_path(path: str) -> Feature | None:
    for feature in _features.values():
        if path.startswith(feature.paths):
            return feature
    return None


class FeatureGateMiddleware:
    """On a council's domain, a request under a switched-off feature's paths gets what a request
    for a missing page gets (the platform's handler404, the JSON envelope under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_public:
            feature = feature_for_path(request.path_info)
            if feature is not None and not is_enabled(feature.key, tenant):
                from platform_core.views import page_not_found

                return page_not_found(request)
        return self.get_response(request)
