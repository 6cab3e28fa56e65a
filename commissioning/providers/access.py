"""Reads of the directory (the public ORUK API uses these). Every query runs in the current
council's schema; filters are validated here so a bad value is a 400 naming the parameter."""

import math
import uuid
from decimal import Decimal

from django.db.models import Count, F, FloatField, Q, QuerySet
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

from platform_core.inputcheck import BadInput

from .models import (
    Location,
    Organization,
    Postcode,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)

EARTH_RADIUS_M = 6_371_000
MAX_PROXIMITY_M = 200_000


def _uuid(name: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadInput(name, "must be a UUID.") from None


def _filter_services(qs: QuerySet, params, prefix: str = "") -> QuerySet:
    """``text`` (or ORUK's ``search``), ``taxonomy_term_id`` and ``taxonomy_id`` on services;
    ``prefix`` is the path to the service from the queryset's model."""
    text = (params.get("text") or params.get("search") or "").strip()
    if text:
        qs = qs.filter(
            Q(**{f"{prefix}name__icontains": text}) | Q(**{f"{prefix}description__icontains": text})
        )
    service_id = f"{prefix}id" if prefix else "id"
    if params.get("taxonomy_term_id"):
        term_id = _uuid("taxonomy_term_id", params["taxonomy_term_id"])
        qs = qs.filter(
            **{
                f"{service_id}__in": ServiceTerm.objects.filter(term_id=term_id).values(
                    "service_id"
                )
            }
        )
    if params.get("taxonomy_id"):
        taxonomy_id = _uuid("taxonomy_id", params["taxonomy_id"])
        qs = qs.filter(
            **{
                f"{service_id}__in": ServiceTerm.objects.filter(
                    term__taxonomy_id=taxonomy_id
                ).values("service_id")
            }
        )
    return qs


def postcode_point(value: str) -> Postcode:
    """The directory's centroid for a postcode: unknown → 400 naming ``postcode``."""
    found = Postcode.objects.filter(postcode=Postcode.normalise(value)).first()
    if found is None:
        raise BadInput("postcode", "is not a postcode this directory knows.")
    return found


def postcode_areas(value: str) -> list[str] | None:
    """The GSS codes of the areas a postcode lies in, from the directory's postcodes (the ONS
    Postcode Directory); ``None`` when the directory does not know the postcode."""
    found = (
        Postcode.objects.filter(postcode=Postcode.normalise(value))
        .values_list("gss_codes", flat=True)
        .first()
    )
    if found is None:
        return None
    return [code.strip().upper() for code in found.split(",") if code.strip()]


def locations_near(latitude, longitude, metres: float) -> QuerySet:
    """Locations with coordinates within ``metres`` of a point (great-circle distance, with a
    bounding box first so an index on latitude can do most of the work)."""
    lat, lon = float(latitude), float(longitude)
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    box = Location.objects.filter(
        latitude__gte=Decimal(str(round(lat - dlat, 6))),
        latitude__lte=Decimal(str(round(lat + dlat, 6))),
        longitude__gte=Decimal(str(round(lon - dlon, 6))),
        longitude__lte=Decimal(str(round(lon + dlon, 6))),
    )
    cosine = Sin(Radians(lat)) * Sin(Radians(F("latitude"))) + Cos(Radians(lat)) * Cos(
        Radians(F("latitude"))
    ) * Cos(Radians(F("longitude")) - Radians(lon))
    return box.annotate(
        distance_m=ACos(Least(Greatest(cosine, -1.0), 1.0), output_field=FloatField())
        * EARTH_RADIUS_M
    ).filter(distance_m__lte=metres)


def _filter_place(qs: QuerySet, params, prefix: str = "", location_field: str = "") -> QuerySet:
    """ORUK ``postcode`` (and ``proximity`` in metres): with a postcode only, services whose
    service areas cover it (services with no service area are not limited by place); with a
    proximity too, only services at a location within that distance of the postcode."""
    raw_postcode = (params.get("postcode") or "").strip()
    raw_proximity = (params.get("proximity") or "").strip()
    if raw_proximity and not raw_postcode:
        raise BadInput("proximity", "needs a postcode.")
    if not raw_postcode:
        return qs
    point = postcode_point(raw_postcode)
    service_id = f"{prefix}id" if prefix else "id"
    if raw_proximity:
        try:
            metres = float(raw_proximity)
        except ValueError:
            raise BadInput("proximity", "must be a number of metres.") from None
        if not 0 < metres <= MAX_PROXIMITY_M:
            raise BadInput("proximity", f"must be more than 0 and at most {MAX_PROXIMITY_M}.")
        near = locations_near(point.latitude, point.longitude, metres).values("id")
        if location_field:
            return qs.filter(**{f"{location_field}__in": near})
        return qs.filter(
            **{
                f"{service_id}__in": ServiceAtLocation.objects.filter(location__in=near).values(
                    "service_id"
                )
            }
        )
    codes = [c.strip() for c in point.gss_codes.split(",") if c.strip()]
    return qs.exclude(
        Q(**{f"{service_id}__in": ServiceArea.objects.values("service_id")})
        & ~Q(
            **{
                f"{service_id}__in": ServiceArea.objects.filter(gss_code__in=codes).values(
                    "service_id"
                )
            }
        )
    )


def services(params) -> QuerySet:
    return _filter_place(
        _filter_services(Service.objects.select_related("organization"), params), params
    )


def service_detail(service_id) -> Service | None:
    return (
        Service.objects.select_related("organization")
        .prefetch_related(
            "service_terms__term__taxonomy",
            "service_at_locations__location__addresses",
            "service_at_locations__schedules",
            "contacts__phones",
            "phones",
            "schedules",
            "cost_options",
            "service_areas",
            "languages",
        )
        .filter(id=service_id)
        .first()
    )


def services_at_locations(params) -> QuerySet:
    return _filter_place(
        _filter_services(
            ServiceAtLocation.objects.select_related("service__organization", "location"),
            params,
            prefix="service__",
        ),
        params,
        prefix="service__",
        location_field="location_id",
    ).prefetch_related("location__addresses")


def service_at_location_detail(sal_id) -> ServiceAtLocation | None:
    return (
        ServiceAtLocation.objects.select_related("service__organization", "location")
        .prefetch_related("location__addresses")
        .filter(id=sal_id)
        .first()
    )


def taxonomies() -> QuerySet:
    return Taxonomy.objects.all()


def taxonomy_terms(params) -> QuerySet:
    qs = TaxonomyTerm.objects.select_related("taxonomy")
    if params.get("taxonomy_id"):
        qs = qs.filter(taxonomy_id=_uuid("taxonomy_id", params["taxonomy_id"]))
    return qs


def terms_in_use() -> list[TaxonomyTerm]:
    """The taxonomy terms at least one service has, by name, each with ``service_count``: the
    choices a directory page offers (a term no service has would only lead to no results)."""
    counts = dict(
        ServiceTerm.objects.values("term_id").annotate(n=Count("id")).values_list("term_id", "n")
    )
    terms = list(TaxonomyTerm.objects.filter(id__in=counts).select_related("taxonomy"))
    for term in terms:
        term.service_count = counts[term.id]
    return sorted(terms, key=lambda t: (t.name.lower(), t.taxonomy.name.lower()))


def organization(organization_id):
    """One directory organisation by id (a UUID or its text), or None."""
    from .models import Organization

    try:
        return Organization.objects.filter(id=uuid.UUID(str(organization_id))).first()
    except ValueError:
        return None


def organizations() -> QuerySet:
    """Every directory organisation, by name."""
    from .models import Organization

    return Organization.objects.order_by("name")


# --- for commissioning.markets ------------------------------------------------------------------


def organizations_by_name() -> dict[str, uuid.UUID]:
    """Organisation ids by case-folded name (spend files name providers)."""
    return {name.casefold(): pk for pk, name in Organization.objects.values_list("id", "name")}


def organization_names() -> dict[str, str]:
    return {str(pk): name for pk, name in Organization.objects.values_list("id", "name")}


def organizations_by_cqc_provider_id() -> dict[str, uuid.UUID]:
    return dict(
        Organization.objects.exclude(cqc_provider_id="").values_list("cqc_provider_id", "id")
    )


def terms_by_key() -> dict[str, dict]:
    """Terms by code and by case-folded name: {"id", "name", "taxonomy"}."""
    found: dict[str, dict] = {}
    for pk, code, name, taxonomy in TaxonomyTerm.objects.values_list(
        "id", "code", "name", "taxonomy__name"
    ):
        term = {"id": pk, "name": name, "taxonomy": taxonomy}
        found.setdefault(name.casefold(), term)
        if code:
            found[code] = term
    return found


def unit_costs_by_term(term_ids) -> dict[tuple, list]:
    """{(term id, organisation id as str): [cost option amounts]} for services with those terms."""
    from .models import CostOption

    costs: dict[tuple, list] = {}
    for term_id, org_id, _cost_id, amount in (
        CostOption.objects.filter(
            amount__isnull=False, service__service_terms__term_id__in=list(term_ids)
        )
        .values_list("service__service_terms__term_id", "service__organization_id", "id", "amount")
        .distinct()
    ):
        costs.setdefault((term_id, str(org_id)), []).append(amount)
    return costs


# --- subject access (platform_core/subject_access.py) ----------------------------------------
def subject_access(subject) -> list[dict]:
    """What the providers directory holds about one person, by their email addresses: their
    provider account (its organisation), the changes they sent, and the directory contacts
    that name them."""
    from platform_core.subject_access import iexact_any

    from .models import Contact, ProviderAccount, ServiceChange

    if not subject.emails:
        return []
    items: list[dict] = []
    for account in (
        ProviderAccount.objects.filter(iexact_any("user__email", subject.emails))
        .select_related("user", "organization")
        .order_by("pk")
    ):
        changes = ServiceChange.objects.filter(submitted_by=account.user).select_related("service")
        items.append(
            {
                "kind": "provider account",
                "matched_on": "email",
                "email": account.user.email,
                "organisation": account.organization.name,
                "created_at": account.created_at.isoformat(),
                "changes_sent": [
                    {
                        "service": change.service.name,
                        "submitted_at": change.submitted_at.isoformat(),
                        "status": change.status,
                        "data": change.data,
                    }
                    for change in changes.order_by("submitted_at", "pk")
                ],
            }
        )
    for contact in (
        Contact.objects.filter(iexact_any("email", subject.emails))
        .select_related("service")
        .order_by("service__name", "pk")
    ):
        items.append(
            {
                "kind": "directory contact",
                "matched_on": "email",
                "service": contact.service.name,
                "name": contact.name,
                "title": contact.title,
                "email": contact.email,
            }
        )
    return items


def services_and_locations_of(organization_ids) -> dict[str, dict]:
    """For markets' capacity import: each organisation's services and the locations they are
    delivered at, by id (text) and by case-folded name: ``{org id: {"services": {key: id},
    "locations": {key: id}}}``."""
    found: dict[str, dict] = {str(o): {"services": {}, "locations": {}} for o in organization_ids}
    for pk, name, org_id in Service.objects.filter(
        organization_id__in=list(organization_ids)
    ).values_list("id", "name", "organization_id"):
        entry = found[str(org_id)]["services"]
        entry[str(pk)] = pk
        entry.setdefault(name.casefold(), pk)
    for loc_id, name, org_id in (
        ServiceAtLocation.objects.filter(service__organization_id__in=list(organization_ids))
        .values_list("location_id", "location__name", "service__organization_id")
        .distinct()
    ):
        entry = found[str(org_id)]["locations"]
        entry[str(loc_id)] = loc_id
        entry.setdefault((name or "").casefold(), loc_id)
    return found
