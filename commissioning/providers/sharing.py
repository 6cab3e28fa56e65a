"""Sharing directory entries with neighbouring councils.

The owner council shares a service, or every service of one of its organisations, with named
councils and/or every council in a region. The share (``DirectoryShare``) and a denormalised,
read-only copy of each shared service (``SharedService``) live in the public schema
(``commissioning.directoryshare``). The copies are rebuilt from the owner's schema by
``refresh()``: at once when a share is made, changed or removed, and after the commit of any
transaction that changed the owner's directory (``post_save``/``post_delete`` on the directory
models queue one refresh per council per transaction, run by ``transaction.on_commit``).

Neighbours read only the public copies (``shared_summaries``, ``shared_detail``,
``shared_with_this_council``): one query on public tables, never the owner's schema. The entry
keeps one owner: neighbours have no route that changes it (their admin shows it read-only; the
owner's ids do not exist in their schema, so every edit route answers 404).
"""

import math
import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.fields.json import KeyTransform
from django.db.models.signals import post_delete, post_save

from platform_core.audit.log import append as audit
from platform_core.db import connection
from platform_core.errors import Refused
from platform_core.inputcheck import BadInput
from tenants.access import current_council
from tenants.models import Council

from . import access
from .models import (
    Address,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceTerm,
)


def _models():
    from commissioning.directoryshare.models import DirectoryShare, SharedService

    return DirectoryShare, SharedService


def _current_council() -> Council | None:
    return current_council()


# --- the owner: sharing and unsharing -----------------------------------------------------------


def _entry(kind: str, entry_id) -> Service | Organization:
    model = Service if kind == "service" else Organization
    found = model.objects.filter(pk=entry_id).first()
    if found is None:
        raise Refused(f"There is no {kind} {entry_id} in this council's directory.")
    return found


@transaction.atomic
def share(actor, *, kind: str, entry_id, councils=(), regions=()):
    """Share one of this council's services (``kind="service"``) or all of an organisation's
    services (``"organization"``) with other councils and/or regions. Sharing the same entry
    again replaces its audience."""
    DirectoryShare, _ = _models()
    owner = _current_council()
    if owner is None:
        raise Refused("Sharing runs in a council.")
    if kind not in DirectoryShare.Kind.values:
        raise Refused(f"Only a service or an organisation can be shared, not {kind!r}.")
    entry = _entry(kind, entry_id)
    councils = [c for c in councils if c.pk != owner.pk]
    regions = sorted(set(regions))
    if not councils and not regions:
        raise Refused("Choose at least one neighbouring council or region to share with.")
    item, _ = DirectoryShare.objects.update_or_create(
        owner=owner,
        kind=kind,
        entry_id=entry.pk,
        defaults={
            "entry_name": entry.name[:300],
            "regions": regions,
            "created_by": _actor_name(actor),
        },
    )
    item.councils.set(councils)
    audit(
        "providers.shared",
        entry,
        actor=actor,
        detail={"kind": kind, "councils": [c.slug for c in councils], "regions": regions},
    )
    refresh(owner)
    return item


@transaction.atomic
def unshare(actor, share_id: int) -> None:
    """Stop sharing an entry: its copies leave the neighbours' directories at once."""
    DirectoryShare, _ = _models()
    owner = _current_council()
    item = DirectoryShare.objects.filter(pk=share_id, owner=owner).first() if owner else None
    if item is None:
        raise Refused("There is no such share.")
    audit(
        "providers.unshared",
        None,
        actor=actor,
        object_type=f"providers.{item.kind}",
        object_id=str(item.entry_id),
        detail={"kind": item.kind, "name": item.entry_name},
    )
    item.delete()
    refresh(owner)


def _actor_name(actor) -> str:
    if isinstance(actor, str):
        return actor
    return getattr(actor, "email", "") or getattr(actor, "get_username", lambda: "")()


def shares_of_this_council():
    DirectoryShare, _ = _models()
    owner = _current_council()
    return (
        DirectoryShare.objects.filter(owner=owner).prefetch_related("councils")
        if owner
        else DirectoryShare.objects.none()
    )


# --- the copies ---------------------------------------------------------------------------------


def refresh(owner: Council | None = None) -> int:
    """Rebuild the public copies of the owner's shared services from its schema (the current
    one); copies of services no longer shared (or deleted) are removed. Returns how many copies
    there are now."""
    from .api.views import service_detail_json, service_json

    DirectoryShare, SharedService = _models()
    owner = owner or _current_council()
    if owner is None:
        return 0
    audience: dict[uuid.UUID, tuple[set, set]] = {}
    shares = DirectoryShare.objects.filter(owner=owner).prefetch_related("councils")
    by_org: dict[uuid.UUID, list] = {}
    for item in shares:
        if item.kind == DirectoryShare.Kind.ORGANIZATION:
            by_org.setdefault(item.entry_id, []).append(item)
        else:
            councils, regions = audience.setdefault(item.entry_id, (set(), set()))
            councils.update(c.pk for c in item.councils.all())
            regions.update(item.regions)
    if by_org:
        for service_id, org_id in Service.objects.filter(organization_id__in=by_org).values_list(
            "id", "organization_id"
        ):
            councils, regions = audience.setdefault(service_id, (set(), set()))
            for item in by_org[org_id]:
                councils.update(c.pk for c in item.councils.all())
                regions.update(item.regions)
    kept = []
    for service_id, (councils, regions) in audience.items():
        service = access.service_detail(service_id)
        if service is None:
            continue
        detail = service_detail_json(service)
        terms = [link.term for link in service.service_terms.all()]
        points = [
            [float(sal.location.latitude), float(sal.location.longitude)]
            for sal in service.service_at_locations.all()
            if sal.location.latitude is not None and sal.location.longitude is not None
        ]
        copy, _ = SharedService.objects.update_or_create(
            owner=owner,
            service_id=service.pk,
            defaults={
                "name": service.name,
                "description": service.description,
                "status": service.status,
                "organization_name": service.organization.name,
                "term_ids": [t.pk for t in terms],
                "taxonomy_ids": sorted({t.taxonomy_id for t in terms}),
                "gss_codes": [a.gss_code for a in service.service_areas.all()],
                "points": points,
                "summary": service_json(service),
                "detail": detail,
                "regions": sorted(regions),
            },
        )
        copy.councils.set(sorted(councils))
        kept.append(copy.pk)
    SharedService.objects.filter(owner=owner).exclude(pk__in=kept).delete()
    return len(kept)


# Directory changes queue one refresh per council per transaction, run after its commit (a
# transaction that rolls back drops it with the rest of its on_commit callbacks).
WATCHED = (
    Organization,
    Service,
    ServiceTerm,
    Location,
    Address,
    ServiceAtLocation,
    Phone,
    Contact,
    Schedule,
    CostOption,
    ServiceArea,
    Language,
)


def _changed(sender, **kwargs) -> None:
    from django.db import connection as db

    schema = connection.schema_name
    if schema == "public":
        return
    if db.in_atomic_block and any(
        getattr(func, "sharing_schema", None) == schema for _sids, func, _robust in db.run_on_commit
    ):
        return

    def run():
        from django_tenants.utils import schema_context

        with schema_context(schema):
            refresh()

    run.sharing_schema = schema  # type: ignore[attr-defined]
    transaction.on_commit(run)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"sharing-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"sharing-delete-{model.__name__}")


# --- the neighbours: reading ----------------------------------------------------------------------


def _visible():
    _, SharedService = _models()
    council = _current_council()
    if council is None:
        return SharedService.objects.none()
    readers = SharedService.councils.through.objects.filter(council_id=council.pk)
    audience = Q(pk__in=readers.values("sharedservice_id"))
    if council.region:
        audience |= Q(regions__contains=[council.region])
    visible = SharedService.objects.filter(audience, owner__status=Council.Status.ACTIVE).exclude(
        owner=council.pk
    )
    # One id, one owner: owners choose their ids (a feed import keeps the feed's, the demo's are
    # the same everywhere), so another council could share a service under an id a neighbour
    # already reads and show its own text there. The copy shared first keeps the id; a later
    # copy with the same id is left out.
    earlier = visible.filter(service_id=OuterRef("service_id"), pk__lt=OuterRef("pk"))
    return visible.exclude(Exists(earlier))


def _uuid(name: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadInput(name, "must be a UUID.") from None


def _distance_m(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    cosine = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return math.acos(max(-1.0, min(1.0, cosine))) * access.EARTH_RADIUS_M


def _shared_rows(params, *fields) -> tuple[list[tuple], tuple[float, float, float] | None]:
    """The visible copies that pass the ORUK filters, as ``(service_id, *fields)`` rows by
    name (one query), and the proximity point ``(lat, lon, metres)`` when ``proximity`` was
    given (measured by the caller: per service or per location). A copy whose id is also one of
    this council's own services is left out: its own wins (ids are unique in a directory).
    Parameters were already validated by ``access.services``/``services_at_locations``."""
    qs = _visible()
    text = (params.get("text") or params.get("search") or "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if params.get("taxonomy_term_id"):
        qs = qs.filter(term_ids__contains=[_uuid("taxonomy_term_id", params["taxonomy_term_id"])])
    if params.get("taxonomy_id"):
        qs = qs.filter(taxonomy_ids__contains=[_uuid("taxonomy_id", params["taxonomy_id"])])
    raw_postcode = (params.get("postcode") or "").strip()
    point = access.postcode_point(raw_postcode) if raw_postcode else None
    raw_proximity = (params.get("proximity") or "").strip()
    if point is not None and not raw_proximity:
        codes = [c.strip() for c in point.gss_codes.split(",") if c.strip()]
        qs = qs.filter(Q(gss_codes=[]) | Q(gss_codes__overlap=codes))
    rows = list(qs.order_by("name", "service_id").values_list("service_id", *fields))
    if rows:
        own = set(Service.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", flat=True))
        rows = [row for row in rows if row[0] not in own]
    near = None
    if point is not None and raw_proximity:
        near = (float(point.latitude), float(point.longitude), float(raw_proximity))
    return rows, near


def shared_summaries(params) -> list[dict]:
    """Services neighbouring councils share with this one, as ``/services`` lists them, with
    the ORUK filters applied (``proximity``: a service with any location that near)."""
    rows, near = _shared_rows(params, "summary", "points")
    if near is not None:
        lat, lon, metres = near
        rows = [
            row for row in rows if any(_distance_m(lat, lon, p[0], p[1]) <= metres for p in row[2])
        ]
    return [summary for _id, summary, _points in rows]


def _sal_json(sal: dict, summary: dict) -> dict:
    """A shared service's service-at-location as ``/service_at_locations`` publishes one (the
    copy's ``/services/{id}`` document has it without its service, with its schedules)."""
    return {
        "id": sal["id"],
        "service_id": sal["service_id"],
        "location_id": sal["location_id"],
        "location": sal["location"],
        "service": summary,
    }


def _near(location: dict, near) -> bool:
    if near is None:
        return True
    lat, lon = location.get("latitude"), location.get("longitude")
    if lat is None or lon is None:
        return False
    return _distance_m(near[0], near[1], lat, lon) <= near[2]


def shared_service_at_locations(params) -> list[dict]:
    """The service-at-locations of services neighbouring councils share with this one, as
    ``/service_at_locations`` lists them (by service name, then as the owner lists them), with
    the ORUK filters applied (``proximity`` measured per location). One query on the copies,
    one for this council's own ids (an own service or service-at-location of the same id wins)."""
    rows, near = _shared_rows(
        params, "summary", KeyTransform("service_at_locations", "detail"), "pk"
    )
    # A service-at-location id in two copies (another council re-used the id): the copy shared
    # first keeps it, as in ``shared_service_at_location``.
    first_copy: dict[str, int] = {}
    for _id, _summary, sals, copy_pk in rows:
        for sal in sals or []:
            first_copy[sal["id"]] = min(first_copy.get(sal["id"], copy_pk), copy_pk)
    items = [
        _sal_json(sal, summary)
        for _id, summary, sals, copy_pk in rows
        for sal in (sals or [])
        if first_copy[sal["id"]] == copy_pk and _near(sal.get("location") or {}, near)
    ]
    if items:
        own = {
            str(pk)
            for pk in ServiceAtLocation.objects.filter(
                pk__in=[uuid.UUID(item["id"]) for item in items]
            ).values_list("pk", flat=True)
        }
        items = [item for item in items if item["id"] not in own]
    return items


def shared_service_at_location(sal_id) -> dict | None:
    """One service-at-location of a service shared with this council, or None."""
    found = (
        _visible()
        .filter(detail__contains={"service_at_locations": [{"id": str(sal_id)}]})
        .order_by("pk")  # the copy shared first keeps the id (one id, one owner)
        .values_list("summary", KeyTransform("service_at_locations", "detail"))
        .first()
    )
    if found is None:
        return None
    summary, sals = found
    if Service.objects.filter(pk=summary["id"]).exists():
        return None  # this council's own service of that id wins, as in the lists
    return next(_sal_json(sal, summary) for sal in sals if sal["id"] == str(sal_id))


def shared_detail(service_id) -> dict | None:
    found = _visible().filter(service_id=service_id).values_list("detail", flat=True).first()
    return found


def shared_with_this_council():
    """The copies this council can see, with their owner (the admin's read-only list)."""
    return _visible().select_related("owner")
