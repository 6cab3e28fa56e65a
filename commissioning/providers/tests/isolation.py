"""Council A's directory objects and how the isolation probe reaches every providers route
(see tests/isolation/__init__.py for the convention).

The staff admin is one Wagtail snippet viewset per directory model. Every model gets the same
seeds: edit submits the form A's own staff see (``FORM``); add and copy submit a complete,
valid new entry (``Form(new)``: copy's form posts to the add URL, so nothing is harvested from
it); delete, usage, history and the chooser's ``chosen`` take A's object.
"""

from tests.isolation.probe import FORM, MARKER, Form, Multipart, Seed


def probe_objects(w) -> None:
    from commissioning.providers.models import (
        Address,
        Location,
        Organization,
        Phone,
        Postcode,
        Service,
        ServiceAtLocation,
        ServiceTerm,
        Taxonomy,
        TaxonomyTerm,
    )

    taxonomy = Taxonomy.objects.create(name=f"{MARKER} taxonomy", description=MARKER)
    term = TaxonomyTerm.objects.create(taxonomy=taxonomy, name=f"{MARKER} term", description=MARKER)
    w.oruk_term_2 = TaxonomyTerm.objects.create(
        taxonomy=taxonomy, name=f"{MARKER} term 2", description=MARKER
    )
    org = Organization.objects.create(name=f"{MARKER} organisation", description=MARKER)
    service = Service.objects.create(organization=org, name=f"{MARKER} service", description=MARKER)
    location = Location.objects.create(name=f"{MARKER} location", description=MARKER)
    w.oruk_location_2 = Location.objects.create(name=f"{MARKER} location 2", description=MARKER)
    w.oruk_taxonomy = taxonomy
    w.oruk_term = term
    w.oruk_taxonomyterm = term
    w.oruk_organization = org
    w.oruk_service = service
    w.oruk_location = location
    w.oruk_serviceterm = ServiceTerm.objects.create(service=service, term=term)
    w.oruk_sal = ServiceAtLocation.objects.create(service=service, location=location)
    w.oruk_serviceatlocation = w.oruk_sal
    w.oruk_address = Address.objects.create(
        location=location, address_1=MARKER, city=MARKER, state_province=MARKER, postal_code="X1"
    )
    w.oruk_phone = Phone.objects.create(service=service, number="0", description=MARKER)
    w.oruk_postcode = Postcode.objects.create(
        postcode="PR1 1PR", latitude="53.76", longitude="-2.70", gss_codes=MARKER
    )
    # Provider accounts: A's probe user keeps A's organisation's entries (so A's own requests
    # to the provider pages succeed); a second account has a set-password link.
    from django.contrib.auth import get_user_model

    from commissioning.providers import actions
    from commissioning.providers.models import ProviderAccount, ServiceChange

    probe_user = get_user_model().objects.get(username=f"probe@{w.council.slug}.example")
    ProviderAccount.objects.create(user=probe_user, organization=org)
    # A's organisation's webhook subscription (/api/v1/provider/webhooks/).
    from platform_core.events import webhooks

    w.provider_webhook = webhooks.create_endpoint(
        "probe",
        url="https://hooks.example.org/probe",
        event_types=["providers.service_change.decided"],
        description=MARKER,
        organization=str(org.pk),
    )
    w.provider_user = actions.create_provider_account(
        None, email="probe-provider@alpha.example", name="Probe Provider", organization=org
    ).user
    from commissioning.providers.models import FeedImport

    w.oruk_feed_import = FeedImport.objects.create(
        source=f"{MARKER}.json",
        counts={"services": {"created": 1, "updated": 0, "unchanged": 0}},
        refused=[{"path": "$[1]", "id": MARKER, "name": MARKER, "errors": []}],
    )
    # A shares its service with a region neither probe council is in (B must not see it), and a
    # neighbour's copy is shared with A (A's staff can open it; B, its owner, cannot reach it
    # as a neighbour's page).
    from commissioning.directoryshare.models import SharedService
    from commissioning.providers import sharing
    from tenants.models import Council

    w.oruk_share = sharing.share(None, kind="service", entry_id=service.pk, regions=["wales"])
    other = (
        Council.objects.exclude(schema_name__in=["public", w.council.schema_name])
        .order_by("pk")
        .first()
    )
    w.oruk_shared_copy = SharedService.objects.create(
        owner=other,
        service_id=service.pk,
        name=f"{MARKER} shared",
        status="active",
        organization_name=MARKER,
        summary={"id": str(service.pk)},
        detail={"id": str(service.pk), "description": MARKER},
    )
    w.oruk_shared_copy.councils.set([w.council])
    w.oruk_change = ServiceChange.objects.create(
        service=service,
        submitted_by=w.provider_user,
        data={"description": "Changed by the probe"},
        previous={"description": MARKER},
    )


# A complete, valid new entry of each model (what a member of staff would type on its add form).
NEW = {
    "organization": lambda w: {"name": "Probe organisation 2", "description": "Probe"},
    "service": lambda w: {
        "organization": str(w.oruk_organization.pk),
        "name": "Probe service 2",
        "description": "Probe",
        "status": "active",
        # the inline panels' formsets (contacts, schedules, costs, areas, languages): none
        **{
            f"{prefix}-{field}": count
            for prefix in ("contacts", "schedules", "cost_options", "service_areas", "languages")
            for field, count in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    },
    "serviceterm": lambda w: {"service": str(w.oruk_service.pk), "term": str(w.oruk_term_2.pk)},
    "location": lambda w: {"name": "Probe location 3", "location_type": "physical"},
    "address": lambda w: {
        "location": str(w.oruk_location.pk),
        "address_1": "1 Probe Street",
        "city": "Probe",
        "state_province": "Probe",
        "postal_code": "PR1 1PR",
        "country": "GB",
        "address_type": "physical",
    },
    "serviceatlocation": lambda w: {
        "service": str(w.oruk_service.pk),
        "location": str(w.oruk_location_2.pk),
    },
    "phone": lambda w: {"service": str(w.oruk_service.pk), "number": "01234 567890"},
    "taxonomy": lambda w: {"name": "Probe taxonomy 2", "description": "Probe"},
    "taxonomyterm": lambda w: {
        "taxonomy": str(w.oruk_taxonomy.pk),
        "name": "Probe term 3",
        "description": "Probe",
    },
}


def _snippet_seeds(model: str, new) -> list[Seed]:
    def pk(w):
        return {"pk": str(getattr(w, f"oruk_{model}").pk)}

    admin = f"wagtailsnippets_providers_{model}"
    return [
        Seed(f"{admin}:add", body={"POST": Form(new)}),
        Seed(f"{admin}:edit", kwargs=pk, body={"POST": FORM}),
        Seed(f"{admin}:copy", kwargs=pk, body={"POST": Form(new)}),
        Seed(f"{admin}:delete", kwargs=pk, body={"POST": {}, "DELETE": {}}),
        Seed(
            (
                f"{admin}:usage",
                f"{admin}:history",
                f"{admin}:history_results",
                f"wagtailsnippetchoosers_providers_{model}:chosen",
            ),
            kwargs=pk,
        ),
    ]


def _set_password_token(w) -> str:
    from commissioning.providers.actions import set_password_token

    return set_password_token(w.provider_user)


def _feed_upload():
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (Path(__file__).parent / "feeds" / "uk_service_full.json").read_bytes()
    return SimpleUploadedFile("probe-feed.json", data, "application/json")


def _postcode_upload():
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (Path(__file__).parent / "feeds" / "onspd_sample.csv").read_bytes()
    return SimpleUploadedFile("probe-postcodes.csv", data, "text/csv")


def probe_seeds() -> list[Seed]:
    seeds = [
        Seed("openreferral:service", kwargs=lambda w: {"id": str(w.oruk_service.id)}),
        Seed("openreferral:service-at-location", kwargs=lambda w: {"id": str(w.oruk_sal.id)}),
        Seed("openreferral:taxonomy", kwargs=lambda w: {"id": str(w.oruk_taxonomy.id)}),
        Seed("openreferral:taxonomy-term", kwargs=lambda w: {"id": str(w.oruk_term.id)}),
    ]
    for model, new in NEW.items():
        seeds += _snippet_seeds(model, new)
    seeds += [
        # provider accounts' webhook subscriptions (the API)
        Seed(
            "provider-webhook-detail",
            kwargs=lambda w: {"pk": w.provider_webhook.pk},
            body={"DELETE": {}},
        ),
        Seed(
            "provider-webhook-list",
            body={
                "POST": {
                    "url": "https://hooks.example.org/new",
                    "event_types": ["commissioning.opportunity.published"],
                }
            },
        ),
        # provider accounts' pages (A's probe user has a provider account for A's organisation)
        Seed(
            "provider:edit-service",
            kwargs=lambda w: {"pk": str(w.oruk_service.pk)},
            body={"POST": FORM},
        ),
        Seed(
            "provider:mark-reviewed",
            kwargs=lambda w: {"pk": str(w.oruk_service.pk)},
            body={"POST": {}},
        ),
        Seed(
            "provider:set-password",
            kwargs=lambda w: {"token": _set_password_token(w)},
            body={
                "POST": {"new_password1": "Probe-pass-2026-x", "new_password2": "Probe-pass-2026-x"}
            },
        ),
        Seed(
            "provider:sign-in",
            body={"POST": {"username": "probe-provider@alpha.example", "password": "wrong"}},
            reason="a failed sign-in (django-axes records it in the council's schema); B's "
            "attempt with A's username must not count in A",
        ),
        Seed(
            "provider:sign-out",
            body={"POST": {}},
            reason="signing out deletes the session row; the case's cookies are restored after",
        ),
        # staff screens for provider accounts and their changes
        Seed(
            "providers_admin:account-add",
            body={
                "POST": Form(
                    lambda w: {
                        "email": "probe-new-provider@alpha.example",
                        "name": "Probe New",
                        "organization": str(w.oruk_organization.pk),
                    }
                )
            },
            reason="B's form cannot name A's organisation (it is not in B's choices)",
        ),
        Seed(
            "providers_admin:imports",
            body={"POST": Multipart(lambda w: {"file": _feed_upload()})},
            reason="an import writes into the requester's own council; B's import of a feed "
            "must leave A's directory as it was",
        ),
        Seed("providers_admin:import", kwargs=lambda w: {"pk": w.oruk_feed_import.pk}),
        Seed(
            "providers_admin:postcodes-import",
            body={"POST": Multipart(lambda w: {"file": _postcode_upload()})},
            reason="an import writes the requester's own council's postcodes; B's must leave "
            "A's as they were",
        ),
        # one postcode's screen: A's postcode by its URL form; a postcode no council has
        Seed(
            "providers_admin:postcode",
            kwargs=lambda w: {"code": w.oruk_postcode.postcode.replace(" ", "")},
            missing={"code": "ZZ99ZZ"},
            body={"POST": Form({"latitude": "53.5", "gss_codes": "E06000001"})},
        ),
        Seed(
            "providers_admin:postcode-delete",
            kwargs=lambda w: {"code": w.oruk_postcode.postcode.replace(" ", "")},
            missing={"code": "ZZ99ZZ"},
            body={"POST": {}},
        ),
        Seed(
            "providers_admin:shares",
            body={
                "POST": Form(
                    lambda w: {
                        "kind": "service",
                        "service": str(w.oruk_service.pk),
                        "regions": ["wales", "scotland"],
                    }
                )
            },
            reason="B's form cannot name A's service (it is not in B's choices); the share is "
            "A's own row in public, its audit entry in A's schema",
        ),
        Seed(
            "providers_admin:unshare",
            kwargs=lambda w: {"pk": w.oruk_share.pk},
            body={"POST": {}},
        ),
        Seed("providers_admin:shared-service", kwargs=lambda w: {"pk": w.oruk_shared_copy.pk}),
        Seed(
            "providers_admin:change",
            kwargs=lambda w: {"pk": w.oruk_change.pk},
            body={"POST": {"decision": "approve", "note": "probe"}},
        ),
    ]
    return seeds
