"""An invoice as HTML (a template) and as PDF (fpdf2: pure Python, its core fonts, no system
libraries). Both show the same figures, read from the stored invoice and its lines: nothing is
recalculated when an invoice is rendered."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.template.loader import render_to_string

from .models import Invoice, Metric

SUPPLIER = {
    "name": "Council Platform",
    "address": "Council Platform Ltd, 1 Example Street, London, EC1A 1AA",
    "vat_number": "GB 000 0000 00",
}


def _usage_rows(invoice: Invoice) -> list[dict]:
    from .actions import format_quantity

    rows = []
    for metric in Metric:
        entry = invoice.usage.get(metric.value)
        if not entry:
            continue
        rows.append(
            {
                "label": metric.label,
                "used": format_quantity(metric, entry["used"]),
                "quota": format_quantity(metric, entry["quota"]),
            }
        )
    return rows


def unit_price(value: Decimal) -> str:
    if value == value.quantize(Decimal("0.01")):
        return money(value)
    return f"£{value:,.4f}"


def context(invoice: Invoice) -> dict:
    return {
        "invoice": invoice,
        "lines": [
            {
                "description": line.description,
                "quantity": quantity(line.quantity),
                "unit_price": unit_price(line.unit_price),
                "amount": money(line.amount),
            }
            for line in invoice.lines.all()
        ],
        "subtotal": money(invoice.subtotal),
        "vat": money(invoice.vat),
        "total": money(invoice.total),
        "usage": _usage_rows(invoice),
        "supplier": SUPPLIER,
        "vat_percent": (invoice.vat_rate * 100).normalize(),
    }


def render_html(invoice: Invoice) -> str:
    return render_to_string("billing/invoice.html", context(invoice))


def money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def quantity(value: Decimal) -> str:
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _latin1(text: str) -> str:
    """The PDF's core fonts are Latin-1: other letters lose their accents (ŵ → w)."""
    if all(ord(c) < 256 for c in text):
        return text
    return "".join(
        c if ord(c) < 256 else unicodedata.normalize("NFKD", c).encode("latin-1", "ignore").decode()
        for c in text
    )


def render_pdf(invoice: Invoice) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    data = context(invoice)
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Invoice {invoice.number}"))
    pdf.set_author(SUPPLIER["name"])
    pdf.set_creation_date(invoice.created_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "Invoice", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for text in (
        SUPPLIER["address"],
        f"VAT registration number {SUPPLIER['vat_number']}",
        "",
        f"Invoice number: {invoice.number}",
        f"Invoice date (tax point): {invoice.issued_on:%-d %B %Y}",
        f"Payment due: {invoice.due_on:%-d %B %Y}",
        f"Billed to: {invoice.council_name}",
        f"Period: {invoice.period:%B %Y}  -  plan: {invoice.plan_name}",
    ):
        pdf.cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=(90, 25, 35, 35),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=bold,
    ) as table:
        table.row(["Description", "Quantity", "Unit price", "Amount"])
        for line in data["lines"]:
            table.row(
                [_latin1(line["description"]), line["quantity"], line["unit_price"], line["amount"]]
            )
        table.row(["Subtotal (excluding VAT)", "", "", data["subtotal"]])
        table.row([f"VAT at {data['vat_percent']}%", "", "", data["vat"]])
        table.row(["Total due", "", "", data["total"]], style=bold)
    if data["usage"]:
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, "Usage in the month", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        with pdf.table(
            col_widths=(90, 45, 45), text_align=("LEFT", "RIGHT", "RIGHT"), headings_style=bold
        ) as table:
            table.row(["", "Used", "Plan quota"])
            for row in data["usage"]:
                table.row([row["label"], row["used"], row["quota"]])
    return bytes(pdf.output())
