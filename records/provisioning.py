"""What a new council needs from records: the records managers' group (records/access.py names
it). Registered with the kernel's provisioning registry in ``records.apps.Config.ready``.

Planned: a starter file plan seeded into every new council (today only the demo councils get
one, from records/demo.py)."""

from platform_core import provisioning

RECORDS_MANAGERS = "Records managers"
RECORDS_VIEWERS = "Records viewers"


def register() -> None:
    from records.demo import seed_demo

    provisioning.declare_group(RECORDS_MANAGERS, admin_access=True)
    provisioning.declare_group(RECORDS_VIEWERS, admin_access=True)
    provisioning.register("records.demo", seed_demo, phase=provisioning.DEMO, order=20)
