"""The council website's decisions pages: one index page lists published decisions and shows
each one at ``<index url>/<decision id>/``."""

from django.http import Http404
from django.template.response import TemplateResponse
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class DecisionsIndexPage(RoutablePageMixin, Page):
    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    template = "records/decisions_index_page.html"
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "decisions index page"

    def __str__(self):
        return self.title

    def published_decisions(self):
        from .decisions import Decision

        return Decision.objects.filter(published=True)

    @path("")
    def index(self, request):
        decisions = self.published_decisions()[:200]
        return self.render(request, context_overrides={"decisions": decisions})

    @path("<int:decision_id>/")
    def decision(self, request, decision_id):
        found = self.published_decisions().filter(pk=decision_id).prefetch_related("actions")
        decision = found.first()
        if decision is None:
            raise Http404("No such decision")
        return TemplateResponse(
            request,
            "records/decision_page.html",
            {"page": self, "self": self, "decision": decision, "request": request},
        )
