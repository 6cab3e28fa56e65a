"""Staff manage the directory in the Wagtail admin: one "Directory" menu of snippet views."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet, SnippetChosenView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import (
    Address,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)


class UuidChosenView(SnippetChosenView):
    """A chooser pk that is not a UUID names nothing: 404, like a missing object (Wagtail's
    view lets the UUID ValidationError become a 500)."""

    def get_object(self, pk):
        try:
            return super().get_object(pk)
        except ValidationError as exc:
            raise ObjectDoesNotExist from exc


class UuidChooserViewSet(SnippetChooserViewSet):
    """The chooser without its "create" route: directory entries are created on their own add
    screens (Wagtail's chooser create view has no form unless ``form_fields`` is set, and would
    answer a POST with a 500)."""

    chosen_view_class = UuidChosenView

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if getattr(p, "name", None) != "create"]


class DirectorySnippetViewSet(SnippetViewSet):
    """Every directory snippet has a UUID pk."""

    chooser_viewset_class = UuidChooserViewSet


class OrganizationViewSet(DirectorySnippetViewSet):
    model = Organization
    icon = "group"
    list_display = ["name", "email", "website"]
    search_fields = ["name", "description"]


class ServiceViewSet(DirectorySnippetViewSet):
    model = Service
    icon = "list-ul"
    list_display = ["name", "organization", "status", "last_modified"]
    list_filter = ["status"]
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("organization"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("status"),
        MultiFieldPanel(
            [FieldPanel("url"), FieldPanel("email"), FieldPanel("fees")], heading="Contact and fees"
        ),
        FieldRowPanel(
            [FieldPanel("minimum_age"), FieldPanel("maximum_age")], heading="Eligibility by age"
        ),
        InlinePanel("contacts", heading="Contacts", label="Contact"),
        InlinePanel("schedules", heading="Opening times", label="Schedule"),
        InlinePanel("cost_options", heading="Costs", label="Cost option"),
        InlinePanel("service_areas", heading="Service areas (GSS codes)", label="Service area"),
        InlinePanel("languages", heading="Languages", label="Language"),
    ]


class ServiceTermViewSet(DirectorySnippetViewSet):
    model = ServiceTerm
    icon = "tag"
    menu_label = "Service terms"


class LocationViewSet(DirectorySnippetViewSet):
    model = Location
    icon = "site"
    list_display = ["name", "location_type", "latitude", "longitude"]
    search_fields = ["name", "description"]


class AddressViewSet(DirectorySnippetViewSet):
    model = Address
    icon = "home"
    list_display = ["address_1", "city", "postal_code", "location"]


class ServiceAtLocationViewSet(DirectorySnippetViewSet):
    model = ServiceAtLocation
    icon = "link"


class PhoneViewSet(DirectorySnippetViewSet):
    model = Phone
    icon = "mail"
    list_display = ["number", "service", "location"]


class TaxonomyViewSet(DirectorySnippetViewSet):
    model = Taxonomy
    icon = "folder-open-inverse"
    list_display = ["name", "version"]


class TaxonomyTermViewSet(DirectorySnippetViewSet):
    model = TaxonomyTerm
    icon = "tag"
    list_display = ["name", "code", "taxonomy"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = "Directory"
    # Other directory screens (imports, postcodes, sharing) add themselves to this submenu.
    submenu_hook = "register_directory_menu_item"
    menu_icon = "list-ul"
    menu_order = 300
    items = (
        OrganizationViewSet,
        ServiceViewSet,
        ServiceTermViewSet,
        LocationViewSet,
        AddressViewSet,
        ServiceAtLocationViewSet,
        PhoneViewSet,
        TaxonomyViewSet,
        TaxonomyTermViewSet,
    )


register_snippet(DirectoryGroup)


@hooks.register("register_admin_urls")
def provider_admin_urls():
    from django.urls import include, path

    from . import admin_views

    urls = [
        path("accounts/", admin_views.accounts, name="accounts"),
        path("accounts/add/", admin_views.add_account, name="account-add"),
        path("changes/", admin_views.changes, name="changes"),
        path("changes/<int:pk>/", admin_views.change, name="change"),
        path("imports/", admin_views.imports, name="imports"),
        path("imports/<int:pk>/", admin_views.import_report, name="import"),
        path("postcodes/import/", admin_views.import_postcodes, name="postcodes-import"),
        path("shares/", admin_views.shares, name="shares"),
        path("shares/<int:pk>/unshare/", admin_views.unshare, name="unshare"),
        path("shared/", admin_views.shared_with_us, name="shared"),
        path("shared/<int:pk>/", admin_views.shared_service, name="shared-service"),
    ]
    return [path("directory/", include((urls, "providers_admin"), namespace="providers_admin"))]


class _PermMenuItem(MenuItem):
    def __init__(self, *args, perm: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.perm = perm

    def is_shown(self, request):
        return request.user.has_perm(self.perm)


@hooks.register("register_admin_menu_item")
def provider_accounts_menu_item():
    return _PermMenuItem(
        "Provider accounts",
        reverse("providers_admin:accounts"),
        icon_name="user",
        order=310,
        perm="providers.view_provideraccount",
    )


@hooks.register("register_admin_menu_item")
def provider_changes_menu_item():
    return _PermMenuItem(
        "Changes from providers",
        reverse("providers_admin:changes"),
        icon_name="edit",
        order=311,
        perm="providers.change_service",
    )


@hooks.register("register_directory_menu_item")
def feed_imports_menu_item():
    return _PermMenuItem(
        "Import a feed",
        reverse("providers_admin:imports"),
        icon_name="download",
        order=900,
        perm="providers.view_feedimport",
    )


@hooks.register("register_directory_menu_item")
def shares_menu_item():
    return _PermMenuItem(
        "Share with neighbours",
        reverse("providers_admin:shares"),
        icon_name="group",
        order=910,
        perm="providers.view_service",
    )


@hooks.register("register_directory_menu_item")
def shared_with_us_menu_item():
    return _PermMenuItem(
        "Shared with us",
        reverse("providers_admin:shared"),
        icon_name="view",
        order=920,
        perm="providers.view_service",
    )


@hooks.register("register_directory_menu_item")
def postcodes_import_menu_item():
    return _PermMenuItem(
        "Postcodes",
        reverse("providers_admin:postcodes-import"),
        icon_name="site",
        order=930,
        perm="providers.add_postcode",
    )
