"""The OpenSearch backend: index names carry the schema (always checked), and a contract suite
against a real cluster that runs only when OPENSEARCH_URL is set (no cluster on the build machine)."""

import os

import pytest
from django_tenants.utils import schema_context
from wagtail.models import Page

from platform_core.search.opensearch import TenantOpenSearchBackend, schema_index_name

OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL")


def _backend(url="http://127.0.0.1:9", prefix="council"):
    return TenantOpenSearchBackend({"URLS": [url], "INDEX": prefix})


@pytest.mark.django_db
def test_index_names_carry_the_council_schema(council_a, council_b):
    backend = _backend()
    with schema_context(council_a.schema_name):
        name_a = backend.get_index_for_model(Page).name
    with schema_context(council_b.schema_name):
        name_b = backend.get_index_for_model(Page).name
    assert name_a == f"council-{council_a.schema_name}__wagtailcore_page"
    assert name_b == f"council-{council_b.schema_name}__wagtailcore_page"


@pytest.mark.django_db
def test_no_index_outside_a_council():
    with schema_context("public"), pytest.raises(RuntimeError):
        _backend().get_index_for_model(Page)


def test_index_name_for_subclasses_uses_the_root_model():
    from cms.models import ServicePage

    assert schema_index_name("", "c_x", ServicePage) == "c_x__wagtailcore_page"


@pytest.mark.opensearch
@pytest.mark.skipif(not OPENSEARCH_URL, reason="OPENSEARCH_URL is not set: no OpenSearch cluster")
@pytest.mark.django_db
def test_contract_each_council_searches_only_its_own_index(council_a, council_b):
    from cms.models import InformationPage

    backend = _backend(OPENSEARCH_URL, prefix="contract")
    found = {}
    for council, title in ((council_a, "Alphaford allotments"), (council_b, "Betaby allotments")):
        with schema_context(council.schema_name):
            index = backend.get_index_for_model(Page)
            index.delete()
            index.put()
            index.add_model(Page)
            home = Page.objects.get(depth=2)
            page = home.add_child(
                instance=InformationPage(title=title, slug="allotments-contract", live=True)
            )
            index.add_item(page.page_ptr if hasattr(page, "page_ptr") else page)
            index.refresh()
    for council in (council_a, council_b):
        with schema_context(council.schema_name):
            found[council.slug] = [p.title for p in backend.search("allotments", Page)]
            backend.get_index_for_model(Page).delete()
    assert found["alphaford"] == ["Alphaford allotments"]
    assert found["betaby"] == ["Betaby allotments"]
