"""Page types LocalGov Drupal councils rely on: home, services, guides, step-by-step, news, A to Z."""

import string

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import cache as page_cache
from cms.blocks import BodyBlock, LinkBlock, StepBlock, TopTaskBlock


class TaskType(models.TextChoices):
    ACTION = "action", "Action"
    INFORMATION = "information", "Information"


class ReviewedPage(Page):
    """Abstract base: a summary for listings and search, and a date by which content is reviewed."""

    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences shown in listings and search."
    )
    review_date = models.DateField(
        null=True, blank=True, help_text="When this content must next be checked by its owner."
    )

    search_fields = [*Page.search_fields, index.SearchField("summary")]
    promote_panels = [*Page.promote_panels, FieldPanel("summary"), FieldPanel("review_date")]
    # Anonymous responses may be served from the page cache (cms.cache).
    cache_anonymous = True

    class Meta:
        abstract = True


class HomePage(ReviewedPage):
    """The council's home page. Any page type (of any app) may be placed under it."""

    intro = RichTextField(blank=True)
    top_tasks = StreamField([("task", TopTaskBlock())], blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("top_tasks")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "home page"

    def __str__(self):
        return self.title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["services"] = (
            ServiceLandingPage.objects.live().public().child_of(self).order_by("title")
        )
        context["latest_news"] = (
            NewsArticlePage.objects.live().public().descendant_of(self).order_by("-date")[:3]
        )
        # Everything else at the top of the site (news, events, the directory, forms, decisions,
        # the performance page, contact, A to Z), so each is one step from the home page.
        context["council_pages"] = (
            self.get_children().live().public().not_type(ServiceLandingPage).order_by("title")
        )
        return context


class ServiceLandingPage(ReviewedPage):
    """A top-level service area (e.g. Bins and recycling) listing its services and sub-areas."""

    intro = RichTextField(blank=True, features=["bold", "link"])
    top_tasks = StreamField([("task", TopTaskBlock())], blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("top_tasks")]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("intro")]
    subpage_types = [
        "cms.ServiceSubLandingPage",
        "cms.ServicePage",
        "cms.GuideOverviewPage",
        "cms.StepByStepPage",
        "cms.InformationPage",
        "cms.FormPage",
        "cms.ContactPage",
        "cms.DirectoryPage",
    ]

    class Meta:
        verbose_name = "service landing page"


class ServiceSubLandingPage(ReviewedPage):
    intro = RichTextField(blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.ServiceLandingPage"]
    subpage_types = [
        "cms.ServicePage",
        "cms.GuideOverviewPage",
        "cms.StepByStepPage",
        "cms.InformationPage",
        "cms.FormPage",
    ]

    class Meta:
        verbose_name = "service sub-landing page"


class ServicePage(ReviewedPage):
    """One council service, with an optional "Start now" action and its LGSL id."""

    lgsl_id = models.PositiveIntegerField(
        "LGSL id",
        null=True,
        blank=True,
        help_text="Local Government Service List id of this service.",
    )
    task_type = models.CharField(
        max_length=20, choices=TaskType.choices, default=TaskType.INFORMATION
    )
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)
    start_url = models.URLField("start now address", blank=True)
    start_label = models.CharField(max_length=60, blank=True, default="Start now")
    related_links = StreamField([("link", LinkBlock())], blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("start_url"), FieldPanel("start_label")], heading="Start now action"
        ),
        FieldPanel("related_links"),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("lgsl_id"), FieldPanel("task_type")]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("body")]
    subpage_types = ["cms.InformationPage", "cms.FormPage"]

    class Meta:
        verbose_name = "service page"


class InformationPage(ReviewedPage):
    """A generic information page."""

    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = "information page"


class GuideOverviewPage(ReviewedPage):
    """The first part of a guide; its GuidePage children are the following parts."""

    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("body")]
    subpage_types = ["cms.GuidePage"]

    class Meta:
        verbose_name = "guide overview page"

    def guide_parts(self):
        return [self, *GuidePage.objects.live().public().child_of(self)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(guide_navigation(self, self))
        return context


class GuidePage(ReviewedPage):
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.GuideOverviewPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "guide page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        overview = self.get_parent().specific
        context.update(guide_navigation(overview, self))
        return context


def guide_navigation(overview: GuideOverviewPage, current) -> dict:
    """Contents, previous and next part of a guide for the template."""
    parts = overview.guide_parts()
    ids = [p.id for p in parts]
    position = ids.index(current.id) if current.id in ids else 0
    return {
        "guide": overview,
        "guide_parts": parts,
        "guide_position": position + 1,
        "guide_previous": parts[position - 1] if position > 0 else None,
        "guide_next": parts[position + 1] if position + 1 < len(parts) else None,
    }


class StepByStepPage(ReviewedPage):
    intro = RichTextField(blank=True, features=["bold", "link"])
    steps = StreamField([("step", StepBlock())], blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("steps")]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("intro")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "step-by-step page"


class NewsroomPage(ReviewedPage):
    intro = RichTextField(blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.NewsArticlePage"]
    max_count_per_parent = 1
    per_page = 10

    class Meta:
        verbose_name = "newsroom"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = NewsArticlePage.objects.live().public().child_of(self).order_by("-date", "-id")
        context["articles"] = paginate(request, articles, self.per_page)
        return context


class NewsArticlePage(ReviewedPage):
    date = models.DateField("published on")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image_alt = models.CharField(max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("image"),
        FieldPanel("image_alt"),
        FieldPanel("body"),
    ]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.NewsroomPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "news article"


class ContactPage(ReviewedPage):
    intro = RichTextField(blank=True, features=["bold", "link"])
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    opening_hours = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("opening_hours"),
            ],
            heading="Contact details",
        ),
        FieldPanel("body"),
    ]
    search_fields = [*ReviewedPage.search_fields, index.SearchField("intro")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "contact page"


class AToZPage(ReviewedPage):
    """Every live service on the site, grouped by first letter."""

    intro = RichTextField(blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count_per_parent = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "A to Z of services"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site_root = self.get_site().root_page if self.get_site() else self.get_parent()
        services = list(
            Page.objects.live()
            .public()
            .descendant_of(site_root)
            .type(ServicePage, ServiceLandingPage, ServiceSubLandingPage)
            .order_by("title")
        )
        groups: dict[str, list] = {letter: [] for letter in string.ascii_uppercase}
        for page in services:
            first = page.title[:1].upper()
            groups.setdefault(first if first in groups else "#", []).append(page)
        context["letters"] = [(letter, pages) for letter, pages in groups.items()]
        return context


def paginate(request, queryset, per_page: int):
    """A page of results; a bad or out-of-range page number gives the first or last page."""
    paginator = Paginator(queryset, per_page)
    raw = request.GET.get("page", "1")
    try:
        page = paginator.page(raw)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
    if "page" in request.GET and raw == str(page.number):
        page_cache.note_parameter(request, "page", raw)
    return page
