"""What a new council needs from the warehouse: the analyst role as a group with model
permissions (declared in warehouse/permissions.py) and demo content. Registered with the
kernel's provisioning registry in ``Config.ready``.

Planned: default metrics seeded into every new council (today only the demo councils get them,
from intelligence/warehouse/demo.py)."""

from platform_core import provisioning


def register() -> None:
    from intelligence.warehouse.demo import seed_demo
    from intelligence.warehouse.permissions import GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=True, permissions=permissions)
    provisioning.register("warehouse.demo", seed_demo, phase=provisioning.DEMO, order=30)
