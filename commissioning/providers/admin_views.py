"""Staff screens for provider accounts and the changes providers send for approval (Wagtail
admin, under the Directory menu)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from platform_core.errors import Refused

from . import actions
from .models import Organization, ProviderAccount, Service, ServiceChange


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class AccountForm(forms.Form):
    email = forms.EmailField(label="Email address")
    name = forms.CharField(label="Full name", required=False, max_length=150)
    organization = forms.ModelChoiceField(
        Organization.objects.all(), label="Organisation", empty_label=None
    )


def accounts(request):
    _require(request, "providers.view_provideraccount")
    return TemplateResponse(
        request,
        "providers/admin/accounts.html",
        {
            "accounts": ProviderAccount.objects.select_related("user", "organization"),
            "page_title": "Provider accounts",
        },
    )


@require_http_methods(["GET", "POST"])
def add_account(request):
    _require(request, "providers.add_provideraccount")
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = actions.create_provider_account(
                request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                organization=form.cleaned_data["organization"],
            )
        except Refused as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request, f"Account created; {account.user.email} has been emailed a link."
            )
            return redirect("providers_admin:accounts")
    return TemplateResponse(
        request,
        "providers/admin/account_form.html",
        {"form": form, "page_title": "Add a provider account"},
    )


def changes(request):
    _require(request, "providers.change_service")
    return TemplateResponse(
        request,
        "providers/admin/changes.html",
        {
            "pending": ServiceChange.objects.filter(status=ServiceChange.Status.PENDING)
            .select_related("service__organization", "submitted_by")
            .order_by("submitted_at"),
            "page_title": "Changes from providers",
        },
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(required=False, widget=forms.Textarea)


@require_http_methods(["GET", "POST"])
def change(request, pk):
    _require(request, "providers.change_service")
    item = get_object_or_404(
        ServiceChange.objects.select_related("service__organization", "submitted_by"), pk=pk
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_change(
                request.user,
                item,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Change to {item.service.name} decided.")
            return redirect("providers_admin:changes")
    rows = _change_rows(item)
    return TemplateResponse(
        request,
        "providers/admin/change.html",
        {"item": item, "rows": rows, "form": form, "page_title": f"Change to {item.service.name}"},
    )


def _row_text(kind: str, row: dict, places: dict) -> str:
    """One row of a provider's list, as a line a person reads."""
    if kind == "phones":
        return row["number"] + (f" ({row['description']})" if row.get("description") else "")
    if kind == "cost_options":
        parts = [row.get("option") or "Cost"]
        if row.get("amount") is not None:
            parts.append(f"£{row['amount']}")
        if row.get("amount_description"):
            parts.append(f"({row['amount_description']})")
        if row.get("valid_from") or row.get("valid_to"):
            parts.append(f"valid {row.get('valid_from') or '…'} to {row.get('valid_to') or '…'}")
        return " ".join(parts)
    where = places.get(row.get("service_at_location") or "", "All the service's locations")
    days = ", ".join(actions.DAY_NAMES.get(d, d) for d in (row.get("byday") or "").split(",") if d)
    times = (
        f"{row['opens_at']} to {row['closes_at']}"
        if row.get("opens_at") and row.get("closes_at")
        else ""
    )
    return " ".join(x for x in (f"{where}:", days, times, row.get("description") or "") if x)


def _change_rows(item: ServiceChange) -> list[dict]:
    """The change as "field, now, proposed" rows; a list (phones, costs, opening hours) shows
    each row as a line, before and after, with the lines added and removed marked."""
    from .models import ServiceAtLocation

    places = {
        str(sal.id): sal.location.name or str(sal.location_id)
        for sal in ServiceAtLocation.objects.filter(service=item.service).select_related("location")
    }
    rows = []
    for field, value in item.data.items():
        if field in actions.PROVIDER_LISTS:
            before = [_row_text(field, r, places) for r in item.previous.get(field) or []]
            after = [_row_text(field, r, places) for r in value or []]
            rows.append(
                {
                    "field": actions.LIST_TITLES[field],
                    "is_list": True,
                    "before": [(line, line not in after) for line in before],
                    "after": [(line, line not in before) for line in after],
                }
            )
        else:
            rows.append({"field": field, "before": item.previous.get(field), "after": value})
    return rows


# --- importing another directory's ORUK feed ----------------------------------------------------


class FeedForm(forms.Form):
    file = forms.FileField(
        label="ORUK feed file (JSON)",
        required=False,
        help_text="One service, a list of services, or a page of /services.",
    )
    url = forms.URLField(
        label="or the feed's URL",
        required=False,
        assume_scheme="https",
        help_text="e.g. https://directory.example.gov.uk/openreferral/services/<id>",
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Choose a file or give a URL (one of them).")
        return data


@require_http_methods(["GET", "POST"])
def imports(request):
    """Past imports and the form to import a feed; an invalid feed's errors are listed with
    their JSON paths (nothing was imported)."""
    from .fetch import FetchRefused
    from .importer import FeedInvalid, import_feed, import_url
    from .models import FeedImport

    _require(request, "providers.view_feedimport")
    form = FeedForm(request.POST, request.FILES) if request.method == "POST" else FeedForm()
    errors: list = []
    if request.method == "POST":
        _require(request, "providers.add_feedimport")
        if form.is_valid():
            upload, url = form.cleaned_data["file"], form.cleaned_data["url"]
            try:
                if upload:
                    result = import_feed(upload.read(), source=upload.name, actor=request.user)
                else:
                    result = import_url(url, actor=request.user)
            except FetchRefused as exc:
                form.add_error("url", str(exc))
            except FeedInvalid as exc:
                errors = exc.errors
            else:
                messages.success(request, "Feed imported; the report is below.")
                return redirect("providers_admin:import", pk=result.pk)
    return TemplateResponse(
        request,
        "providers/admin/imports.html",
        {
            "form": form,
            "errors": errors,
            "imports": FeedImport.objects.select_related("imported_by")[:50],
            "page_title": "Import a directory feed",
        },
        status=400 if request.method == "POST" else 200,
    )


COUNT_LABELS = {
    "services": "Services",
    "organizations": "Organisations",
    "locations": "Locations",
    "taxonomies": "Taxonomies",
    "taxonomy_terms": "Taxonomy terms",
}


def import_report(request, pk):
    from .models import FeedImport

    _require(request, "providers.view_feedimport")
    item = get_object_or_404(FeedImport.objects.select_related("imported_by"), pk=pk)
    return TemplateResponse(
        request,
        "providers/admin/import_report.html",
        {
            "item": item,
            "counts": [
                {"label": COUNT_LABELS.get(kind, kind), **n} for kind, n in item.counts.items()
            ],
            "page_title": f"Import of {item.source}",
        },
    )


# --- sharing with neighbouring councils ---------------------------------------------------------


class ShareForm(forms.Form):
    kind = forms.ChoiceField(
        label="What to share",
        choices=[("service", "A service"), ("organization", "An organisation (all its services)")],
        widget=forms.RadioSelect,
        initial="service",
    )
    service = forms.ModelChoiceField(Service.objects.none(), required=False, label="Service")
    organization = forms.ModelChoiceField(
        Organization.objects.none(), required=False, label="Organisation"
    )
    councils = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Neighbouring councils",
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        choices=(),
        required=False,
        label="Or every council in a region",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        from tenants.access import active_councils, current_council
        from tenants.models import Region

        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.order_by("name")
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        here = current_council()
        self.fields["councils"].queryset = active_councils().exclude(pk=getattr(here, "pk", None))
        self.fields["regions"].choices = Region.choices

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not data.get(kind):
            self.add_error(
                kind, f"Choose the {'service' if kind == 'service' else 'organisation'} to share."
            )
        if not data.get("councils") and not data.get("regions"):
            self.add_error("councils", "Choose at least one neighbouring council or region.")
        return data


@require_http_methods(["GET", "POST"])
def shares(request):
    """This council's shares, and the form to share a service or organisation."""
    from . import sharing

    _require(request, "providers.view_service")
    form = ShareForm(request.POST) if request.method == "POST" else ShareForm()
    status = 200
    if request.method == "POST":
        _require(request, "providers.change_service")
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                sharing.share(
                    request.user,
                    kind=kind,
                    entry_id=form.cleaned_data[kind].pk,
                    councils=list(form.cleaned_data["councils"]),
                    regions=form.cleaned_data["regions"],
                )
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{form.cleaned_data[kind].name} is shared.")
                return redirect("providers_admin:shares")
        status = 400
    return TemplateResponse(
        request,
        "providers/admin/shares.html",
        {
            "form": form,
            "shares": sharing.shares_of_this_council(),
            "page_title": "Share with neighbouring councils",
        },
        status=status,
    )


@require_http_methods(["POST"])
def unshare(request, pk):
    from django.http import Http404

    from . import sharing

    _require(request, "providers.change_service")
    try:
        sharing.unshare(request.user, pk)
    except Refused:
        raise Http404("No such share.") from None
    messages.success(request, "No longer shared; neighbouring councils no longer see it.")
    return redirect("providers_admin:shares")


@require_http_methods(["GET"])
def shared_with_us(request):
    from . import sharing

    _require(request, "providers.view_service")
    return TemplateResponse(
        request,
        "providers/admin/shared.html",
        {
            "items": sharing.shared_with_this_council(),
            "page_title": "Shared with us by neighbouring councils",
        },
    )


@require_http_methods(["GET"])
def shared_service(request, pk):
    """One service a neighbouring council shares with this one: read-only, its owner named."""
    from django.http import Http404

    from . import sharing

    _require(request, "providers.view_service")
    item = sharing.shared_with_this_council().filter(pk=pk).first()
    if item is None:
        raise Http404("No such shared service.")
    return TemplateResponse(
        request,
        "providers/admin/shared_service.html",
        {"item": item, "detail": item.detail, "page_title": item.name},
    )


# --- the postcode lookup ------------------------------------------------------------------------


class PostcodeFileForm(forms.Form):
    file = forms.FileField(
        label="Postcode file (CSV)",
        help_text="The ONS Postcode Directory's columns: pcds (or pcd), lat, long, and the GSS "
        "code columns you want kept (oslaua, osward, oscty, ctry, rgn, pcon, lsoa21, ...).",
    )


@require_http_methods(["GET", "POST"])
def import_postcodes(request):
    from .models import Postcode
    from .postcodes import PostcodeFileInvalid
    from .postcodes import import_postcodes as run_import

    _require(request, "providers.add_postcode")
    form = PostcodeFileForm(request.POST, request.FILES) if request.method == "POST" else None
    form = form or PostcodeFileForm()
    errors, more, status = [], 0, 200
    query = " ".join(request.GET.get("q", "").split()).upper()[:20]
    found = Postcode.objects.filter(postcode__startswith=query)[:100] if query else []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = run_import(upload.file, actor=request.user, filename=upload.name)
            except PostcodeFileInvalid as exc:
                errors, more = exc.errors, exc.more
            else:
                messages.success(
                    request,
                    f"Imported {result.rows} postcodes ({result.created} new, {result.updated} "
                    f"replaced; {result.skipped} without a grid reference skipped).",
                )
                return redirect("providers_admin:postcodes-import")
    return TemplateResponse(
        request,
        "providers/admin/postcodes_import.html",
        {
            "form": form,
            "errors": errors,
            "more": more,
            "total": Postcode.objects.count(),
            "query": query,
            "found": found,
            "page_title": "Postcodes",
        },
        status=status,
    )


class PostcodeForm(forms.Form):
    latitude = forms.DecimalField(
        label="Latitude",
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        help_text="Decimal degrees (WGS84), from -90 to 90, at most 6 decimal places.",
        error_messages={"invalid": "Enter the latitude as a number, like 51.501009."},
    )
    longitude = forms.DecimalField(
        label="Longitude",
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        help_text="Decimal degrees (WGS84), from -180 to 180, at most 6 decimal places.",
        error_messages={"invalid": "Enter the longitude as a number, like -0.141588."},
    )
    gss_codes = forms.CharField(
        label="GSS codes of its areas",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Separated by commas, spaces or new lines (e.g. E06000023, E05010862).",
    )

    def clean_gss_codes(self):
        from .postcodes import parse_gss_codes

        try:
            return parse_gss_codes(self.cleaned_data["gss_codes"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


def _postcode_error(request, message: str, status: int):
    return TemplateResponse(
        request,
        "providers/admin/postcode_error.html",
        {"message": message, "page_title": "Postcode"},
        status=status,
    )


def _find_postcode(request, code: str):
    """(postcode, None) or (None, the response: a clear error page or the canonical URL)."""
    from .models import Postcode
    from .postcodes import BadPostcode, parse_postcode, url_form

    try:
        postcode = parse_postcode(code)
    except BadPostcode as exc:
        return None, _postcode_error(request, str(exc), 400)
    if code != url_form(postcode) and request.method in ("GET", "HEAD"):
        # dm11na, DM1 1NA (a space in the URL), ... → /postcodes/DM11NA/
        return None, redirect("providers_admin:postcode", code=url_form(postcode))
    found = Postcode.objects.filter(postcode=postcode).first()
    if found is None:
        # the platform's 404, the same as for any missing object (and another council's postcode)
        from django.http import Http404

        raise Http404("No such postcode in this council's lookup.")
    return found, None


@require_http_methods(["GET", "POST"])
def postcode(request, code):
    """One postcode of the lookup: its centroid and GSS codes, changed on screen (audited)."""
    from .postcodes import change_postcode

    _require(request, "providers.view_postcode")
    found, response = _find_postcode(request, code)
    if response is not None:
        return response
    initial = {
        "latitude": found.latitude,
        "longitude": found.longitude,
        "gss_codes": ", ".join(c for c in found.gss_codes.split(",") if c),
    }
    form = PostcodeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        _require(request, "providers.change_postcode")
        if form.is_valid():
            changed = change_postcode(found, actor=request.user, **form.cleaned_data)
            messages.success(
                request, f"{found.postcode} saved." if changed else "Nothing was changed."
            )
            return redirect("providers_admin:postcode", code=found.postcode.replace(" ", ""))
        status = 400
    return TemplateResponse(
        request,
        "providers/admin/postcode.html",
        {
            "postcode": found,
            "form": form,
            "can_change": request.user.has_perm("providers.change_postcode"),
            "can_delete": request.user.has_perm("providers.delete_postcode"),
            "page_title": f"Postcode {found.postcode}",
        },
        status=status,
    )


@require_http_methods(["POST"])
def delete_postcode(request, code):
    from .postcodes import delete_postcode as run_delete

    _require(request, "providers.delete_postcode")
    found, response = _find_postcode(request, code)
    if response is not None:
        return response
    run_delete(found, actor=request.user)
    messages.success(request, f"{found.postcode} is no longer in the postcode lookup.")
    return redirect("providers_admin:postcodes-import")
