"""The council's funding screens in the Wagtail admin: its own calls (a snippet; saved through
the actions, audited), and the ranked matches."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from . import actions, admin_views
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
    menu_order = 270
    add_to_admin_menu = True
    copy_view_enabled = False  # a copy would be saved without the actions (and their audit)
    list_display = ["programme", "funder", "amount_max", "closes_on"]
    search_fields = ["programme", "funder", "description"]
    form_fields = FORM_FIELDS
    add_view_class = CallCreateView
    edit_view_class = CallEditView
    delete_view_class = CallDeleteView


@hooks.register("register_admin_viewset")
def register_calls_viewset():
    return CouncilCallViewSet()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("funding/matches/", admin_views.matches, name="funding_matches"),
        path("funding/groups/<str:pk>/", admin_views.call_groups, name="funding_call_groups"),
    ]


class FundingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("funding.view_councilcall")


@hooks.register("register_admin_menu_item")
def register_matches_menu_item():
    return FundingMenuItem(
        "Funding matches",
        reverse("funding_matches"),
        name="funding_matches",
        icon_name="pick",
        order=271,
    )
