"""What a council gets from the funding app: the funding officer role and, for ``make run``,
demo calls, searches and matches. Registered with the kernel's registry in ``Config.ready``."""

from platform_core import provisioning


def register() -> None:
    from .demo import seed_demo
    from .permissions import GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=True, permissions=permissions)
    provisioning.register("funding.demo", seed_demo, phase=provisioning.DEMO, order=60)
