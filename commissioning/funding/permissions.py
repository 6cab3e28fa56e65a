"""The funding officer role as model permissions: "Funding officers" and "Council
administrators" manage the council's calls and keep saved searches."""

MODELS = ("councilcall", "savedsearch", "grant", "externalgrant", "grantsimport")
MANAGE = [
    f"funding.{verb}_{model}" for model in MODELS for verb in ("view", "add", "change", "delete")
]
FUNDING_OFFICERS = "Funding officers"
GROUP_PERMISSIONS = {FUNDING_OFFICERS: MANAGE, "Council administrators": MANAGE}
