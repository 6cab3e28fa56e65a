"""The commissions roles, as Django model permissions granted to the council's groups.

- "Commissioning managers" / "Council administrators": everything (run any commission, set
  priorities, evaluate).
- "Commissioners" (people acting for a commissioner): create and run their own commissions
  (the views also check they act for the commission's commissioner), evaluate where named an
  evaluator, read priorities.
- "Elected members": set and change priorities (the levers), read commissions.
- "Provider representatives": read open opportunities, submit bids and monitoring returns for
  the organisations they represent.
"""

MODELS = (
    "commission",
    "criterion",
    "bid",
    "evaluator",
    "score",
    "contract",
    "kpi",
    "milestone",
    "monitoringreturn",
    "priority",
    "providerrepresentative",
    "release",
)
MANAGE = [
    f"commissions.{verb}_{model}"
    for model in MODELS
    for verb in ("view", "add", "change", "delete")
]
COMMISSIONERS = [
    "commissions.view_commission",
    "commissions.add_commission",
    "commissions.change_commission",
    "commissions.view_score",
    "commissions.view_bid",
    "commissions.add_score",
    "commissions.view_priority",
    "commissions.add_monitoringreturn",
]
MEMBERS = [
    "commissions.view_commission",
    "commissions.view_priority",
    "commissions.add_priority",
    "commissions.change_priority",
]
PROVIDERS = [
    "commissions.view_commission",
    "commissions.add_bid",
    "commissions.add_monitoringreturn",
]
GROUP_PERMISSIONS = {
    "Commissioning managers": MANAGE,
    "Council administrators": MANAGE,
    "Commissioners": COMMISSIONERS,
    "Elected members": MEMBERS,
    "Provider representatives": PROVIDERS,
}
ADMIN_GROUPS = {"Commissioning managers", "Council administrators", "Elected members"}
