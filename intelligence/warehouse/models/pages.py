"""The council website's performance page: its KPIs, each with a chart and the data as a table."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class PerformancePage(Page):
    intro = RichTextField(blank=True)
    periods_shown = 8

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list = []
    template = "warehouse/performance_page.html"

    class Meta:
        verbose_name = "performance page"

    def __str__(self):
        return self.title

    def get_context(self, request, *args, **kwargs):
        from ..charts import kpi_cards

        context = super().get_context(request, *args, **kwargs)
        context["kpis"] = kpi_cards(limit_periods=self.periods_shown)
        return context
