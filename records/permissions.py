"""The records roles, as Django model permissions granted to the council's groups.

- "Records managers": everything in records (declare, change, hold, dispose, decide), sight of
  OFFICIAL-SENSITIVE records (``records.view_sensitive_record``) and the audit log
  (``audit.view_auditentry``).
- "Records viewers": read-only — the file plan, OFFICIAL records and their content, decisions
  (published or not), policies and action items. No OFFICIAL-SENSITIVE record, no holds,
  disposal or audit log.
- "Council administrators": what records managers have.

Any other account of the council (an editor, an analyst, a resident) gets nothing from the
records API. Granted after every migrate of a council schema, so the template, and every
council cloned from it, has them; existing councils get them at their next ``migrate_schemas``.
"""

from django.db import connection

MODELS = (
    "fileplanclass",
    "record",
    "recordversion",
    "legalhold",
    "disposalbatch",
    "disposalitem",
    "decision",
    "policy",
    "actionitem",
)
READ = ("fileplanclass", "record", "recordversion", "decision", "policy", "actionitem")
MANAGE = [
    *(
        f"records.{verb}_{model}"
        for model in MODELS
        for verb in ("view", "add", "change", "delete")
    ),
    "records.view_sensitive_record",
    "audit.view_auditentry",
]
GROUP_PERMISSIONS = {
    "Records managers": MANAGE,
    "Records viewers": [f"records.view_{model}" for model in READ],
    "Council administrators": MANAGE,
}


def grant_default_permissions(sender=None, **kwargs) -> None:
    if getattr(sender, "label", None) != "records" or connection.schema_name == "public":
        return
    from django.contrib.auth.models import Group, Permission

    for name, dotted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in _by_app(dotted).items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def _by_app(dotted) -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = {}
    for item in dotted:
        app_label, codename = item.split(".")
        by_app.setdefault(app_label, []).append(codename)
    return by_app
