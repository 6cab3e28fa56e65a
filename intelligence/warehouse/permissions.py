"""The analyst role, as Django model permissions granted to the council's groups: "Analysts"
(and "Council administrators") may read and change everything in the warehouse — metrics, areas,
observations, imports and KPIs. Any other account of the council gets nothing from the
warehouse API. Declared to the kernel's provisioning registry (warehouse/provisioning.py), which
grants them in the template and after every migrate of a council schema."""

MODELS = ("metric", "area", "observation", "importbatch", "kpi", "kpitarget")
ANALYSE = [
    f"warehouse.{verb}_{model}" for model in MODELS for verb in ("view", "add", "change", "delete")
]
GROUP_PERMISSIONS = {"Analysts": ANALYSE, "Council administrators": ANALYSE}
