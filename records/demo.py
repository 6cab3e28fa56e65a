"""Demo records for ``make run``: a small file plan, a few records and published decisions.
Idempotent: keyed on class codes and titles, so running it again adds nothing."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

CLASSES = [
    ("GOV", None, "Governance", "creation", 0, "retain"),
    ("GOV-MIN", "GOV", "Committee minutes", "creation", 0, "retain"),
    ("GOV-DEC", "GOV", "Decision papers", "decision_date", 72, "transfer"),
    ("HOU", None, "Housing", "closure", 72, "destroy"),
    ("HOU-ALL", "HOU", "Allocations case files", "closure", 72, "destroy"),
    ("FIN", None, "Finance", "creation", 84, "review"),
]


def seed_demo(council) -> None:
    from records import actions
    from records.models import Decision, FilePlanClass, Record

    classes = {}
    for code, parent, title, trigger, months, action in CLASSES:
        existing = FilePlanClass.objects.filter(code=code).first()
        classes[code] = existing or actions.create_class(
            "demo",
            code=code,
            title=title,
            trigger=trigger,
            period_months=months,
            action=action,
            parent=classes.get(parent),
        )
    documents = [
        (
            "Cabinet minutes, March",
            "GOV-MIN",
            f"{council.name} Cabinet minutes. Budget and council tax agreed.",
        ),
        (
            "Housing allocations policy review",
            "GOV-DEC",
            "Review of the housing allocations scheme and waiting list.",
        ),
        (
            "Treasury management report",
            "FIN",
            "Borrowing, investments and prudential indicators for the year.",
        ),
    ]
    for title, code, text in documents:
        if not Record.objects.filter(title=title).exists():
            actions.declare_record(
                "demo",
                upload=SimpleUploadedFile(f"{code.lower()}.txt", text.encode()),
                title=title,
                file_class=classes[code],
            )
    if not Decision.objects.exists():
        today = timezone.localdate()
        decision = actions.create_decision(
            "demo",
            title="Adopt the revised housing allocations scheme",
            decision_maker="Cabinet",
            decision_date=today - timedelta(days=7),
            summary="The scheme gives priority to households in the greatest need.",
            reasons="Waiting times have doubled since the last review.",
            alternatives_considered="Keep the current scheme; a banding-only scheme.",
            consultation="Twelve weeks of public consultation; 412 responses.",
            is_key_decision=True,
            forward_plan_date=today - timedelta(days=60),
            records=list(Record.objects.filter(title="Housing allocations policy review")),
        )
        actions.publish_decision("demo", decision)
        actions.create_action_item(
            "demo",
            decision,
            description="Publish the new scheme",
            owner="Housing",
            due_date=today + timedelta(days=30),
        )
        actions.create_policy(
            "demo",
            title="Housing allocations policy",
            owner="Head of Housing",
            review_date=date(today.year + 1, 4, 1),
        )
