"""Demo funding for ``make run``: platform-wide calls (once, in public), the council's own calls,
a saved search, grants the council made, and other funders' grants in its wards (360Giving), so
the matches screen has needs, reasons and groups to show. Idempotent (calls and grants carry
fixed references)."""

import datetime
import json

from django.utils import timezone
from django_tenants.utils import schema_context

PLATFORM_CALLS = [
    # reference, funder, programme, max, days to close, themes, applicant types, geography
    (
        "demo-awards-all",
        "Community Lottery Fund (demo)",
        "Small grants for communities",
        20000,
        40,
        ["community", "isolation", "older people"],
        ["charity", "voluntary", "community"],
        [],
    ),
    (
        "demo-child-poverty",
        "Children's Trust (demo)",
        "Tackling child poverty",
        50000,
        12,
        ["children", "poverty", "families"],
        ["charity", "council"],
        ["E92000001"],
    ),
    (
        "demo-warm-homes",
        "Energy Foundation (demo)",
        "Warm homes, lower bills",
        250000,
        60,
        ["poverty", "housing", "health"],
        ["council"],
        ["E92000001"],
    ),
    (
        "demo-youth",
        "Youth Futures (demo)",
        "Youth clubs and activities",
        30000,
        25,
        ["young people", "children"],
        ["charity", "voluntary"],
        [],
    ),
    (
        "demo-mental-health",
        "Wellbeing Fund (demo)",
        "Community mental health",
        75000,
        90,
        ["health", "mental health", "wellbeing"],
        ["charity", "council"],
        [],
    ),
    (
        "demo-green-spaces",
        "Green Spaces Trust (demo)",
        "Parks and green spaces",
        100000,
        5,
        ["environment", "green spaces"],
        ["council", "community"],
        [],
    ),
    (
        "demo-wales-only",
        "Welsh Communities Fund (demo)",
        "Communities in Wales",
        40000,
        30,
        ["community", "poverty"],
        ["charity"],
        ["W92000004"],
    ),
]


def _platform_calls() -> None:
    from commissioning.fundingregister import actions
    from commissioning.fundingregister.models import PlatformCall

    today = timezone.localdate()
    with schema_context("public"):
        for ref, funder, programme, amount, days, themes, types, geo in PLATFORM_CALLS:
            existing = PlatformCall.objects.filter(reference=ref).first()
            actions.save_platform_call(
                existing,
                reference=ref,
                funder=funder,
                programme=programme,
                description=f"{programme}: a demonstration call for make run.",
                amount_min=1000,
                amount_max=amount,
                opens_on=today - datetime.timedelta(days=30),
                closes_on=today + datetime.timedelta(days=days),
                applicant_types=types,
                themes=themes,
                geography=geo,
                url=f"https://funding.example/{ref}",
            )


def _package(council, wards) -> bytes:
    grants = []
    funders = [
        ("GB-CHC-1000001", "Community Lottery Fund (demo)"),
        ("GB-CHC-1000002", "Children's Trust (demo)"),
        ("GB-COH-1000003", "Local Business Foundation (demo)"),
    ]
    for n in range(12):
        fid, fname = funders[n % 3]
        ward = wards[n % len(wards)]
        grants.append(
            {
                "id": f"360G-demo-{council.slug}-{n}",
                "title": f"Community project {n + 1}",
                "description": "A demonstration grant.",
                "currency": "GBP",
                "amountAwarded": 2500 * (n % 5 + 1),
                "awardDate": f"2025-{n % 12 + 1:02d}-15",
                "recipientOrganization": [
                    {"id": f"GB-CHC-20000{n:02d}", "name": f"Local group {n + 1}"}
                ],
                "fundingOrganization": [{"id": fid, "name": fname}],
                "beneficiaryLocation": [
                    {"name": ward.name, "geoCode": ward.code, "geoCodeType": "WD"}
                ],
            }
        )
    return json.dumps({"grants": grants, "publisher": {"name": "Demo funders"}}).encode()


def seed_demo(council) -> None:
    from django.contrib.auth import get_user_model

    from intelligence.warehouse import access as warehouse

    from . import actions
    from .models import CouncilCall, ExternalGrant, Grant, SavedSearch

    _platform_calls()
    today = timezone.localdate()
    wards = warehouse.areas(kind="ward")
    for ref, programme, amount, themes in (
        ("own-community-chest", "Community chest", 5000, ["community", "isolation"]),
        ("own-holiday-food", "Holiday activities and food", 15000, ["children", "poverty"]),
    ):
        actions.save_call(
            CouncilCall.objects.filter(reference=ref).first(),
            reference=ref,
            funder=council.name,
            programme=programme,
            description=f"{council.name}'s own {programme.lower()} programme.",
            amount_max=amount,
            closes_on=today + datetime.timedelta(days=21),
            themes=themes,
            applicant_types=["charity", "voluntary", "community"],
            geography=[council.gss_code],
            url=f"{council.site_url()}funding/{ref}",
        )
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is not None and not SavedSearch.objects.filter(owner=admin).exists():
        actions.save_search(
            owner=admin,
            name="Poverty and children",
            themes=["poverty", "children"],
            areas=[council.gss_code],
            remind_days=14,
        )
    if not Grant.objects.exists():
        for n, (title, amount, recipient) in enumerate(
            (
                ("Lunch club", 3000, "Friends of the High Street"),
                ("Youth football", 4500, "Youth Action"),
                ("Food bank van", 12000, "Citizens Advice Demo"),
            )
        ):
            actions.award_grant(
                title=title,
                description=f"{title}: a demonstration grant.",
                amount_awarded=amount,
                award_date=today - datetime.timedelta(days=30 * (n + 1)),
                recipient_name=recipient,
                beneficiary_geo=[wards[n % len(wards)].code] if wards else [],
                programme="Community chest",
            )
    if wards and not ExternalGrant.objects.exists():
        actions.import_grants(_package(council, wards), filename="demo-360giving.json")
