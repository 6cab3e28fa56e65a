"""Wagtail admin views for records managers: a dashboard (audit chain, due records, open
batches, active holds), the records list with full-text search, and one record's page with its
versions, holds and audit trail. Changes go through the API (records.actions)."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from platform_core.audit.checkpoints import verify as verify_audit
from platform_core.audit.log import export_entries

from .access import access_record, is_records_manager, visible_records
from .models import DisposalBatch, LegalHold, Record
from .search import search_records


def _require_manager(request):
    if not is_records_manager(request.user):
        raise PermissionDenied


def dashboard(request):
    _require_manager(request)
    today = timezone.localdate()
    context = {
        "page_title": "Records",
        "header_icon": "folder-open-inverse",
        # Incremental: the newest signed checkpoint, then only the entries after it.
        "chain": verify_audit(),
        "due": visible_records(request.user)
        .filter(disposal_due__lte=today)
        .exclude(status__in=["destroyed", "transferred"])[:50],
        "batches": DisposalBatch.objects.filter(status=DisposalBatch.Status.OPEN)[:20],
        "holds": LegalHold.objects.filter(released_at__isnull=True).prefetch_related("records")[
            :20
        ],
        "total": Record.objects.count(),
    }
    return TemplateResponse(request, "records/admin/dashboard.html", context)


def record_list(request):
    _require_manager(request)
    query = request.GET.get("q", "").strip()
    records = search_records(request.user, query) if query else visible_records(request.user)
    return TemplateResponse(
        request,
        "records/admin/record_list.html",
        {
            "page_title": "Records",
            "header_icon": "folder-open-inverse",
            "records": list(records[:100]),
            "query": query,
        },
    )


def record_detail(request, pk: int):
    _require_manager(request)
    record = access_record(request.user, pk)
    return TemplateResponse(
        request,
        "records/admin/record_detail.html",
        {
            "page_title": record.title,
            "header_icon": "doc-full",
            "record": record,
            "versions": record.versions.all(),
            "holds": record.holds.all(),
            "trail": export_entries("records.record", record.pk),
        },
    )
