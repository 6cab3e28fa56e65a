"""Full-text search over records: PostgreSQL full-text (a GIN-indexed tsvector in the
council's schema) by default; OpenSearch when OPENSEARCH_URL is set, one index per council
named by the kernel's OpenSearch module (``<OPENSEARCH_INDEX_PREFIX>-<schema>__records_record``). Results always pass through
``visible_records(user)``, so classification and permissions apply on both backends.
On PostgreSQL a broad query is ranked over its newest ``RECORDS_SEARCH_RANK_WINDOW`` (2,000)
matches, which keeps it fast on 100,000 records (see docs/benchmarks.md)."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Subquery

from platform_core.search import opensearch

from .access import visible_records
from .models import Record

INDEX = "records_record"


def index_name(schema: str | None = None) -> str:
    return opensearch.index_name(INDEX, schema)


def index_record(record_id: int) -> None:
    """Mirror one record into the council's OpenSearch index (no-op on PostgreSQL)."""
    if not opensearch.opensearch_url():
        return
    record = Record.objects.filter(pk=record_id).first()
    client = opensearch.client()
    if record is None or record.status == Record.Status.DESTROYED:
        client.delete(index=index_name(), id=str(record_id), ignore=[404])
        return
    client.index(
        index=index_name(),
        id=str(record.pk),
        body={
            "title": record.title,
            "description": record.description,
            "text": record.extracted_text,
            "classification": record.classification,
        },
    )


def search_records(user, query: str):
    # Destroyed records leave the index after their destruction commits (the records event
    # handlers); until the relay has run, the query leaves them out itself.
    records = visible_records(user).exclude(status=Record.Status.DESTROYED)
    if not query.strip():
        return records.none()
    if opensearch.opensearch_url():
        hits = opensearch.client().search(
            index=index_name(),
            body={
                "query": {
                    "multi_match": {"query": query, "fields": ["title^3", "description^2", "text"]}
                },
                "size": 200,
            },
        )["hits"]["hits"]
        ids = [int(h["_id"]) for h in hits]
        order = {pk: i for i, pk in enumerate(ids)}
        return sorted(records.filter(pk__in=ids), key=lambda r: order[r.pk])
    search_query = SearchQuery(query, config="english", search_type="websearch")
    # Ranking needs every candidate's rank; for a broad query (tens of thousands of matches)
    # that is the whole cost. Candidates are the newest RECORDS_SEARCH_RANK_WINDOW matches:
    # a query matching fewer is ranked over all its matches, exactly as before.
    window = int(getattr(settings, "RECORDS_SEARCH_RANK_WINDOW", 2000))
    candidates = records.filter(search_vector=search_query).order_by("-id").values("pk")[:window]
    return (
        records.filter(pk__in=Subquery(candidates))
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .order_by("-rank", "-id")
    )
