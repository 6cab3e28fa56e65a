"""The starter file plan every new council begins with (a TEMPLATE provisioning step).

Its top level follows the functions of the Local Government Classification Scheme (LGCS) and
its disposal schedules the common local-authority retention periods (IRMS Local Government
Retention Guidelines): a records manager renames, re-classes or extends it in the file plan
screens, and their changes are audited like any other. The starter classes themselves are part
of the schema every council is copied from, like its home page, so the council's audit log
starts empty and begins with the council's own first action. Idempotent: a class whose code already
exists is left as the council has it, so re-running after a deploy never undoes their edits.
"""

from __future__ import annotations

# (code, parent, title, trigger, months, action, description)
STARTER_CLASSES: list[tuple[str, str | None, str, str, int, str, str]] = [
    ("GOV", None, "Governance", "creation", 0, "retain", "Council and committee business."),
    (
        "GOV-MIN",
        "GOV",
        "Committee minutes",
        "creation",
        0,
        "retain",
        "Signed minutes of council, cabinet and committees: kept permanently.",
    ),
    (
        "GOV-DEC",
        "GOV",
        "Decision papers",
        "decision_date",
        72,
        "transfer",
        "Reports and papers behind executive decisions: six years, then offered to the archive.",
    ),
    (
        "FIN",
        None,
        "Finance",
        "creation",
        84,
        "review",
        "Accounts, budgets and treasury management: the financial year plus six years.",
    ),
    (
        "FIN-ACC",
        "FIN",
        "Annual statement of accounts",
        "creation",
        0,
        "retain",
        "The published statement of accounts: kept permanently.",
    ),
    (
        "HR",
        None,
        "Human resources",
        "closure",
        72,
        "destroy",
        "Personnel files: six years after employment ends.",
    ),
    ("HOU", None, "Housing", "closure", 72, "destroy", "Housing services case work."),
    (
        "HOU-ALL",
        "HOU",
        "Allocations case files",
        "closure",
        72,
        "destroy",
        "Housing register applications: six years after the case closes.",
    ),
    (
        "PLA",
        None,
        "Planning and building control",
        "creation",
        0,
        "retain",
        "Planning applications and decisions: kept permanently.",
    ),
    (
        "SOC",
        None,
        "Social care",
        "closure",
        900,
        "review",
        "Children's social care case records: 75 years after the case closes, then reviewed.",
    ),
    (
        "SOC-ADU",
        "SOC",
        "Adult social care case files",
        "closure",
        96,
        "destroy",
        "Adult social care records: eight years after the case closes.",
    ),
    (
        "PRO",
        None,
        "Procurement and contracts",
        "closure",
        72,
        "review",
        "Tenders and contracts: six years after the contract ends (twelve for deeds: reviewed).",
    ),
    (
        "INF",
        None,
        "Information governance",
        "closure",
        36,
        "destroy",
        "Freedom of information and subject access requests: three years after closure.",
    ),
]


def seed_starter_file_plan() -> int:
    """Create the starter classes the schema does not have yet; return how many were created."""
    from records.models import FilePlanClass

    existing = {
        c.code: c
        for c in FilePlanClass.objects.filter(code__in=[row[0] for row in STARTER_CLASSES])
    }
    created = 0
    for code, parent, title, trigger, months, action, description in STARTER_CLASSES:
        if code in existing:
            continue
        existing[code] = FilePlanClass.objects.create(
            code=code,
            title=title,
            description=description,
            trigger=trigger,
            period_months=months,
            action=action,
            parent=existing.get(parent) if parent else None,
        )
        created += 1
    return created
