"""What a council gets from commissioners and ledgers: the roles (commissioning/ledgers/
permissions.py) and, for ``make run``, demo commissioners with budgets."""

from platform_core import provisioning


def register() -> None:
    from commissioning.ledgers.permissions import ADMIN_GROUPS, GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=name in ADMIN_GROUPS, permissions=permissions)
    from commissioning.ledgers.demo import seed_demo

    provisioning.register("ledgers.demo", seed_demo, phase=provisioning.DEMO, order=60)
