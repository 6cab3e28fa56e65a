"""The market dashboard and the spend and CQC ratings imports (Wagtail admin, "Markets")."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from intelligence.figures import format_figure
from intelligence.warehouse import access as warehouse

from . import actions, charts
from .models import Alert, Market


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def dashboard(request):
    _require(request, "markets.view_market")
    markets = Market.objects.select_related("term").prefetch_related("figures", "alerts")
    rows = []
    for market in markets:
        figures = list(market.figures.all())
        latest = figures[-1] if figures else None
        rows.append({"market": market, "latest": latest, "alerts": list(market.alerts.all())})
    return TemplateResponse(
        request,
        "markets/dashboard.html",
        {
            "rows": rows,
            "rating_alerts": Alert.objects.filter(market__isnull=True)[:20],
            "page_title": "Markets",
        },
    )


def market(request, pk):
    _require(request, "markets.view_market")
    item = get_object_or_404(Market.objects.select_related("term"), pk=pk)
    history = list(item.figures.all())
    latest = history[-1] if history else None
    return TemplateResponse(
        request,
        "markets/market.html",
        {
            "market": item,
            "history": history,
            "latest": latest,
            "alerts": item.alerts.all(),
            "shares_chart": charts.share_bars(
                f"Share of spend, {latest.period}" if latest else "Share of spend",
                latest.figures["shares"] if latest else [],
            ),
            "hhi_chart": charts.hhi_line(
                "HHI by period", [h.period for h in history], [h.figures["hhi"] for h in history]
            ),
            "fmt": format_figure,
            "page_title": item.name,
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file")


def _import(request, *, perm, title, help_text, run):
    _require(request, perm)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = run(upload.read(), upload.name)
        except actions.ImportRefused as exc:
            errors = exc.errors
        else:
            messages.success(request, result)
            return redirect("markets_admin:dashboard")
    return TemplateResponse(
        request,
        "markets/import.html",
        {"form": form, "errors": errors, "page_title": title, "help_text": help_text},
    )


def _lines(request, action, noun: str):
    """An import that makes a batch of lines: its message counts them."""

    def run(data, name):
        batch = action(data, actor=request.user, filename=name)
        return f"Imported {batch.rows} {noun} lines."

    return run


@require_http_methods(["GET", "POST"])
def import_spend(request):
    return _import(
        request,
        perm="markets.add_spend",
        title="Import spend",
        help_text="Columns: provider,category,area,period,amount. Nothing is imported if any "
        "line is wrong.",
        run=_lines(request, actions.import_spend, "spend"),
    )


@require_http_methods(["GET", "POST"])
def import_ratings(request):
    def run(data, name):
        result = actions.import_ratings(data, actor=request.user)
        return f"Imported {result['rows']} CQC ratings; {result['changed']} changed."

    return _import(
        request,
        perm="markets.add_rating",
        title="Import CQC ratings",
        help_text="The CQC's layout: Location ID, Provider ID, Safe, Effective, Caring, "
        "Responsive, Well-led, Overall, Publication Date.",
        run=run,
    )


@require_http_methods(["GET", "POST"])
def import_capacity(request):
    return _import(
        request,
        perm="markets.add_capacity",
        title="Import capacity",
        help_text="Columns: provider,category,area,unit,capacity (unit: places or hours; "
        "capacity a whole number), and optionally service and location (the provider's own, by "
        "id or name). A file replaces the capacity of every market it names. Nothing is "
        "imported if any line is wrong.",
        run=_lines(request, actions.import_capacity, "capacity"),
    )


class MarketSettingsForm(forms.ModelForm):
    class Meta:
        model = Market
        fields = ["area_name", "demand_metric_id", "capacity", "capacity_unit", "min_capacity"]
        labels = {"demand_metric_id": "Demand metric (warehouse metric id)"}

    def clean_demand_metric_id(self):
        value = (self.cleaned_data.get("demand_metric_id") or "").strip()
        if value and value not in warehouse.metric_titles():
            raise forms.ValidationError(f"{value!r} is not a metric of the council's warehouse.")
        return value


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """The market's own settings: its name, the warehouse metric that measures demand in its
    area, capacity entered by hand (when none is imported), the unit and the alert threshold."""
    _require(request, "markets.change_market")
    item = get_object_or_404(Market.objects.select_related("term"), pk=pk)
    form = MarketSettingsForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        actions.update_market(item, form.cleaned_data, actor=request.user)
        messages.success(request, f"Saved {item.name}.")
        return redirect("markets_admin:market", pk=item.pk)
    return TemplateResponse(
        request,
        "markets/edit.html",
        {"form": form, "market": item, "page_title": f"Settings: {item.name}"},
    )
