"""Events listing and event pages, each with an iCalendar download."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import cache as page_cache
from cms.blocks import BodyBlock

from .pages import ReviewedPage, paginate


class EventsIndexPage(ReviewedPage):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.EventPage"]
    per_page = 10

    class Meta:
        verbose_name = "events listing"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.live().public().child_of(self)
        if request.GET.get("past") == "1":
            page_cache.note_parameter(request, "past", "1")
            events = events.filter(end__lt=timezone.now()).order_by("-start")
            context["showing_past"] = True
            context["past_prefix"] = "past=1&"
        else:
            events = events.filter(end__gte=timezone.now()).order_by("start")
        context["events"] = paginate(request, events, self.per_page)
        return context


class EventPage(RoutablePageMixin, ReviewedPage):
    start = models.DateTimeField()
    end = models.DateTimeField()
    venue = models.CharField(max_length=200)
    venue_address = models.TextField(blank=True)
    price = models.CharField(max_length=100, blank=True, help_text="For example: Free, or £5.")
    booking_url = models.URLField("booking link", blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("start"),
                FieldPanel("end"),
                FieldPanel("venue"),
                FieldPanel("venue_address"),
                FieldPanel("price"),
                FieldPanel("booking_url"),
            ],
            heading="When and where",
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *ReviewedPage.search_fields,
        index.SearchField("venue"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.EventsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "event"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The event must end after it starts."})

    @path("")
    def event(self, request):
        return self.render(request)

    @path("ical/", name="ical")
    def ical(self, request):
        return HttpResponse(
            self.to_ical(request),
            content_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": content_disposition_header(True, f"{self.slug}.ics")},
        )

    def to_ical(self, request=None) -> bytes:
        from icalendar import Calendar, Event

        calendar = Calendar()
        calendar.add("prodid", "-//Council Platform//Events//EN")
        calendar.add("version", "2.0")
        event = Event()
        site = self.get_site()
        host = site.hostname if site else "council.localhost"
        event.add("uid", f"event-{self.pk}@{host}")
        event.add("summary", self.title)
        event.add("dtstart", self.start)
        event.add("dtend", self.end)
        event.add("dtstamp", timezone.now())
        event.add(
            "location",
            ", ".join(p for p in [self.venue, self.venue_address.replace("\n", ", ")] if p),
        )
        if self.summary:
            event.add("description", self.summary)
        url = self.get_full_url(request)
        if url:
            event.add("url", url)
        calendar.add_component(event)
        return calendar.to_ical()
