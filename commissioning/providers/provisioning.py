"""What a council gets from the providers directory: the demo directory for ``make run``.
Registered with the kernel's provisioning registry in ``Config.ready``."""

from platform_core import provisioning


def register() -> None:
    from commissioning.providers.demo import seed_demo

    provisioning.register("providers.demo", seed_demo, phase=provisioning.DEMO, order=50)
