"""The full LGSL list ships as the LGSL taxonomy: loaded into one council (never another),
with LGSL ids as codes, idempotent, published by /openreferral/taxonomy_terms."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_tenants.utils import schema_context

from commissioning.providers.demo import seed_demo
from commissioning.providers.lgsl import load_lgsl, rows
from commissioning.providers.models import Taxonomy, TaxonomyTerm

pytestmark = pytest.mark.django_db


def test_the_shipped_list_is_the_full_list():
    data = rows()
    assert len(data) == 1519
    codes = [r["code"] for r in data]
    assert len(set(codes)) == len(codes) and all(c.isdigit() for c in codes)
    assert {"code": "1614", "name": "16 to 19 bursary fund"}.items() <= next(
        r for r in data if r["code"] == "1614"
    ).items()


def test_load_lgsl_into_one_council_idempotently(council_a, council_b):
    with schema_context(council_a.schema_name):
        seed_demo(council_a)  # its LGSL subset has names only
        first = load_lgsl(actor="test")
        assert first["created"] + first["updated"] == 1519
        lgsl = Taxonomy.objects.get(name="LGSL")
        assert lgsl.terms.exclude(code="").count() == 1519
        term = lgsl.terms.get(code="372")
        assert term.name == "Abandoned vehicles"
        assert term.term_uri == "http://id.esd.org.uk/service/372"
        # the demo's own "Mental health support" term gained its LGSL id, not a twin
        assert lgsl.terms.filter(name="Mental health support").count() == 1
        assert load_lgsl(actor="test") == {"created": 0, "updated": 0, "unchanged": 1519}
        lgsl_id = lgsl.id
    with schema_context(council_b.schema_name):
        assert not TaxonomyTerm.objects.filter(code="372").exists()
    listing = Client(HTTP_HOST=council_a.primary_domain).get(
        "/openreferral/taxonomy_terms", {"taxonomy_id": str(lgsl_id), "per_page": 500}
    )
    assert listing.json()["total_items"] >= 1519


def test_command(council_a):
    out = StringIO()
    call_command("load_lgsl", "--council", council_a.slug, stdout=out)
    assert "LGSL 1519 added" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_lgsl")
    with pytest.raises(CommandError, match="no active council"):
        call_command("load_lgsl", "--council", "nowhere")
