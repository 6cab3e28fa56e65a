"""Council A's directory objects for the isolation probe (see tests/isolation/probe.py)."""

from commissioning.providers.models import (
    Address,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)
from tests.isolation.probe import MARKER, tenant_routes


def _model_key(route_name: str) -> str:
    """``wagtailsnippets_providers_service:edit`` and ``wagtailsnippetchoosers_providers_service:
    chosen`` → ``providers_service``."""
    namespace = route_name.split(":")[0]
    return namespace[namespace.find("providers_") :] if "providers_" in namespace else ""


def seed(council) -> dict:
    taxonomy = Taxonomy.objects.create(name=f"{MARKER} taxonomy", description=MARKER)
    term = TaxonomyTerm.objects.create(taxonomy=taxonomy, name=f"{MARKER} term", description=MARKER)
    org = Organization.objects.create(name=f"{MARKER} organisation", description=MARKER)
    service = Service.objects.create(organization=org, name=f"{MARKER} service", description=MARKER)
    link = ServiceTerm.objects.create(service=service, term=term)
    location = Location.objects.create(name=f"{MARKER} location", description=MARKER)
    address = Address.objects.create(
        location=location, address_1=MARKER, city=MARKER, state_province=MARKER, postal_code="X1"
    )
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    phone = Phone.objects.create(service=service, number="0", description=MARKER)
    objects = {
        f"providers_{obj._meta.model_name}": obj
        for obj in (org, service, link, location, address, sal, phone, taxonomy, term)
    }
    return {
        "openreferral:service": {"id": str(service.id)},
        "openreferral:service-at-location": {"id": str(sal.id)},
        "openreferral:taxonomy": {"id": str(taxonomy.id)},
        "openreferral:taxonomy-term": {"id": str(term.id)},
        # Every Wagtail snippet admin and chooser route of these models takes the object's pk.
        **{
            route.name: {"pk": str(objects[_model_key(route.name)].pk)}
            for route in tenant_routes()
            if route.name and _model_key(route.name) in objects and "pk" in route.params
        },
    }
