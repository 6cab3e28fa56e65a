"""Reads of commissions, priorities and contract spend, scoped to the council (the schema) and
the user. A commission is visible to commissioning managers (``ledgers.view_all_budgets``), to
the people of its commissioner, to its evaluators, and (published opportunities only, without
bids) to provider representatives. Anything else gives the same 404 as a missing one.

For the markets module: ``contract_spend(...)`` — committed value and spend per provider,
category, area and period, from real contracts and monitoring returns.
"""

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from commissioning.ledgers import access as ledgers

from .models import Commission, Contract, MonitoringReturn, Priority, ProviderRepresentative


def visible_commissions(user) -> QuerySet:
    qs = Commission.objects.select_related(
        "commissioner", "budget", "priority", "awarded_bid__organization"
    )
    if ledgers.sees_all_budgets(user):
        return qs
    if not (user and user.is_authenticated):
        return qs.none()
    orgs = list(
        ProviderRepresentative.objects.filter(user=user).values_list("organization_id", flat=True)
    )
    scope = Q(commissioner__members__user=user) | Q(evaluators__user=user)
    if orgs:
        # Provider representatives: open opportunities, and those their organisation bid on.
        scope |= Q(stage="tender") | Q(bids__organization_id__in=orgs)
    return qs.filter(scope).distinct()


def access_commission(user, commission_id) -> Commission:
    try:
        return visible_commissions(user).get(pk=int(commission_id))
    except (Commission.DoesNotExist, ValueError, TypeError):
        raise Http404("No such commission") from None


def manages(user, commission: Commission) -> bool:
    """May run the commission (publish, close, award, contract): a commissioning manager or a
    person acting for its commissioner."""
    return ledgers.acts_for(user, commission.commissioner)


def public_opportunities() -> QuerySet:
    """What the council website lists: published opportunities still open for bids, newest
    first."""
    return (
        Commission.objects.filter(stage="tender", published_at__isnull=False)
        .select_related("commissioner")
        .order_by("tender_deadline", "id")
    )


def public_releases() -> QuerySet:
    """The OCDS releases the open feeds (``/api/v1/ocds/``) publish: every commission's but a
    personal budget holder's. That commissioner is a resident buying their own care, so its
    releases would name them (the buyer) beside the need, the provider and the price; the
    council keeps them, the open data leaves them out. A ward councillor's member budget is
    public spending by an office holder and stays published."""
    from .models import Release

    return Release.objects.exclude(commission__commissioner__kind="personal_budget_holder")


def bids_of_organization(organization) -> QuerySet:
    """An organisation's own bids (for its provider account): what it offered, and where each
    commission stands."""
    from .models import Bid

    return (
        Bid.objects.filter(organization=organization)
        .select_related("commission")
        .order_by("-submitted_at")
    )


def published_priorities() -> QuerySet:
    return Priority.objects.filter(published=True)


def priority_levers() -> list[dict]:
    """The members' priorities as levers for other apps (funding's matching): title, weight
    (1-5), the warehouse metrics that measure the need, the areas."""
    return [
        {
            "id": p.pk,
            "title": p.title,
            "weight": p.weight,
            "metric_ids": list(p.metric_ids or []),
            "area_codes": list(p.area_codes or []),
        }
        for p in Priority.objects.all()
    ]


def priorities_version() -> str:
    """Changes whenever a priority is added, changed or removed (for cached rankings)."""
    from django.db.models import Count, Max

    row = Priority.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return f"{row['n']}:{row['top']}:{row['last']}"


def contract_spend(
    *,
    provider=None,
    category: str | None = None,
    area_code: str | None = None,
    start=None,
    end=None,
    group_by: tuple[str, ...] = ("provider",),
) -> list[dict]:
    """Contract value and spend, grouped by any of ``provider`` (organisation id), ``category``,
    ``area`` and ``period`` (a monitoring return's period). Filters: ``provider``, ``category``,
    ``area_code``, and a date range on the contract's start (``start``/``end``, dates).

    Each row: the group keys, ``contracts`` (how many), ``contract_value`` and ``spend``
    (Decimals; spend is what monitoring returns invoiced, i.e. spent from the ledger). Grouped
    by period, ``contracts`` and ``contract_value`` count a contract in each period it has a
    return in."""
    unknown = set(group_by) - {"provider", "category", "area", "period"}
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}")
    contracts = Contract.objects.all()
    if provider:
        contracts = contracts.filter(organization_id=provider)
    if category:
        contracts = contracts.filter(commission__category=category)
    if area_code:
        contracts = contracts.filter(commission__area_code=area_code)
    if start:
        contracts = contracts.filter(start_date__gte=start)
    if end:
        contracts = contracts.filter(start_date__lte=end)
    info = {
        c["pk"]: c
        for c in contracts.values(
            "pk", "organization_id", "commission__category", "commission__area_code", "value"
        )
    }
    returns: dict[int, list[tuple[str, Decimal]]] = {}
    for contract_id, period, amount in MonitoringReturn.objects.filter(
        contract_id__in=list(info)
    ).values_list("contract_id", "period", "amount_invoiced"):
        returns.setdefault(contract_id, []).append((period, amount))

    def keys(c: dict, period: str | None) -> dict:
        out: dict = {}
        for g in group_by:
            if g == "provider":
                out[g] = str(c["organization_id"])
            elif g == "category":
                out[g] = c["commission__category"]
            elif g == "area":
                out[g] = c["commission__area_code"]
            else:
                out[g] = period
        return out

    rows: dict[tuple, dict] = {}
    for contract_id, c in info.items():
        if "period" in group_by:
            by_period: dict[str, Decimal] = {}
            for period, amount in returns.get(contract_id, []):
                by_period[period] = by_period.get(period, Decimal(0)) + amount
            parts = [(keys(c, p), amount) for p, amount in by_period.items()]
        else:
            parts = [(keys(c, None), sum((a for _, a in returns.get(contract_id, [])), Decimal(0)))]
        for group, spent in parts:
            row = rows.setdefault(
                tuple(group.values()),
                {**group, "contracts": 0, "contract_value": Decimal(0), "spend": Decimal(0)},
            )
            row["contracts"] += 1
            row["contract_value"] += c["value"]
            row["spend"] += spent
    return sorted(rows.values(), key=lambda r: tuple(str(r[g]) for g in group_by))


def market_commitments(commission_ids=None) -> list[dict]:
    """For the markets module: every commission with a ledger commitment (awarded, or a direct
    commission), one row each: ``commission`` (id), ``provider`` (the awarded organisation's id,
    text), ``category``, ``area_code``, ``financial_year`` (of the commitment's budget),
    ``amount`` (the commitment less what was released: what is committed or already spent),
    ``spent`` (what monitoring returns spent from it), ``contract`` (id or None), ``stage``.
    Two queries whatever the number of commissions."""
    qs = Commission.objects.filter(commitment_id__isnull=False, awarded_bid__isnull=False)
    if commission_ids is not None:
        qs = qs.filter(pk__in=list(commission_ids))
    rows = list(
        qs.values(
            "pk",
            "commitment_id",
            "awarded_bid__organization_id",
            "category",
            "area_code",
            "stage",
            "contract__id",
        )
    )
    amounts = ledgers.commitment_amounts(r["commitment_id"] for r in rows)
    out = []
    for r in rows:
        commitment = amounts.get(r["commitment_id"])
        if commitment is None:
            continue
        out.append(
            {
                "commission": r["pk"],
                "provider": str(r["awarded_bid__organization_id"]),
                "category": r["category"],
                "area_code": r["area_code"],
                "financial_year": commitment["financial_year"],
                "amount": commitment["amount"] - commitment["released"],
                "spent": commitment["spent"],
                "contract": r["contract__id"],
                "stage": r["stage"],
            }
        )
    return out
