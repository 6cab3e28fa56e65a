"""What a council gets from the providers directory: the "Directory editors" group (and the
same permissions for "Council administrators"), and the demo directory for ``make run``.
Registered with the kernel's provisioning registry in ``Config.ready``."""

from platform_core import provisioning, subject_access

MODELS = (
    "organization",
    "service",
    "serviceterm",
    "location",
    "address",
    "serviceatlocation",
    "phone",
    "taxonomy",
    "taxonomyterm",
    "postcode",
    "contact",
    "schedule",
    "costoption",
    "servicearea",
    "language",
    "provideraccount",
    "servicechange",
    "feedimport",
)
EDIT_DIRECTORY = [
    f"providers.{verb}_{model}" for model in MODELS for verb in ("view", "add", "change", "delete")
]


def register() -> None:
    from commissioning.providers.demo import seed_demo, seed_provider_account

    for group in ("Directory editors", "Council administrators"):
        provisioning.declare_group(group, admin_access=True, permissions=EDIT_DIRECTORY)
    provisioning.register("providers.demo", seed_demo, phase=provisioning.DEMO, order=50)
    provisioning.register("providers.lgsl", _load_lgsl, phase=provisioning.DEMO, order=51)
    provisioning.register(
        "providers.account", seed_provider_account, phase=provisioning.DEMO, order=52
    )
    from . import access

    subject_access.register("providers", "Providers directory", access.subject_access, order=50)


def _load_lgsl(council) -> None:
    from commissioning.providers.lgsl import load_lgsl

    load_lgsl(actor="seed_demo")
