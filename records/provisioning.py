"""What a new council needs from records: its roles as groups with model permissions (declared
in records/permissions.py; the kernel grants them in the template and after every migrate) and
demo content. Registered with the kernel's provisioning registry in ``Config.ready``.

Planned: a starter file plan seeded into every new council (today only the demo councils get
one, from records/demo.py)."""

from platform_core import provisioning


def register() -> None:
    from records.demo import seed_demo
    from records.permissions import GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=True, permissions=permissions)
    provisioning.register("records.demo", seed_demo, phase=provisioning.DEMO, order=20)
