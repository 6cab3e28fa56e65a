"""What a new council needs from the warehouse: the analysts' group (the warehouse API names
it). Registered with the kernel's provisioning registry in ``Config.ready``.

Planned: default metrics seeded into every new council (today only the demo councils get them,
from intelligence/warehouse/demo.py)."""

from platform_core import provisioning

ANALYSTS = "Analysts"


def register() -> None:
    from intelligence.warehouse.demo import seed_demo

    provisioning.declare_group(ANALYSTS, admin_access=True)
    provisioning.register("warehouse.demo", seed_demo, phase=provisioning.DEMO, order=30)
