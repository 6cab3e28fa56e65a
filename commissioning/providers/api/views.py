"""The Open Referral UK API (HSDS 3.0 UK profile) on each council's domain, at /openreferral/.

Open to everyone (no key, CORS ``*`` from settings.CORS_URLS_REGEX), read-only, paginated the
ORUK way. Errors leave in the platform's JSON envelope (platform_core/api/errors.py)."""

import math
import uuid
from functools import wraps

from django.db.models import Count, Window
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from platform_core.api.errors import bad_input_response
from platform_core.inputcheck import BadInput

from .. import access, sharing

ORUK_PROFILE = "https://raw.githubusercontent.com/openreferral/uk-profile/main"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
# Far beyond any directory's last page, and small enough that the page's offset always fits
# PostgreSQL's bigint OFFSET (a page of 10**23 was a 500).
MAX_PAGE = 10**9


def _object_id(value: str):
    """A detail id that is not a UUID names nothing: the same 404 as a missing object."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404("Not found.") from None


def oruk_view(view):
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return JsonResponse(view(request, *args, **kwargs))
        except BadInput as exc:
            return bad_input_response(exc)

    return wrapper


def _positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(name, "must be a whole number.") from None
    if value < 1:
        raise BadInput(name, "must be 1 or more.")
    if maximum is not None and value > maximum:
        raise BadInput(name, f"must be {maximum} or less.")
    return value


def _page_args(request) -> tuple[int, int]:
    """The page asked for and its size (``page``, ``per_page``), checked."""
    page = _positive_int(request.GET, "page", 1, MAX_PAGE)
    return page, _positive_int(request.GET, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)


def _page(page: int, per_page: int, total: int, contents: list) -> dict:
    """ORUK's page envelope."""
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def paginate(request, queryset, render) -> dict:
    """One query for the page and the total: ``COUNT(*) OVER ()`` is computed over every
    matching row before LIMIT/OFFSET, so the filters run once rather than once for a count and
    again for the page. Only a page past the end (no row to carry the total) counts apart."""
    page, per_page = _page_args(request)
    start = (page - 1) * per_page
    rows = list(queryset.annotate(_oruk_total=Window(Count("*")))[start : start + per_page])
    if rows:
        total = rows[0]._oruk_total
    else:
        total = queryset.count() if start else 0
    contents = [render(obj) for obj in rows]
    return _page(page, per_page, total, contents)


def _drop_empty(data: dict, keep: tuple[str, ...] = ()) -> dict:
    """ORUK fields are optional unless required; leave out blanks rather than send ``""`` to a
    field with a format (email, uri). ``keep`` names the fields ORUK requires: they stay even
    when blank (an imported organisation or term may have an empty description, and leaving a
    required field out would make the response invalid)."""
    return {k: v for k, v in data.items() if k in keep or v not in ("", None)}


def organization_json(org) -> dict:
    return _drop_empty(
        {
            "id": str(org.id),
            "name": org.name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
        },
        keep=("description",),
    )


def service_json(service) -> dict:
    return _drop_empty(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "fees": service.fees,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "last_modified": service.last_modified.isoformat(),
            "organization": organization_json(service.organization),
        }
    )


def taxonomy_json(taxonomy) -> dict:
    return _drop_empty(
        {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        },
        keep=("description",),
    )


def term_json(term) -> dict:
    return _drop_empty(
        {
            "id": str(term.id),
            "name": term.name,
            "description": term.description,
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": str(term.taxonomy_id),
            "term_uri": term.term_uri,
            "term": term.code,
        },
        keep=("description",),
    )


def address_json(address) -> dict:
    return {
        "id": str(address.id),
        "location_id": str(address.location_id),
        "address_1": address.address_1,
        "city": address.city,
        "state_province": address.state_province,
        "postal_code": address.postal_code,
        "country": address.country,
        "address_type": address.address_type,
    }


def location_json(location) -> dict:
    return _drop_empty(
        {
            "id": str(location.id),
            "location_type": location.location_type,
            "name": location.name,
            "description": location.description,
            "latitude": float(location.latitude) if location.latitude is not None else None,
            "longitude": float(location.longitude) if location.longitude is not None else None,
            "addresses": [address_json(a) for a in location.addresses.all()],
        }
    )


def service_at_location_json(sal, with_service: bool = True) -> dict:
    data = {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "location": location_json(sal.location),
    }
    if with_service:
        data["service"] = service_json(sal.service)
    return data


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def phone_json(phone) -> dict:
    return _drop_empty(
        {
            "id": str(phone.id),
            "contact_id": str(phone.contact_id) if phone.contact_id else None,
            "number": phone.number,
            "description": phone.description,
        }
    )


def contact_json(contact) -> dict:
    return _drop_empty(
        {
            "id": str(contact.id),
            "service_id": str(contact.service_id),
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phones": [phone_json(p) for p in contact.phones.all()],
        }
    )


def schedule_json(schedule) -> dict:
    return _drop_empty(
        {
            "id": str(schedule.id),
            "service_id": str(schedule.service_id) if schedule.service_id else None,
            "service_at_location_id": (
                str(schedule.service_at_location_id) if schedule.service_at_location_id else None
            ),
            "freq": schedule.freq,
            "byday": schedule.byday,
            "opens_at": _time(schedule.opens_at),
            "closes_at": _time(schedule.closes_at),
            "valid_from": _date(schedule.valid_from),
            "valid_to": _date(schedule.valid_to),
            "description": schedule.description,
            "attending_type": schedule.attending_type,
            "notes": schedule.notes,
        }
    )


def cost_option_json(cost) -> dict:
    return _drop_empty(
        {
            "id": str(cost.id),
            "service_id": str(cost.service_id),
            "option": cost.option,
            "amount": float(cost.amount) if cost.amount is not None else None,
            "amount_description": cost.amount_description,
            "valid_from": _date(cost.valid_from),
            "valid_to": _date(cost.valid_to),
        }
    )


def service_area_json(area) -> dict:
    return {
        "id": str(area.id),
        "service_id": str(area.service_id),
        "name": area.name,
        "service_area": area.name,
        "extent": area.gss_code,
        "extent_type": "text",
        "uri": area.uri,
    }


def language_json(language) -> dict:
    return _drop_empty(
        {
            "id": str(language.id),
            "service_id": str(language.service_id) if language.service_id else None,
            "phone_id": str(language.phone_id) if language.phone_id else None,
            "name": language.name,
            "code": language.code,
        }
    )


@oruk_view
def root(request):
    return {
        "version": "3.0",
        "profile": ORUK_PROFILE,
        "openapi_url": f"{ORUK_PROFILE}/schema/openapi.json",
    }


@oruk_view
def services(request):
    queryset = access.services(request.GET)
    shared = sharing.shared_summaries(request.GET)
    if not shared:
        return paginate(request, queryset, service_json)
    return paginate_with_shared(request, queryset, service_json, shared)


def paginate_with_shared(request, queryset, render, shared: list[dict]) -> dict:
    """``paginate``, with entries neighbouring councils share with this one after the
    council's own (already rendered from the public copies): services or
    service-at-locations."""
    page, per_page = _page_args(request)
    own = queryset.count()
    total = own + len(shared)
    start, end = (page - 1) * per_page, page * per_page
    contents = [render(obj) for obj in queryset[start:end]] if start < own else []
    contents += shared[max(start - own, 0) : max(end - own, 0)]
    return _page(page, per_page, total, contents)


@oruk_view
def service_detail(request, id):
    service = access.service_detail(_object_id(id))
    if service is None:
        # a service a neighbouring council shares with this one: its public copy, read-only
        shared = sharing.shared_detail(_object_id(id))
        if shared is None:
            raise Http404("No such service.")
        return shared
    return service_detail_json(service)


def service_detail_json(service) -> dict:
    """A service as ``/services/{id}`` publishes it (``access.service_detail``'s prefetches)."""
    data = service_json(service)
    data["service_at_locations"] = [
        {
            **service_at_location_json(sal, with_service=False),
            "schedules": [schedule_json(s) for s in sal.schedules.all()],
        }
        for sal in service.service_at_locations.all()
    ]
    data["contacts"] = [contact_json(c) for c in service.contacts.all()]
    # the service's own phones (HSDS 3.0's service ``phones``; the UK profile's schema lists
    # phones under contacts only, and allows this field)
    data["phones"] = [phone_json(p) for p in service.phones.all()]
    data["schedules"] = [schedule_json(s) for s in service.schedules.all()]
    data["cost_options"] = [cost_option_json(c) for c in service.cost_options.all()]
    data["service_areas"] = [service_area_json(a) for a in service.service_areas.all()]
    data["languages"] = [language_json(lang) for lang in service.languages.all()]
    data["attributes"] = [
        {
            "id": str(link.id),
            "link_id": str(service.id),
            "link_type": "service",
            "taxonomy_term_id": str(link.term_id),
            "taxonomy_term": term_json(link.term),
        }
        for link in service.service_terms.all()
    ]
    return data


@oruk_view
def service_at_locations(request):
    queryset = access.services_at_locations(request.GET)
    shared = sharing.shared_service_at_locations(request.GET)
    if not shared:
        return paginate(request, queryset, service_at_location_json)
    return paginate_with_shared(request, queryset, service_at_location_json, shared)


@oruk_view
def service_at_location_detail(request, id):
    sal = access.service_at_location_detail(_object_id(id))
    if sal is None:
        # of a service a neighbouring council shares with this one: its public copy, read-only
        shared = sharing.shared_service_at_location(_object_id(id))
        if shared is None:
            raise Http404("No such service at location.")
        return shared
    return service_at_location_json(sal)


@oruk_view
def taxonomies(request):
    return paginate(request, access.taxonomies(), taxonomy_json)


@oruk_view
def taxonomy_detail(request, id):
    taxonomy = access.taxonomies().filter(id=_object_id(id)).first()
    if taxonomy is None:
        raise Http404("No such taxonomy.")
    return taxonomy_json(taxonomy)


@oruk_view
def taxonomy_terms(request):
    return paginate(request, access.taxonomy_terms(request.GET), term_json)


@oruk_view
def taxonomy_term_detail(request, id):
    term = access.taxonomy_terms({}).filter(id=_object_id(id)).first()
    if term is None:
        raise Http404("No such taxonomy term.")
    return term_json(term)
