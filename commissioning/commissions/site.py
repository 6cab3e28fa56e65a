"""The council website's commissioning pages (GOV.UK Frontend): open opportunities, one
opportunity, and the members' priorities with their decisions. Public, read-only."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access


@require_GET
def opportunities(request):
    return render(
        request,
        "commissions/opportunities.html",
        {"opportunities": access.public_opportunities()},
    )


@require_GET
def opportunity(request, ocid):
    commission = access.public_opportunities().filter(ocid=ocid).first()
    if commission is None:
        raise Http404("No such opportunity")
    return render(
        request,
        "commissions/opportunity.html",
        {"c": commission, "criteria": commission.criteria.all()},
    )


@require_GET
def priorities(request):
    return render(
        request, "commissions/priorities.html", {"priorities": access.published_priorities()}
    )
