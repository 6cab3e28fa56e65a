"""The analyst role, as Django model permissions granted to the council's groups: "Analysts"
(and "Council administrators") may read and change everything in the warehouse — metrics, areas,
observations, imports and KPIs. Any other account of the council gets nothing from the
warehouse API. Granted after every migrate of a council schema (see records/permissions.py)."""

from django.db import connection

MODELS = ("metric", "area", "observation", "importbatch", "kpi", "kpitarget")
ANALYSE = [
    f"warehouse.{verb}_{model}" for model in MODELS for verb in ("view", "add", "change", "delete")
]
GROUP_PERMISSIONS = {"Analysts": ANALYSE, "Council administrators": ANALYSE}


def grant_default_permissions(sender=None, **kwargs) -> None:
    if getattr(sender, "label", None) != "warehouse" or connection.schema_name == "public":
        return
    from django.contrib.auth.models import Group, Permission

    for name, dotted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="warehouse",
                codename__in=[d.split(".")[1] for d in dotted],
            )
        )
