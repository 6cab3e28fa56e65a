"""Plug-in provisioning: each council app declares what a new council needs from it.

The tenants app creates councils but knows no app. Apps register here, in their
``AppConfig.ready()``:

    from platform_core import provisioning

    provisioning.register("cms.site", create_site_and_home_page, order=10)
    provisioning.register("cms.personalise", name_site_after_council, phase=provisioning.COUNCIL)
    provisioning.register("cms.demo", build_demo_site, phase=provisioning.DEMO)
    provisioning.declare_group("Editors", admin_access=True, page_permissions=["add_page"])

Phases (each step runs in the schema being prepared, inside the caller's transaction):

``TEMPLATE``  ``fn()``: rows every council starts with. Run when the template schema is built
              (tenants/template.py) and when a council is provisioned by migrations instead of a
              copy. Must be idempotent (the template is rebuilt after every deploy).
``COUNCIL``   ``fn(council)``: rows that differ per council, after the copy (names, hostname).
              Inside the provisioning request: keep to what a council needs in its first second,
              in as few statements as possible (a test counts them: tenants/tests/test_pool.py).
``AFTER_COMMIT`` ``fn(council)``: per-council rows a council can do without for its first
              seconds (the starter pages' texts, default metrics). Run after the provisioning
              commits by a Celery task that carries the council (``tenants.personalise_council``,
              retried with backoff), each in one transaction; until it has run, the council's
              schema holds the template's generic rows, which are complete and served as they
              are. Must be idempotent (the task may run more than once, or be run again).
``DEMO``      ``fn(council)``: demo content for ``make run`` (``seed_demo``). Idempotent. May
              return lines that ``seed_demo`` prints under the council (sign-in links).
``RESTORE``   ``fn(council)``: after a council's export is restored into a new schema
              (tenants/restore.py): what names its new address (the site's hostname) and the
              public-schema rows a council needs (its billing subscription). Its data is the
              archive's; COUNCIL steps do not run.

Steps run in ``order`` (then name). Groups declared by several apps under one name are merged;
the kernel's own ``platform_core.groups`` step (order 900) creates them in the template, and
after every migrate of a council schema ``grant_declared_permissions`` grants each app's declared
model permissions again, and Wagtail admin access to every group declared with it, so councils
that already exist gain what a release adds (a group created, a permission or admin access
granted; nothing is ever taken away). Fleet migrations send ``post_migrate`` only to a schema
with migrations to apply, and there only to the apps with a migration in the plan (plus
``wagtailadmin`` and ``wagtailsnippets``, tenants/fleet.py): a release that declares something new
for existing councils ships a migration for it in the app concerned (e.g.
``ledgers.0002_commissioners_admin_access``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

TEMPLATE = "template"
COUNCIL = "council"
AFTER_COMMIT = "after-commit"
DEMO = "demo"
RESTORE = "restore"
PHASES = (TEMPLATE, COUNCIL, AFTER_COMMIT, DEMO, RESTORE)


@dataclass(frozen=True)
class Step:
    name: str
    fn: Callable[..., Any]
    phase: str
    order: int


@dataclass
class GroupSpec:
    """A default group: Wagtail admin access, model permissions ("app_label.codename") and
    Wagtail page permissions granted on the root page (codenames of ``wagtailcore``).
    Image and document permissions are also granted on the root collection."""

    name: str
    admin_access: bool = False
    permissions: set[str] = field(default_factory=set)
    page_permissions: set[str] = field(default_factory=set)


_steps: dict[str, Step] = {}
_groups: dict[str, GroupSpec] = {}


def register(name: str, fn: Callable[..., Any], *, phase: str = TEMPLATE, order: int = 100) -> None:
    """Register a provisioning step. Registering the same name again replaces it (ready() may
    run more than once in tests)."""
    if phase not in PHASES:
        raise ValueError(f"unknown provisioning phase {phase!r}; expected one of {PHASES}")
    _steps[name] = Step(name=name, fn=fn, phase=phase, order=order)


def declare_group(
    name: str,
    *,
    admin_access: bool = False,
    permissions: Iterable[str] = (),
    page_permissions: Iterable[str] = (),
) -> None:
    """Declare (or add to) a default group every council starts with."""
    spec = _groups.setdefault(name, GroupSpec(name=name))
    spec.admin_access = spec.admin_access or admin_access
    spec.permissions.update(permissions)
    spec.page_permissions.update(page_permissions)


def steps(phase: str) -> list[Step]:
    return sorted((s for s in _steps.values() if s.phase == phase), key=lambda s: (s.order, s.name))


def groups() -> list[GroupSpec]:
    return [_groups[name] for name in sorted(_groups)]


def run(phase: str, *args: Any) -> list[str]:
    """Run every step of a phase in order, in the current schema. A step may return a list of
    lines for whoever ran the phase to show (a DEMO step: how to sign in to an account it
    made); they are returned in step order. Other return values are ignored."""
    lines: list[str] = []
    for step in steps(phase):
        said = step.fn(*args)
        if isinstance(said, list):
            lines.extend(str(line) for line in said)
    return lines


def create_default_groups() -> None:
    """The kernel's TEMPLATE step: every declared group with its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
    )

    def permission(app_label: str, codename: str) -> Permission:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    root = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for spec in groups():
        group, _ = Group.objects.get_or_create(name=spec.name)
        perms = [permission("wagtailadmin", "access_admin")] if spec.admin_access else []
        for dotted in sorted(spec.permissions):
            app_label, codename = dotted.split(".")
            perms.append(permission(app_label, codename))
            if app_label in {"wagtailimages", "wagtaildocs"}:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perms[-1]
                )
        group.permissions.add(*perms)
        for codename in sorted(spec.page_permissions):
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=permission("wagtailcore", codename)
            )


def grant_declared_permissions(sender=None, **kwargs) -> None:
    """post_migrate (connected by the kernel's AppConfig): the declared model permissions of the
    app just migrated, in a council schema (never in ``public``)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.db import connection

    label = getattr(sender, "label", None)
    if label is None or getattr(connection, "schema_name", "public") == "public":
        return
    if label == "wagtailadmin":
        grant_admin_access()
    if not any(p.split(".", 1)[0] == label for spec in groups() for p in spec.permissions):
        return
    # The kernel's handler is connected before django.contrib.auth's: make sure the permissions
    # of the app just migrated exist first (idempotent; Django would create them next anyway).
    create_permissions(
        sender, verbosity=0, **{k: v for k, v in kwargs.items() if k in ("using", "apps")}
    )
    wanted = {
        spec.name: [p.split(".", 1)[1] for p in spec.permissions if p.split(".", 1)[0] == label]
        for spec in groups()
    }
    wanted = {name: codenames for name, codenames in wanted.items() if codenames}
    by_codename = {
        perm.codename: perm.pk
        for perm in Permission.objects.filter(
            content_type__app_label=label,
            codename__in={c for codenames in wanted.values() for c in codenames},
        )
    }
    _grant(
        {
            name: [by_codename[c] for c in codenames if c in by_codename]
            for name, codenames in wanted.items()
        }
    )


def _grant(grants: dict[str, list[int]]) -> None:
    """Give each named group (created when missing) the permissions (ids), in the current schema,
    set-based: one query for the groups and one insert for every grant (existing grants kept, as
    ``group.permissions.add`` does; run after every fleet migration of a council, so its cost
    counts 400 times)."""
    from django.contrib.auth.models import Group

    groups_by_name = {g.name: g.pk for g in Group.objects.filter(name__in=list(grants))}
    for name in grants:
        if name not in groups_by_name:
            groups_by_name[name] = Group.objects.get_or_create(name=name)[0].pk
    through = Group.permissions.through
    through.objects.bulk_create(
        [
            through(group_id=groups_by_name[name], permission_id=perm)
            for name, perms in grants.items()
            for perm in perms
        ],
        ignore_conflicts=True,
    )


def grant_admin_access() -> None:
    """Every group declared with ``admin_access`` has Wagtail's "Can access Wagtail admin", in
    the current council schema (idempotent: run after each migrate of ``wagtailadmin``, which
    fleet migrations signal whenever a council has migrations to apply)."""
    from django.contrib.auth.models import Permission

    names = [spec.name for spec in groups() if spec.admin_access]
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access is None or not names:  # wagtailadmin's own migration creates it
        return
    _grant({name: [access.pk] for name in names})
