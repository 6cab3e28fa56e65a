"""The council's side of the benchmarking pool: "the warehouse pushes, the pool receives".

A council maps its own metrics onto the platform's catalogue (``Metric.pool_metric``) and opts
in (``Metric.shared``). Publishing builds the council's publication here, in the council's own
schema (its council-level observations of mapped metrics, through the pool's disclosure control
with the catalogue metric's kind), and hands it to the pool's action
(``intelligence.benchmarking.actions.publish_values``), which never looks into a council's
schema. Definitions (title, unit, polarity, kind) are the catalogue's: a council publishes
values only. Context metrics are platform data: a mapping onto one is refused.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection

from intelligence.benchmarking import access as pool_access
from intelligence.benchmarking import actions as pool_actions
from tenants.access import current_council

from .models import Metric, Observation


def check_mapping(metric: Metric) -> str:
    """The catalogue metric ``metric`` is published as (its own id when none was given and the
    catalogue has it); a ValidationError naming ``pool_metric`` otherwise."""
    target = metric.pool_metric or metric.metric_id
    entry = pool_access.catalogue_entries([target]).get(target)
    if entry is None:
        if not metric.shared and not metric.pool_metric:
            return ""
        raise ValidationError(
            {
                "pool_metric": [
                    f"{target!r} is not in the benchmarking catalogue: map the metric onto a "
                    "catalogue metric (GET /api/v1/benchmarks/metrics/ on the platform lists them)"
                ]
            }
        )
    if entry.is_context:
        raise ValidationError(
            {
                "pool_metric": [
                    f"{target!r} is a context metric: context data is the platform's, councils "
                    "do not publish it"
                ]
            }
        )
    return target


def build_publication(council_code: str) -> tuple[list, list[str]]:
    """The current council's publication: values of its shared, mapped metrics for the council
    itself (not its wards), after disclosure control with the catalogue metric's kind. Returns
    (values, skipped local metric ids: mapped onto a metric the catalogue no longer has, or
    onto a context metric)."""
    metrics = {m.pk: m for m in Metric.objects.filter(shared=True).exclude(pool_metric="")}
    catalogue = pool_access.catalogue_entries({m.pool_metric for m in metrics.values()})
    usable = {
        pk: catalogue[m.pool_metric]
        for pk, m in metrics.items()
        if m.pool_metric in catalogue and not catalogue[m.pool_metric].is_context
    }
    skipped = sorted(m.metric_id for pk, m in metrics.items() if pk not in usable)
    targets = [usable[pk].metric_id for pk in usable]
    if len(targets) != len(set(targets)):
        doubled = sorted({t for t in targets if targets.count(t) > 1})
        raise ValidationError(
            {"pool_metric": [f"more than one metric is mapped onto {', '.join(doubled)}"]}
        )
    values = []
    for metric_pk, period, value, numerator, denominator in Observation.objects.filter(
        metric_id__in=list(usable), area_code=council_code
    ).values_list("metric_id", "period", "value", "numerator", "denominator"):
        entry = usable[metric_pk]
        cell = pool_actions.apply_disclosure_control(entry.kind, value, numerator, denominator)
        values.append(
            pool_actions.PublishedValue(
                metric_id=entry.metric_id,
                period=period,
                value=cell.value,
                numerator=cell.numerator,
                denominator=cell.denominator,
                suppressed=cell.suppressed,
                source_metric=metrics[metric_pk].metric_id,
                embargo_until=metrics[metric_pk].embargo_until,
            )
        )
    return values, skipped


def publish_to_pool(*, embargo_until: date | None = None) -> pool_actions.PublishResult:
    """Publish the current council (the request's, or a task's schema) to the pool."""
    council = current_council()
    if council is None or council.schema_name != connection.schema_name or council.is_public:
        raise ValidationError({"council": ["only a council can publish to the pool"]})
    if not council.gss_code:
        raise ValidationError({"council": ["only a council with a GSS code can publish"]})
    values, skipped = build_publication(council.gss_code)
    result = pool_actions.publish_values(council, values, embargo_until=embargo_until)
    result.skipped = skipped
    return result


# --- The council's pool settings (keys and custom groups), through the pool's surface -----------
def issue_pool_key(name: str):
    return pool_actions.issue_api_key(name=name, council=current_council())


def create_pool_group(name: str, member_codes: list[str]):
    return pool_actions.create_council_peer_group(
        current_council(), name=name, member_codes=member_codes
    )
