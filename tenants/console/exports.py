"""The console's export pages: ask for an export of a council, watch it being built, download it
(platform staff with ``tenants.view_councilexport`` only; every download is recorded in the
council's history)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from .. import export as council_export
from ..models import CouncilExport, CouncilRestore
from .access import access_council, console_view
from .forms import RestoreForm


def access_export(pk: int) -> CouncilExport:
    found = CouncilExport.objects.select_related("council").filter(pk=pk).first()
    if found is None:
        raise Http404("No such export.")
    return found


@require_POST
@console_view("tenants.view_council", "tenants.change_council", "tenants.add_councilexport")
def export_request(request, slug):
    council = access_council(slug)
    try:
        export = council_export.request_export(council, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("console-council", slug=council.slug)
    messages.success(request, f"Exporting {council.name}: the archive is being built.")
    return redirect("console-export", pk=export.pk)


@console_view("tenants.view_councilexport")
def export_list(request):
    exports = CouncilExport.objects.select_related("council")[:200]
    return render(request, "console/exports.html", {"exports": exports})


@console_view("tenants.view_councilexport")
def export_detail(request, pk, *, restore_form=None, status=200):
    export = access_export(pk)
    context = {
        "export": export,
        "restore_form": restore_form or RestoreForm(prefix="restore"),
        "can_restore": request.user.has_perm("tenants.add_council"),
    }
    return render(request, "console/export.html", context, status=status)


@require_POST
@console_view("tenants.view_councilexport", "tenants.add_council")
def export_restore(request, pk):
    """Ask for the export's archive to be restored as a council: a ``CouncilRestore`` run by a
    task (the archive is checked whole first; nothing half-made), followed on its own page."""
    from ..restore import request_restore

    export = access_export(pk)
    form = RestoreForm(request.POST, prefix="restore")
    if export.status != CouncilExport.Status.DONE or not export.file_name:
        form.add_error(None, "This export has no archive to restore.")
    if not form.is_valid():
        return export_detail(request, pk, restore_form=form, status=400)
    data = form.cleaned_data
    try:
        job = request_restore(
            export,
            request.user,
            slug=data["slug"],
            name=data["name"],
            gss_code=data["gss_code"],
            reason=data["reason"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return export_detail(request, pk, restore_form=form, status=400)
    messages.success(request, f"Restore of {export.council_name} as {job.slug} asked for.")
    return redirect("console-restore", pk=job.pk)


def access_restore(pk: int) -> CouncilRestore:
    found = CouncilRestore.objects.select_related("export", "council").filter(pk=pk).first()
    if found is None:
        raise Http404("No such restore.")
    return found


@console_view("tenants.view_councilexport", "tenants.add_council")
def restore_detail(request, pk):
    """A restore's progress, then its council or why the archive was refused."""
    return render(request, "console/restore.html", {"restore": access_restore(pk)})


@console_view("tenants.view_councilexport", "tenants.add_council")
def restore_status(request, pk):
    """The restore's progress as JSON, for the page's script."""
    job = access_restore(pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "step": job.step,
            "finished": job.finished,
        },
        headers={"Cache-Control": "no-store"},
    )


@console_view("tenants.view_councilexport")
def export_status(request, pk):
    """The export's progress as JSON, for the detail page's script."""
    export = access_export(pk)
    return JsonResponse(
        {
            "status": export.status,
            "status_label": export.get_status_display(),
            "progress": export.progress,
            "step": export.step,
            "finished": export.status in (CouncilExport.Status.DONE, CouncilExport.Status.FAILED),
        },
        headers={"Cache-Control": "no-store"},
    )


@console_view("tenants.view_councilexport")
def export_download(request, pk):
    export = access_export(pk)
    if export.status != CouncilExport.Status.DONE or not export.file_name:
        raise Http404("This export has no archive to download.")
    stored = council_export.open_export(export)
    council_export.record_download(export, request.user)
    response = FileResponse(stored, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, export.download_name) or ""
    response["Cache-Control"] = "no-store"
    if export.size is not None:
        response["Content-Length"] = str(export.size)
    return response
