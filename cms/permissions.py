"""Default permissions of the council groups on the website's own models.

Granted after every migrate of a council schema (so the template, and every council cloned from
it, has them). The groups are created here if missing, with the names tenants/template.py uses;
``prepare_template_contents`` then adds its own permissions to the same groups.
"""

from django.db import connection

GROUP_PERMISSIONS = {
    "Editors": ["add_alertbanner", "change_alertbanner"],
    "Moderators": ["add_alertbanner", "change_alertbanner", "delete_alertbanner"],
    "Council administrators": [
        "add_alertbanner",
        "change_alertbanner",
        "delete_alertbanner",
        "change_councilbranding",
    ],
}


def grant_default_permissions(sender=None, **kwargs) -> None:
    if getattr(sender, "label", None) != "cms" or connection.schema_name == "public":
        return
    from django.contrib.auth.models import Group, Permission

    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="cms", codename__in=codenames)
        )
