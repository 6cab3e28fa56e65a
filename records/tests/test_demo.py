import pytest
from django_tenants.utils import schema_context

from records.demo import seed_demo
from records.models import Decision, FilePlanClass, Record

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(council_a):
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        counts = (FilePlanClass.objects.count(), Record.objects.count(), Decision.objects.count())
        seed_demo(council_a)
        assert (
            FilePlanClass.objects.count(),
            Record.objects.count(),
            Decision.objects.count(),
        ) == counts
        assert counts[1] == 3 and Decision.objects.get().published


def test_demo_site_has_one_live_decisions_page_under_the_home_page(council_a):
    from records.models import DecisionsIndexPage

    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        seed_demo(council_a)
        page = DecisionsIndexPage.objects.get()
        assert page.live and page.get_parent().depth == 2 and page.slug == "decisions"
        assert [d.title for d in page.published_decisions()] == [
            "Adopt the revised housing allocations scheme"
        ]
