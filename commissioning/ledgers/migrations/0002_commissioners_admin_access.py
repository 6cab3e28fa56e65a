"""Commissioners get the Wagtail admin (the Commissioning menu: their own budgets, the light
path, their commissions). Councils provisioned before this was declared
(``ledgers.permissions.ADMIN_GROUPS``) have the group without "Can access Wagtail admin": this
grants it, in every council schema the fleet migrates. Idempotent; creates the group if a council
has none yet. The kernel's ``post_migrate`` handler (platform_core/provisioning.py,
``grant_admin_access``) does the same for any group declared with admin access."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    group, _ = Group.objects.get_or_create(name="Commissioners")
    group.permissions.add(access)


class Migration(migrations.Migration):
    dependencies = [
        ("ledgers", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    # Reversing keeps the access: other declarations may have granted it too.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
