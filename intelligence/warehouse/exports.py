"""Observations as CSV in the import's format (so an export can be edited and imported again),
through the platform's one CSV writer. Used by the API (``?format=csv``) and the admin's export."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from platform_core import csvio

from .actions import CSV_COLUMNS


def observations_csv(queryset, filename: str = "observations.csv") -> HttpResponse:
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    writer = csvio.writer(response, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in queryset.values_list(
        "metric__metric_id", "area_code", "period", "value", "numerator", "denominator"
    ).iterator(chunk_size=5000):
        writer.writerow(["" if v is None else v for v in row])
    return response
