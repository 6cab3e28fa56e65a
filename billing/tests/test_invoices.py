"""Invoice arithmetic (VAT at 20%, pence-exact rounding, pro-rating, overage), the monthly
command's idempotence, and the HTML and PDF an invoice is rendered as."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from billing import actions, money
from billing.models import Invoice, Metric, Plan, Subscription

D = Decimal


def test_line_amounts_round_half_up_to_the_penny():
    # 0.5 × £0.25 = £0.125: half up gives 13p (banker's rounding would give 12p).
    assert money.Line("x", D("0.5"), D("0.25")).amount == D("0.13")
    assert money.Line("x", D(3), D("0.333")).amount == D("1.00")  # 0.999 → £1.00
    assert money.Line("x", D(7), D("0.50")).amount == D("3.50")


def test_vat_is_twenty_percent_of_the_subtotal_rounded_to_the_penny():
    lines = [
        money.Line("fee", D(1), D("250.00")),
        money.Line("views", D(3), D("0.50")),
        money.Line("odd", D(1), D("0.07")),
    ]
    totals = money.totals(lines)
    assert totals.subtotal == D("251.57")
    assert totals.vat == D("50.31")  # 50.314 → 50.31
    assert totals.total == D("301.88")
    # 20% of 0.13 is 0.026: rounds up to 3p; of 0.12 is 0.024: down to 2p.
    assert money.totals([money.Line("a", D(1), D("0.13"))]).vat == D("0.03")
    assert money.totals([money.Line("a", D(1), D("0.12"))]).vat == D("0.02")
    # Amounts are exact Decimals: no float ever (0.1 + 0.2 is 0.30).
    assert money.totals(
        [money.Line("a", D(1), D("0.1")), money.Line("b", D(1), D("0.2"))]
    ).total == D("0.36")


def test_first_month_is_pro_rated_by_day_and_rounded_once():
    plan = Plan(name="P", monthly_price=D("250.00"), staff_users_quota=5, page_views_quota=1000)
    plan.extra_staff_user_price = D("15.00")
    plan.page_views_overage_price = D("0.50")
    lines = actions.invoice_lines(plan, date(2026, 11, 1), date(2026, 11, 2), {})
    assert len(lines) == 1
    # 29 of November's 30 days: 250 × 29 / 30 = 241.666… → £241.67 (not 29 × £8.33 = £241.57).
    assert lines[0].amount == D("241.67")
    assert lines[0].shown_unit_price == D("8.3333")
    assert "29 of 30 days" in lines[0].description
    # A subscription that started after the month: nothing to invoice for it.
    assert actions.invoice_lines(plan, date(2026, 10, 1), date(2026, 11, 2), {}) == []


def test_overage_lines_for_staff_users_and_started_thousands_of_page_views():
    plan = Plan(name="P", monthly_price=D("100.00"), staff_users_quota=5, page_views_quota=1000)
    plan.extra_staff_user_price = D("15.00")
    plan.page_views_overage_price = D("0.50")
    usage = {Metric.STAFF_USERS: 7, Metric.PAGE_VIEWS: 3001, Metric.API_CALLS: 10**9}
    lines = actions.invoice_lines(plan, date(2026, 10, 1), date(2026, 1, 1), usage)
    assert [(line.quantity, line.amount) for line in lines] == [
        (D(1), D("100.00")),
        (D(2), D("30.00")),  # two staff users over 5
        (D(3), D("1.50")),  # 2,001 views over: three started thousands
    ]
    totals = money.totals(lines)
    assert (totals.subtotal, totals.vat, totals.total) == (D("131.50"), D("26.30"), D("157.80"))


def test_period_must_be_a_month():
    assert money.parse_period("2026-02") == date(2026, 2, 1)
    for bad in ("2026", "2026-13", "feb", "2026-02-01"):
        with pytest.raises(ValueError, match="expected YYYY-MM"):
            money.parse_period(bad)


@pytest.mark.django_db
def test_generate_invoices_issues_each_month_once(council_a, council_b):
    period = date(2026, 9, 1)
    for council in (council_a, council_b):
        Subscription.objects.filter(council=council).update(started_on=date(2026, 8, 15))
    actions.record_count(council_a, period, Metric.PAGE_VIEWS, 250_000)  # 50,000 over Starter

    out = io.StringIO()
    call_command("generate_invoices", "--period", "2026-09", stdout=out)
    issued = Invoice.objects.filter(period=period).count()
    assert issued >= 2  # A and B (and any other council the session made)
    assert f"{issued} invoice(s) issued, 0 already issued" in out.getvalue()
    invoice = Invoice.objects.get(council=council_a, period=period)
    assert [line.amount for line in invoice.lines.all()] == [D("250.00"), D("25.00")]
    assert (invoice.subtotal, invoice.vat, invoice.total) == (D("275.00"), D("55.00"), D("330.00"))
    assert invoice.usage["page_views"] == {"used": 250_000, "quota": 200_000}

    # Usage that arrives later does not change an issued invoice; a re-run issues nothing.
    actions.record_count(council_a, period, Metric.PAGE_VIEWS, 900_000)
    out = io.StringIO()
    call_command("generate_invoices", "--period", "2026-09", stdout=out)
    assert f"0 invoice(s) issued, {issued} already issued" in out.getvalue()
    assert Invoice.objects.filter(period=period).count() == issued
    invoice.refresh_from_db()
    assert invoice.total == D("330.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "message"),
    [("2026/09", "expected YYYY-MM"), ("2999-01", "has not ended yet")],
)
def test_generate_invoices_refuses_a_bad_period(period, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_invoices", "--period", period)
    assert not Invoice.objects.exists()


@pytest.fixture
def invoice_a(council_a):
    Subscription.objects.filter(council=council_a).update(started_on=date(2026, 8, 15))
    actions.record_measure(council_a, date(2026, 8, 1), Metric.STAFF_USERS, 12)
    return actions.generate_invoice(council_a, date(2026, 8, 1), issued_on=date(2026, 9, 1))


@pytest.mark.django_db
def test_invoice_renders_as_html_and_pdf_with_the_same_figures(invoice_a):
    from pypdf import PdfReader

    from billing import invoices

    # 17 of August's 31 days of £250 = £137.10 (137.096…); 2 extra staff users × £15 = £30.
    assert [line.amount for line in invoice_a.lines.all()] == [D("137.10"), D("30.00")]
    assert (invoice_a.subtotal, invoice_a.vat, invoice_a.total) == (
        D("167.10"),
        D("33.42"),
        D("200.52"),
    )
    html = invoices.render_html(invoice_a)
    for text in (
        invoice_a.number,
        "Alphaford Council",
        "£137.10",
        "£33.42",
        "£200.52",
        "VAT at 20%",
    ):
        assert text in html
    pdf = invoices.render_pdf(invoice_a)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (invoice_a.number, "Alphaford Council", "£137.10", "£33.42", "£200.52"):
        assert expected in text


@pytest.mark.django_db
def test_console_downloads_invoices_for_platform_staff_only(invoice_a, platform_host, client_b):
    from django.contrib.auth import get_user_model
    from django.test import Client

    staff = get_user_model().objects.create_superuser("ops@platform.example", password=None)
    console = Client(HTTP_HOST=platform_host)
    console.force_login(staff)
    from tenants.tests.consolehelpers import second_factor

    second_factor(console, staff)  # the console needs the second factor (django-otp)
    pdf = console.get(f"/console/billing/invoice/{invoice_a.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="invoice-{invoice_a.number}.pdf"' in pdf["Content-Disposition"]
    html = console.get(f"/console/billing/invoice/{invoice_a.pk}/html/")
    assert html.status_code == 200 and b"\xc2\xa3200.52" in html.content
    listing = console.get("/console/billing/invoice/")
    assert invoice_a.number in listing.content.decode()

    # Council B's staff (their session cookie on the platform domain) and anonymous visitors:
    # the sign-in page, never the invoice.
    for client in (Client(HTTP_HOST=platform_host), client_b):
        client.defaults["HTTP_HOST"] = platform_host
        for suffix in ("pdf/", "html/", "change/"):
            response = client.get(f"/console/billing/invoice/{invoice_a.pk}/{suffix}")
            assert response.status_code == 302 and "/console/login/" in response["Location"]


@pytest.mark.django_db
def test_demo_councils_get_a_plan_usage_and_invoices(council_a, in_council):
    from billing import demo, metering
    from billing.models import Usage

    with in_council(council_a):
        demo.seed_demo(council_a)
        demo.seed_demo(council_a)  # again: nothing doubles
    this_month = metering.current_period()
    months = [
        money.previous_month(money.previous_month(this_month)),
        money.previous_month(this_month),
    ]
    invoices = Invoice.objects.filter(council=council_a).order_by("period")
    assert [i.period for i in invoices] == months
    assert all(
        i.total == i.subtotal + i.vat and i.vat == money.pence(i.subtotal * D("0.2"))
        for i in invoices
    )
    assert Usage.objects.filter(council=council_a, period=this_month).count() == 4


@pytest.mark.django_db
def test_a_missed_first_of_the_month_is_caught_up(settings):
    """Beat or the broker down at 03:00 on the 1st: platform_core.catch_up issues the invoices
    later (the command is idempotent, so a late regular tick costs nothing)."""
    from datetime import UTC, datetime

    from platform_core import schedules
    from platform_core.models import JobRun

    assert "billing-issue-invoices" in settings.CATCH_UP_JOBS
    settings.CATCH_UP_JOBS = ["billing-issue-invoices"]
    JobRun.objects.create(
        name="billing-issue-invoices", last_success_at=datetime(2026, 10, 1, 3, 1, tzinfo=UTC)
    )
    assert schedules.overdue(datetime(2026, 10, 31, 23, 0, tzinfo=UTC)) == []
    assert schedules.overdue(datetime(2026, 11, 1, 6, 0, tzinfo=UTC)) == ["billing-issue-invoices"]
