"""Demo records for ``make run``: on the starter file plan, a few records and published decisions,
and the website's decisions page (under the home page, so residents reach it in one step).
Idempotent: keyed on class codes and titles, so running it again adds nothing."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


def seed_demo(council) -> None:
    from records import actions
    from records.models import Decision, FilePlanClass, Record
    from records.starter import seed_starter_file_plan

    seed_starter_file_plan()  # councils provisioned before the starter plan existed
    classes = {
        c.code: c for c in FilePlanClass.objects.filter(code__in=["GOV-MIN", "GOV-DEC", "FIN"])
    }
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
    _decisions_page()


def _decisions_page() -> None:
    """The council website's page of published decisions, a child of the home page."""
    from wagtail.models import Page

    from records.models import DecisionsIndexPage

    if DecisionsIndexPage.objects.exists():
        return
    home = Page.objects.filter(depth=2).first()
    if home is None:
        return
    page = DecisionsIndexPage(
        title="Council decisions",
        slug="decisions",
        intro="<p>Decisions taken by the cabinet, its members and officers, with the reasons "
        "for each and the actions that follow.</p>",
        search_description="Decisions taken by the council, with the reasons for each.",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
