"""No double counting: the warehouse's count of distinct golden people and places.

Master data publishes two council-level metrics through the warehouse's own actions (never its
models): ``mdm-distinct-people`` and ``mdm-distinct-places``, the number of active golden
records for the current financial year. A resident known to council tax, housing and social
care is one golden person, so is counted once."""

from django.utils import timezone

from ..models import GoldenPerson, GoldenPlace, PersonRecord, PlaceRecord

METRICS = {
    "people": (
        "mdm-distinct-people",
        "Residents known to council services (distinct people)",
        "people",
        "Count of distinct golden people in master data: a resident known to several services "
        "(council tax, housing, social care, libraries...) is counted once, not once per system.",
    ),
    "places": (
        "mdm-distinct-places",
        "Properties known to council services (distinct places)",
        "places",
        "Count of distinct golden places in master data (one per UPRN, or per normalised address "
        "where there is no UPRN): a property held by several systems is counted once.",
    ),
}


def financial_year(day=None) -> str:
    day = day or timezone.localdate()
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}-{(year + 1) % 100:02d}"


def publish_distinct_counts(kind: str, *, period: str | None = None) -> dict:
    """Save the metric and this year's council-level value in the warehouse."""
    from django.db import connection

    from intelligence.warehouse import actions as warehouse
    from tenants.models import Council

    council = Council.objects.filter(schema_name=connection.schema_name).first()
    if council is None or not council.gss_code:
        return {}
    council_code = council.gss_code
    metric_id, title, unit, description = METRICS[kind]
    if kind == "people":
        golden = GoldenPerson.objects.filter(status="active").count()
        records = PersonRecord.objects.count()
    else:
        golden = GoldenPlace.objects.filter(status="active", record_count__gt=0).count()
        records = PlaceRecord.objects.count()
    period = period or financial_year()
    warehouse.save_or_update_metric(
        metric_id=metric_id,
        title=title,
        kind="count",
        polarity="neither",
        unit=unit,
        category="context",
        source="Master data (intelligence.masterdata)",
        description=f"{description} Source records: {records}.",
        # Not published to the benchmarking pool: context data there is the platform's, and
        # the pool's catalogue has no distinct-count metric for a council to map this onto.
        shared=False,
    )
    warehouse.import_observations(
        f"metric_id,area_code,period,value\n{metric_id},{council_code},{period},{golden}\n",
        filename="masterdata",
        council_code=council_code,
    )
    return {"metric": metric_id, "period": period, "value": golden, "source_records": records}
