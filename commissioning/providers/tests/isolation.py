"""Council A's directory objects and how the isolation probe reaches every providers route
(see tests/isolation/__init__.py for the convention)."""

from tests.isolation.probe import MARKER, Seed


def probe_objects(w) -> None:
    from commissioning.providers.models import (
        Location,
        Organization,
        Service,
        ServiceAtLocation,
        ServiceTerm,
        Taxonomy,
        TaxonomyTerm,
    )

    taxonomy = Taxonomy.objects.create(name=f"{MARKER} taxonomy", description=MARKER)
    term = TaxonomyTerm.objects.create(taxonomy=taxonomy, name=f"{MARKER} term", description=MARKER)
    org = Organization.objects.create(name=f"{MARKER} organisation", description=MARKER)
    service = Service.objects.create(organization=org, name=f"{MARKER} service", description=MARKER)
    ServiceTerm.objects.create(service=service, term=term)
    location = Location.objects.create(name=f"{MARKER} location", description=MARKER)
    w.oruk_service = service
    w.oruk_sal = ServiceAtLocation.objects.create(service=service, location=location)
    w.oruk_taxonomy = taxonomy
    w.oruk_term = term


def probe_seeds() -> list[Seed]:
    return [
        Seed("openreferral:service", kwargs=lambda w: {"id": str(w.oruk_service.id)}),
        Seed("openreferral:service-at-location", kwargs=lambda w: {"id": str(w.oruk_sal.id)}),
        Seed("openreferral:taxonomy", kwargs=lambda w: {"id": str(w.oruk_taxonomy.id)}),
        Seed("openreferral:taxonomy-term", kwargs=lambda w: {"id": str(w.oruk_term.id)}),
    ]
