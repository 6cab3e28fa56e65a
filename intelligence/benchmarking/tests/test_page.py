"""The benchmarks page on the platform site (issue 9, benchmarkers): a council picked from the
pool (councils on the platform first), measures by theme with how many councils report each,
groups with their size, the sorted column chart with the council highlighted, quartile band
and median, the time series with the group's inter-quartile band, the tables, downloads of
exactly what is shown, a permalink; bad input answers 4xx naming the field."""

import html as html_module
import re

from django.test import Client

from intelligence.benchmarking.models import PoolMember, PoolMetric


def _get(platform_host, query=""):
    return Client(HTTP_HOST=platform_host).get(f"/benchmarks/{query}")


def test_benchmark_page_shows_a_council_against_its_peers(small_pool, platform_host):
    member = PoolMember.objects.order_by("gss_code").first()
    response = _get(platform_host, f"?metric=syn-001&council={member.gss_code}&group=nearest")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="bm-chart" role="img" aria-labelledby="peer-chart-t peer-chart-d"' in html
    assert '<desc id="peer-chart-d">' in html and '<desc id="series-chart-d">' in html
    assert 'font-family="&quot;GDS Transport&quot;, arial, sans-serif"' in html
    peer_table = html.split('id="peer-table"')[1].split("</table>")[0]
    assert peer_table.count('<tr class="govuk-table__row') == 17  # header, council + 15
    assert "bm-subject" in peer_table and member.name in peer_table
    series_table = html.split('id="series-table"')[1].split("</table>")[0]
    assert series_table.count('<th scope="row"') == 3  # three years
    assert "Nearest neighbours – 16 councils" in html  # the group's actual size


def test_the_bar_chart_is_sorted_best_first_with_median_and_quartiles(small_pool, platform_host):
    metric = PoolMetric.objects.get(metric_id="syn-001")
    member = PoolMember.objects.order_by("gss_code").first()
    html = _get(platform_host, f"?metric=syn-001&council={member.gss_code}").content.decode()
    chart = html.split('id="peer-chart-t"')[1].split("</figure>")[0]
    columns = chart.split('preserveAspectRatio="none" aria-hidden="true">')[1].split("</svg>")[0]
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', columns)]
    # Bar tops: y grows downwards, so best first means tops rise (higher is better) or fall.
    assert heights == sorted(heights, reverse=metric.polarity == "lower")
    assert len(heights) > 10 and columns.count('fill="#0b0c0c"/>') == 1  # the council's own
    assert "Median " in chart and 'stroke-dasharray="2 3"' in chart  # median, quartile lines
    ticks = [
        float(t.replace(",", ""))
        for t in re.findall(r'paint-order="stroke">([\d,.-]+)</text>', chart)
    ]
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(ticks) >= 3 and len(steps) == 1  # even ticks


def test_measures_by_theme_with_councils_reporting_and_platform_councils_first(
    small_pool, platform_host, published_a, council_a
):
    html = _get(platform_host).content.decode()
    assert '<optgroup label="Waste and recycling">' in html or '<optgroup label="Housing">' in html
    assert re.search(
        r"Households in temporary accommodation|Homeless households \(1 council\)", html
    )
    platform, others = html.split('<optgroup label="Councils on the platform">')[1].split(
        '<optgroup label="Other councils in the pool">'
    )
    assert council_a.name in platform and council_a.name not in others.split("</select>")[0]
    assert "accessible-autocomplete.min.js" in html and "benchmarks.js" in html


def test_downloads_are_exactly_what_is_shown_and_the_permalink_pins_the_period(
    small_pool, platform_host
):
    member = PoolMember.objects.order_by("gss_code").first()
    client = Client(HTTP_HOST=platform_host)
    html = client.get(
        f"/benchmarks/?metric=syn-002&council={member.gss_code}&group=tier"
    ).content.decode()
    period = re.search(r'<h2 class="govuk-heading-l" id="results">[^,]+, (\S+)</h2>', html).group(1)
    permalink = re.search(r'id="permalink" type="text" readonly value="([^"]+)"', html).group(1)
    assert f"period={period}" in permalink and "group=tier" in permalink
    compare_json = re.search(r'href="([^"]+format=json)" download="[^"]+-' + period, html).group(1)
    data = client.get(compare_json.replace("&amp;", "&")).json()
    shown = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+?)(?: <span|</th>)',
        html.split('id="peer-table"')[1].split("</table>")[0],
    )
    assert [p["council"] for p in data["peers"]] == shown
    assert data["period"] == period and data["group"] == "tier"
    csv_url = (
        re.search(r'href="([^"]+compare[^"]+format=csv)"', html).group(1).replace("&amp;", "&")
    )
    csv_body = client.get(csv_url).content.decode()
    assert csv_body.count("\n") - 1 == len(shown)
    again = client.get("/benchmarks/?" + html_module.unescape(permalink).split("?", 1)[1])
    assert again.status_code == 200 and f", {period}</h2>" in again.content.decode()


def test_benchmark_page_without_a_choice_shows_the_form(small_pool, platform_host):
    response = _get(platform_host)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="metric"' in html and 'name="council"' in html and "All councils – " in html


def test_benchmark_page_with_bad_input_says_so(small_pool, platform_host):
    member = PoolMember.objects.order_by("gss_code").first()
    for query, status, field in (
        (f"?metric=nope&council={member.gss_code}", 404, "metric"),
        ("?metric=syn-001&council=E99999999", 404, "council"),
        (f"?metric=syn-001&council={member.gss_code}&period=soon", 400, "period"),
        (f"?metric=syn-001&council={member.gss_code}&group=%5C..%2F", 400, "group"),
        (f"?metric=syn-001&council={member.gss_code}&group=99999999999999999999", 400, "group"),
        ("?metric=syn-001", 400, "council"),
        (f"?council={member.gss_code}", 400, "metric"),
        ("?metric=%E2%80%AE&council=%F0%9F%98%80", 404, "metric"),
    ):
        response = _get(platform_host, query)
        assert response.status_code == status, query
        html = response.content.decode()
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html, query


def test_platform_home_links_the_benchmarks_page(db, platform_host):
    html = Client(HTTP_HOST=platform_host).get("/").content.decode()
    assert 'href="/benchmarks/"' in html
