"""Full-text search (PostgreSQL) over titles and extracted text; classification respected.
Extraction runs eagerly here (no broker); test_worker.py runs it in a real Celery worker."""

import pytest
from django_tenants.utils import schema_context

from records.models import Record
from records.tests.files import make_docx, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def declare(declare):
    """Declare, then relay the council's outbox: a record is indexed for search by its events'
    handlers after the commit (records/tests/test_search_events.py), which a test's transaction
    never reaches on its own."""
    from platform_core.events.relay import relay_pending

    def _declare(council, *args, **kwargs):
        record = declare(council, *args, **kwargs)
        with schema_context(council.schema_name):
            relay_pending()
        return record

    return _declare


def test_text_from_pdf_docx_and_plain_text_is_searchable(
    council_a, file_plan_a, declare, records_client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pdf = declare(
            council_a,
            file_plan_a["minutes"],
            "a.pdf",
            make_pdf("Allocation of social housing"),
            title="Cabinet A",
        )
        word = declare(
            council_a,
            file_plan_a["minutes"],
            "b.docx",
            make_docx("Bins are collected fortnightly"),
            title="Cabinet B",
        )
        text = declare(
            council_a,
            file_plan_a["minutes"],
            "c.txt",
            b"Libraries open on Sundays",
            title="Cabinet C",
        )
    with schema_context(council_a.schema_name):
        assert "social housing" in Record.objects.get(pk=pdf.pk).extracted_text

    def ids(q):
        response = records_client_a.get("/api/v1/records/records/search/", {"q": q})
        assert response.status_code == 200
        return [r["id"] for r in response.json()["results"]]

    assert ids("housing allocations") == [pdf.pk]  # stemmed: allocations ~ allocation
    assert ids("fortnightly bins") == [word.pk]
    assert ids("library") == [text.pk]
    assert ids("cabinet") and set(ids("cabinet")) == {pdf.pk, word.pk, text.pk}
    assert ids("") == []


def test_search_respects_classification(
    council_a, file_plan_a, declare, staff_client_factory, records_client_a
):
    declare(
        council_a,
        file_plan_a["minutes"],
        title="Safeguarding case review",
        classification="official_sensitive",
    )
    editor = staff_client_factory(
        council_a, groups=("Records viewers",), username="viewer@alphaford.example"
    )
    assert editor.get("/api/v1/records/records/search/", {"q": "safeguarding"}).json()["count"] == 0
    assert (
        records_client_a.get("/api/v1/records/records/search/", {"q": "safeguarding"}).json()[
            "count"
        ]
        == 1
    )


def test_search_is_per_council(council_a, file_plan_a, declare, records_client_b):
    declare(council_a, file_plan_a["minutes"], title="Alphaford waste strategy")
    assert (
        records_client_b.get("/api/v1/records/records/search/", {"q": "waste"}).json()["count"] == 0
    )


def test_search_query_count_does_not_grow_with_results(
    council_a, file_plan_a, declare, records_client_a, django_assert_max_num_queries
):
    for i in range(5):
        declare(council_a, file_plan_a["minutes"], title=f"Planning report {i}")
    with django_assert_max_num_queries(20):
        response = records_client_a.get("/api/v1/records/records/search/", {"q": "planning"})
    assert response.json()["count"] == 5


def test_opensearch_index_names_carry_the_prefix_setting_and_the_schema(council_a, settings):
    from records.search import index_name

    settings.OPENSEARCH_INDEX_PREFIX = "cp"
    with schema_context(council_a.schema_name):
        assert index_name() == f"cp-{council_a.schema_name}__records_record"


def test_search_count_is_capped_for_broad_queries(
    council_a, file_plan_a, declare, records_client_a, monkeypatch
):
    from records.api.views import CappedCount

    monkeypatch.setattr(CappedCount, "cap", 3)
    for i in range(5):
        declare(council_a, file_plan_a["minutes"], title=f"Parking review {i}")
    body = records_client_a.get(
        "/api/v1/records/records/search/", {"q": "parking", "page_size": 2}
    ).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 2)
    narrow = records_client_a.get("/api/v1/records/records/search/", {"q": "parking 4"}).json()
    assert narrow["count_capped"] is False


def test_broad_queries_are_ranked_over_the_newest_window_of_matches(
    council_a, file_plan_a, declare, records_client_a, settings
):
    settings.RECORDS_SEARCH_RANK_WINDOW = 2
    old, middle, new = (
        declare(council_a, file_plan_a["minutes"], title=f"Tree survey {i}") for i in range(3)
    )
    ids = [
        r["id"]
        for r in records_client_a.get("/api/v1/records/records/search/", {"q": "tree"}).json()[
            "results"
        ]
    ]
    assert sorted(ids) == sorted([middle.pk, new.pk])
    assert old.pk not in ids
