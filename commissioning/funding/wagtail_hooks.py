"""The council's Funding menu in the Wagtail admin: its own calls (saved through the actions,
audited), the ranked matches with reasons, saved searches, grants made and 360Giving imports
(admin_viewsets.py). Each item is shown only to those with the permission it needs (funding
officers and council administrators)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import actions, admin_views
from .admin_viewsets import GrantsImportViewSet, GrantViewSet, SavedSearchViewSet
from .models import CouncilCall

FORM_FIELDS = [
    "reference",
    "funder",
    "programme",
    "description",
    "amount_min",
    "amount_max",
    "opens_on",
    "closes_on",
    "eligibility",
    "applicant_types",
    "themes",
    "geography",
    "url",
]


class CallCreateView(CreateView):
    def save_instance(self):
        values = {name: self.form.cleaned_data[name] for name in FORM_FIELDS}
        return actions.save_call(actor=self.request.user, **values)


class CallEditView(EditView):
    def save_instance(self):
        values = {name: self.form.cleaned_data[name] for name in FORM_FIELDS}
        existing = CouncilCall.objects.get(pk=self.object.pk)
        return actions.save_call(existing, actor=self.request.user, **values)


class CallDeleteView(DeleteView):
    def delete_action(self):
        actions.delete_call(self.object, actor=self.request.user)


class CouncilCallViewSet(ModelViewSet):
    """A model viewset, not a snippet: no chooser (whose create route would save without the
    actions)."""

    model = CouncilCall
    name = "funding_calls"
    url_prefix = "funding/calls"
    icon = "pick"
    menu_label = "Funding calls"
    copy_view_enabled = False  # a copy would be saved without the actions (and their audit)
    list_display = ["programme", "funder", "amount_max", "closes_on"]
    search_fields = ["programme", "funder", "description"]
    form_fields = FORM_FIELDS
    add_view_class = CallCreateView
    edit_view_class = CallEditView
    delete_view_class = CallDeleteView


class FundingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("funding.view_councilcall")


class MatchesViewSet(ViewSet):
    """The ranked matches (admin_views.matches, at its own URL) as an item of the group."""

    name = "funding_matches_menu"
    menu_label = "Funding matches"
    menu_icon = "pick"
    menu_item_class = FundingMenuItem

    @property
    def menu_url(self):
        return reverse("funding_matches")

    def get_urlpatterns(self):
        return []


class FundingGroup(ViewSetGroup):
    menu_label = "Funding"
    menu_icon = "pick"
    menu_order = 270
    items = (
        MatchesViewSet,
        CouncilCallViewSet,
        SavedSearchViewSet,
        GrantViewSet,
        GrantsImportViewSet,
    )


@hooks.register("register_admin_viewset")
def register_funding_viewsets():
    return FundingGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("funding/matches/", admin_views.matches, name="funding_matches"),
        path("funding/groups/<str:pk>/", admin_views.call_groups, name="funding_call_groups"),
    ]
