"""Funding screens in the council's Wagtail admin: open calls ranked against the council's
needs, with reasons, and the voluntary groups that could apply to one call."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from . import access, matching


def _require(request):
    if not request.user.has_perm("funding.view_councilcall"):
        raise PermissionDenied


def matches(request):
    _require(request)
    needs_only = request.GET.get("needs_only") == "1"
    ranked = matching.rank_calls(needs_only=needs_only)
    return TemplateResponse(
        request,
        "funding/admin/matches.html",
        {
            "page_title": "Funding matches",
            "header_icon": "pick",
            "matches": ranked[:200],
            "total": len(ranked),
            "needs_only": needs_only,
        },
    )


def call_groups(request, pk):
    _require(request)
    call = access.find_call(pk)
    if call is None:
        raise Http404
    return TemplateResponse(
        request,
        "funding/admin/call_groups.html",
        {
            "page_title": f"Who could apply: {call.programme}",
            "header_icon": "group",
            "call": call,
            "groups": matching.match_groups(call),
        },
    )
