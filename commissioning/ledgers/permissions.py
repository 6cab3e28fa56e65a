"""The commissioning roles, as Django model permissions granted to the council's groups.

- "Commissioning managers" (council staff, Wagtail admin): every commissioner and budget
  (``ledgers.view_all_budgets``), create commissioners and budgets, allocate, commit, spend,
  release.
- "Commissioners": the people who act for a commissioner (a ward councillor, a personal budget
  holder and their care coordinator, a partner body's officer). They see only the budgets and
  commitments of the commissioners they are members of, and commit, spend and release there,
  in the Wagtail admin (Commissioning menu) or the API.
- "Council administrators": what commissioning managers have.
"""

MODELS = (
    "commissioner",
    "commissionermember",
    "budget",
    "commitment",
    "ledgertransaction",
    "ledgerentry",
)
MANAGE = [
    *(
        f"ledgers.{verb}_{model}"
        for model in MODELS
        for verb in ("view", "add", "change", "delete")
    ),
    "ledgers.view_all_budgets",
]
ACT_FOR_COMMISSIONER = [
    "ledgers.view_commissioner",
    "ledgers.view_budget",
    "ledgers.view_commitment",
    "ledgers.add_commitment",
    "ledgers.change_commitment",
    "ledgers.view_ledgertransaction",
    "ledgers.view_ledgerentry",
]
GROUP_PERMISSIONS = {
    "Commissioning managers": MANAGE,
    "Commissioners": ACT_FOR_COMMISSIONER,
    "Council administrators": MANAGE,
}
ADMIN_GROUPS = {"Commissioning managers", "Council administrators", "Commissioners"}
