"""Importing another directory's ORUK feed: files derived from the ORUK profile's own examples
(tests/feeds/README.md). A valid feed is imported keeping its ids, with created/updated/unchanged
counts and refused entries with their JSON paths; an invalid feed lists every error with its
path and imports nothing; duplicate ids are refused naming them; URLs are fetched only from
public addresses, with a timeout and a size cap; council B never sees council A's imports."""

import copy
import http.server
import json
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_tenants.utils import schema_context

from commissioning.providers.fetch import FetchRefused, fetch
from commissioning.providers.importer import FeedInvalid, import_feed
from commissioning.providers.models import (
    Contact,
    FeedImport,
    Location,
    Organization,
    Service,
    ServiceArea,
    TaxonomyTerm,
)
from commissioning.providers.tests.test_openreferral_api import DETAIL_SCHEMAS, assert_valid
from platform_core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "feeds"
UK_ID = "ac148810-d857-441c-9679-408f346de14b"
SECOND_ID = "5b0d4c2e-6f3a-4b8e-9d21-3c5e7f9a1b42"


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def page() -> dict:
    return json.loads(feed("uk_service_page.json"))


def test_a_page_is_imported_keeping_its_ids_and_reimport_counts_unchanged(council_a):
    with schema_context(council_a.schema_name):
        first = import_feed(feed("uk_service_page.json"), source="page.json", actor="test")
        assert first.counts["services"] == {"created": 3, "updated": 0, "unchanged": 0}
        assert first.counts["organizations"] == {"created": 1, "updated": 0, "unchanged": 0}
        assert first.counts["locations"] == {"created": 1, "updated": 0, "unchanged": 0}
        assert first.counts["taxonomy_terms"]["created"] == 1
        assert first.refused == [] and first.skipped == []
        service = Service.objects.get(pk=UK_ID)
        assert str(service.organization_id) == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
        assert service.service_at_locations.get().location.latitude is not None
        assert ServiceArea.objects.get(service=service).gss_code == "E06000023"
        assert TaxonomyTerm.objects.get(pk="3f7b145d-84af-42d7-8fae-eaca714b02b2").code == "COUN"
        assert AuditEntry.objects.filter(action="providers.feed_imported").count() == 1

        again = import_feed(feed("uk_service_page.json"), source="page.json", actor="test")
        assert again.counts["services"] == {"created": 0, "updated": 0, "unchanged": 3}
        assert again.counts["locations"] == {"created": 0, "updated": 0, "unchanged": 1}
        assert Service.objects.count() == 3 and Location.objects.count() == 1

        changed = page()
        changed["contents"][0]["name"] = "Community Counselling (renamed)"
        changed["contents"][1]["contacts"] = []  # a part removed: the service is updated
        third = import_feed(json.dumps(changed), source="page.json", actor="test")
        assert third.counts["services"] == {"created": 0, "updated": 2, "unchanged": 1}
        assert Service.objects.get(pk=UK_ID).name == "Community Counselling (renamed)"
        assert not Contact.objects.filter(service_id=SECOND_ID).exists()


def test_imported_services_are_published_valid_oruk(council_a):
    with schema_context(council_a.schema_name):
        import_feed(feed("uk_service_full.json"), source="one.json")
    response = Client(HTTP_HOST=council_a.primary_domain).get(f"/openreferral/services/{UK_ID}")
    assert response.status_code == 200
    data = response.json()
    assert_valid(data, DETAIL_SCHEMAS["services"])
    assert data["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "BS1 5TR"
    assert data["attributes"][0]["taxonomy_term"]["name"] == "Counselling"


def test_an_invalid_feed_lists_every_error_with_its_path_and_imports_nothing(council_a):
    with schema_context(council_a.schema_name):
        with pytest.raises(FeedInvalid) as caught:
            import_feed(feed("invalid_page.json"), source="bad.json")
        paths = {e["path"] for e in caught.value.errors}
        assert paths == {
            "$.page_number",
            "$.contents[0]",
            "$.contents[1].status",
            "$.contents[1].service_at_locations[0].location.id",
            "$.contents[2].email",
        }
        assert "'name' is a required property" in str(caught.value)
        assert not Service.objects.exists() and not Organization.objects.exists()
        assert not FeedImport.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"{not json", "not JSON"),
        (b'"a string"', "a service, a list of services or a page"),
        (b'{"contents": {}}', "must be a list of services"),
        (b"[]", "no services"),
        (b"[42]", "is not of type 'object'"),
    ],
)
def test_feeds_of_the_wrong_shape_are_refused(council_a, data, message):
    with schema_context(council_a.schema_name), pytest.raises(FeedInvalid) as caught:
        import_feed(data, source="x.json")
    assert message in str(caught.value)


def test_duplicate_ids_are_refused_naming_them(council_a):
    with schema_context(council_a.schema_name):
        with pytest.raises(FeedInvalid) as caught:
            import_feed(feed("duplicate_ids.json"), source="dup.json")
        text = str(caught.value)
        assert f"duplicate service id {UK_ID}" in text
        assert "$.contents[0] and $.contents[2]" in text
        assert "duplicate contact id 1e7efce3-639b-4880-940c-b95cd30cdb50" in text
        assert not Service.objects.exists()


def test_a_referenced_organisation_with_conflicting_content_is_refused(council_a):
    data = page()
    data["contents"][2]["organization"]["name"] = "Another name"
    with schema_context(council_a.schema_name), pytest.raises(FeedInvalid) as caught:
        import_feed(json.dumps(data), source="x.json")
    assert caught.value.errors[0]["path"] == "$.contents[2].organization"
    assert "also appears at $.contents[0].organization" in caught.value.errors[0]["message"]


def test_entries_the_directory_cannot_hold_are_refused_with_paths_and_the_rest_imported(council_a):
    """The ORUK example as published is schema-valid, but its location is at latitude 100 and
    its schedule's attending type is free text: refused alone, with those paths."""
    example = json.loads(feed("example_service_full.json"))
    summary = page()["contents"][2]
    data = [summary, example]
    with schema_context(council_a.schema_name):
        result = import_feed(json.dumps(data), source="mixed.json")
        assert result.counts["services"] == {"created": 1, "updated": 0, "unchanged": 0}
        assert [r["path"] for r in result.refused] == ["$[1]"]
        refused = result.refused[0]
        assert refused["id"] == UK_ID and refused["name"] == "Community Counselling"
        paths = {e["path"] for e in refused["errors"]}
        assert "$[1].service_at_locations[0].location.latitude" in paths
        assert "$[1].schedules[0].attending_type" in paths
        assert not Service.objects.filter(pk=UK_ID).exists()
        # nothing of the refused entry stays (its organisation was only the summary's)
        assert not Location.objects.exists()
        assert Service.objects.get().name == "Drop-in Advice"


def test_parts_the_directory_cannot_hold_are_left_out_and_listed(council_a):
    data = json.loads(feed("uk_service_full.json"))
    data["service_areas"][0].update({"extent": "MyCity", "uri": "http://example.com"})
    data["languages"][0].pop("name")
    with schema_context(council_a.schema_name):
        result = import_feed(json.dumps(data), source="x.json")
        assert result.counts["services"]["created"] == 1
        assert {p["path"] for p in result.skipped} == {"$.service_areas[0]", "$.languages[0]"}
        assert not ServiceArea.objects.exists()


def test_an_organisation_id_that_names_nothing_refuses_the_entry(council_a):
    data = copy.deepcopy(page()["contents"][2])
    data.pop("organization")
    data["organization_id"] = "00000000-0000-4000-8000-000000000001"
    with schema_context(council_a.schema_name):
        result = import_feed(json.dumps(data), source="x.json")
    assert result.refused[0]["errors"] == [
        {
            "path": "$.organization_id",
            "message": "no organisation 00000000-0000-4000-8000-000000000001 in the feed or in "
            "this directory.",
        }
    ]


def test_council_b_never_sees_council_a_imports(council_a, council_b, client_b):
    with schema_context(council_a.schema_name):
        result = import_feed(feed("uk_service_page.json"), source="page.json")
    with schema_context(council_b.schema_name):
        assert not Service.objects.exists() and not FeedImport.objects.exists()
    assert client_b.get(f"/admin/directory/imports/{result.pk}/").status_code == 404
    assert "page.json" not in client_b.get("/admin/directory/imports/").content.decode()
    oruk_b = Client(HTTP_HOST=council_b.primary_domain)
    assert oruk_b.get(f"/openreferral/services/{UK_ID}").status_code == 404


# --- the command --------------------------------------------------------------------------------


def test_command_imports_a_file_and_reports(council_a, tmp_path):
    from io import StringIO

    out = StringIO()
    call_command(
        "oruk_import", "--council", council_a.slug, str(FEEDS / "uk_service_page.json"), stdout=out
    )
    assert "services: 3 created, 0 updated, 0 unchanged" in out.getvalue()
    with pytest.raises(CommandError) as caught:
        call_command("oruk_import", "--council", council_a.slug, str(FEEDS / "invalid_page.json"))
    assert "nothing was imported" in str(caught.value)
    assert "$.contents[2].email" in str(caught.value)
    with pytest.raises(CommandError, match="no council"):
        call_command("oruk_import", "--council", "nowhere", str(FEEDS / "uk_service_page.json"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("oruk_import", "--council", council_a.slug, str(tmp_path / "missing.json"))


# --- fetching from a URL ------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        status, body, headers = self.routes.get(self.path, (404, b"", {}))
        if callable(body):
            body = body()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.routes = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Handler.routes
    server.shutdown()
    server.server_close()


def test_command_imports_from_a_url(council_a, feed_server):
    from io import StringIO

    base, routes = feed_server
    routes["/openreferral/services"] = (200, feed("uk_service_page.json"), {})
    out = StringIO()
    with override_settings(ORUK_FEED_ALLOW_LOCAL=True):
        call_command(
            "oruk_import", "--council", council_a.slug, f"{base}/openreferral/services", stdout=out
        )
    assert "services: 3 created" in out.getvalue()
    with schema_context(council_a.schema_name):
        assert FeedImport.objects.get().source == f"{base}/openreferral/services"


def test_loopback_and_private_addresses_are_refused_unless_allowed(feed_server):
    base, routes = feed_server
    routes["/feed"] = (200, b"[]", {})
    with pytest.raises(FetchRefused, match="private, loopback"):
        fetch(f"{base}/feed")
    with pytest.raises(FetchRefused, match="private, loopback"):
        fetch("http://localhost/feed")
    for url in ("http://10.0.0.1/feed", "https://192.168.1.1/", "http://169.254.169.254/latest"):
        with override_settings(ORUK_FEED_ALLOW_LOCAL=True), pytest.raises(FetchRefused):
            fetch(url)
    with override_settings(ORUK_FEED_ALLOW_LOCAL=True):
        assert fetch(f"{base}/feed") == b"[]"


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/feed.json", "https:// or http://"),
        ("file:///etc/passwd", "https:// or http://"),
        ("https://user:secret@example.com/", "user name or password"),
        ("https:///nohost", "no host"),
        ("https://example.com:99999/", "port"),
    ],
)
def test_urls_that_are_not_fetched(url, message):
    with pytest.raises(FetchRefused, match=message):
        fetch(url)


@override_settings(ORUK_FEED_ALLOW_LOCAL=True, ORUK_FEED_MAX_BYTES=1000)
def test_redirects_errors_and_large_bodies_are_refused(feed_server):
    base, routes = feed_server
    routes["/moved"] = (302, b"", {"Location": "http://10.0.0.1/"})
    routes["/missing"] = (500, b"", {})
    routes["/big"] = (200, b"x" * 5000, {})
    with pytest.raises(FetchRefused, match="HTTP 302 \\(redirects are not followed\\)"):
        fetch(f"{base}/moved")
    with pytest.raises(FetchRefused, match="HTTP 500"):
        fetch(f"{base}/missing")
    with pytest.raises(FetchRefused, match="larger than 1000 bytes"):
        fetch(f"{base}/big")


@override_settings(ORUK_FEED_ALLOW_LOCAL=True, ORUK_FEED_TIMEOUT_SECONDS=0.5)
def test_a_slow_feed_times_out(feed_server):
    import time

    base, routes = feed_server

    def slow():
        time.sleep(2)
        return b"[]"

    routes["/slow"] = (200, slow, {})
    started = time.monotonic()
    with pytest.raises(FetchRefused, match="could not be fetched"):
        fetch(f"{base}/slow")
    assert time.monotonic() - started < 1.9


# --- the admin screen ---------------------------------------------------------------------------


def test_staff_import_a_file_and_see_the_report(client_a, council_a):
    upload = SimpleUploadedFile("page.json", feed("uk_service_page.json"), "application/json")
    response = client_a.post("/admin/directory/imports/", {"file": upload})
    assert response.status_code == 302
    report = client_a.get(response["Location"])
    html = report.content.decode()
    assert report.status_code == 200
    assert 'id="import-counts"' in html and "Organisations" in html
    assert "None: every service in the feed was imported." in html

    example = SimpleUploadedFile("ex.json", feed("example_service_full.json"), "application/json")
    # the example shares the page's ids: its organisation is updated... and it is refused
    response = client_a.post("/admin/directory/imports/", {"file": example})
    html = client_a.get(response["Location"]).content.decode()
    assert 'id="import-refused"' in html
    assert "$.service_at_locations[0].location.latitude" in html


def test_staff_see_every_error_of_an_invalid_feed(client_a, council_a):
    upload = SimpleUploadedFile("bad.json", feed("invalid_page.json"), "application/json")
    response = client_a.post("/admin/directory/imports/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was imported" in html
    assert "$.contents[1].service_at_locations[0].location.id" in html
    with schema_context(council_a.schema_name):
        assert not Service.objects.exists()


def test_the_form_needs_exactly_one_source_and_refuses_private_urls(client_a):
    response = client_a.post("/admin/directory/imports/", {})
    assert response.status_code == 400
    assert "Choose a file or give a URL" in response.content.decode()
    response = client_a.post("/admin/directory/imports/", {"url": "http://10.1.2.3/services"})
    assert response.status_code == 400
    assert "private, loopback" in response.content.decode()


def test_people_without_the_permission_cannot_import(staff_client_factory, council_a):
    client = staff_client_factory(council_a, groups=("Commissioners",))
    assert client.get("/admin/directory/imports/").status_code in (302, 403)
