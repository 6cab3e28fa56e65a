"""Reads of funding calls for the current council: the platform-wide register (public schema)
and the council's own calls, as one list; saved searches scoped to their owner."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from commissioning.fundingregister import access as register
from commissioning.fundingregister import actions as register_actions

from .models import CouncilCall, SavedSearch

# Country and UK-wide GSS codes: a call for "England" covers every English area.
BROAD_CODES = {"E92000001": "E", "W92000004": "W", "S92000003": "S", "N92000002": "N"}
UK_CODES = {"K02000001", "K03000001", "K04000001"}


def today() -> datetime.date:
    return timezone.localdate()


def _tag(calls, scope: str) -> list:
    for call in calls:
        call.scope = scope
    return list(calls)


def all_calls(*, open_on: datetime.date | None = None) -> list:
    """Every call the council sees, each with ``scope`` "platform" or "council"; with
    ``open_on``, only calls open that day (opened, not closed)."""
    platform = register.platform_calls()
    own = CouncilCall.objects.all()
    if open_on is not None:
        platform = _open(platform, open_on)
        own = _open(own, open_on)
    calls = _tag(platform, "platform") + _tag(own, "council")
    calls.sort(key=lambda c: (c.closes_on or datetime.date.max, c.funder, c.programme, str(c.pk)))
    return calls


# What matching reads of a call: no timestamps (their parsing was a fifth of the time), no
# model instances (building 2,000 of them was another third).
CALL_VALUES = ("id", *register_actions.CALL_FIELDS)


class CallView:
    """A call of either register as matching and the match screens read it (a plain object
    with the call's fields, ``pk`` and ``scope``)."""

    __slots__ = (*CALL_VALUES, "scope")

    def __init__(self, scope: str, values: tuple):
        self.scope = scope
        for name, value in zip(CALL_VALUES, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self):
        return self.id

    def __str__(self):
        return f"{self.funder}: {self.programme}"

    def is_open(self, day) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and (
            self.closes_on is None or self.closes_on >= day
        )


def coverage_codes(areas: set[str]) -> list[str]:
    """The geography codes a call may name to cover ``areas``: the areas, the UK-wide codes and
    the country codes of the countries the areas are in (``covers`` in SQL)."""
    countries = {
        code for code, letter in BROAD_CODES.items() if any(a.startswith(letter) for a in areas)
    }
    return sorted(set(areas) | UK_CODES | countries)


def open_calls_covering(day: datetime.date, areas: set[str]) -> list[CallView]:
    """The calls of both registers open on ``day`` that cover ``areas`` (empty: every call),
    read in one query per register with only the fields matching needs."""
    from django.db.models import Q

    platform = _open(register.platform_calls(), day)
    own = _open(CouncilCall.objects.all(), day)
    if areas:
        where = Q(geography=[]) | Q(geography__overlap=coverage_codes(areas))
        platform, own = platform.filter(where), own.filter(where)
    calls = [CallView("platform", row) for row in platform.values_list(*CALL_VALUES)]
    calls += [CallView("council", row) for row in own.values_list(*CALL_VALUES)]
    return calls


def calls_version() -> str:
    """Changes whenever a call of either register is added, changed or removed."""
    from django.db.models import Count, Max

    parts = []
    for qs in (register.platform_calls(), CouncilCall.objects.all()):
        row = qs.aggregate(n=Count("id"), last=Max("updated_at"))
        parts.append(f"{row['n']}:{row['last']}")
    return "/".join(parts)


def _open(qs: QuerySet, day: datetime.date) -> QuerySet:
    from django.db.models import Q

    return qs.filter(Q(opens_on__isnull=True) | Q(opens_on__lte=day)).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=day)
    )


def find_call(call_id):
    """One call of either register by id (None when it is neither the register's nor this
    council's: another council's call looks exactly like a missing one)."""
    try:
        pk = uuid.UUID(str(call_id))
    except ValueError:
        return None
    own = CouncilCall.objects.filter(pk=pk).first()
    if own is not None:
        own.scope = "council"
        return own
    call = register.platform_call(pk)
    if call is not None:
        call.scope = "platform"
    return call


def own_call(call_id) -> CouncilCall | None:
    try:
        return CouncilCall.objects.filter(pk=uuid.UUID(str(call_id))).first()
    except ValueError:
        return None


def covers(geography: list[str], areas: set[str]) -> bool:
    """Does a call for ``geography`` cover any of ``areas`` (codes with their parents)? An
    empty geography, or a UK-wide code, covers everything; a country code covers that
    country's areas."""
    if not geography or not areas:
        return True
    for code in geography:
        if code in areas or code in UK_CODES:
            return True
        country = BROAD_CODES.get(code)
        if country and any(a.startswith(country) for a in areas):
            return True
    return False


def with_parents(codes: list[str]) -> set[str]:
    """The codes and every parent the warehouse knows (a ward's council), so that a call for
    the council covers a search for one of its wards."""
    from intelligence.warehouse import access as warehouse

    parents = {a.code: a.parent_code for a in warehouse.areas()}
    out = set()
    for code in codes:
        while code and code not in out:
            out.add(code)
            code = parents.get(code, "")
    return out


@dataclass
class Criteria:
    text: str = ""
    themes: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    applicant_type: str = ""
    min_amount: Decimal | None = None

    @classmethod
    def of(cls, search: SavedSearch) -> "Criteria":
        return cls(
            text=search.text,
            themes=list(search.themes),
            areas=list(search.areas),
            applicant_type=search.applicant_type,
            min_amount=search.min_amount,
        )


def matches(call, criteria: Criteria, areas: set[str]) -> bool:
    if criteria.text:
        haystack = f"{call.funder} {call.programme} {call.description}".lower()
        if not all(word in haystack for word in criteria.text.lower().split()):
            return False
    if criteria.themes and not set(t.lower() for t in criteria.themes) & set(call.themes):
        return False
    if criteria.applicant_type and call.applicant_types:
        if criteria.applicant_type.lower() not in call.applicant_types:
            return False
    if criteria.min_amount is not None and call.amount_max is not None:
        if call.amount_max < criteria.min_amount:
            return False
    return covers(list(call.geography), areas)


def search_calls(criteria: Criteria, *, open_on: datetime.date | None = None) -> list:
    """Open calls (today, unless ``open_on``) that meet the criteria."""
    day = open_on or today()
    areas = with_parents(criteria.areas) if criteria.areas else set()
    return [c for c in all_calls(open_on=day) if matches(c, criteria, areas)]


def saved_searches(user) -> QuerySet[SavedSearch]:
    """A user's own saved searches."""
    return SavedSearch.objects.filter(owner=user)


# --- grants ---------------------------------------------------------------------------------


def grants():
    from .models import Grant

    return Grant.objects.all()


def external_grants(*, funder: str = "", area: str = ""):
    """Imported 360Giving grants; ``area`` (a GSS code) keeps those whose beneficiary location
    is that area or one of its wards."""
    from .models import ExternalGrant

    qs = ExternalGrant.objects.all()
    if funder:
        qs = qs.filter(funder_id=funder)
    if area:
        from intelligence.warehouse import access as warehouse

        codes = {area} | {a.code for a in warehouse.areas() if a.parent_code == area}
        qs = qs.filter(geo_codes__overlap=sorted(codes))
    return qs


def funders_in_area(area: str = ""):
    """Who funds what: per funder, the number of grants, the total and the latest award, biggest
    first (only grants in GBP are summed)."""
    from django.db.models import Count, Max, Sum

    return (
        external_grants(area=area)
        .filter(currency="GBP")
        .values("funder_id", "funder_name")
        .annotate(grants=Count("id"), total=Sum("amount_awarded"), latest=Max("award_date"))
        .order_by("-total", "funder_name")
    )
