"""Ward budget officers run participatory budgets: processes, proposal checks, paper ballots."""

MODELS = ("process", "proposal", "ballot")
MANAGE = [
    f"participation.{verb}_{model}"
    for model in MODELS
    for verb in ("view", "add", "change", "delete")
]
GROUP_PERMISSIONS = {"Ward budget officers": MANAGE, "Council administrators": MANAGE}
