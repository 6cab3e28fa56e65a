"""Reads of the directory (the public ORUK API uses these). Every query runs in the current
council's schema; filters are validated here so a bad value is a 400 naming the parameter."""

import uuid

from django.db.models import Q, QuerySet

from platform_core.inputcheck import BadInput

from .models import Service, ServiceAtLocation, ServiceTerm, Taxonomy, TaxonomyTerm


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


def services(params) -> QuerySet:
    return _filter_services(Service.objects.select_related("organization"), params)


def service_detail(service_id) -> Service | None:
    return (
        Service.objects.select_related("organization")
        .prefetch_related(
            "service_terms__term__taxonomy",
            "service_at_locations__location__addresses",
        )
        .filter(id=service_id)
        .first()
    )


def services_at_locations(params) -> QuerySet:
    return _filter_services(
        ServiceAtLocation.objects.select_related("service__organization", "location"),
        params,
        prefix="service__",
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
