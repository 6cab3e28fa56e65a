"""The directory page's second list: the council's Open Referral UK directory of services
(commissioning/providers), with the ORUK API's own filters (text, taxonomy term, postcode and
distance) as a GOV.UK form. Reads go through the providers app's public ``access`` surface, so
the page and /openreferral/ apply the same rules; a bad filter is shown as a GOV.UK error on its
field and the list is shown without it, never a 500.

The answer is never put in the page cache: providers and staff change the directory outside
page publishing, which is what invalidates the cache."""

import uuid

from django.utils.text import Truncator

from cms import cache as page_cache
from commissioning.providers import access as directory
from platform_core.inputcheck import BadInput

from .models.pages import paginate

# (metres, label): the distances offered; the ORUK ``proximity`` filter takes metres.
DISTANCES = [(1609, "1 mile"), (4828, "3 miles"), (8047, "5 miles"), (16093, "10 miles")]
MAX_TEXT = 200
# Services that no longer run are in the open data (with their status) but not offered here.
HIDDEN_STATUSES = ("inactive", "defunct")
PER_PAGE = 20


def _chosen(params) -> tuple[dict, list[tuple[str, str]]]:
    """The filters asked for, and (field, message) for each that cannot be used (the form's
    fields have the ids ``directory-<field>``)."""
    errors = []
    chosen = {
        "q": (params.get("q") or "")[:MAX_TEXT].strip(),
        "term": (params.get("term") or "").strip(),
        "postcode": (params.get("postcode") or "")[:10].strip(),
        "distance": (params.get("distance") or "").strip(),
    }
    if chosen["term"]:
        try:
            uuid.UUID(chosen["term"])
        except ValueError:
            errors.append(("term", "Choose a type of service from the list"))
            chosen["term"] = ""
    if chosen["distance"] and chosen["distance"] not in {str(m) for m, _ in DISTANCES}:
        errors.append(("distance", "Choose a distance from the list"))
        chosen["distance"] = ""
    if chosen["distance"] and not chosen["postcode"]:
        errors.append(("postcode", "Enter a postcode to search by distance"))
        chosen["distance"] = ""
    return chosen, errors


def _services(chosen: dict, errors: list):
    params = {
        "text": chosen["q"],
        "taxonomy_term_id": chosen["term"],
        "postcode": chosen["postcode"],
        "proximity": chosen["distance"],
    }
    try:
        return directory.services(params)
    except BadInput as error:
        if error.where in ("postcode", "proximity"):
            errors.append(
                (
                    "postcode",
                    f"Enter a postcode in the area (we could not find {chosen['postcode']})",
                )
            )
            params["postcode"] = params["proximity"] = ""
        else:
            errors.append(("term", "Choose a type of service from the list"))
            params["taxonomy_term_id"] = ""
        return directory.services(params)


def services_context(request, page) -> dict:
    page_cache.never_cache(request)
    chosen, errors = _chosen(request.GET)
    services = (
        _services(chosen, errors)
        .exclude(status__in=HIDDEN_STATUSES)
        .order_by("name", "id")
        .prefetch_related("service_at_locations__location__addresses", "phones", "terms")
    )
    results = paginate(request, services, PER_PAGE)
    for service in results:
        service.summary = Truncator(service.description).words(40)
        service.addresses = [
            address
            for sal in service.service_at_locations.all()
            for address in sal.location.addresses.all()
        ]
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "services": results,
        "chosen": chosen,
        "errors": errors,
        "field_errors": dict(errors),
        "terms": directory.terms_in_use(),
        "distances": DISTANCES,
        "filter_query": f"{params.urlencode()}&" if params else "",
    }
