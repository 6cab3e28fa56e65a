"""Directory of venues and organisations, with faceted filtering: either the entries kept on the
page itself, or the council's Open Referral UK directory of services (commissioning/providers),
the one providers keep current."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms import cache as page_cache

from .pages import ReviewedPage, paginate


class DirectoryPage(ReviewedPage):
    class Source(models.TextChoices):
        PAGE = "page", "The entries on this page"
        OPEN_REFERRAL = "openreferral", "The council's directory of services (Open Referral UK)"

    intro = models.TextField(blank=True)
    source = models.CharField(
        "list",
        max_length=20,
        choices=Source.choices,
        default=Source.PAGE,
        help_text="The directory of services is the one providers keep current through their "
        "accounts and the council publishes at /openreferral/; its entries are edited in "
        "Directory, not on this page.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("source"),
        InlinePanel("entries", label="Entries"),
    ]
    subpage_types: list[str] = []
    per_page = 20
    max_query_length = 200

    class Meta:
        verbose_name = "directory"

    def get_template(self, request, *args, **kwargs):
        if self.source == self.Source.OPEN_REFERRAL:
            return "cms/directory_page_services.html"
        return super().get_template(request, *args, **kwargs)

    def filtered_entries(self, params):
        entries = self.entries.all()
        kind = params.get("kind", "")
        categories = [c for c in params.getlist("category") if c]
        query = params.get("q", "")[: self.max_query_length].strip()
        if kind in DirectoryEntry.Kind.values:
            entries = entries.filter(kind=kind)
        if categories:
            entries = entries.filter(category__in=categories)
        if query:
            entries = entries.filter(
                models.Q(name__icontains=query)
                | models.Q(description__icontains=query)
                | models.Q(location_text__icontains=query)
            )
        return entries.order_by("name"), {"kind": kind, "categories": categories, "q": query}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.source == self.Source.OPEN_REFERRAL:
            from cms.services_directory import services_context

            context.update(services_context(request, self))
            return context
        entries, chosen = self.filtered_entries(request.GET)
        existing = {c for c in self.entries.values_list("category", flat=True) if c}
        if chosen["kind"] in DirectoryEntry.Kind.values:
            page_cache.note_parameter(request, "kind", chosen["kind"])
        for category in chosen["categories"]:
            if category in existing:  # an unknown category is not worth a cache entry
                page_cache.note_parameter(request, "category", category)
        context["entries"] = paginate(request, entries, self.per_page)
        context["chosen"] = chosen
        params = request.GET.copy()
        params.pop("page", None)
        context["filter_query"] = f"{params.urlencode()}&" if params else ""
        context["kinds"] = DirectoryEntry.Kind.choices
        context["categories"] = sorted(existing)
        return context


class DirectoryEntry(Orderable):
    class Kind(models.TextChoices):
        VENUE = "venue", "Venue"
        ORGANISATION = "organisation", "Organisation"

    page = ParentalKey(DirectoryPage, related_name="entries", on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    category = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    location_text = models.CharField(
        max_length=200, blank=True, help_text="How to find it, in words (no map needed)."
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("category"),
        FieldPanel("description"),
        FieldPanel("address"),
        FieldPanel("postcode"),
        FieldPanel("location_text"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("website"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta(Orderable.Meta):
        verbose_name = "directory entry"
        verbose_name_plural = "directory entries"

    def __str__(self):
        return self.name
