from intelligence.warehouse.actions import import_observations, save_kpi


def test_performance_page_shows_kpis_as_svg_chart_and_table(
    anon_client_a, council_a, metrics_a, in_council
):
    from wagtail.models import Page

    from intelligence.warehouse.models import PerformancePage

    with in_council(council_a):
        import_observations(
            "metric_id,area_code,period,value\n"
            "recycling-rate,E06000901,2023-24,38\n"
            "recycling-rate,E06000901,2024-25,44\n"
        )
        save_kpi(metric=metrics_a["rate"], targets={"2024-25": 43})
        home = Page.objects.get(depth=2)
        page = PerformancePage(title="How we are doing", slug="performance")
        home.add_child(instance=page)
        page.save_revision().publish()
    response = anon_client_a.get("/performance/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="warehouse-chart" role="img"' in html
    assert "<desc" in html and "2024-25 44" in html  # the description states the figures
    assert '<th scope="row" class="govuk-table__header">2024-25</th>' in html
    assert "Green: on target" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_performance_page_of_council_b_does_not_show_council_a_kpis(
    anon_client_a, council_a, council_b, metrics_a, in_council
):
    from django.test import Client
    from wagtail.models import Page

    from intelligence.warehouse.models import PerformancePage

    with in_council(council_a):
        save_kpi(metric=metrics_a["rate"], targets={"2024-25": 43})
    with in_council(council_b):
        home = Page.objects.get(depth=2)
        page = PerformancePage(title="Performance", slug="performance")
        home.add_child(instance=page)
        page.save_revision().publish()
    html = Client(HTTP_HOST=council_b.primary_domain).get("/performance/").content.decode()
    assert "Household waste recycled" not in html
    assert "No performance indicators" in html
