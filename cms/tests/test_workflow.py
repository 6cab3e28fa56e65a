"""Editorial workflow: draft → needs review → published, scheduled publishing, review dates."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, Workflow, WorkflowState


@pytest.mark.django_db
def test_every_council_has_a_moderation_workflow_on_its_pages(site):
    workflow = site["service"].get_workflow()
    assert workflow is not None and workflow.active
    assert Workflow.objects.filter(active=True).exists()


@pytest.mark.django_db
def test_editor_submits_for_review_and_moderator_publishes(site, web_council, staff_client_factory):
    from django.contrib.auth import get_user_model

    page = site["information"]
    editor = staff_client_factory(
        web_council, groups=("Editors",), username="editor@webham.example"
    )
    response = editor.post(
        f"/admin/pages/{page.pk}/edit/",
        {
            "title": "Accessibility statement (new)",
            "slug": page.slug,
            "action-submit": "Submit",
            "body-count": "0",
        },
    )
    assert response.status_code in (200, 302)
    state = WorkflowState.objects.filter(
        base_content_type__isnull=False, object_id=str(page.pk)
    ).first()
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    page.refresh_from_db()
    assert page.title == "Accessibility statement"  # not live until approved
    moderator = get_user_model().objects.create(username="mod@webham.example", is_staff=True)
    from django.contrib.auth.models import Group

    moderator.groups.add(Group.objects.get(name="Moderators"))
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    page.refresh_from_db()
    assert page.title == "Accessibility statement (new)" and page.live


@pytest.mark.django_db
def test_scheduled_page_goes_live_when_due(site):
    from django.core.management import call_command

    page = site["information"]
    page.title = "Scheduled title"
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.title == "Scheduled title"


@pytest.mark.django_db
def test_review_report_lists_content_due_for_review(site, web_council, staff_client_factory):
    from cms.reviews import pages_due_for_review

    due = [p.pk for p, _ in pages_due_for_review(30)]
    assert site["service"].pk in due and site["contact"].pk not in due
    client = staff_client_factory(web_council)
    response = client.get("/admin/reports/due-for-review/")
    assert response.status_code == 200 and b"Report a missed bin" in response.content
    assert client.get("/admin/reports/due-for-review/?days=abc").status_code == 200


@pytest.mark.django_db
def test_review_report_is_per_council(site, web_council, client_b, in_council):
    response = client_b.get("/admin/reports/due-for-review/")
    assert response.status_code == 200 and b"Report a missed bin" not in response.content
    with in_council(web_council):
        assert Page.objects.filter(title="Report a missed bin").exists()  # it is there, in Webham


@pytest.mark.django_db
def test_scheduled_publishing_runs_in_every_council(site, web_council, in_council):
    from django.core.management import call_command

    page = site["information"]
    page.title = "Published by the all-councils run"
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    call_command("publish_scheduled_all")
    with in_council(web_council):
        page.refresh_from_db()
    assert page.title == "Published by the all-councils run"


@pytest.mark.django_db
def test_beat_runs_scheduled_publishing_for_every_council(site, web_council, in_council):
    from django.conf import settings

    from cms.tasks import publish_scheduled_all

    assert (
        settings.CELERY_BEAT_SCHEDULE["cms-publish-scheduled"]["task"]
        == "cms.publish_scheduled_all"
    )
    page = site["contact"]
    page.title = "Contact the council"
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    publish_scheduled_all.delay()  # eager without a broker
    with in_council(web_council):
        page.refresh_from_db()
    assert page.title == "Contact the council"
