"""ALLOWED_HOSTS without a wildcard: the static patterns (the platform domain, the council
subdomain suffix) plus any council domain in the tenants' Domain table, custom domains
included, with no settings change per council."""

import pytest
from django.conf import settings
from django.test import Client

from platform_core.hosts import CouncilDomains


def test_allowed_hosts_has_no_wildcard():
    assert "*" not in [str(h) for h in settings.ALLOWED_HOSTS]
    assert any(isinstance(h, CouncilDomains) for h in settings.ALLOWED_HOSTS)


@pytest.mark.django_db
def test_custom_domain_from_the_domain_table_serves_the_council(council_a):
    from tenants.models import Domain

    host = "alphaford-council.example"
    assert Client(HTTP_HOST=host).get("/").status_code == 400  # not (yet) a council's domain
    Domain.objects.create(domain=host, tenant=council_a, is_primary=False)
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 200
    assert council_a.name in response.content.decode()
    # "www." and the port are not part of the domain (django-tenants' lookup).
    assert Client(HTTP_HOST=f"www.{host}").get("/").status_code == 200
    assert Client(HTTP_HOST=f"{host}:8443").get("/").status_code == 200


@pytest.mark.django_db
def test_unknown_hosts_are_refused_or_get_the_platform_404(council_a):
    assert Client(HTTP_HOST="attacker.example").get("/").status_code == 400
    assert Client(HTTP_HOST="nowhere.localhost").get("/").status_code == 404


@pytest.mark.django_db
def test_a_council_host_is_allowed_only_during_its_own_request(council_a):
    from django.http import HttpRequest

    from tenants.models import Domain

    host = "alphaford-council.example"
    Domain.objects.create(domain=host, tenant=council_a, is_primary=False)
    assert Client(HTTP_HOST=host).get("/").status_code == 200
    request = HttpRequest()
    request.META = {"HTTP_HOST": host, "SERVER_NAME": host, "SERVER_PORT": "443"}
    from django.core.exceptions import DisallowedHost

    with pytest.raises(DisallowedHost):
        request.get_host()
