"""Council A's website and Wagtail admin objects, and how the isolation probe reaches every
page-serving, document-serving and Wagtail admin route (see tests/isolation/__init__.py).

Write bodies for admin forms are mostly ``FORM``: the form A's own staff see on the same URL,
submitted as a browser would (so the write is valid in council A), sent by council B's staff
with A's ids.
"""

import datetime
import io
import os

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.isolation.probe import FORM, MARKER, Form, Multipart, Seed


def _png() -> bytes:
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def probe_objects(w) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from wagtail.admin.models import EditingSession
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        GroupApprovalTask,
        Page,
        PageViewRestriction,
        Site,
        TaskState,
        UploadedFile,
        Workflow,
        WorkflowPage,
        WorkflowState,
    )

    from cms.models import (
        AdoptedPage,
        AlertBanner,
        DirectoryEntry,
        DirectoryPage,
        EventPage,
        EventsIndexPage,
        FormPage,
        HomePage,
        ServicePage,
    )
    from cms.models.forms import FormField

    home = HomePage.objects.get(depth=2)
    w.home = home
    # Pages beyond anything council B has, so their ids exist only in A.
    w.pages = [
        home.add_child(instance=Page(title=f"{MARKER} page {i}", slug=f"probe-{i}", live=True))
        for i in range(3)
    ]
    w.page = w.pages[0]
    w.page.save_revision()
    w.revision = w.page.save_revision()
    w.service_page = home.add_child(
        instance=ServicePage(
            title=f"{MARKER} service", slug="probe-service", summary=MARKER, live=True
        )
    )
    w.service_page.save_revision()
    w.events_page = home.add_child(
        instance=EventsIndexPage(title=f"{MARKER} events", slug="probe-events", live=True)
    )
    now = timezone.now()
    w.event_page = w.events_page.add_child(
        instance=EventPage(
            title=f"{MARKER} event",
            slug="probe-event",
            venue=MARKER,
            live=True,
            start=now + datetime.timedelta(days=1),
            end=now + datetime.timedelta(days=1, hours=1),
        )
    )
    directory = DirectoryPage(title=f"{MARKER} directory", slug="probe-directory", live=True)
    directory.entries = [DirectoryEntry(name=f"{MARKER} venue", kind="venue", category=MARKER)]
    w.directory_page = home.add_child(instance=directory)
    form_page = FormPage(
        title=f"{MARKER} form", slug="probe-form", live=True, to_address="", subject=MARKER
    )
    form_page.form_fields = [FormField(label="Name", field_type="singleline", required=True)]
    w.form_page = home.add_child(instance=form_page)
    w.form_page.get_submission_class().objects.create(page=w.form_page, form_data={"name": MARKER})
    w.restricted_page = home.add_child(
        instance=Page(title=f"{MARKER} restricted", slug="probe-restricted", live=True)
    )
    w.page_restriction = PageViewRestriction.objects.create(
        page=w.restricted_page, restriction_type="password", password="probe-secret"
    )
    w.alert = AlertBanner.objects.create(title=f"{MARKER} alert", message=MARKER, site_wide=True)
    # The probe's owner (A's superuser, made before the world): uploads and editing sessions
    # belong to the user who made them.
    w.owner = get_user_model().objects.get(username=f"probe@{w.council.slug}.example")
    # A page of A's shared to the content commons (platform-wide library, in public) at version
    # 2, adopted by A at version 1: an update A can acknowledge.
    # The library is shared by design (every council lists it): the template carries no
    # marker, so B seeing it in the library is not a leak the probe would report.
    import json

    from django_tenants.utils import schema_context

    from cms.commons.actions import page_content
    from cms.commons.models import SharedTemplate

    content = json.loads(json.dumps(page_content(w.service_page)).replace(MARKER, "Probe"))
    with schema_context("public"):
        w.shared_template = SharedTemplate.objects.create(
            source_council=w.council,
            source_page_id=w.service_page.pk,
            page_type="cms.servicepage",
            title="Probe shared service",
            content=content,
            content_hash="probe",
            version=2,
        )
    w.adoption = AdoptedPage.objects.create(
        page=w.service_page,
        template_id=w.shared_template.pk,
        source_council_name=MARKER,
        adopted_version=1,
    )
    w.alias_page = w.pages[0].create_alias(parent=home, update_slug="probe-alias")
    # A's branding row, with an id only A has (every council's first row has the same id).
    from cms.models.branding import CouncilBranding

    CouncilBranding.objects.all().delete()  # none yet, or one with the id every council has
    w.branding = CouncilBranding.objects.create(council_name=f"{MARKER} branding")
    root_collection = Collection.get_first_root_node()
    w.root_collection = root_collection
    w.collection = root_collection.add_child(name=f"{MARKER} collection")
    w.collection_restriction = CollectionViewRestriction.objects.create(
        collection=w.collection, restriction_type="password", password="probe-secret"
    )
    w.image = get_image_model().objects.create(
        title=f"{MARKER} image", file=ContentFile(_png(), name="probe.png")
    )
    w.rendition = w.image.get_rendition("original")
    w.document = get_document_model().objects.create(
        title=f"{MARKER} document", file=ContentFile(f"{MARKER} text".encode(), name="probe.txt")
    )
    w.redirect = Redirect.objects.create(old_path="/probe-old", redirect_link=f"/{MARKER}/")
    w.group = Group.objects.create(name=f"{MARKER} group")
    w.user = get_user_model().objects.create_user(
        "probe-user@alphaford.example",
        email="probe-user@alphaford.example",
        first_name=MARKER,
        last_name="User",
    )
    w.site = Site.objects.create(
        hostname="probe-site.example", port=80, root_page=w.pages[1], site_name=MARKER
    )
    w.task = GroupApprovalTask.objects.create(name=f"{MARKER} task")
    w.task.groups.set([w.group])  # a task with no group would approve (and publish) at once
    w.workflow = Workflow.objects.create(name=f"{MARKER} workflow")
    w.workflow.workflow_tasks.create(task=w.task, sort_order=0)
    w.disabled_workflow = Workflow.objects.create(name=f"{MARKER} old workflow", active=False)
    w.disabled_task = GroupApprovalTask.objects.create(name=f"{MARKER} old task", active=False)
    w.workflow_page = w.pages[2]
    w.workflow_page.save_revision()
    WorkflowPage.objects.create(workflow=w.workflow, page=w.workflow_page)
    w.locked_page = w.pages[1]
    w.locked_page.locked, w.locked_page.locked_by = True, w.user
    w.locked_page.save()
    # In progress on its first task (made directly: Workflow.start runs the site's signal
    # handlers, which may move the page on).
    w.workflow_state = WorkflowState.objects.create(
        content_type=w.workflow_page.get_content_type(),
        base_content_type=w.workflow_page.get_base_content_type(),
        object_id=str(w.workflow_page.pk),
        workflow=w.workflow,
        status=WorkflowState.STATUS_IN_PROGRESS,
        requested_by=w.user,
    )
    w.task_state = TaskState.objects.create(
        workflow_state=w.workflow_state,
        revision=w.workflow_page.get_latest_revision(),
        task=w.task,
        status=TaskState.STATUS_IN_PROGRESS,
    )
    w.workflow_state.current_task_state = w.task_state
    w.workflow_state.save()
    w.uploaded_image = UploadedFile.objects.create(
        file=ContentFile(_png(), name="probe-upload.png"),
        for_content_type=ContentType.objects.get_for_model(get_image_model()),
        uploaded_by_user=w.owner,
    )
    w.uploaded_document = UploadedFile.objects.create(
        file=ContentFile(MARKER.encode(), name="probe-upload.txt"),
        for_content_type=ContentType.objects.get_for_model(get_document_model()),
        uploaded_by_user=w.owner,
    )
    w.editing_session = EditingSession.objects.create(
        user=w.owner,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(w.page.pk),
        last_seen_at=timezone.now(),
    )


# Sites are the platform's (cms/sites.py): every write is refused, A's own staff included.
SITE_FORM = {"hostname": "probe-site.example", "port": "80", "site_name": "Probe", "root_page": "1"}

# A valid alert banner (the copy and chooser forms are not the add page's form).
ALERT = {
    "title": "Probe alert",
    "message": "Probe",
    "link_url": "",
    "link_text": "",
    "alert_type": "announcement",
    "dismissible": "on",
    "site_wide": "on",
    "starts_at": "",
    "ends_at": "",
}

NEW_USER = {
    "username": "probe-new-user",
    "email": "probe-new-user@example.com",
    "first_name": "Probe",
    "last_name": "New",
    "password1": "Probe-pass-9123!",
    "password2": "Probe-pass-9123!",
}


def _block_id() -> str:
    """A block definition's id (registered when the block class is instantiated)."""
    from cms.models import EventPage

    stream = EventPage._meta.get_field("body").stream_block
    return next(iter(stream.child_blocks.values())).definition_prefix


def _redirects_import(w) -> dict:
    """The confirm step of a redirects import: the signed name of a file the start step kept
    (made afresh for every request: the step removes it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.signing import Signer
    from wagtail.contrib.redirects.utils import (
        get_format_cls_by_extension,
        get_import_formats,
        write_to_file_storage,
    )

    csv = get_format_cls_by_extension("csv")
    upload = SimpleUploadedFile("redirects.csv", b"from,to\n/probe-from,https://example.com/to\n")
    stored = write_to_file_storage(upload, csv())
    signer = Signer()
    return {
        "import_file_name": signer.sign(os.path.basename(stored.name)),
        "input_format": signer.sign(str(get_import_formats().index(csv))),
        "from_index": "0",
        "to_index": "1",
        "permanent": "on",
    }


def _reset_kwargs(user) -> dict:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def _page(w):
    return {"page_id": w.page.pk}


def probe_seeds() -> list[Seed]:
    same = "content type and app names are the same in every council"
    return [
        # --- the council website (Wagtail's serve, behind the page cache) -------------------
        Seed(
            "((?:[\\w\\-]+/)*)",
            path=lambda w: "/probe-0/",
            missing="/no-such-page-probe/",
        ),
        Seed(
            "wagtaildocs_serve",
            path=lambda w: f"/documents/{w.document.pk}/{w.document.filename}",
            missing="/documents/987654321/probe.txt",
        ),
        Seed(
            "wagtaildocs_authenticate_with_password",
            kwargs=lambda w: {"restriction_id": w.collection_restriction.pk},
            query=lambda w: f"next=/documents/{w.document.pk}/probe.txt",
            body={"POST": {"password": "probe-secret"}},
            control_writes=False,
            reason="a correct password only sets a session flag",
        ),
        Seed(
            "wagtailcore_authenticate_with_password",
            kwargs=lambda w: {
                "page_view_restriction_id": w.page_restriction.pk,
                "page_id": w.restricted_page.pk,
            },
            body={"POST": {"password": "probe-secret", "return_url": "/probe-restricted/"}},
            control_writes=False,
            reason="a correct password only sets a session flag",
        ),
        Seed(
            "wagtailcore_login",
            body={"POST": {"username": "probe-nobody@example.com", "password": "wrong"}},
            reason="the front-end sign-in form: a failed sign-in (django-axes records it)",
        ),
        # --- Wagtail admin: pages ------------------------------------------------------------
        Seed("wagtailadmin_api:pages:detail", kwargs=lambda w: {"pk": w.page.pk}),
        Seed(
            "wagtailadmin_api:pages:action",
            kwargs=lambda w: {"pk": w.page.pk, "action_name": "unpublish"},
            missing={"action_name": "unpublish"},
            body={"POST": {}},
        ),
        Seed("wagtailadmin_api:documents:detail", kwargs=lambda w: {"pk": w.document.pk}),
        Seed("wagtailadmin_api:images:detail", kwargs=lambda w: {"pk": w.image.pk}),
        Seed("wagtailadmin_explore", kwargs=lambda w: {"parent_page_id": w.page.pk}),
        Seed("wagtailadmin_explore_results", kwargs=lambda w: {"parent_page_id": w.page.pk}),
        Seed(
            "wagtailadmin_pages:add",
            kwargs=lambda w: {
                "content_type_app_name": "wagtailcore",
                "content_type_model_name": "page",
                "parent_page_id": w.page.pk,
            },
            missing={"content_type_app_name": "wagtailcore", "content_type_model_name": "page"},
            body={"POST": Form({"title": "Probe child", "slug": "probe-child"})},
        ),
        Seed(
            "wagtailadmin_pages:preview_on_add",
            kwargs=lambda w: {
                "content_type_app_name": "wagtailcore",
                "content_type_model_name": "page",
                "parent_page_id": w.page.pk,
            },
            missing={"content_type_app_name": "wagtailcore", "content_type_model_name": "page"},
            body={"POST": {"title": "Probe child", "slug": "probe-child"}},
            control_writes=False,
            reason="a preview is kept in the session, not the database",
        ),
        Seed(
            ("wagtailadmin_pages:type_use", "wagtailadmin_pages:type_use_results"),
            kwargs=lambda w: {
                "content_type_app_name": "cms",
                "content_type_model_name": "servicepage",
            },
            reason=same,
        ),
        Seed(
            "wagtailadmin_pages:choose_parent",
            kwargs=lambda w: {"app_label": "cms", "model_name": "servicepage"},
            body={"POST": lambda w: {"parent_page": w.page.pk}},
            control_writes=False,
            reason=same + "; choosing a parent redirects to the add form",
        ),
        Seed("wagtailadmin_pages:usage", kwargs=_page),
        Seed("wagtailadmin_pages:edit", kwargs=_page, body={"POST": FORM}),
        Seed(
            "wagtailadmin_pages:preview_on_edit",
            kwargs=_page,
            body={"POST": Form(from_path=lambda w: f"/admin/pages/{w.page.pk}/edit/")},
            control_writes=False,
            reason="a preview is kept in the session, not the database",
        ),
        Seed("wagtailadmin_pages:view_draft", kwargs=_page),
        Seed("wagtailadmin_pages:add_subpage", kwargs=lambda w: {"parent_page_id": w.page.pk}),
        Seed("wagtailadmin_pages:delete", kwargs=_page, body={"POST": {}}),
        Seed("wagtailadmin_pages:unpublish", kwargs=_page, body={"POST": {}}),
        Seed("wagtailadmin_pages:copy", kwargs=_page, body={"POST": FORM}),
        Seed(
            "wagtailadmin_pages:move",
            kwargs=lambda w: {"page_to_move_id": w.page.pk},
        ),
        Seed(
            "wagtailadmin_pages:move_confirm",
            kwargs=lambda w: {"page_to_move_id": w.pages[1].pk, "destination_id": w.page.pk},
            body={"POST": {}},
        ),
        Seed(
            "wagtailadmin_pages:set_page_position",
            kwargs=lambda w: {"page_to_move_id": w.pages[1].pk},
            query="position=0",
            methods=("POST",),
            body={"POST": {}},
        ),
        Seed(
            "wagtailadmin_pages:set_privacy",
            kwargs=_page,
            body={"POST": {"restriction_type": "password", "password": "probe-secret-2"}},
        ),
        Seed("wagtailadmin_pages:lock", kwargs=_page, methods=("POST",), body={"POST": {}}),
        Seed(
            "wagtailadmin_pages:unlock",
            kwargs=lambda w: {"page_id": w.locked_page.pk},
            methods=("POST",),
            body={"POST": {}},
        ),
        Seed("wagtailadmin_pages:revisions_index", kwargs=_page),
        Seed(
            "wagtailadmin_pages:revisions_view",
            kwargs=lambda w: {"page_id": w.page.pk, "revision_id": w.revision.pk},
        ),
        Seed(
            "wagtailadmin_pages:revisions_revert",
            kwargs=lambda w: {"page_id": w.page.pk, "revision_id": w.revision.pk},
        ),
        Seed(
            "wagtailadmin_pages:revisions_unschedule",
            kwargs=lambda w: {"page_id": w.page.pk, "revision_id": w.revision.pk},
            body={"POST": {}},
        ),
        Seed(
            "wagtailadmin_pages:revisions_compare",
            kwargs=lambda w: {
                "pk": w.page.pk,
                "revision_id_a": "earliest",
                "revision_id_b": "latest",
            },
            missing={"revision_id_a": "earliest", "revision_id_b": "latest"},
        ),
        Seed(
            "wagtailadmin_pages:workflow_history", kwargs=lambda w: {"page_id": w.workflow_page.pk}
        ),
        Seed(
            "wagtailadmin_pages:workflow_history_detail",
            kwargs=lambda w: {
                "page_id": w.workflow_page.pk,
                "workflow_state_id": w.workflow_state.pk,
            },
        ),
        Seed(
            (
                "wagtailadmin_pages:workflow_action",
                "wagtailadmin_pages:collect_workflow_action_data",
            ),
            kwargs=lambda w: {
                "page_id": w.workflow_page.pk,
                "action_name": "approve",
                "task_state_id": w.task_state.pk,
            },
            missing={"action_name": "approve"},
            body={"POST": {"comment": "probe"}},
        ),
        Seed(
            "wagtailadmin_pages:confirm_workflow_cancellation",
            kwargs=lambda w: {"page_id": w.workflow_page.pk},
        ),
        Seed(
            "wagtailadmin_pages:workflow_preview",
            kwargs=lambda w: {"page_id": w.workflow_page.pk, "task_id": w.task.pk},
        ),
        Seed(("wagtailadmin_pages:history", "wagtailadmin_pages:history_results"), kwargs=_page),
        Seed("wagtailadmin_choose_page_child", kwargs=lambda w: {"parent_page_id": w.page.pk}),
        Seed(
            "wagtailadmin_tag_model_autocomplete",
            kwargs=lambda w: {"app_name": "taggit", "model_name": "tag"},
            reason=same,
        ),
        # --- collections, workflows, tasks ------------------------------------------------
        Seed(
            "wagtailadmin_collections:edit",
            kwargs=lambda w: {"pk": w.collection.pk},
            body={"POST": FORM},
        ),
        Seed(
            "wagtailadmin_collections:delete",
            kwargs=lambda w: {"pk": w.collection.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            "wagtailadmin_collections:set_privacy",
            kwargs=lambda w: {"collection_id": w.collection.pk},
            body={"POST": {"restriction_type": "none"}},
        ),
        Seed(
            "wagtailadmin_workflows:enable",
            kwargs=lambda w: {"pk": w.disabled_workflow.pk},
            body={"POST": {}},
        ),
        Seed(
            "wagtailadmin_workflows:disable",
            kwargs=lambda w: {"pk": w.workflow.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            "wagtailadmin_workflows:edit",
            kwargs=lambda w: {"pk": w.workflow.pk},
            body={"POST": FORM},
        ),
        Seed(
            ("wagtailadmin_workflows:usage", "wagtailadmin_workflows:usage_results"),
            kwargs=lambda w: {"pk": w.workflow.pk},
        ),
        Seed(
            "admin/workflows/remove/<int:page_pk>/",
            kwargs=lambda w: {"page_pk": w.workflow_page.pk},
            body={"POST": {}},
        ),
        Seed(
            "admin/workflows/remove/<int:page_pk>/<int:workflow_pk>/",
            kwargs=lambda w: {"page_pk": w.workflow_page.pk, "workflow_pk": w.workflow.pk},
            body={"POST": {}},
        ),
        Seed(
            "wagtailadmin_workflows:add_task",
            kwargs=lambda w: {"app_label": "wagtailcore", "model_name": "groupapprovaltask"},
            body={"POST": Form(lambda w: {"name": "Probe task 2", "groups": str(w.group.pk)})},
            reason=same,
        ),
        Seed(
            "wagtailadmin_workflows:edit_task",
            kwargs=lambda w: {"pk": w.task.pk},
            body={"POST": FORM},
        ),
        Seed(
            "wagtailadmin_workflows:disable_task",
            kwargs=lambda w: {"pk": w.task.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            "wagtailadmin_workflows:enable_task",
            kwargs=lambda w: {"pk": w.disabled_task.pk},
            body={"POST": {}},
        ),
        Seed("wagtailadmin_workflows:task_chosen", kwargs=lambda w: {"task_id": w.task.pk}),
        # --- commons, forms, redirects, settings ------------------------------------------
        Seed(
            "cms_commons_share",
            kwargs=lambda w: {"page_id": w.service_page.pk},
            body={"POST": FORM},
        ),
        Seed(
            "cms_commons_preview",
            kwargs=lambda w: {"template_id": w.shared_template.pk},
            reason="the content commons is shared by design: every council may preview every "
            "shared page, rendered in its own layout (nothing is read from A's schema)",
        ),
        Seed(
            "cms_commons_acknowledge",
            kwargs=lambda w: {"adoption_id": w.adoption.pk},
            body={"POST": {}},
        ),
        Seed(
            ("wagtailforms:list_submissions", "wagtailforms:list_submissions_results"),
            kwargs=lambda w: {"page_id": w.form_page.pk},
        ),
        Seed(
            "wagtailforms:delete_submissions",
            kwargs=lambda w: {"page_id": w.form_page.pk},
            body={"POST": FORM},
        ),
        Seed(
            "wagtailredirects:edit",
            kwargs=lambda w: {"redirect_id": w.redirect.pk},
            body={
                "POST": Form(
                    {"old_path": "/probe-old-2", "redirect_link": "https://example.com/probe"}
                )
            },
        ),
        Seed(
            "wagtailredirects:delete",
            kwargs=lambda w: {"redirect_id": w.redirect.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            "admin/settings/<slug:app_name>/<slug:model_name>/",
            kwargs=lambda w: {"app_name": "cms", "model_name": "councilbranding"},
            reason=same + "; redirects to the council's own settings row",
        ),
        # --- documents and images ----------------------------------------------------------
        Seed(
            ("wagtaildocs:edit", "wagtaildocs:document_usage"),
            kwargs=lambda w: {"document_id": w.document.pk},
            body={"POST": FORM},
        ),
        Seed(
            "wagtaildocs:delete",
            kwargs=lambda w: {"document_id": w.document.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            "wagtaildocs:edit_multiple",
            kwargs=lambda w: {"doc_id": w.document.pk},
            body={
                "POST": lambda w: {
                    f"doc-{w.document.pk}-title": "Renamed by the probe",
                    f"doc-{w.document.pk}-collection": w.collection.pk,
                }
            },
        ),
        Seed(
            "wagtaildocs:delete_multiple",
            kwargs=lambda w: {"doc_id": w.document.pk},
            body={"POST": {}},
        ),
        Seed(
            "wagtaildocs:create_multiple_from_uploaded_document",
            kwargs=lambda w: {"uploaded_file_id": w.uploaded_document.pk},
            body={
                "POST": lambda w: {
                    f"uploaded-document-{w.uploaded_document.pk}-title": "Probe doc",
                    f"uploaded-document-{w.uploaded_document.pk}-collection": w.collection.pk,
                }
            },
        ),
        Seed(
            "wagtaildocs:delete_upload_multiple",
            kwargs=lambda w: {"uploaded_file_id": w.uploaded_document.pk},
            body={"POST": {}},
        ),
        Seed(
            ("wagtailimages:edit", "wagtailimages:image_usage"),
            kwargs=lambda w: {"image_id": w.image.pk},
            body={"POST": FORM},
        ),
        Seed(
            "wagtailimages:delete",
            kwargs=lambda w: {"image_id": w.image.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            ("wagtailimages:url_generator", "wagtailimages:url_generator_output"),
            kwargs=lambda w: {"image_id": w.image.pk},
            control={"GET": 404},
            reason="no dynamic image serve view is configured: 404 for every council",
        ),
        Seed(
            "wagtailimages:preview",
            kwargs=lambda w: {"image_id": w.image.pk, "filter_spec": "original"},
            missing={"filter_spec": "original"},
        ),
        Seed(
            "wagtailimages:edit_multiple",
            kwargs=lambda w: {"image_id": w.image.pk},
            body={
                "POST": lambda w: {
                    f"image-{w.image.pk}-title": "Renamed by the probe",
                    f"image-{w.image.pk}-collection": w.collection.pk,
                }
            },
        ),
        Seed(
            "wagtailimages:delete_multiple",
            kwargs=lambda w: {"image_id": w.image.pk},
            body={"POST": {}},
        ),
        Seed(
            "wagtailimages:create_multiple_from_uploaded_image",
            kwargs=lambda w: {"uploaded_file_id": w.uploaded_image.pk},
            body={
                "POST": lambda w: {
                    f"uploaded-image-{w.uploaded_image.pk}-title": "Probe image",
                    f"uploaded-image-{w.uploaded_image.pk}-collection": w.collection.pk,
                }
            },
        ),
        Seed(
            "wagtailimages:delete_upload_multiple",
            kwargs=lambda w: {"uploaded_file_id": w.uploaded_image.pk},
            body={"POST": {}},
        ),
        Seed("wagtaildocs_chooser:chosen", kwargs=lambda w: {"pk": w.document.pk}),
        Seed("wagtailimages_chooser:chosen", kwargs=lambda w: {"pk": w.image.pk}),
        Seed(
            "wagtailimages_chooser:select_format",
            kwargs=lambda w: {"image_id": w.image.pk},
            body={
                "POST": {
                    "image-chooser-insertion-format": "fullwidth",
                    "image-chooser-insertion-image_is_decorative": "on",
                }
            },
            control_writes=False,
            reason="choosing a format renders the embed; nothing saved",
        ),
        # --- snippets, sites, users, groups ------------------------------------------------
        Seed(
            "wagtailsnippets_cms_alertbanner:edit",
            kwargs=lambda w: {"pk": w.alert.pk},
            body={"POST": FORM},
        ),
        Seed(
            "wagtailsnippets_cms_alertbanner:delete",
            kwargs=lambda w: {"pk": w.alert.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            (
                "wagtailsnippets_cms_alertbanner:usage",
                "wagtailsnippets_cms_alertbanner:history",
                "wagtailsnippets_cms_alertbanner:history_results",
                "wagtailsnippetchoosers_cms_alertbanner:chosen",
            ),
            kwargs=lambda w: {"pk": w.alert.pk},
        ),
        Seed(
            "wagtailsnippets_cms_alertbanner:copy",
            kwargs=lambda w: {"pk": w.alert.pk},
            body={"POST": ALERT | {"title": "Probe alert copy"}},
        ),
        Seed(
            "wagtailsites:copy",
            kwargs=lambda w: {"pk": w.site.pk},
            body={"POST": SITE_FORM},
            control_writes=False,
            reason="Sites are the platform's (cms/sites.py): A's own staff are refused too",
        ),
        Seed(
            "wagtailusers_users:copy",
            kwargs=lambda w: {"pk": w.user.pk},
            body={"POST": Form(NEW_USER)},
        ),
        Seed(
            "wagtailsites:edit",
            kwargs=lambda w: {"pk": w.site.pk},
            body={"POST": SITE_FORM},
            control_writes=False,
            reason="Sites are the platform's (cms/sites.py): A's own staff are refused too",
        ),
        Seed(
            "wagtailsites:delete",
            kwargs=lambda w: {"pk": w.site.pk},
            body={"POST": {}, "DELETE": {}},
            control_writes=False,
            reason="Sites are the platform's (cms/sites.py): A's own staff are refused too",
        ),
        Seed(
            (
                "wagtailsites:history",
                "wagtailsites:history_results",
                "wagtailsites:usage",
            ),
            kwargs=lambda w: {"pk": w.site.pk},
        ),
        Seed("wagtailusers_users:edit", kwargs=lambda w: {"pk": w.user.pk}, body={"POST": FORM}),
        Seed(
            "wagtailusers_users:delete",
            kwargs=lambda w: {"pk": w.user.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            (
                "wagtailusers_users:history",
                "wagtailusers_users:history_results",
                "wagtailusers_users:usage",
            ),
            kwargs=lambda w: {"pk": w.user.pk},
        ),
        Seed("wagtailusers_groups:edit", kwargs=lambda w: {"pk": w.group.pk}, body={"POST": FORM}),
        Seed(
            "wagtailusers_groups:delete",
            kwargs=lambda w: {"pk": w.group.pk},
            body={"POST": {}, "DELETE": {}},
        ),
        Seed(
            (
                "wagtailusers_groups:history",
                "wagtailusers_groups:history_results",
                "wagtailusers_groups:usage",
            ),
            kwargs=lambda w: {"pk": w.group.pk},
        ),
        Seed(
            "wagtailadmin_error_test",
            control={"GET": 500, "POST": 500},
            reason="Wagtail's deliberate 500 (failwhale) for testing error reporting",
        ),
        # --- add forms and account screens (no id: B's writes must stay in B) ---------------
        Seed(
            "wagtailadmin_collections:add",
            body={
                "POST": Form(
                    lambda w: {"name": "Probe collection 2", "parent": str(w.root_collection.pk)}
                )
            },
        ),
        Seed(
            "wagtailredirects:add",
            body={
                "POST": Form({"old_path": "/probe-new", "redirect_link": "https://example.com/"})
            },
        ),
        Seed(
            "wagtailsnippets_cms_alertbanner:add",
            body={"POST": Form({"title": "Probe alert 2", "message": "Probe"})},
        ),
        Seed(
            "wagtailsites:add",
            body={"POST": SITE_FORM},
            control_writes=False,
            reason="Sites are the platform's (cms/sites.py): A's own staff are refused too",
        ),
        Seed("wagtailusers_users:add", body={"POST": Form(NEW_USER)}),
        Seed("wagtailusers_groups:add", body={"POST": Form({"name": "Probe group 2"})}),
        Seed(
            "wagtaildocs:add",
            body={
                "POST": Multipart(
                    lambda w: {
                        "title": "Probe doc 2",
                        "collection": w.collection.pk,
                        "file": SimpleUploadedFile("probe2.txt", b"probe"),
                    }
                )
            },
        ),
        Seed(
            "wagtailimages:add",
            body={
                "POST": Multipart(
                    lambda w: {
                        "title": "Probe image 2",
                        "collection": w.collection.pk,
                        "file": SimpleUploadedFile("probe2.png", _png(), "image/png"),
                    }
                )
            },
        ),
        Seed(
            "wagtailadmin_account",
            # Wagtail's account form asks for a first and last name, which the probe's owner
            # (made by force_login) does not have yet.
            body={
                "POST": Form({"name_email-first_name": "Probe", "name_email-last_name": "Owner"})
            },
        ),
        Seed(
            "wagtailadmin_dismissibles",
            body={"PATCH": {"probe-dismissible": True}},
            as_json=True,
        ),
        Seed(
            "wagtailadmin_logout",
            body={"POST": {}},
            control={"POST": 302},
            control_writes=False,
            reason="signing out deletes the session (and redirects to the sign-in page); the "
            "case's cookies are restored after",
        ),
        Seed(
            "wagtailadmin_login",
            body={"POST": {"username": "probe-user@alphaford.example", "password": "wrong"}},
            reason="a failed sign-in (it is recorded by django-axes in the council's schema); "
            "B's attempt with A's username must not count in A",
        ),
        Seed(
            "wagtailadmin_password_reset",
            body={"POST": {"email": "probe-user@alphaford.example"}},
            control_writes=False,
            reason="a reset request only sends an email",
        ),
        # --- Wagtail admin API finders: the id is in the query ---------------------------------
        *[
            Seed(
                f"wagtailadmin_api:{kind}:find",
                path=lambda w, kind=kind, obj=obj: f"/admin/api/main/{kind}/find/?id={obj(w).pk}",
                missing=f"/admin/api/main/{kind}/find/?id=987654321",
            )
            for kind, obj in (
                ("pages", lambda w: w.page),
                ("documents", lambda w: w.document),
                ("images", lambda w: w.image),
            )
        ],
        Seed(
            "wagtail_bulk_action",
            path=lambda w: f"/admin/bulk/wagtailimages/image/delete/?id={w.image.pk}",
            missing="/admin/bulk/wagtailimages/image/delete/?id=987654321",
        ),
        Seed("wagtailadmin_pages:convert_alias", kwargs=lambda w: {"page_id": w.alias_page.pk}),
        # --- the rich-text link choosers: they answer the link to insert; nothing is saved ------
        *[
            Seed(
                route,
                body={"POST": body},
                control_writes=False,
                reason="a link chooser renders the link to insert; nothing is saved",
            )
            for route, body in (
                (
                    "wagtailadmin_choose_page_external_link",
                    {
                        "external-link-chooser-url": "https://example.com/probe",
                        "external-link-chooser-link_text": "Probe",
                    },
                ),
                (
                    "wagtailadmin_choose_page_email_link",
                    {
                        "email-link-chooser-email_address": "probe@example.com",
                        "email-link-chooser-link_text": "Probe",
                    },
                ),
                (
                    "wagtailadmin_choose_page_phone_link",
                    {
                        "phone-link-chooser-phone_number": "01234 567890",
                        "phone-link-chooser-link_text": "Probe",
                    },
                ),
                (
                    "wagtailadmin_choose_page_anchor_link",
                    {
                        "anchor-link-chooser-url": "probe",
                        "anchor-link-chooser-link_text": "Probe",
                    },
                ),
            )
        ],
        Seed(
            "wagtailadmin_workflows:add",
            body={
                "POST": Form(
                    lambda w: {
                        "name": "Probe workflow 2",
                        "workflow_tasks-TOTAL_FORMS": "1",
                        "workflow_tasks-INITIAL_FORMS": "0",
                        "workflow_tasks-0-task": str(w.task.pk),
                        "workflow_tasks-0-ORDER": "1",
                        "workflow_tasks-0-id": "",
                    }
                )
            },
        ),
        Seed(
            "wagtailadmin_workflows:task_chooser_create",
            query="create_model=wagtailcore.groupapprovaltask",
            body={
                "POST": lambda w: {
                    "create-task-name": "Probe task 3",
                    "create-task-groups": str(w.group.pk),
                }
            },
        ),
        # --- editing sessions (each belongs to its user) ---------------------------------------
        Seed(
            "wagtailadmin_editing_sessions:ping",
            kwargs=lambda w: {
                "app_label": "wagtailcore",
                "model_name": "page",
                "object_id": str(w.page.pk),
                "session_id": w.editing_session.pk,
            },
            missing={"app_label": "wagtailcore", "model_name": "page"},
            body={"POST": {}},
        ),
        Seed(
            "wagtailadmin_editing_sessions:release",
            kwargs=lambda w: {"session_id": w.editing_session.pk},
            body={"POST": {}},
        ),
        Seed(
            "wagtailadmin_block_preview",
            query=lambda w: "id=" + _block_id(),
            reason="a block definition is code, the same in every council",
        ),
        # --- content commons: the library is shared; A's object is the page adopted under ----
        Seed(
            "cms_commons_adopt",
            kwargs=lambda w: {"template_id": w.shared_template.pk},
            missing={"template_id": 987654321},
            body={"POST": lambda w: {"parent": str(w.page.pk)}},
            reason="any council may adopt a library template; A's object is the parent page "
            "named in the body, which B's staff cannot reach (the missing template answers "
            "the same)",
        ),
        # --- redirects import, settings ---------------------------------------------------------
        Seed(
            "wagtailredirects:start_import",
            body={
                "POST": Multipart(
                    lambda w: {
                        "import_file": SimpleUploadedFile(
                            "redirects.csv", b"from,to\n/probe-from,/probe-to\n", "text/csv"
                        )
                    }
                )
            },
            control_writes=False,
            reason="the first step keeps the file for the confirm step; nothing is saved yet",
        ),
        Seed(
            "wagtailredirects:process_import",
            body={"POST": Multipart(_redirects_import)},
            reason="the confirm step names the kept file by a signed value, not an object id",
        ),
        Seed(
            ("admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/",),
            kwargs=lambda w: {
                "app_name": "cms",
                "model_name": "councilbranding",
                "pk": w.branding.pk,
            },
            missing={"app_name": "cms", "model_name": "councilbranding"},
            # The stream fields' counters are written by Wagtail's JavaScript, not the HTML.
            body={"POST": Form({"footer_links-count": "0", "social_links-count": "0"})},
        ),
        Seed(
            "wagtailsettings:preview_on_edit",
            kwargs=lambda w: {
                "app_name": "cms",
                "model_name": "councilbranding",
                "pk": w.branding.pk,
            },
            missing={"app_name": "cms", "model_name": "councilbranding"},
            body={"POST": {}, "DELETE": {}},
            control={"GET": 404, "POST": 404, "DELETE": 404},
            reason="branding is not previewable: Wagtail's settings preview route answers 404 "
            "for every council's row, the owner's too",
        ),
        # --- multiple uploads and chooser uploads ---------------------------------------------
        Seed(
            "wagtaildocs:add_multiple",
            body={
                "POST": Multipart(
                    lambda w: {
                        "files[]": SimpleUploadedFile("probe3.txt", b"probe"),
                        "title": "Probe doc 3",
                        "collection": w.root_collection.pk,
                    }
                )
            },
        ),
        Seed(
            "wagtailimages:add_multiple",
            body={
                "POST": Multipart(
                    lambda w: {
                        "files[]": SimpleUploadedFile("probe3.png", _png(), "image/png"),
                        "title": "Probe image 3",
                        "collection": w.root_collection.pk,
                    }
                )
            },
        ),
        Seed(
            "wagtaildocs_chooser:create",
            body={
                "POST": Multipart(
                    lambda w: {
                        "document-chooser-upload-title": "Probe doc 4",
                        "document-chooser-upload-collection": w.root_collection.pk,
                        "document-chooser-upload-file": SimpleUploadedFile("probe4.txt", b"p"),
                    }
                )
            },
        ),
        Seed(
            "wagtailimages_chooser:create",
            body={
                "POST": Multipart(
                    lambda w: {
                        "image-chooser-upload-title": "Probe image 4",
                        "image-chooser-upload-collection": w.root_collection.pk,
                        "image-chooser-upload-file": SimpleUploadedFile(
                            "probe4.png", _png(), "image/png"
                        ),
                    }
                )
            },
        ),
        Seed(
            "wagtailsnippetchoosers_cms_alertbanner:create",
            body={"POST": ALERT | {"title": "Probe alert 3"}},
        ),
        # --- password reset links: A's user's uid and a valid token, on B's domain -------------
        Seed(
            "wagtailadmin_password_reset_confirm",
            kwargs=lambda w: _reset_kwargs(w.user),
            body={"POST": {}},
            control_writes=False,
            reason="a valid link only moves the token into the session (a redirect to the "
            "set-password form); nothing is saved",
        ),
        Seed(
            "admin/.*/",
            path=lambda w: "/admin/no-such-admin-page-probe/",
            reason="the admin's catch-all 404: no object in the URL",
            control={"GET": 404, "POST": 404},
        ),
    ]
