"""What a council gets from participatory budgeting: the ward budget officer role and, for
``make run``, a demo ward budget. Registered in ``Config.ready``."""

from platform_core import provisioning, subject_access


def register() -> None:
    from .demo import seed_demo
    from .permissions import GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=True, permissions=permissions)
    provisioning.register("participation.demo", seed_demo, phase=provisioning.DEMO, order=70)
    from . import access

    subject_access.register(
        "participation", "Participatory budgeting", access.subject_access, order=40
    )
