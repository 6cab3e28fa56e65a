"""Council B's attacks that the isolation probe (tests/isolation/) cannot express as "A's id in a
URL": credentials carried from one host to another (session cookie, API token, CSRF pair),
forged host headers, the platform console seen from a council, the anonymous page cache, site
search, and a Celery task run in B's schema with A's ids; then the newer areas: sign-in
redirects, provider sessions, Wagtail bulk actions, the master data export, public forms.

Each test has a control: the same credential or request on its own council works, so a refusal
on the other council means something.
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _cookie_client(host: str, source: Client) -> Client:
    """A client on ``host`` carrying every cookie ``source`` holds (what an attacker pastes)."""
    client = Client(HTTP_HOST=host)
    for name, morsel in source.cookies.items():
        client.cookies[name] = morsel.value
    return client


def _home_title(council) -> bytes:
    return council.name.encode()


def test_b_session_cookie_on_a_host_is_not_signed_in(council_a, council_b, client_b):
    # Control: on its own host the cookie opens B's admin.
    assert client_b.get("/admin/").status_code == 200
    carried = _cookie_client(council_a.primary_domain, client_b)
    response = carried.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    # The API answers as to a stranger too (the session is not a session of A's schema).
    api = carried.get("/api/v1/records/records/", HTTP_ACCEPT="application/json")
    assert api.status_code in (401, 403)
    assert api.json()["error"]["code"] in ("not_authenticated", "permission_denied")


def test_a_council_session_is_not_a_platform_console_session(council_a, client_a, platform_host):
    """A council's staff cookie (here a superuser of A's schema) carried to the platform domain
    is not a console sign-in, and the console is not served on a council's domain."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    with schema_context(council_a.schema_name):
        get_user_model().objects.filter(pk=client_a.user.pk).update(is_superuser=True)
    carried = _cookie_client(platform_host, client_a)
    response = carried.get("/console/")
    assert response.status_code == 302
    assert "/console/login/" in response["Location"]
    # On the council's own domain /console/ is no route at all (a page lookup: 404).
    assert client_a.get("/console/").status_code == 404
    assert client_a.get("/console/login/").status_code == 404


def test_platform_staff_session_is_not_a_council_session(db, council_a, platform_host):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_user(
        "op@platform.example", is_staff=True, is_superuser=True
    )
    on_platform = Client(HTTP_HOST=platform_host)
    on_platform.force_login(operator)
    carried = _cookie_client(council_a.primary_domain, on_platform)
    response = carried.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_b_api_token_is_refused_on_a_host(council_a, council_b, client_b, in_council):
    from rest_framework.authtoken.models import Token

    with in_council(council_b):
        key = Token.objects.create(user=client_b.user).key
    own = Client(HTTP_HOST=council_b.primary_domain, HTTP_AUTHORIZATION=f"Token {key}")
    assert own.get("/api/v1/warehouse/", HTTP_ACCEPT="application/json").status_code == 200
    other = Client(HTTP_HOST=council_a.primary_domain, HTTP_AUTHORIZATION=f"Token {key}")
    response = other.get("/api/v1/warehouse/", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_b_csrf_pair_does_not_write_with_b_session_on_a_host(council_a, client_b):
    """B's staff hold a valid CSRF cookie and token; with them and B's session cookie on A's
    host a write is still a stranger's (the session is unknown there): A's admin asks for a
    sign-in and nothing is written."""
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    client_b.cookies["csrftoken"] = secret
    carried = Client(HTTP_HOST=council_a.primary_domain, enforce_csrf_checks=True)
    for name, morsel in client_b.cookies.items():
        carried.cookies[name] = morsel.value
    response = carried.post(
        "/admin/pages/add/cms/informationpage/2/",
        {"title": "planted", "slug": "planted", "csrfmiddlewaretoken": _mask_cipher_secret(secret)},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "forged", ["HTTP_X_FORWARDED_HOST", "HTTP_X_ORIGINAL_HOST", "HTTP_FORWARDED"]
)
def test_forwarded_host_headers_do_not_pick_the_council(council_a, council_b, forged):
    value = council_a.primary_domain
    if forged == "HTTP_FORWARDED":
        value = f"host={value}"
    response = Client(HTTP_HOST=council_b.primary_domain, **{forged: value}).get("/")
    assert response.status_code == 200
    assert _home_title(council_b) in response.content
    assert _home_title(council_a) not in response.content
    # An unknown Host with A's name in the forwarded header is no council at all.
    stranger = Client(HTTP_HOST="attacker.example", **{forged: value}).get("/")
    assert stranger.status_code in (400, 404)
    assert _home_title(council_a) not in stranger.content


def _publish_marker_page(council, title, slug):
    from django_tenants.utils import schema_context
    from wagtail.models import Site

    from cms.models import InformationPage

    with schema_context(council.schema_name):
        home = Site.objects.get(is_default_site=True).root_page.specific
        page = InformationPage(title=title, slug=slug)
        home.add_child(instance=page)
        page.save_revision().publish()
        return page.url


def test_page_cache_entries_are_per_council(council_a, council_b, settings):
    """A's cached page is never B's answer for the same path: B's own 404 for a page only A has,
    B's own home page for "/"."""
    from django.core.cache import caches

    settings.CMS_PAGE_CACHE_SECONDS = 300
    for alias in settings.CACHES:
        caches[alias].clear()
    url = _publish_marker_page(council_a, "Quuxbridge allotments", "quuxbridge-allotments")
    for path in ("/", url):
        assert Client(HTTP_HOST=council_a.primary_domain).get(path).status_code == 200
        again = Client(HTTP_HOST=council_a.primary_domain).get(path)
        assert again.get("X-Page-Cache") == "hit", path  # control: A's page is cached
    home_b = Client(HTTP_HOST=council_b.primary_domain).get("/")
    assert home_b.get("X-Page-Cache") != "hit"
    assert _home_title(council_b) in home_b.content
    assert _home_title(council_a) not in home_b.content
    page_b = Client(HTTP_HOST=council_b.primary_domain).get(url)
    assert page_b.status_code == 404
    assert b"Quuxbridge" not in page_b.content


def test_site_search_shows_only_the_councils_own_pages(council_a, council_b):
    marker = "Zanzibarquux"
    _publish_marker_page(council_a, f"{marker} grants", "zanzibarquux-grants")
    own = Client(HTTP_HOST=council_a.primary_domain).get("/search/", {"q": marker})
    assert marker.encode() + b" grants" in own.content  # control
    other = Client(HTTP_HOST=council_b.primary_domain).get("/search/", {"q": marker})
    assert other.status_code == 200
    assert b"zanzibarquux-grants" not in other.content
    assert marker.encode() + b" grants" not in other.content


def test_a_task_run_for_b_with_a_ids_touches_nothing_of_a(council_a, council_b, in_council):
    """tenant-schemas-celery runs a task in the schema that queued it: council B queuing A's
    version id extracts nothing and changes nothing in A."""
    from django_tenants.utils import schema_context

    from records.demo import seed_demo
    from records.models import Record, RecordVersion
    from records.tasks import extract_text

    with in_council(council_a):
        seed_demo(council_a)
        version = RecordVersion.objects.filter(destroyed_at__isnull=True).order_by("-pk").first()
        Record.objects.filter(pk=version.record_id).update(extracted_text="A-ONLY")
    with in_council(council_b):
        b_has_it = RecordVersion.objects.filter(pk=version.pk).exists()
    assert not b_has_it
    with schema_context(council_b.schema_name):
        assert extract_text.apply(args=[version.pk]).get() == 0
    with in_council(council_a):
        assert Record.objects.get(pk=version.record_id).extracted_text == "A-ONLY"


def test_platform_and_council_api_tokens_stay_on_their_own_domains(
    council_a, client_a, platform_staff_client, platform_host, in_council
):
    """A platform operator's token is no credential on a council's API, and a council
    administrator's token none on the platform API (tokens live next to their users)."""
    from rest_framework.authtoken.models import Token

    operator_key = Token.objects.get(user=platform_staff_client.user).key
    assert platform_staff_client.get("/platform/api/v1/councils/").status_code == 200  # control
    on_council = Client(
        HTTP_HOST=council_a.primary_domain, HTTP_AUTHORIZATION=f"Token {operator_key}"
    ).get("/api/v1/warehouse/", HTTP_ACCEPT="application/json")
    assert on_council.status_code == 401
    with in_council(council_a):
        council_key = Token.objects.create(user=client_a.user).key
    own = Client(HTTP_HOST=council_a.primary_domain, HTTP_AUTHORIZATION=f"Token {council_key}")
    assert own.get("/api/v1/warehouse/", HTTP_ACCEPT="application/json").status_code == 200
    on_platform = Client(HTTP_HOST=platform_host, HTTP_AUTHORIZATION=f"Token {council_key}").get(
        "/platform/api/v1/councils/", HTTP_ACCEPT="application/json"
    )
    assert on_platform.status_code == 401
    assert on_platform.json()["error"]["code"] == "authentication_failed"


# --- the newer areas: sign-in redirects, directory bulk actions, exports, public forms -------

EVIL_NEXT = (
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "/\t/evil.example",
    " //evil.example/",
)


def _provider_sign_in(council, in_council, password):
    """A provider account of ``council`` with ``password`` (username, own service name)."""
    from commissioning.providers import actions
    from commissioning.providers.models import Organization, Service

    with in_council(council):
        org = Organization.objects.create(name=f"{council.name} carers", description="x")
        Service.objects.create(organization=org, name=f"{council.name} sitting service")
        account = actions.create_provider_account(
            None, email="pat@carers.example", organization=org
        )
        account.user.set_password(password)
        account.user.save()
    return "pat@carers.example"


@pytest.mark.parametrize("next_url", EVIL_NEXT)
def test_sign_in_next_never_leaves_the_councils_own_site(
    council_a, council_b, in_council, next_url
):
    """An open redirect after sign-in (phishing that starts on the council's real domain):
    neither the provider sign-in nor the staff admin's follows ``next`` to another site, nor to
    another council's domain. Control: a path on the same site is followed."""
    from django.contrib.auth import get_user_model

    password = "correct-horse-battery-2026"
    username = _provider_sign_in(council_a, in_council, password)
    with in_council(council_a):
        staff = get_user_model().objects.create_user(
            "editor@alphaton.example", password=password, is_staff=True, is_superuser=True
        )
    forms = (
        ("/provider/sign-in/", username, "/provider/"),
        ("/admin/login/", staff.username, "/admin/"),
    )
    for page, user, own in forms:
        for target in (next_url, f"https://{council_b.primary_domain}/"):
            client = Client(HTTP_HOST=council_a.primary_domain)
            response = client.post(
                f"{page}?next={target}", {"username": user, "password": password, "next": target}
            )
            assert response.status_code == 302, (page, target)
            location = response["Location"]
            assert location == own, (page, target, location)
            assert "evil" not in location and council_b.primary_domain not in location
        # control: a path of the same site is followed
        client = Client(HTTP_HOST=council_a.primary_domain)
        response = client.post(
            page, {"username": user, "password": password, "next": f"{own}?from=sign-in"}
        )
        assert response["Location"] == f"{own}?from=sign-in"


def test_b_provider_session_on_a_host_is_not_a_provider_there(council_a, council_b, in_council):
    """Demo directories share ids across councils, so B's provider account's organisation may
    have the same id as one of A's: its cookie on A's host still shows none of A's entries."""
    password = "correct-horse-battery-2026"
    _provider_sign_in(council_a, in_council, password)
    username = _provider_sign_in(council_b, in_council, password)
    own = Client(HTTP_HOST=council_b.primary_domain)
    assert (
        own.post("/provider/sign-in/", {"username": username, "password": password})["Location"]
        == "/provider/"
    )
    assert b"Betaby" in own.get("/provider/").content  # control: B's own entries
    carried = _cookie_client(council_a.primary_domain, own)
    response = carried.get("/provider/")
    assert response.status_code == 302
    assert response["Location"].startswith("/provider/sign-in/")
    assert b"sitting service" not in carried.get("/provider/", follow=True).content


def test_b_bulk_delete_naming_a_directory_entry_deletes_nothing_in_a(
    council_a, council_b, client_b, in_council
):
    """Wagtail's bulk actions take their ids from the query string (not the URL's path, which
    the isolation probe fills): B's administrator names A's service there."""
    from commissioning.providers.models import Organization, Service

    with in_council(council_a):
        org = Organization.objects.create(name="Alphaton-only org", description="A")
        theirs = Service.objects.create(organization=org, name="Alphaton-only day centre")
    with in_council(council_b):
        org = Organization.objects.create(name="Betaby org", description="B")
        mine = Service.objects.create(organization=org, name="Betaby drop-in")
    url = "/admin/bulk/providers/service/delete/"
    page = client_b.get(f"{url}?id={theirs.pk}")
    assert b"Alphaton-only" not in page.content
    response = client_b.post(f"{url}?id={theirs.pk}", {"id": str(theirs.pk)})
    assert b"Alphaton-only" not in response.content
    with in_council(council_a):
        assert Service.objects.filter(pk=theirs.pk, name="Alphaton-only day centre").exists()
    # control: B's own bulk delete works
    client_b.post(f"{url}?id={mine.pk}", {"id": str(mine.pk)})
    with in_council(council_b):
        assert not Service.objects.filter(pk=mine.pk).exists()


def test_master_data_golden_ids_csv_neutralises_a_source_systems_ids(
    council_a, client_a, in_council
):
    """Source ids come from council systems' files: a formula planted there is text in the
    export."""
    from django.utils import timezone

    from intelligence.masterdata.models import PlaceRecord, Source

    with in_council(council_a):
        source = Source.objects.create(name="gazette", kind="places")
        PlaceRecord.objects.create(
            source=source,
            source_ref='=HYPERLINK("https://evil.example","x")',
            address="1 High Street",
            postcode="NS1 1AA",
            updated_at=timezone.now(),
        )
    response = client_a.get("/api/v1/masterdata/export/", {"kind": "places"})
    assert response.status_code == 200, response.content
    body = b"".join(response).decode() if response.streaming else response.content.decode()
    assert "gazette,'=HYPERLINK" in body.replace('"', "")
    assert "\n=" not in body and ",=" not in body


def _voting_process(council, in_council) -> int:
    """A ward budget in ``council`` open for voting (postcode NS1 1AA), with one project on the
    ballot; returns the project's id."""
    import datetime

    from django.utils import timezone

    from commissioning.participation import actions
    from commissioning.participation.models import Proposal

    now = timezone.now()
    day = datetime.timedelta(days=1)
    with in_council(council):
        process = actions.save_process(
            title="Ward 1 budget",
            slug="ward-1",
            summary="x",
            ward_code="E05900001",
            ward_name="Ward 1",
            budget=10000,
            postcodes=["NS1 1AA"],
            proposals_open=now - 5 * day,
            proposals_close=now - 3 * day,
            voting_open=now - day,
            voting_close=now + day,
        )
        return Proposal.objects.create(
            process=process,
            title="Bulbs",
            summary="x",
            estimated_cost=300,
            cost=300,
            status="feasible",
            proposer_name="R",
            proposer_email="r@example.org",
            proposer_postcode="NS1 1AA",
        ).pk


def test_public_pb_forms_refuse_a_post_without_the_csrf_token(council_a, in_council):
    """A page elsewhere cannot make a visitor's browser vote or propose on the council's site:
    without the form's CSRF token nothing is written. Control: with it, the vote counts."""
    from commissioning.participation.models import Ballot

    bulbs = _voting_process(council_a, in_council)
    vote = {
        "name": "Jo Bloggs",
        "date_of_birth_day": "27",
        "date_of_birth_month": "3",
        "date_of_birth_year": "1980",
        "address": "1 High Street",
        "postcode": "NS1 1AA",
        "choices": [str(bulbs)],
    }
    client = Client(HTTP_HOST=council_a.primary_domain, enforce_csrf_checks=True)
    assert client.post("/participate/ward-1/vote/", vote).status_code == 403
    with in_council(council_a):
        assert not Ballot.objects.exists()
    client.get("/participate/ward-1/vote/")
    token = client.cookies["csrftoken"].value
    response = client.post("/participate/ward-1/vote/", {**vote, "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content
    with in_council(council_a):
        assert Ballot.objects.count() == 1


def test_provider_sign_in_locks_an_account_out_like_the_admin(council_a, council_b, in_council):
    """The provider pages' sign-in goes through django-axes too: repeated failures lock the
    account out of that address (even the right password is then refused), in that council
    only. Control: the same username in B still signs in."""
    from django.test import override_settings

    password = "correct-horse-battery-2026"
    username = _provider_sign_in(council_a, in_council, password)
    _provider_sign_in(council_b, in_council, password)
    with override_settings(AXES_FAILURE_LIMIT=3):
        client = Client(HTTP_HOST=council_a.primary_domain)
        statuses = [
            client.post(
                "/provider/sign-in/", {"username": username, "password": f"wrong-{i}"}
            ).status_code
            for i in range(3)
        ]
        assert statuses == [200, 200, 429]
        locked = client.post("/provider/sign-in/", {"username": username, "password": password})
        assert locked.status_code == 429
        assert "Too many sign-in attempts" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        assert client.get("/provider/").status_code == 302
        other = Client(HTTP_HOST=council_b.primary_domain)
        signed_in = other.post("/provider/sign-in/", {"username": username, "password": password})
        assert signed_in.status_code == 302 and signed_in["Location"] == "/provider/"


@pytest.mark.parametrize(
    ("name", "address", "postcode"),
    [
        ("JO  BLOGGS", "1 High Street", "NS1 1AA"),
        ("\tjo bloggs ", "1 high street", "ns11aa"),
        ("Jo\u00a0Bloggs", "1 HIGH ST", " NS1  1AA "),
        ("\uff2a\uff4f \uff22\uff4c\uff4f\uff47\uff47\uff53", "Flat 2, 1 High Street", "NS1 1AA"),
        ("Jo Bl\u00f3ggs", "1 High Street", "Ns1 1aA"),
        ("Jo Blo\u200bggs", "1 High Street", "NS1 1AA"),
        ("Jo\u3000Bloggs", "1 High Street", "NS1 1AA"),
        ("Bloggs, Jo", "1 High Street", "NS1 1AA"),
        ("Ms Joanne Bloggs", "somewhere else entirely", "NS1 1AA"),
    ],
)
def test_a_second_pb_vote_with_the_name_or_address_written_differently_is_refused(
    council_a, in_council, name, address, postcode
):
    """Case, spacing, non-breaking and ideographic spaces, fullwidth letters, accents, a
    zero-width space inside the surname, "Surname, First", a title, and another way of writing
    the address or postcode are the same resident: the second vote is refused on the public
    form and only the first is counted. (The key is surname, first initial, date of birth and
    postcode: someone who gives another date of birth is another resident to the platform;
    docs/security.md says so.)"""
    from commissioning.participation.models import Ballot

    bulbs = _voting_process(council_a, in_council)
    form = {
        "name": "Jo Bloggs",
        "date_of_birth_day": "27",
        "date_of_birth_month": "3",
        "date_of_birth_year": "1980",
        "address": "1 High Street",
        "postcode": "NS1 1AA",
        "choices": [str(bulbs)],
    }
    client = Client(HTTP_HOST=council_a.primary_domain)
    assert client.post("/participate/ward-1/vote/", form).status_code == 302  # control
    again = client.post(
        "/participate/ward-1/vote/",
        {**form, "name": name, "address": address, "postcode": postcode},
    )
    assert again.status_code == 409
    assert "already voted" in again.content.decode()
    with in_council(council_a):
        assert Ballot.objects.count() == 1


def test_review_reminders_run_for_every_council_link_each_to_its_own_site(
    council_a, council_b, in_council
):
    """The beat task walks every council in one process: each provider account's reminder
    names only its own council's entries and links to its own council's domain (a link to
    another council's sign-in would send the provider's password there)."""
    from django.core import mail

    from commissioning.providers.models import Service
    from commissioning.providers.tasks import review_reminders_all

    for council in (council_a, council_b):
        _provider_sign_in(council, in_council, "correct-horse-battery-2026")
        with in_council(council):
            Service.objects.update(last_reviewed=None, review_reminded_at=None)
    mail.outbox.clear()
    result = review_reminders_all.apply().get()
    assert result[council_a.slug] == 1 and result[council_b.slug] == 1
    by_council = {}
    for message in mail.outbox:
        for council in (council_a, council_b):
            if f"{council.name} sitting service" in message.body:
                by_council[council.slug] = message.body
    assert set(by_council) == {council_a.slug, council_b.slug}
    for council, other in ((council_a, council_b), (council_b, council_a)):
        body = by_council[council.slug]
        assert f"//{council.primary_domain}" in body and "/provider/" in body
        assert other.primary_domain not in body and other.name not in body


@pytest.mark.parametrize(
    "forged", ["HTTP_X_FORWARDED_HOST", "HTTP_X_ORIGINAL_HOST", "HTTP_FORWARDED"]
)
def test_open_ocds_links_name_the_councils_own_host_whatever_the_forwarded_headers(
    council_a, council_b, in_council, forged
):
    """The open OCDS feeds build absolute links from the request (package ``uri``,
    ``links.next``): a forged forwarded host never becomes a link another consumer (or a cache)
    would follow. Control: the links are on A's own domain."""
    from commissioning.commissions import actions
    from commissioning.ledgers import actions as ledger
    from commissioning.providers.models import Organization

    with in_council(council_a):
        org = Organization.objects.create(name="Youth Action", description="x")
        member = ledger.create_commissioner("test", name="Cllr Shah", kind="ward_councillor")
        budget = ledger.create_budget("test", member, name="Ward 1", financial_year="2026-27")
        ledger.allocate("test", budget, "5000")
        for title in ("Summer trips", "Winter trips"):
            actions.direct_commission(
                "test",
                commissioner=member,
                budget=budget,
                organization=org,
                title=title,
                need="x",
                price="100",
            )
    evil = "evil.example" if forged != "HTTP_FORWARDED" else "host=evil.example"
    response = Client(HTTP_HOST=council_a.primary_domain, **{forged: evil}).get(
        "/api/v1/ocds/releases/", {"page_size": 1}
    )
    assert response.status_code == 200
    package = response.json()
    assert package["uri"].startswith(f"http://{council_a.primary_domain}/")
    assert package["links"]["next"].startswith(f"http://{council_a.primary_domain}/")
    assert "evil" not in response.content.decode()
    assert council_b.primary_domain not in response.content.decode()
