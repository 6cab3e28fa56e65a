"""Funding screens in the council's Wagtail admin, for funding officers: saved searches (the
officer's own, with the alert settings, and the calls each matches with the reasons), grants the
council makes (listed, and awarded through the action that puts them in the 360Giving feed), and
360Giving imports (upload a package; every error with its JSON path, nothing imported from an
invalid file). Every write calls commissioning.funding.actions, as the API does.

Scoping is the API's: saved searches through ``access.saved_searches(user)`` (another officer's
search, like a missing one, is a 404)."""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from platform_core.admin_forms import ActionFormMixin, NoDeletePolicy

from . import access, actions, giving, matching
from .models import Grant, GrantsImport, SavedSearch

GSS_RE = re.compile(r"^[EWSNK]\d{8}$")


def money(value) -> str:
    return "—" if value is None else f"£{value:,.2f}".replace(".00", "")


class NoHistoryViewSet(ModelViewSet):
    """No copy, history or usage screens: Wagtail's generic history and usage views read the
    model unscoped (another officer's search would show there); the audit log is the history."""

    copy_view_enabled = False
    hidden_views: set[str] = {"history", "history_results", "usage"}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in self.hidden_views]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("history_url_name", "usage_url_name"):
            view_kwargs[name] = None
        for name in ("add", "edit", "delete"):
            if name in self.hidden_views:
                view_kwargs[f"{name}_url_name"] = None
        return view_kwargs


# --- saved searches ----------------------------------------------------------------------------


class SearchForm(WagtailAdminModelForm):
    def clean_areas(self):
        areas = [a.strip().upper() for a in self.cleaned_data.get("areas") or [] if a.strip()]
        bad = [a for a in areas if not GSS_RE.match(a)]
        if bad:
            raise forms.ValidationError(
                f"{', '.join(bad)} {'is not a GSS code' if len(bad) == 1 else 'are not GSS codes'} "
                "(a letter and eight digits, e.g. E05900001)"
            )
        return areas


class SearchIndexView(IndexView):
    def get_base_queryset(self):
        return access.saved_searches(self.request.user)

    def get_list_more_buttons(self, instance):
        return [
            ListingMenuItem(
                "Matching calls",
                url=reverse("funding_searches:matches", args=[instance.pk]),
                icon_name="pick",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class _OwnSearch:
    def get_object(self, queryset=None):
        search = access.saved_searches(self.request.user).filter(pk=_int(self.kwargs["pk"])).first()
        if search is None:
            raise Http404
        return search


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class SearchCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.save_search(
            owner=self.request.user, **{f: data[f] for f in actions.SEARCH_FIELDS if f in data}
        )

    def get_success_url(self):
        return reverse("funding_searches:matches", args=[self.object.pk])


class SearchEditView(_OwnSearch, ActionFormMixin, EditView):
    def save_instance(self):
        current = self.get_object()
        data = self.form.cleaned_data
        return actions.save_search(
            current,
            owner=self.request.user,
            **{f: data[f] for f in actions.SEARCH_FIELDS if f in data},
        )


class SearchDeleteView(_OwnSearch, DeleteView):
    def delete_action(self):
        actions.delete_search(self.object)


class SavedSearchViewSet(NoHistoryViewSet):
    model = SavedSearch
    name = "funding_searches"
    url_prefix = "funding/searches"
    icon = "search"
    menu_label = "Saved searches"
    index_view_class = SearchIndexView
    add_view_class = SearchCreateView
    edit_view_class = SearchEditView
    delete_view_class = SearchDeleteView
    list_display = [
        "name",
        Column("text", label="Words"),
        Column("themes", label="Themes", accessor=lambda s: ", ".join(s.themes) or "any"),
        Column("alerts", label="Email alerts", accessor=lambda s: "On" if s.alerts else "Off"),
        Column(
            "remind_days",
            label="Deadline reminder",
            accessor=lambda s: f"{s.remind_days} days before" if s.remind_days else "None",
        ),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            MultiFieldPanel(
                [
                    FieldPanel("text"),
                    FieldPanel(
                        "themes", help_text="Comma-separated, e.g. loneliness, older people"
                    ),
                    FieldPanel(
                        "areas",
                        help_text="Comma-separated GSS codes; a ward also matches calls for the "
                        "council it is in",
                    ),
                    FieldRowPanel([FieldPanel("applicant_type"), FieldPanel("min_amount")]),
                ],
                heading="What to look for",
            ),
            MultiFieldPanel(
                [FieldPanel("alerts"), FieldPanel("remind_days")],
                heading="Email",
                help_text="New matches are emailed once a day; calls that match when the search "
                "is saved are not.",
            ),
        ],
        base_form_class=SearchForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/matches/", search_matches_view, name="matches")
        ]


def search_matches_view(request, pk):
    """The open calls a saved search matches today, each with the reasons the council's
    ranking gives it (needs met, place, deadline, amount)."""
    if not request.user.has_perm("funding.view_savedsearch"):
        raise PermissionDenied
    search = access.saved_searches(request.user).filter(pk=pk).first()
    if search is None:
        raise Http404
    calls = access.search_calls(access.Criteria.of(search))
    ranked = matching.rank_calls().find(call.pk for call in calls)  # only these calls' rows
    rows = [(call, ranked.get(str(call.pk))) for call in calls]
    rows.sort(key=lambda r: (-(r[1].score if r[1] else -1), str(r[0].programme)))
    return TemplateResponse(
        request,
        "funding/admin/search_matches.html",
        {
            "page_title": f"Matching calls: {search.name}",
            "header_icon": "search",
            "search": search,
            "rows": rows,
            "edit_url": reverse("funding_searches:edit", args=[search.pk]),
            "index_url": reverse("funding_searches:index"),
        },
    )


# --- grants made -------------------------------------------------------------------------------


class GrantForm(WagtailAdminModelForm):
    def clean_beneficiary_geo(self):
        codes = [c.strip().upper() for c in self.cleaned_data.get("beneficiary_geo") or [] if c]
        bad = [c for c in codes if not GSS_RE.match(c)]
        if bad:
            raise forms.ValidationError(f"{', '.join(bad)}: not a GSS code (e.g. E05900001)")
        return codes

    def clean_amount_awarded(self):
        amount = self.cleaned_data["amount_awarded"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("Enter an amount of more than £0")
        return amount


class GrantIndexView(IndexView):
    add_item_label = "Award a grant"

    def get_base_queryset(self):
        return access.grants()

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton("360Giving feed", url="/api/v1/360giving/grants.json", icon_name="link")
        )
        return buttons


class GrantCreateView(ActionFormMixin, CreateView):
    page_title = "Award a grant"
    submit_button_label = "Award grant"

    def get_success_buttons(self):
        return []

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.award_grant(
            actor=self.request.user, **{f: data[f] for f in actions.GRANT_FIELDS if f in data}
        )


class GrantViewSet(NoHistoryViewSet):
    """Grants are awarded, never edited or deleted here: each is in the published feed."""

    model = Grant
    name = "funding_grants"
    url_prefix = "funding/grants"
    icon = "doc-full"
    menu_label = "Grants made"
    hidden_views = {"history", "history_results", "usage", "edit", "delete"}
    index_view_class = GrantIndexView
    add_view_class = GrantCreateView
    list_display = [
        "title",
        Column("recipient_name", label="Recipient"),
        Column("amount", label="Amount", accessor=lambda g: money(g.amount_awarded)),
        Column("award_date", label="Awarded", accessor=lambda g: f"{g.award_date:%-d %B %Y}"),
        Column("source", label="Source", accessor=lambda g: g.get_source_display()),
    ]
    list_filter = ["source"]
    search_fields = ["title", "recipient_name", "programme"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("amount_awarded"), FieldPanel("currency")]),
            FieldPanel("award_date"),
            MultiFieldPanel(
                [
                    FieldPanel("recipient_name"),
                    FieldPanel("recipient_org_id"),
                    FieldRowPanel(
                        [
                            FieldPanel("recipient_charity_number"),
                            FieldPanel("recipient_company_number"),
                        ]
                    ),
                ],
                heading="Recipient",
            ),
            FieldPanel("programme"),
            FieldPanel("beneficiary_geo", help_text="Comma-separated GSS codes"),
            FieldRowPanel([FieldPanel("source"), FieldPanel("from_open_call")]),
            FieldPanel("reference"),
        ],
        base_form_class=GrantForm,
    )


register_permission_policy(Grant, NoDeletePolicy(Grant))


# --- 360Giving imports -------------------------------------------------------------------------


class GrantsFileForm(forms.Form):
    file = forms.FileField(
        label="360Giving JSON file",
        help_text="A 360Giving data package (JSON). It is checked against the standard's schema "
        "first; nothing is imported from a file with an error.",
    )


class ImportIndexView(IndexView):
    def get_base_queryset(self):
        return GrantsImport.objects.all()

    @property
    def header_buttons(self):
        buttons = [
            HeaderButton(
                "Who funds what", url=reverse("funding_imports:funders"), icon_name="group"
            )
        ]
        if self.request.user.has_perm("funding.add_grantsimport"):
            buttons.insert(
                0,
                HeaderButton(
                    "Import a 360Giving file",
                    url=reverse("funding_imports:upload"),
                    icon_name="upload",
                ),
            )
        return buttons


class GrantsImportViewSet(NoHistoryViewSet):
    model = GrantsImport
    name = "funding_imports"
    url_prefix = "funding/360giving"
    icon = "download"
    menu_label = "360Giving imports"
    hidden_views = {"history", "history_results", "usage", "edit", "delete", "add"}
    index_view_class = ImportIndexView
    list_display = [
        "filename",
        "publisher",
        Column("grants", label="Grants"),
        Column(
            "imported_at", label="Imported", accessor=lambda b: f"{b.imported_at:%-d %B %Y %H:%M}"
        ),
    ]
    form_fields = ["filename"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("upload/", grants_upload_view, name="upload"),
            path("funders/", funders_view, name="funders"),
        ]


register_permission_policy(GrantsImport, NoDeletePolicy(GrantsImport))


@require_http_methods(["GET", "POST"])
def grants_upload_view(request):
    if not request.user.has_perm("funding.add_grantsimport"):
        raise PermissionDenied
    form = GrantsFileForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = actions.import_grants(
                    upload.read(), filename=upload.name, actor=request.user
                )
            except giving.GrantsFileError as error:
                problems = error.problems
                form.add_error(
                    "file",
                    f"The file has {len(problems)} error{'s' if len(problems) != 1 else ''}: "
                    "nothing was imported. Correct them and upload it again.",
                )
            else:
                messages.success(request, f"Imported {batch.grants} grants from {batch.filename}.")
                return redirect("funding_imports:index")
    return TemplateResponse(
        request,
        "funding/admin/grants_upload.html",
        {
            "page_title": "Import a 360Giving file",
            "header_icon": "upload",
            "form": form,
            "problems": problems,
            "index_url": reverse("funding_imports:index"),
        },
        status=status,
    )


def funders_view(request):
    """Who funds what in the council's area (imported 360Giving grants), biggest first."""
    from tenants.access import current_council_code

    if not request.user.has_perm("funding.view_externalgrant"):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "funding/admin/funders.html",
        {
            "page_title": "Who funds what in the area",
            "header_icon": "group",
            "funders": list(access.funders_in_area(current_council_code() or "")[:100]),
        },
    )
