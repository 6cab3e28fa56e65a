"""What billing adds to a council: a subscription to the default plan (COUNCIL step, in the
provisioning transaction), and for the demo councils a plan, usage and invoices (DEMO)."""

from platform_core import provisioning


def register() -> None:
    from . import actions, demo

    provisioning.register(
        "billing.subscribe",
        actions.subscribe_provisioned_council,
        phase=provisioning.COUNCIL,
        order=50,
    )
    provisioning.register(
        "billing.subscribe_restored",
        actions.subscribe_new_council,
        phase=provisioning.RESTORE,
        order=50,
    )
    provisioning.register("billing.demo", demo.seed_demo, phase=provisioning.DEMO, order=90)
