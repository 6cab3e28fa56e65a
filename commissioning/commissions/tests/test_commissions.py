"""Commissions from need to outcome: the full path, the light path, every refusal the issue
names, sealed bids, OCDS releases valid against the official 1.1 schema and codelists, and the
spend the markets module reads."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.commissions import access, actions, ocds
from commissioning.commissions.models import Commission, Release
from commissioning.ledgers import access as ledgers
from commissioning.ledgers import actions as ledger
from platform_core.errors import Refused

API = "/api/v1/commissioning/"


def _org(name):
    from commissioning.providers.models import Organization

    return Organization.objects.create(name=name, description=name)


def _setup(allocation="100000.00"):
    commissioner = ledger.create_commissioner(
        "test", name="Adult Social Care", kind="council_service"
    )
    budget = ledger.create_budget("test", commissioner, name="Community", financial_year="2026-27")
    ledger.allocate("test", budget, allocation)
    commission = actions.create_commission(
        "test",
        commissioner=commissioner,
        budget=budget,
        title="Befriending",
        need="Older people are lonely.",
        estimated_value="30000",
        category="Adult social care",
        area_code="E05000001",
    )
    actions.set_criteria(
        "test", commission, [{"name": "Quality", "weight": 60}, {"name": "Price", "weight": 40}]
    )
    return commissioner, budget, commission


def _users(*names):
    User = get_user_model()
    return [User.objects.create(username=f"{n}@test.example") for n in names]


def _expire(commission):
    Commission.objects.filter(pk=commission.pk).update(
        tender_deadline=timezone.now() - timedelta(seconds=1)
    )
    commission.refresh_from_db()


def test_the_full_path_from_need_to_outcome(council_a, in_council):
    with in_council(council_a):
        _, budget, c = _setup()
        riverside, hillview = _org("Riverside Care"), _org("Hillview")
        c = actions.publish_opportunity("test", c, deadline=timezone.now() + timedelta(days=7))
        actions.submit_bid("test", c, organization=riverside, price="28000", proposal="We visit.")
        actions.submit_bid("test", c, organization=hillview, price="25000", proposal="We call.")
        assert not actions.bids_unsealed(c)
        with pytest.raises(Refused, match="sealed until the deadline"):
            actions.close_bidding("test", c)
        _expire(c)
        c = actions.close_bidding("test", c)
        alice, bob, carol = _users("alice", "bob", "carol")
        actions.add_evaluator("test", c, alice)
        actions.add_evaluator("test", c, bob)
        actions.add_evaluator("test", c, carol, moderator=True)
        quality, price = c.criteria.order_by("-weight")
        r_bid, h_bid = c.bids.order_by("id")
        for user, (rq, rp, hq, hp) in ((alice, (8, 5, 6, 9)), (bob, (9, 5, 5, 8))):
            actions.score_bid(user, r_bid, quality, rq)
            actions.score_bid(user, r_bid, price, rp)
            actions.score_bid(user, h_bid, quality, hq)
            actions.score_bid(user, h_bid, price, hp)
        ranking = actions.ranking(c)
        # Riverside: 8.5*6 + 5*4 = 71; Hillview: 5.5*6 + 8.5*4 = 67.
        assert [(r["organization_name"], r["score"]) for r in ranking] == [
            ("Riverside Care", 71.0),
            ("Hillview", 67.0),
        ]
        actions.score_bid(carol, h_bid, quality, 9)  # moderation: replaces the mean
        assert actions.ranking(c)[0] == {**actions.ranking(c)[0], "organization_name": "Hillview"}
        c = actions.award("test", c, organization=riverside, reasons="Best value for quality.")
        assert c.stage == "awarded" and c.decision_id and c.commitment_id
        budget.refresh_from_db()
        assert budget.committed == Decimal("28000.00")
        contract = actions.start_contract(
            "test",
            c,
            start_date=date(2026, 4, 1),
            end_date=date(2027, 3, 31),
            kpis=[{"name": "People visited", "target": 100}],
            milestones=[{"title": "Live", "due_date": date(2026, 4, 1)}],
        )
        kpi = contract.kpis.get()
        actions.submit_return(
            "test", contract, period="2026-Q1", values={str(kpi.pk): 30}, amount_invoiced="7000"
        )
        budget.refresh_from_db()
        assert (budget.committed, budget.spent) == (Decimal("21000.00"), Decimal("7000.00"))
        c = actions.record_outcome("test", c, outcome="Fewer people lonely.", rating=4)
        budget.refresh_from_db()
        assert budget.committed == 0 and budget.available == Decimal("93000.00")
        assert ledgers.ledger_problems() == []
        tags = list(c.releases.values_list("tag", flat=True))
        assert tags == [
            "planning",
            "tender",
            "tenderUpdate",
            "award",
            "contract",
            "implementation",
            "contractTermination",
        ]
        releases = list(c.releases.values_list("data", flat=True))
        assert ocds.validate_package(ocds.release_package(releases, "https://x.example/")) == []
        assert (
            ocds.validate_package(ocds.record_package(c.ocid, releases, "https://x.example/")) == []
        )
        compiled = ocds.record_package(c.ocid, releases, "u")["records"][0]["compiledRelease"]
        assert compiled["awards"][0]["suppliers"][0]["name"] == "Riverside Care"
        # The extensions' fields where the platform has the data (UK and bid extensions).
        assert compiled["bids"]["statistics"] == [
            {
                "id": "bids",
                "measure": "bids",
                "value": 2,
                "date": releases[2]["tender"]["tenderPeriod"]["endDate"],
            }
        ]
        assert compiled["tender"]["finalStatusDate"] == releases[3]["awards"][0]["date"]
        assert compiled["awards"][0]["mainProcurementCategory"] == "services"
        assert compiled["contracts"][0]["period"]["durationInMonths"] == 12
        assert "bids" not in releases[1]  # sealed: not even how many, before the deadline
        assert compiled["contracts"][0]["implementation"]["transactions"][0]["value"] == {
            "amount": 7000.0,
            "currency": "GBP",
        }
        spend = access.contract_spend(group_by=("provider", "category"))
        assert spend == [
            {
                "provider": str(riverside.pk),
                "category": "Adult social care",
                "contracts": 1,
                "contract_value": Decimal("28000.00"),
                "spend": Decimal("7000.00"),
            }
        ]
        by_period = access.contract_spend(group_by=("period",))
        assert by_period[0]["period"] == "2026-Q1" and by_period[0]["spend"] == Decimal("7000.00")


def test_packages_declare_the_uk_extension_and_are_validated_with_it():
    """Every package lists the UK extension (Find a Tender) and its dependencies, and is
    validated against the 1.1 schema patched by them: a UK field of the wrong type, or a code
    outside the extended codelists, fails; the extensions' own codes pass."""
    package = ocds.release_package([], "https://x.example/")
    uk = [u for u in package["extensions"] if "cabinetoffice/ocds_uk_extension" in u]
    assert len(uk) == 1 and len(package["extensions"]) == 10
    assert ocds.record_package("o", [], "u")["extensions"] == package["extensions"]
    for directory, _ in ocds.EXTENSIONS:  # every declared extension is vendored
        assert (ocds.EXTENSIONS_DIR / directory / "release-schema.json").is_file()
    schema = ocds.release_schema()
    assert "aboveThreshold" in schema["definitions"]["Tender"]["properties"]  # UK
    assert "durationInMonths" in schema["definitions"]["Period"]["properties"]  # UK
    assert "bids" in schema["properties"]  # bid extension
    assert "startDate" in schema["definitions"]["Period"]["properties"]  # core kept
    codelists = ocds._codelists()
    assert "implementationNotice" in codelists["documentType.csv"]  # UK's +documentType
    assert "tenderNotice" in codelists["documentType.csv"]  # core kept
    assert "vcseFinalStageBids" in codelists["bidStatistics.csv"]  # UK's +bidStatistics
    assert "penaltyType.csv" in codelists  # a new codelist

    def release(**tender):
        return {
            "ocid": "ocds-x-1",
            "id": "1",
            "date": "2026-01-01T00:00:00Z",
            "tag": ["tender"],
            "initiationType": "tender",
            "tender": {"id": "t", **tender},
        }

    def errors(*releases, **extra):
        return ocds.validate_package({**ocds.release_package(list(releases), "u"), **extra})

    good = release(
        aboveThreshold=True,
        finalStatusDate="2026-02-01T00:00:00Z",
        tenderPeriod={"startDate": "2026-01-01T00:00:00Z", "durationInMonths": 3},
        documents=[{"id": "d", "documentType": "implementationNotice", "noticeType": "x"}],
    )
    assert errors(good) == []
    assert any("aboveThreshold" in e for e in errors(release(aboveThreshold="yes")))
    assert any(
        "durationInMonths" in e
        for e in errors(release(tenderPeriod={"durationInMonths": "twelve"}))
    )
    assert any("finalStatusDate" in e for e in errors(release(finalStatusDate="soon")))
    assert any(
        "statistics" in e
        for e in errors({**release(), "bids": {"statistics": [{"measure": "bids"}]}})
    )
    assert any(
        "cakes" in e for e in errors(release(documents=[{"id": "d", "documentType": "cakes"}]))
    )


def test_bad_input_is_refused_with_the_reason(council_a, in_council):
    with in_council(council_a):
        _, _, c = _setup()
        ours, other, outsider = _org("Ours"), _org("Other"), _org("Never bid")
        with pytest.raises(ValidationError, match="add up to 100"):
            actions.set_criteria("test", c, [{"name": "Quality", "weight": 70}])
        actions.publish_opportunity("test", c, deadline=timezone.now() + timedelta(days=1))
        actions.submit_bid("test", c, organization=ours, price="100", proposal="x")
        _expire(c)
        with pytest.raises(Refused, match="Bids closed"):
            actions.submit_bid("test", c, organization=other, price="100", proposal="late")
        c = actions.close_bidding("test", c)
        (insider,) = _users("insider")
        actions.link_representative("test", insider, ours)
        actions.add_evaluator("test", c, insider)
        with pytest.raises(Refused, match="your own organisation"):
            actions.score_bid(insider, c.bids.get(), c.criteria.first(), 9)
        (stranger,) = _users("stranger")
        with pytest.raises(Refused, match="not an evaluator"):
            actions.score_bid(stranger, c.bids.get(), c.criteria.first(), 9)
        with pytest.raises(Refused, match="did not bid"):
            actions.award("test", c, organization=outsider, reasons="Friends")
        with pytest.raises(ValidationError) as error:
            actions.save_priority("test", title="Too heavy", weight=9)
        assert "out of range" in error.value.message_dict["weight"][0]


def test_an_award_the_budget_cannot_bear_is_refused_and_nothing_is_half_written(
    council_a, in_council
):
    with in_council(council_a):
        _, budget, c = _setup(allocation="1000.00")
        org = _org("Dear Provider")
        actions.publish_opportunity("test", c, deadline=timezone.now() + timedelta(days=1))
        actions.submit_bid("test", c, organization=org, price="5000", proposal="x")
        _expire(c)
        c = actions.close_bidding("test", c)
        with pytest.raises(ledger.OverBudget, match="£1,000.00 is available"):
            actions.award("test", c, organization=org, reasons="Only bid")
        c.refresh_from_db()
        assert c.stage == "evaluation" and c.awarded_bid is None and c.decision_id is None


def test_the_light_path_for_personal_budget_holders(council_a, in_council):
    with in_council(council_a):
        ann = ledger.create_commissioner(
            "test",
            name="Ann",
            kind="personal_budget_holder",
            care_coordinator="Sam",
            payment_arrangement="direct_payment",
        )
        budget = ledger.create_budget("test", ann, name="Personal budget", financial_year="2026-27")
        ledger.allocate("test", budget, "3000")
        c = actions.direct_commission(
            "test",
            commissioner=ann,
            budget=budget,
            organization=_org("Riverside Care"),
            title="Day centre",
            need="Company",
            price="2600",
        )
        assert c.stage == "contract" and c.contract.value == Decimal("2600.00")
        budget.refresh_from_db()
        assert budget.available == Decimal("400.00")
        with pytest.raises(ledger.OverBudget):
            actions.direct_commission(
                "test",
                commissioner=ann,
                budget=budget,
                organization=_org("Another"),
                title="More",
                need="More",
                price="500",
            )
        releases = list(c.releases.values_list("data", flat=True))
        assert ocds.validate_package(ocds.release_package(releases, "https://x.example/")) == []
        service = ledger.create_commissioner("test", name="Service", kind="council_service")
        with pytest.raises(Refused, match="direct path"):
            actions.direct_commission(
                "test",
                commissioner=service,
                budget=budget,
                organization=_org("X"),
                title="t",
                need="n",
                price="1",
            )


def test_validation_catches_a_bad_package():
    """The validator can fail: a wrong codelist value and a missing required field."""
    release = {
        "ocid": "ocds-x-1",
        "id": "1",
        "date": "2026-01-01T00:00:00Z",
        "tag": ["planning"],
        "initiationType": "tender",
        "tender": {"id": "t", "procurementMethod": "open", "mainProcurementCategory": "cakes"},
    }
    errors = ocds.validate_package(
        {"uri": "https://x.example/", "version": "1.1", "releases": [release]}
    )
    assert any("publishedDate" in e for e in errors)
    assert any("cakes" in e for e in errors)


# --- the API ------------------------------------------------------------------------------------


def test_bids_are_sealed_over_the_api_and_the_feed_is_public(
    council_a, client_a, client_b, anon_client_a, in_council
):
    with in_council(council_a):
        _, _, c = _setup()
        org = _org("Riverside Care")
        actions.publish_opportunity("test", c, deadline=timezone.now() + timedelta(days=1))
        actions.submit_bid("test", c, organization=org, price="100", proposal="secret offer")
    sealed = client_a.get(f"{API}commissions/{c.pk}/bids/")
    assert sealed.status_code == 409 and "sealed" in sealed.json()["error"]["message"]
    detail = client_a.get(f"{API}commissions/{c.pk}/")
    assert detail.status_code == 200 and b"secret offer" not in detail.content
    assert detail.json()["bids_received"] == 1
    assert client_b.get(f"{API}commissions/{c.pk}/").status_code == 404
    feed = anon_client_a.get("/api/v1/ocds/releases/?stage=tender")
    assert feed.status_code == 200
    package = feed.json()
    assert [r["tag"] for r in package["releases"]] == [["tender"]]
    assert ocds.validate_package(package) == []
    assert (
        b"secret offer" not in feed.content and "tenderers" not in package["releases"][0]["tender"]
    )
    record = anon_client_a.get(f"/api/v1/ocds/records/{c.ocid}/")
    assert record.status_code == 200 and ocds.validate_package(record.json()) == []
    assert anon_client_a.get("/api/v1/ocds/releases/?stage=cakes").status_code == 400
    assert anon_client_a.get("/api/v1/ocds/releases/?since=yesterday").status_code == 400
    page = anon_client_a.get("/api/v1/ocds/releases/?page_size=1").json()
    assert len(page["releases"]) == 1 and "next" in page["links"]
    site = anon_client_a.get("/opportunities/")
    assert site.status_code == 200 and b"Befriending" in site.content
    assert b'href="/api/v1/ocds/releases/?stage=tender"' in site.content
    assert anon_client_a.get(f"/opportunities/{c.ocid}/").status_code == 200


def test_bids_of_a_commission_still_being_planned_are_sealed_not_a_500(
    council_a, client_a, in_council
):
    """A commission in planning has no tender deadline yet: asking for its bids is a 409 that
    says so (it was a 500, formatting the missing deadline; found by schemathesis)."""
    with in_council(council_a):
        _, _, c = _setup()
        assert c.tender_deadline is None
    sealed = client_a.get(f"{API}commissions/{c.pk}/bids/")
    assert sealed.status_code == 409
    assert sealed.json()["error"]["message"] == (
        "Bids are sealed: the opportunity has not been published yet."
    )


def test_opportunities_page_links_the_feed_only_when_it_has_releases(anon_client_a):
    """With nothing open, the tender feed answers 404 (an OCDS 1.1 package cannot be empty):
    the page does not link to it."""
    site = anon_client_a.get("/opportunities/")
    assert site.status_code == 200 and b"no open opportunities" in site.content
    assert anon_client_a.get("/api/v1/ocds/releases/?stage=tender").status_code == 404
    assert b"/api/v1/ocds/releases/" not in site.content


def test_priorities_preview_then_save_over_the_api(council_a, client_a, anon_client_a, in_council):
    from intelligence.warehouse.actions import import_observations, save_area, save_metric

    with in_council(council_a):
        save_metric(
            metric_id="isolation",
            title="Isolation",
            kind="score",
            polarity="lower",
            category="needs",
        )
        save_metric(
            metric_id="poverty", title="Poverty", kind="score", polarity="lower", category="needs"
        )
        for n in range(1, 4):
            save_area(code=f"E0500000{n}", name=f"Ward {n}", kind="ward")
        # Ward 1 is the most isolated, ward 3 the poorest.
        lines = (
            ["metric_id,area_code,period,value"]
            + [f"isolation,E0500000{n},2025-26,{v}" for n, v in ((1, 30), (2, 20), (3, 10))]
            + [f"poverty,E0500000{n},2025-26,{v}" for n, v in ((1, 5), (2, 15), (3, 40))]
        )
        import_observations("\n".join(lines) + "\n")
    made = client_a.post(
        API + "priorities/",
        {"title": "Older people's isolation", "weight": 2, "metric_ids": ["isolation"]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    poverty = client_a.post(
        API + "priorities/",
        {"title": "Child poverty", "weight": 5, "metric_ids": ["poverty"]},
        content_type="application/json",
    ).json()
    isolation = made.json()
    preview = client_a.post(
        API + "priorities/preview/",
        {"priority": isolation["id"], "weight": 5},
        content_type="application/json",
    )
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["needs"]["before"][0]["area_name"] == "Ward 3"
    assert body["needs"]["after"][0]["area_name"] == "Ward 1"
    assert any(m["area_name"] == "Ward 1" and m["to"] < m["from"] for m in body["moves"])
    with in_council(council_a):
        from commissioning.commissions.models import Priority

        assert Priority.objects.get(pk=isolation["id"]).weight == 2  # a preview saves nothing
    bad = client_a.post(
        API + "priorities/preview/",
        {"priority": isolation["id"], "weight": 6},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "weight" in bad.json()["error"]["fields"]
    saved = client_a.patch(
        f"{API}priorities/{isolation['id']}/", {"weight": 5}, content_type="application/json"
    )
    assert saved.status_code == 200 and saved.json()["weight"] == 5
    assert saved.json()["decision_id"] != isolation["decision_id"]
    assert (
        client_a.patch(
            f"{API}priorities/{poverty['id']}/", {"weight": 0}, content_type="application/json"
        ).status_code
        == 400
    )
    page = anon_client_a.get("/priorities/")
    assert page.status_code == 200 and b"Older people&#x27;s isolation" in page.content
    with in_council(council_a):
        from platform_core.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="priority.saved").count() == 3


def test_demo_has_commissions_at_every_stage_and_valid_feeds(council_a, in_council):
    from commissioning.commissions.demo import seed_demo
    from commissioning.ledgers.demo import seed_demo as seed_ledgers
    from commissioning.providers.demo import seed_demo as seed_directory

    with in_council(council_a):
        seed_directory(council_a)
        seed_ledgers(council_a)
        seed_demo(council_a)
        seed_demo(council_a)  # idempotent
        stages = set(Commission.objects.values_list("stage", flat=True))
        assert stages == {"planning", "tender", "evaluation", "awarded", "contract", "complete"}
        assert Commission.objects.filter(path="light").count() == 2
        releases = list(Release.objects.order_by("date", "id").values_list("data", flat=True))
        assert ocds.validate_package(ocds.release_package(releases, "https://x.example/")) == []
        assert ledgers.ledger_problems() == []


SHARED_OCDS = Path("/work/shared/standards/ocds-1.1/schema")


def test_no_releases_is_a_404_never_an_invalid_empty_package(
    council_a, council_b, anon_client_a, in_council
):
    """OCDS 1.1's package schemas require at least one release (minItems 1): an empty package
    fails them, so a council with nothing published, a filter that matches nothing and a page
    past the end answer 404 ``no_releases`` instead. The schema we validate with is the
    standard's, byte for byte."""
    from django.test import Client

    if SHARED_OCDS.exists():
        for name in ("release-package-schema.json", "record-package-schema.json"):
            assert (ocds.SCHEMA_DIR / name).read_bytes() == (SHARED_OCDS / name).read_bytes()
    empty = ocds.release_package([], "https://example.org/api/v1/ocds/releases/")
    assert any("releases" in e for e in ocds.validate_package(empty))
    anon_b = Client(HTTP_HOST=council_b.primary_domain)
    nothing = anon_b.get("/api/v1/ocds/releases/")
    assert nothing.status_code == 404 and nothing.json()["error"]["code"] == "no_releases"
    with in_council(council_a):
        _setup()
    assert anon_client_a.get("/api/v1/ocds/releases/").status_code == 200
    assert ocds.validate_package(anon_client_a.get("/api/v1/ocds/releases/").json()) == []
    future = anon_client_a.get("/api/v1/ocds/releases/?since=2999-01-01")
    assert future.status_code == 404 and future.json()["error"]["code"] == "no_releases"
    past_end = anon_client_a.get("/api/v1/ocds/releases/?page=999")
    assert past_end.status_code == 404
