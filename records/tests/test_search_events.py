"""Search indexing and removal through the outbox (issue 15, item 3): a record's PostgreSQL
search vector and its OpenSearch document are written by the records' event handlers after the
commit of its declaration, new version, change or re-class and destruction — never inline in the
transaction; a rolled-back change indexes nothing; the handlers are idempotent by event id; a
destroyed or re-classified record never stays findable.

PostgreSQL search is real here. OpenSearch cannot run on this machine, so its calls go through
the real ``opensearch-py`` client with a fake *transport* (``FakeConnection``: it records each
HTTP request and answers like OpenSearch would); the backend against a real cluster is covered
by tests/search/test_opensearch_contract.py, which runs when OPENSEARCH_URL is set."""

import json

import pytest
from django.db import transaction
from django_tenants.utils import schema_context
from opensearchpy import Connection

from platform_core.events.models import OutboxEvent, ProcessedEvent
from platform_core.events.relay import relay_pending
from records import actions
from records.models import Record
from records.tests.files import make_pdf

pytestmark = pytest.mark.django_db


class FakeConnection(Connection):
    """opensearch-py's transport connection, answering from memory: index (PUT/POST) and
    delete of documents; every request is kept in ``requests``."""

    requests: list[tuple[str, str, dict | None]] = []
    documents: dict[str, dict] = {}

    def perform_request(
        self, method, url, params=None, body=None, timeout=None, ignore=(), headers=None
    ):
        payload = json.loads(body) if body else None
        FakeConnection.requests.append((method, url, payload))
        if method in ("PUT", "POST") and "/_doc/" in url:
            FakeConnection.documents[url] = payload
            return 201, {}, json.dumps({"result": "created"})
        if method == "DELETE" and "/_doc/" in url:
            if FakeConnection.documents.pop(url, None) is None:
                if 404 in ignore:
                    return 404, {}, json.dumps({"result": "not_found"})
                self._raise_error(404, json.dumps({"result": "not_found"}))
            return 200, {}, json.dumps({"result": "deleted"})
        return 200, {}, "{}"


@pytest.fixture
def fake_opensearch(settings, monkeypatch):
    from opensearchpy import OpenSearch

    from platform_core.search import opensearch

    settings.OPENSEARCH_URL = "http://opensearch.invalid:9200"
    settings.OPENSEARCH_INDEX_PREFIX = "cp"
    FakeConnection.requests = []
    FakeConnection.documents = {}
    monkeypatch.setattr(
        opensearch,
        "client",
        lambda: OpenSearch(hosts=[settings.OPENSEARCH_URL], connection_class=FakeConnection),
    )
    return FakeConnection


def _vector(record_id):
    return Record.objects.filter(pk=record_id).values_list("search_vector", flat=True).get()


def _found(client, q):
    response = client.get("/api/v1/records/records/search/", {"q": q})
    assert response.status_code == 200, response.content[:300]
    return [r["id"] for r in response.json()["results"]]


def _relay(schema):
    with schema_context(schema):
        return relay_pending()


def test_declare_change_and_destroy_are_indexed_after_the_commit_from_their_events(
    council_a, file_plan_a, records_client_a, django_capture_on_commit_callbacks
):
    schema = council_a.schema_name
    with schema_context(schema):
        with django_capture_on_commit_callbacks() as callbacks:
            record = actions.declare_record(
                "tester",
                upload=_upload("Allotments waiting list"),
                title="Zanzibar minutes",
                file_class=file_plan_a["minutes"],
            )
        assert callbacks, "the declaration woke no relay"
        assert _vector(record.pk) is None  # nothing indexed inside the transaction
    assert _found(records_client_a, "zanzibar") == []
    _relay(schema)
    assert _found(records_client_a, "zanzibar") == [record.pk]
    assert _found(records_client_a, "allotments") == [record.pk]  # the extracted text too

    with schema_context(schema):
        actions.update_record("tester", Record.objects.get(pk=record.pk), title="Quokka minutes")
        event = OutboxEvent.objects.get(type="records.record.updated", data__record=record.pk)
        assert event.data["changed"] == ["title"]
        assert event.subject == f"records/record/{record.uid}"
    assert _found(records_client_a, "quokka") == []  # until the event is relayed
    _relay(schema)
    assert _found(records_client_a, "quokka") == [record.pk]
    assert _found(records_client_a, "zanzibar") == []

    with schema_context(schema):
        actions.destroy_record("tester", Record.objects.get(pk=record.pk), "due")
        # Searches leave a destroyed record out at once, before the relay has run.
        assert _vector(record.pk) is not None
    assert _found(records_client_a, "quokka") == []
    _relay(schema)
    with schema_context(schema):
        assert _vector(record.pk) is None  # and it has left the index
        destroyed = OutboxEvent.objects.get(type="records.record.destroyed", data__record=record.pk)
        handled = set(
            ProcessedEvent.objects.filter(event_id=destroyed.event_id).values_list(
                "handler", flat=True
            )
        )
    assert "records.event_handlers.remove_destroyed_from_search" in handled


def test_a_rolled_back_change_emits_and_indexes_nothing(council_a, file_plan_a, records_client_a):
    schema = council_a.schema_name
    with schema_context(schema):
        record = actions.declare_record(
            "tester",
            upload=_upload("Text"),
            title="Wombat report",
            file_class=file_plan_a["minutes"],
        )
    _relay(schema)
    with schema_context(schema):
        before = OutboxEvent.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.update_record("tester", record, title="Platypus report")
            raise RuntimeError("a later step fails")
        assert OutboxEvent.objects.count() == before
    _relay(schema)
    assert _found(records_client_a, "platypus") == []
    assert _found(records_client_a, "wombat") == [record.pk]


def test_a_reclassified_record_is_never_found_by_those_who_may_not_see_it(
    council_a, file_plan_a, staff_client_factory, records_client_a, fake_opensearch
):
    """Raised to OFFICIAL-SENSITIVE: an editor without the permission never finds it (at once:
    the query filters on the current row), and after the relay the OpenSearch document carries
    the new classification; a re-class to another file plan class re-indexes it too."""
    editor = staff_client_factory(council_a, groups=("Editors",), username="ed@alphaford.example")
    schema = council_a.schema_name
    with schema_context(schema):
        record = actions.declare_record(
            "tester",
            upload=_upload("Text"),
            title="Gazebo review",
            file_class=file_plan_a["minutes"],
        )
    _relay(schema)
    url = f"/cp-{schema}__records_record/_doc/{record.pk}"
    assert fake_opensearch.documents[url]["classification"] == "official"

    with schema_context(schema):
        actions.update_record(
            "tester", Record.objects.get(pk=record.pk), classification="official_sensitive"
        )
    response = editor.get("/api/v1/records/records/search/", {"q": "gazebo"})
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.json()["results"] == []
    _relay(schema)
    assert fake_opensearch.documents[url]["classification"] == "official_sensitive"

    with schema_context(schema):
        actions.update_record(
            "tester", Record.objects.get(pk=record.pk), file_class=file_plan_a["policy"]
        )
        event = OutboxEvent.objects.filter(
            type="records.record.updated", data__record=record.pk
        ).last()
        assert event.data["changed"] == ["file_class"]
        assert event.data["file_class"] == "POL-01"
    puts = len([r for r in fake_opensearch.requests if r[0] in ("PUT", "POST")])
    _relay(schema)
    assert len([r for r in fake_opensearch.requests if r[0] in ("PUT", "POST")]) == puts + 1


def test_destroyed_record_is_deleted_from_opensearch_once_per_event_id(
    council_a, council_b, file_plan_a, fake_opensearch
):
    schema = council_a.schema_name
    with schema_context(schema):
        record = actions.declare_record(
            "tester",
            upload=_upload("Text"),
            title="Doomed",
            file_class=file_plan_a["minutes"],
        )
    _relay(schema)
    url = f"/cp-{schema}__records_record/_doc/{record.pk}"
    assert url in fake_opensearch.documents
    with schema_context(schema):
        actions.destroy_record("tester", Record.objects.get(pk=record.pk), "due")
        event = OutboxEvent.objects.get(type="records.record.destroyed", data__record=record.pk)
    _relay(schema)
    assert url not in fake_opensearch.documents
    deletes = [r for r in fake_opensearch.requests if r[0] == "DELETE"]
    assert [r[1] for r in deletes] == [url]
    # Every request went to council A's own index; council B's was never touched.
    assert all(f"-{council_b.schema_name}__" not in r[1] for r in fake_opensearch.requests)

    # Idempotent by event id: the event replayed (as after a crash before its status was
    # saved) does not run the handler again; the handler itself run again is harmless.
    with schema_context(schema):
        OutboxEvent.objects.filter(pk=event.pk).update(status=OutboxEvent.Status.PENDING)
        relay_pending()
        assert len([r for r in fake_opensearch.requests if r[0] == "DELETE"]) == 1
        from records.event_handlers import remove_destroyed_from_search

        remove_destroyed_from_search({"data": {"record": record.pk}})  # 404 ignored
        assert _vector(record.pk) is None


def test_opensearch_down_retries_the_removal_and_the_record_stays_out_of_results(
    council_a, file_plan_a, records_client_a, fake_opensearch, monkeypatch
):
    """The index cannot be reached when the destruction is relayed: the handler raises, the
    event is retried with backoff (not marked delivered), and the PostgreSQL side already left
    the index; when OpenSearch answers again the document is deleted."""
    from opensearchpy.exceptions import ConnectionError as OpenSearchDown

    schema = council_a.schema_name
    with schema_context(schema):
        record = actions.declare_record(
            "tester", upload=_upload("Text"), title="Outage", file_class=file_plan_a["minutes"]
        )
    _relay(schema)
    url = f"/cp-{schema}__records_record/_doc/{record.pk}"
    with schema_context(schema):
        actions.destroy_record("tester", Record.objects.get(pk=record.pk), "due")
        event = OutboxEvent.objects.get(type="records.record.destroyed", data__record=record.pk)

    real = FakeConnection.perform_request

    def down(self, method, url, *args, **kwargs):
        raise OpenSearchDown("N/A", "connection refused", None)

    monkeypatch.setattr(FakeConnection, "perform_request", down)
    _relay(schema)
    with schema_context(schema):
        event.refresh_from_db()
        assert event.status == OutboxEvent.Status.PENDING and event.attempts == 1
        assert "remove_destroyed_from_search" in event.last_error
    assert url in fake_opensearch.documents

    monkeypatch.setattr(FakeConnection, "perform_request", real)
    with schema_context(schema):
        OutboxEvent.objects.filter(pk=event.pk).update(next_attempt_at=event.time)
    _relay(schema)
    assert url not in fake_opensearch.documents
    with schema_context(schema):
        event.refresh_from_db()
        assert event.status == OutboxEvent.Status.DELIVERED


def _upload(text):
    from records.conftest import upload

    return upload("m.pdf", make_pdf(text), "application/pdf")
