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
