"""What a council gets from commissions: the roles (permissions.py) and, for ``make run``,
priorities and commissions at every stage (demo.py)."""

from platform_core import provisioning


def register() -> None:
    from commissioning.commissions.demo import seed_demo
    from commissioning.commissions.permissions import ADMIN_GROUPS, GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=name in ADMIN_GROUPS, permissions=permissions)
    provisioning.register("commissions.demo", seed_demo, phase=provisioning.DEMO, order=70)
