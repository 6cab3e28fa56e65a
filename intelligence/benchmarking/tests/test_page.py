from django.test import Client

from intelligence.benchmarking.models import PoolMember


def test_benchmark_page_shows_a_council_against_its_peers(small_pool, platform_host):
    member = PoolMember.objects.order_by("gss_code").first()
    client = Client(HTTP_HOST=platform_host)
    response = client.get(f"/benchmarks/?metric=syn-001&council={member.gss_code}&group=nearest")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg role="img"' in html and "<desc" in html
    assert "Peer values" in html and member.name in html
    assert (
        html.count('<tr class="govuk-table__row">') == 17
    )  # header + 16 (council and 15 neighbours)


def test_benchmark_page_without_a_choice_shows_the_form(small_pool, platform_host):
    response = Client(HTTP_HOST=platform_host).get("/benchmarks/")
    assert response.status_code == 200
    assert 'name="metric"' in response.content.decode()


def test_benchmark_page_with_bad_input_says_so(small_pool, platform_host):
    member = PoolMember.objects.order_by("gss_code").first()
    client = Client(HTTP_HOST=platform_host)
    assert client.get(f"/benchmarks/?metric=nope&council={member.gss_code}").status_code == 404
    response = client.get(f"/benchmarks/?metric=syn-001&council={member.gss_code}&period=soon")
    assert response.status_code == 400 and "period" in response.content.decode()
