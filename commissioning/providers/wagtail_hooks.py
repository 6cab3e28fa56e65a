"""Staff manage the directory in the Wagtail admin: one "Directory" menu of snippet views."""

from wagtail.snippets.models import register_snippet
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


class OrganizationViewSet(SnippetViewSet):
    model = Organization
    icon = "group"
    list_display = ["name", "email", "website"]
    search_fields = ["name", "description"]


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "list-ul"
    list_display = ["name", "organization", "status", "last_modified"]
    list_filter = ["status"]
    search_fields = ["name", "description"]


class ServiceTermViewSet(SnippetViewSet):
    model = ServiceTerm
    icon = "tag"
    menu_label = "Service terms"


class LocationViewSet(SnippetViewSet):
    model = Location
    icon = "site"
    list_display = ["name", "location_type", "latitude", "longitude"]
    search_fields = ["name", "description"]


class AddressViewSet(SnippetViewSet):
    model = Address
    icon = "home"
    list_display = ["address_1", "city", "postal_code", "location"]


class ServiceAtLocationViewSet(SnippetViewSet):
    model = ServiceAtLocation
    icon = "link"


class PhoneViewSet(SnippetViewSet):
    model = Phone
    icon = "mail"
    list_display = ["number", "service", "location"]


class TaxonomyViewSet(SnippetViewSet):
    model = Taxonomy
    icon = "folder-open-inverse"
    list_display = ["name", "version"]


class TaxonomyTermViewSet(SnippetViewSet):
    model = TaxonomyTerm
    icon = "tag"
    list_display = ["name", "code", "taxonomy"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = "Directory"
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
