"""Default permissions of the council groups on the website's own models, granted after every
migrate of a council schema, so councils that already exist gain permissions a new cms migration
adds. The groups and their permissions are declared once, in cms/provisioning.py; the template
build grants them all (platform_core.provisioning.create_default_groups).
"""

from django.db import connection

from platform_core import provisioning


def grant_default_permissions(sender=None, **kwargs) -> None:
    if getattr(sender, "label", None) != "cms" or connection.schema_name == "public":
        return
    from django.contrib.auth.models import Group, Permission

    for spec in provisioning.groups():
        codenames = [p.split(".")[1] for p in spec.permissions if p.startswith("cms.")]
        if not codenames:
            continue
        group, _ = Group.objects.get_or_create(name=spec.name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="cms", codename__in=codenames)
        )
