"""What a council gets from markets: the "Commissioners" group may see and import (and
"Council administrators" likewise), and the demo markets for ``make run``."""

from platform_core import provisioning

MODELS = (
    "market",
    "spend",
    "spendimport",
    "capacity",
    "capacityimport",
    "rating",
    "marketfigures",
    "alert",
)
MANAGE = [f"markets.{verb}_{m}" for m in MODELS for verb in ("view", "add", "change", "delete")]


def register() -> None:
    from commissioning.markets.demo import seed_demo

    provisioning.declare_group("Council administrators", admin_access=True, permissions=MANAGE)
    provisioning.register("markets.demo", seed_demo, phase=provisioning.DEMO, order=80)
