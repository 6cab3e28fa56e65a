"""Demo directory for ``make run``: an LGSL subset as a taxonomy and a few dozen services.

Idempotent: every object has a fixed UUID (uuid5 of its name), so running it again adds
nothing. The LGSL subset is a small demonstration list; the full list (2015 snapshot) is loaded
by ``lgsl.load_lgsl`` (the next DEMO step), which gives the subset's matching term its LGSL id.
The full Open Eligibility taxonomy is planned (docs/providers.md)."""

import uuid

NAMESPACE = uuid.UUID("6f1c7f8e-52a8-4c1b-9d40-0c7f0f6f1a12")

LGSL_TERMS = [
    ("Adult social care", "Care and support for adults", None),
    ("Home care", "Help at home with personal care", "Adult social care"),
    ("Day services", "Day centres and activities for adults", "Adult social care"),
    ("Carers support", "Support and breaks for unpaid carers", "Adult social care"),
    ("Residential care", "Care homes and nursing homes", "Adult social care"),
    ("Children and families", "Support for children, young people and families", None),
    ("Early years", "Nurseries, childminders and family hubs", "Children and families"),
    ("Youth services", "Youth clubs and activities", "Children and families"),
    ("Health and wellbeing", "Staying healthy and well", None),
    ("Mental health support", "Support for mental health and wellbeing", "Health and wellbeing"),
    ("Stop smoking", "Help to stop smoking", "Health and wellbeing"),
    ("Housing advice", "Advice on housing and homelessness", None),
    ("Money advice", "Debt, benefits and money advice", None),
]

ORGANISATIONS = [
    ("Riverside Care", "A home care and day services provider."),
    ("Hillview Carers Centre", "Support for unpaid carers across the borough."),
    ("Little Steps Nurseries", "Nurseries and early years support."),
    ("Open Minds Wellbeing", "Community mental health and wellbeing charity."),
    ("Citizens Advice Demo", "Free, independent advice on money, housing and rights."),
    ("Youth Action", "Youth clubs and activities for 11 to 19 year olds."),
]

# (service name, organisation index, [term names])
SERVICE_KINDS = [
    ("Home care visits", 0, ["Home care"]),
    ("Reablement after hospital", 0, ["Home care", "Adult social care"]),
    ("Day centre", 0, ["Day services"]),
    ("Carers breaks", 1, ["Carers support"]),
    ("Carers assessment help", 1, ["Carers support", "Adult social care"]),
    ("Nursery places", 2, ["Early years"]),
    ("Stay and play", 2, ["Early years", "Children and families"]),
    ("Talking therapies", 3, ["Mental health support"]),
    ("Peer support group", 3, ["Mental health support", "Health and wellbeing"]),
    ("Stop smoking clinic", 3, ["Stop smoking"]),
    ("Debt advice", 4, ["Money advice"]),
    ("Housing options advice", 4, ["Housing advice"]),
    ("Youth club", 5, ["Youth services"]),
    ("Holiday activities", 5, ["Youth services", "Children and families"]),
]

AREAS = [("North", 0.02, 0.0), ("South", -0.02, 0.01), ("Central", 0.0, -0.01)]

# Open Eligibility (https://openeligibility.org) human situations, a small subset: who a service
# is for, published as ORUK attributes in their own taxonomy.
ELIGIBILITY_TERMS = [
    ("Adults", "People aged 18 and over"),
    ("Older adults", "People aged 65 and over"),
    ("Carers", "People who look after someone"),
    ("Families", "Families with children"),
    ("Young adults", "People aged 16 to 25"),
]
ELIGIBILITY_BY_TERM = {
    "Home care": "Older adults",
    "Day services": "Older adults",
    "Carers support": "Carers",
    "Early years": "Families",
    "Youth services": "Young adults",
    "Mental health support": "Adults",
    "Money advice": "Adults",
}
# Demonstration postcodes near the placeholder centre (51.5, -1.0): one per area, one further off.
POSTCODES = [
    ("DM1 1NA", 51.52, -1.0),
    ("DM2 2SA", 51.48, -0.99),
    ("DM3 3CA", 51.5, -1.01),
    ("DM9 9FA", 51.9, -1.4),
]


def _id(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def seed_demo(council) -> None:
    from .models import (
        Address,
        Contact,
        CostOption,
        Language,
        Location,
        Organization,
        Phone,
        Postcode,
        Schedule,
        Service,
        ServiceArea,
        ServiceAtLocation,
        ServiceTerm,
        Taxonomy,
        TaxonomyTerm,
    )

    taxonomy, _ = Taxonomy.objects.get_or_create(
        id=_id("taxonomy", "LGSL"),
        defaults={
            "name": "LGSL",
            "description": "Local Government Service List (demonstration subset).",
            "uri": "https://standards.esd.org.uk/?uri=list%2FenglishAndWelshServices",
        },
    )
    terms = {}
    for name, description, parent in LGSL_TERMS:
        terms[name], _ = TaxonomyTerm.objects.get_or_create(
            id=_id("term", name),
            defaults={
                "taxonomy": taxonomy,
                "name": name,
                "description": description,
                "parent": terms.get(parent),
            },
        )
    eligibility, _ = Taxonomy.objects.get_or_create(
        id=_id("taxonomy", "Open Eligibility"),
        defaults={
            "name": "Open Eligibility",
            "description": "Who a service is for (Open Eligibility human situations, a subset).",
            "uri": "https://openeligibility.org",
        },
    )
    for name, description in ELIGIBILITY_TERMS:
        terms[f"eligibility:{name}"], _ = TaxonomyTerm.objects.get_or_create(
            id=_id("term", "eligibility", name),
            defaults={"taxonomy": eligibility, "name": name, "description": description},
        )
    gss = council.gss_code or ""
    for code, lat, lon in POSTCODES:
        Postcode.objects.get_or_create(
            postcode=code,
            defaults={"latitude": lat, "longitude": lon, "gss_codes": gss},
        )
    organisations = []
    for name, description in ORGANISATIONS:
        org, _ = Organization.objects.get_or_create(
            id=_id("org", name), defaults={"name": name, "description": description}
        )
        organisations.append(org)
    base_lat, base_lon = 51.5, -1.0  # placeholder centre; councils' own coordinates are planned
    for area, dlat, dlon in AREAS:
        location, created = Location.objects.get_or_create(
            id=_id("location", area),
            defaults={
                "name": f"{council.name} {area} community hub",
                "latitude": round(base_lat + dlat, 6),
                "longitude": round(base_lon + dlon, 6),
            },
        )
        if created:
            Address.objects.create(
                id=_id("address", area),
                location=location,
                address_1=f"1 {area} Street",
                city=council.name,
                state_province=council.name,
                postal_code="AB1 2CD",
            )
        for kind, org_index, term_names in SERVICE_KINDS:
            name = f"{kind} ({area})"
            service, created = Service.objects.get_or_create(
                id=_id("service", name),
                defaults={
                    "organization": organisations[org_index],
                    "name": name,
                    "description": f"{kind} for people in the {area.lower()} of {council.name}.",
                },
            )
            if created:
                for term_name in term_names:
                    ServiceTerm.objects.create(service=service, term=terms[term_name])
                who = {ELIGIBILITY_BY_TERM[t] for t in term_names if t in ELIGIBILITY_BY_TERM}
                for who_name in sorted(who):
                    ServiceTerm.objects.create(
                        service=service, term=terms[f"eligibility:{who_name}"]
                    )
                sal = ServiceAtLocation.objects.create(
                    id=_id("sal", name), service=service, location=location
                )
                Phone.objects.create(service=service, number="01234 567890")
                contact = Contact.objects.create(
                    id=_id("contact", name),
                    service=service,
                    name=f"{area} team",
                    title="Service coordinator",
                    email=f"{area.lower()}@example.org",
                )
                Phone.objects.create(contact=contact, number="01234 567891")
                Schedule.objects.create(
                    id=_id("schedule", name),
                    service_at_location=sal,
                    freq="WEEKLY",
                    byday="MO,TU,WE,TH,FR",
                    opens_at="09:00",
                    closes_at="17:00",
                    attending_type="in person",
                    description="Weekdays 9am to 5pm",
                )
                CostOption.objects.create(
                    id=_id("cost", name),
                    service=service,
                    option="Per session",
                    amount=0 if org_index in (1, 3, 4) else 15,
                    amount_description="Free" if org_index in (1, 3, 4) else "£15 a session",
                )
                if gss:
                    ServiceArea.objects.create(
                        id=_id("area", name), service=service, name=council.name, gss_code=gss
                    )
                Language.objects.create(
                    id=_id("lang", name), service=service, name="English", code="en"
                )


def seed_provider_account(council) -> list[str]:
    """The DEMO step ``providers.account`` (after the demo directory): a provider account for
    the demo's first organisation (Riverside Care, whose changes wait for staff approval).
    Returns the line ``seed_demo`` prints: where to sign in and, until a password is set, the
    one-time link to set it. Idempotent."""
    from django.contrib.auth import get_user_model

    from . import actions
    from .models import Organization, ProviderAccount

    organization = Organization.objects.get(id=_id("org", ORGANISATIONS[0][0]))
    email = demo_provider_email(council)
    if not ProviderAccount.objects.filter(user__username=email).exists():
        actions.create_provider_account(
            "seed_demo", email=email, organization=organization, name="Demo Provider"
        )
    user = get_user_model().objects.get(username=email)
    site = council.site_url().rstrip("/")
    where = f"{site}/provider/"
    if user.has_usable_password():
        how = "use the password you set"
    else:
        how = "set a password at " + site + actions.set_password_path(user)
    return [f"provider account for {organization.name} ({where}) {email}: {how}"]


def demo_provider_email(council) -> str:
    return f"provider@{council.slug}.example"
