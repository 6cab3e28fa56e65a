"""What a new council needs from records: its roles as groups with model permissions (declared
in records/permissions.py; the kernel grants them in the template and after every migrate) and
a starter file plan (records/starter.py, in the template, so every new council has it) and demo
content. Registered with the kernel's provisioning registry in ``Config.ready``."""

from platform_core import provisioning, subject_access


def register() -> None:
    from records.demo import seed_demo
    from records.permissions import GROUP_PERMISSIONS
    from records.starter import seed_starter_file_plan

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=True, permissions=permissions)
    provisioning.register("records.starter_file_plan", seed_starter_file_plan, order=20)
    provisioning.register("records.demo", seed_demo, phase=provisioning.DEMO, order=20)
    from records import access

    subject_access.register("records", "Records", access.subject_access, order=30)
