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
        path("postcodes/<str:code>/", admin_views.postcode, name="postcode"),
        path("postcodes/<str:code>/delete/", admin_views.delete_postcode, name="postcode-delete"),
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


# The directory's own screens in the admin menus, by hook: (label, URL name in providers_admin,
# icon, order, the permission that shows it).
MENU_ITEMS = {
    "register_admin_menu_item": [
        ("Provider accounts", "accounts", "user", 310, "providers.view_provideraccount"),
        ("Changes from providers", "changes", "edit", 311, "providers.change_service"),
    ],
    "register_directory_menu_item": [
        ("Import a feed", "imports", "download", 900, "providers.view_feedimport"),
        ("Share with neighbours", "shares", "group", 910, "providers.view_service"),
        ("Shared with us", "shared", "view", 920, "providers.view_service"),
        ("Postcodes", "postcodes-import", "site", 930, "providers.add_postcode"),
    ],
}


def _menu_item(label: str, url_name: str, icon: str, order: int, perm: str):
    def item():
        url = reverse(f"providers_admin:{url_name}")
        return _PermMenuItem(label, url, icon_name=icon, order=order, perm=perm)

    return item


for _hook, _items in MENU_ITEMS.items():
    for _item in _items:
        hooks.register(_hook, _menu_item(*_item))
