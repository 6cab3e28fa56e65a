"""Council A's markets and how the isolation probe reaches every markets route (see
tests/isolation/__init__.py). Runs after the providers seeds (INSTALLED_APPS order), so A's
directory organisation and term are on ``w``."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import MARKER, Multipart, Seed

AREA = "E06000901"


def _spend_csv(w, period="2025-26"):
    return (
        "provider,category,area,period,amount\n"
        f"{w.market_org.name},{w.market_term.name},{AREA},{period},1000.00\n"
    ).encode()


def _capacity_csv(w):
    return (
        "provider,category,area,unit,capacity\n"
        f"{w.market_org.name},{w.market_term.name},{AREA},places,12\n"
    ).encode()


def _ratings_csv():
    return (
        b"Location ID,Provider ID,Safe,Effective,Caring,Responsive,Well-led,Overall,"
        b"Publication Date\n"
        b"1-PROBE-2,1-PROBE,Good,Good,Good,Good,Good,Good,2026-01-01\n"
    )


def probe_objects(w) -> None:
    from commissioning.markets import actions
    from commissioning.markets.models import Market
    from commissioning.providers.models import Organization, Taxonomy, TaxonomyTerm

    # A market's organisation and term of its own: spend protects them from deletion, and the
    # providers seeds delete theirs. No MARKER in their names: B's refused import echoes the
    # names B itself sent.
    w.market_org = Organization.objects.create(name="Probe market provider", description="x")
    w.market_term = TaxonomyTerm.objects.create(
        taxonomy=Taxonomy.objects.create(name=f"{MARKER} market taxonomy", description="x"),
        name="Probe market term",
        description="x",
    )

    actions.import_spend(_spend_csv(w, "2024-25"), filename=f"{MARKER}.csv")
    w.market = Market.objects.get(area_code=AREA)
    w.market.area_name = MARKER
    w.market.save()


def probe_seeds() -> list[Seed]:
    market = lambda w: {"pk": w.market.pk}  # noqa: E731
    return [
        Seed(("markets-market-detail", "markets-market-history"), kwargs=market),
        Seed("markets_admin:market", kwargs=market),
        Seed(
            "markets_admin:edit",
            kwargs=market,
            body={"POST": {"area_name": "B was here", "capacity_unit": "places"}},
        ),
        Seed(
            "markets_admin:import-capacity",
            body={
                "POST": Multipart(
                    lambda w: {
                        "file": SimpleUploadedFile("capacity.csv", _capacity_csv(w), "text/csv")
                    }
                )
            },
            reason="B's import names A's directory entries, which B's directory does not have",
        ),
        Seed(
            "markets_admin:import-spend",
            body={
                "POST": Multipart(
                    lambda w: {"file": SimpleUploadedFile("spend.csv", _spend_csv(w), "text/csv")}
                )
            },
            reason="B's import names A's directory entries, which B's directory does not have",
        ),
        Seed(
            "markets_admin:import-ratings",
            body={
                "POST": Multipart(
                    lambda w: {"file": SimpleUploadedFile("cqc.csv", _ratings_csv(), "text/csv")}
                )
            },
            reason="CQC ids are public; B's import writes only to B",
        ),
    ]
