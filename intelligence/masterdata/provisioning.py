"""What a new council needs from master data: the group that reads people records
(OFFICIAL-SENSITIVE; masterdata/access.py names it). Registered with the kernel's provisioning
registry in ``Config.ready``."""

from platform_core import provisioning

from .access import MASTER_DATA_GROUP


def register() -> None:
    from intelligence.masterdata.demo import seed_demo

    provisioning.declare_group(MASTER_DATA_GROUP, admin_access=True)
    provisioning.register("masterdata.demo", seed_demo, phase=provisioning.DEMO, order=40)
