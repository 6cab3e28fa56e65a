"""The postcode lookup: a CSV in the ONS Postcode Directory's layout is imported (new postcodes
added, known ones replaced, ONSPD rows without a grid reference skipped); a file with any bad
line imports nothing and lists every bad line; the ORUK postcode filter uses what was
imported; staff import it in the admin; council B never sees council A's postcodes."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from commissioning.providers.models import Postcode
from commissioning.providers.postcodes import PostcodeFileInvalid, import_postcodes
from platform_core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "feeds" / "onspd_sample.csv"


def test_an_onspd_file_is_imported_and_reimport_replaces(council_a, council_b):
    with schema_context(council_a.schema_name):
        result = import_postcodes(SAMPLE.read_bytes(), actor="test", filename="onspd.csv")
        assert (result.rows, result.created, result.updated, result.skipped) == (3, 3, 0, 1)
        palace = Postcode.objects.get(postcode="SW1A 1AA")
        assert str(palace.latitude) == "51.501009" and str(palace.longitude) == "-0.141588"
        codes = palace.gss_codes.split(",")
        assert "E09000033" in codes and "E05013806" in codes and "E92000001" in codes
        assert "E99999999" not in codes  # the ONSPD's pseudo code is not an area
        assert not Postcode.objects.filter(postcode="ZZ99 9ZZ").exists()
        assert AuditEntry.objects.filter(action="providers.postcodes_imported").exists()
        again = import_postcodes(SAMPLE.read_bytes(), actor="test")
        assert (again.created, again.updated) == (0, 3)
        assert Postcode.objects.count() == 3
    with schema_context(council_b.schema_name):
        assert not Postcode.objects.exists()


def _bad_file() -> str:
    lines = SAMPLE.read_text().splitlines()
    header = lines[0].split(",")
    lat, lon, pcds = header.index("lat"), header.index("long"), header.index("pcds")

    def edit(line, **values):
        cells = line.split(",")
        for index, value in values.items():
            cells[int(index)] = value
        return ",".join(cells)

    return "\n".join(
        [
            lines[0],
            lines[1],  # good
            edit(lines[2], **{str(pcds): "NOT A CODE", "1": "", "0": ""}),  # line 3
            edit(lines[3], **{str(lat): "north"}),  # line 4
            edit(lines[1], **{str(lat): "95.0"}),  # line 5: also SW1A 1AA again
            edit(lines[2], **{str(lon): "-200"}),  # line 6
        ]
    )


def test_every_bad_line_is_listed_and_nothing_is_written(council_a):
    with schema_context(council_a.schema_name):
        before = Postcode.objects.count()
        with pytest.raises(PostcodeFileInvalid) as caught:
            import_postcodes(_bad_file().encode())
        errors = caught.value.errors
        assert [e.split(":")[0] for e in errors] == ["line 3", "line 4", "line 5", "line 6"]
        assert "'NOT A CODE' is not a postcode" in errors[0]
        assert "must be numbers" in errors[1]
        assert "SW1A 1AA is also on line 2" in errors[2]
        assert "long from -180 to 180" in errors[3]
        assert Postcode.objects.count() == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("postcode,latitude,longitude\nSW1A 1AA,51.5,-0.14\n", "missing column a postcode column"),
        ("pcds,lat\nSW1A 1AA,51.5\n", "missing column long"),
        ("pcds,lat,long\n", "no postcodes"),
    ],
)
def test_files_without_the_columns_are_refused(council_a, text, message):
    with schema_context(council_a.schema_name), pytest.raises(PostcodeFileInvalid) as caught:
        import_postcodes(text.encode())
    assert message in str(caught.value)


def test_the_oruk_postcode_filter_uses_imported_postcodes(council_a, anon_client_a):
    with schema_context(council_a.schema_name):
        import_postcodes(SAMPLE.read_bytes())
    response = anon_client_a.get("/openreferral/services", {"postcode": "bs15tr"})
    assert response.status_code == 200
    unknown = anon_client_a.get("/openreferral/services", {"postcode": "ZZ99 9ZZ"})
    assert unknown.status_code == 400


def test_staff_import_in_the_admin(client_a, client_b, council_a):
    upload = SimpleUploadedFile("onspd.csv", SAMPLE.read_bytes(), "text/csv")
    response = client_a.post("/admin/directory/postcodes/import/", {"file": upload})
    assert response.status_code == 302
    page = client_a.get(response["Location"]).content.decode()
    assert "Imported 3 postcodes (3 new, 0 replaced; 1 without a grid reference skipped)" in page
    bad = SimpleUploadedFile("bad.csv", _bad_file().encode(), "text/csv")
    response = client_a.post("/admin/directory/postcodes/import/", {"file": bad})
    assert response.status_code == 400
    assert "line 4: lat and long must be numbers" in response.content.decode()
    listing = client_a.get("/admin/directory/postcodes/import/", {"q": "sw1a"}).content.decode()
    assert "<td>SW1A 1AA</td>" in listing
    other = client_b.get("/admin/directory/postcodes/import/", {"q": "sw1a"}).content.decode()
    assert "<td>SW1A 1AA</td>" not in other


def test_command(council_a):
    out = StringIO()
    call_command("import_postcodes", "--council", council_a.slug, str(SAMPLE), stdout=out)
    assert "Imported 3 postcodes" in out.getvalue()
    with pytest.raises(CommandError, match="no council"):
        call_command("import_postcodes", "--council", "nowhere", str(SAMPLE))


# --- one postcode on screen ---------------------------------------------------------------------


@pytest.fixture
def palace(council_a):
    with schema_context(council_a.schema_name):
        import_postcodes(SAMPLE.read_bytes())
        return Postcode.objects.get(postcode="SW1A 1AA")


def _raising_off(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "spelling", ["SW1A%201AA", "sw1a1aa", "sw1a%201aa", "%20SW1A1AA", "Sw1A%20%201aA"]
)
def test_any_spelling_of_a_postcode_reaches_its_screen(client_a, palace, spelling):
    """A space in the URL (the 500 of the snippet screen that was tried), lower case, extra
    spaces: all go to the one canonical URL, upper case without the space."""
    response = client_a.get(f"/admin/directory/postcodes/{spelling}/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/directory/postcodes/SW1A1AA/"
    page = client_a.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Postcode SW1A 1AA" in html and 'value="51.501009"' in html
    assert "E09000033" in html


@pytest.mark.parametrize(
    ("spelling", "status", "message"),
    [
        ("NOTACODE", 400, "is not a postcode in the UK format"),
        ("SW1A-1AA", 400, "only letters, digits and a space"),
        ("%00", 400, None),  # a NUL: BadInputMiddleware's 400 before any view
        ("%5C", 400, "only letters, digits and a space"),
        ("x" * 10_000, 400, "A postcode is at most 8 characters; this is 10000 long."),
        ("ZZ99ZZ", 404, None),  # a valid postcode the lookup does not have: the platform's 404
    ],
)
def test_bad_postcodes_in_the_url_are_clear_errors(client_a, palace, spelling, status, message):
    client = _raising_off(client_a)
    for path in (
        f"/admin/directory/postcodes/{spelling}/",
        f"/admin/directory/postcodes/{spelling}/delete/",
    ):
        method = client.post if path.endswith("delete/") else client.get
        response = method(path)
        assert response.status_code == status, path[:60]
        if message:
            assert message in response.content.decode()
            assert 'role="alert"' in response.content.decode()


def test_staff_change_a_postcode_audited_and_the_filter_uses_it(client_a, council_a, palace):
    response = client_a.post(
        "/admin/directory/postcodes/SW1A1AA/",
        {"latitude": "51.5", "longitude": "-0.1", "gss_codes": "e09000033\nE05013806, E09000033"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/directory/postcodes/SW1A1AA/"
    assert "SW1A 1AA saved." in client_a.get(response["Location"]).content.decode()
    with schema_context(council_a.schema_name):
        palace = Postcode.objects.get(postcode="SW1A 1AA")
        assert (str(palace.latitude), str(palace.longitude)) == ("51.500000", "-0.100000")
        assert palace.gss_codes == "E09000033,E05013806"
        entry = AuditEntry.objects.filter(action="providers.postcode_changed").get()
        assert entry.object_id == "SW1A 1AA"
        assert entry.detail["before"]["latitude"] == "51.501009"
        assert entry.detail["after"]["gss_codes"] == "E09000033,E05013806"
    # saving the same values again changes and audits nothing
    again = client_a.post(
        "/admin/directory/postcodes/SW1A1AA/",
        {"latitude": "51.5", "longitude": "-0.1", "gss_codes": "E09000033,E05013806"},
    )
    assert "Nothing was changed." in client_a.get(again["Location"]).content.decode()
    with schema_context(council_a.schema_name):
        assert AuditEntry.objects.filter(action="providers.postcode_changed").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"latitude": "north", "longitude": "0"}, "latitude", "Enter the latitude as a number"),
        ({"latitude": "95", "longitude": "0"}, "latitude", "less than or equal to 90"),
        ({"latitude": "51", "longitude": "-200"}, "longitude", "greater than or equal to -180"),
        ({"latitude": "51.1234567", "longitude": "0"}, "latitude", "6 decimal places"),
        ({"latitude": "", "longitude": "0"}, "latitude", "This field is required"),
        (
            {"latitude": "51", "longitude": "0", "gss_codes": "E09000033, X123, 12"},
            "gss_codes",
            "Not GSS codes: X123, 12.",
        ),
        (
            {
                "latitude": "51",
                "longitude": "0",
                "gss_codes": " ".join(["E09000033"] * 3 + [f"E0{n:07d}" for n in range(30)]),
            },
            "gss_codes",
            "More GSS codes than the directory keeps",
        ),
    ],
)
def test_bad_values_are_errors_on_their_field_and_nothing_is_saved(
    client_a, council_a, palace, data, field, message
):
    response = client_a.post("/admin/directory/postcodes/SW1A1AA/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and message in html
    assert "Nothing was saved" in html
    with schema_context(council_a.schema_name):
        assert str(Postcode.objects.get(postcode="SW1A 1AA").latitude) == "51.501009"
        assert not AuditEntry.objects.filter(action="providers.postcode_changed").exists()


def test_staff_delete_a_postcode_audited(client_a, council_a, anon_client_a, palace):
    response = client_a.post("/admin/directory/postcodes/sw1a%201aa/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/directory/postcodes/import/"
    with schema_context(council_a.schema_name):
        assert not Postcode.objects.filter(postcode="SW1A 1AA").exists()
        entry = AuditEntry.objects.get(action="providers.postcode_deleted")
        assert entry.object_id == "SW1A 1AA" and entry.detail["latitude"] == "51.501009"
    unknown = anon_client_a.get("/openreferral/services", {"postcode": "SW1A 1AA"})
    assert unknown.status_code == 400
    assert client_a.get("/admin/directory/postcodes/SW1A1AA/").status_code == 404
    assert client_a.get("/admin/directory/postcodes/SW1A1AA/delete/").status_code == 405


def test_the_lookup_links_each_postcode_to_its_screen(client_a, palace):
    listing = client_a.get("/admin/directory/postcodes/import/", {"q": "sw1a"}).content.decode()
    assert 'href="/admin/directory/postcodes/SW1A1AA/"' in listing


def test_council_b_and_people_without_the_permission_cannot_reach_a_postcode(
    client_b, anon_client_a, council_a, palace, staff_client_factory
):
    # B's lookup has no SW1A 1AA: the same 404 as any unknown postcode, and nothing changes
    response = client_b.get("/admin/directory/postcodes/SW1A1AA/")
    assert response.status_code == 404
    response = client_b.post(
        "/admin/directory/postcodes/SW1A1AA/", {"latitude": "1", "longitude": "1"}
    )
    assert response.status_code == 404
    assert client_b.post("/admin/directory/postcodes/SW1A1AA/delete/").status_code == 404
    # not signed in: to the sign-in page
    response = anon_client_a.post(
        "/admin/directory/postcodes/SW1A1AA/", {"latitude": "1", "longitude": "1"}
    )
    assert response.status_code == 302 and "login" in response["Location"]
    # staff without the directory permissions: 403
    other = _raising_off(staff_client_factory(council_a, groups=(), username="x@a.example"))
    assert other.get("/admin/directory/postcodes/SW1A1AA/").status_code in (302, 403)
    assert other.post("/admin/directory/postcodes/SW1A1AA/delete/").status_code in (302, 403)
    with schema_context(council_a.schema_name):
        palace = Postcode.objects.get(postcode="SW1A 1AA")
        assert str(palace.latitude) == "51.501009"
