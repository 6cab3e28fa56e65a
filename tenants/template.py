"""The council template schema: migrated once, filled with what every council starts with.

``build_template()`` is run by ``make run``, the test fixtures and after every deploy's
migrations; provisioning then copies it (tenants.cloning). Per-council rows that differ
(hostname, names, first administrator) are set by ``personalise_council`` after the copy.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

DEFAULT_GROUPS = {
    # group name: (Wagtail admin access, page permissions, extra "app_label.codename" perms)
    "Editors": (
        True,
        ["add_page", "change_page"],
        ["wagtailimages.add_image", "wagtaildocs.add_document"],
    ),
    "Moderators": (
        True,
        ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        [
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
        ],
    ),
    "Records managers": (True, [], []),
    # Read-only records role (records/permissions.py grants the model permissions).
    "Records viewers": (True, [], []),
    "Analysts": (True, [], []),
    # Reads OFFICIAL-SENSITIVE people master data (intelligence.masterdata); nobody else does.
    "Master data": (True, [], []),
    "Council administrators": (
        True,
        ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"],
        [
            "auth.add_user",
            "auth.change_user",
            "auth.delete_user",
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.delete_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.delete_document",
        ],
    ),
}
TEMPLATE_HOSTNAME = "template.invalid"


def template_schema() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def build_template(verbosity: int = 0) -> None:
    """Create or update the template schema. Safe to run again: only pending migrations run."""
    schema = template_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    call_command(
        "migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=verbosity
    )
    with schema_context(schema), transaction.atomic():
        prepare_template_contents()


def prepare_template_contents() -> None:
    """Rows every council starts with. Idempotent; runs inside the template (or a new) schema."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        Site,
    )

    from cms.models import HomePage

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS platform_template_version (version integer NOT NULL)"
        )
        cursor.execute("DELETE FROM platform_template_version")
        cursor.execute("INSERT INTO platform_template_version VALUES (1)")

    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Replace Wagtail's "Welcome" page with the council home page.
        Site.objects.all().delete()
        for page in Page.objects.filter(depth=2).exclude(content_type__model="homepage"):
            page.delete()
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Home", slug="home", live=True))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": TEMPLATE_HOSTNAME,
            "port": 80,
            "root_page": home,
            "site_name": "Council",
        },
    )

    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_collection = Collection.get_first_root_node()
    for name, (access, page_perms, extra) in DEFAULT_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [admin_access] if access else []
        for dotted in extra:
            app_label, codename = dotted.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*perms)
        for codename in page_perms:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
        for dotted in extra:
            app_label, codename = dotted.split(".")
            if app_label in {"wagtailimages", "wagtaildocs"}:
                permission = Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


def template_ready() -> bool:
    return schema_exists(template_schema())
