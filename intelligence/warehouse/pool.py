"""The council's side of the benchmarking pool: "the warehouse pushes, the pool receives".

A council maps its own metrics onto the platform's catalogue (``Metric.pool_metric``) and opts
in (``Metric.shared``). Publishing builds the council's publication here, in the council's own
schema (its council-level observations of mapped metrics, through the pool's disclosure control
with the catalogue metric's kind), and hands it to the pool's action
(``intelligence.benchmarking.actions.publish_values``), which never looks into a council's
schema. Definitions (title, unit, polarity, kind) are the catalogue's: a council publishes
values only. Context metrics are platform data: a mapping onto one is refused.
"""

from dataclasses import dataclass, field
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


@dataclass
class PreviewValue:
    period: str
    value: float
    numerator: float | None
    denominator: float | None
    published: float | None
    suppressed: bool
    reason: str


@dataclass
class PreviewMetric:
    """One of the council's metrics as the pool would receive it (or why it would not)."""

    metric_id: str
    title: str
    pk: int = 0
    catalogue_id: str = ""
    catalogue_title: str = ""
    kind: str = ""
    values: list[PreviewValue] = field(default_factory=list)
    not_shared_because: str = ""

    @property
    def suppressed(self) -> list[PreviewValue]:
        return [v for v in self.values if v.suppressed]

    @property
    def adjusted(self) -> list[PreviewValue]:
        """Published, but changed by disclosure control (rounded, supporting counts dropped)."""
        return [v for v in self.values if not v.suppressed and (v.published != v.value or v.reason)]


def _publication(council_code: str) -> tuple[list, list[PreviewMetric]]:
    """The publication (values for the pool) and, per metric of the warehouse, what happens to
    it: published (each value with what disclosure control did and why) or not, and why."""
    metrics = {m.pk: m for m in Metric.objects.order_by("metric_id")}
    mapped = {pk: m for pk, m in metrics.items() if m.shared and m.pool_metric}
    catalogue = pool_access.catalogue_entries({m.pool_metric for m in mapped.values()})
    report: dict[int, PreviewMetric] = {}
    usable = {}
    for pk, m in metrics.items():
        item = report[pk] = PreviewMetric(m.metric_id, m.title, pk)
        if not m.shared:
            item.not_shared_because = "not opted in to the pool (shared is off)"
        elif not m.pool_metric:
            item.not_shared_because = "not mapped onto a catalogue metric"
        elif m.pool_metric not in catalogue:
            item.not_shared_because = (
                f"mapped onto {m.pool_metric!r}, which the catalogue no longer has"
            )
        elif catalogue[m.pool_metric].is_context:
            item.not_shared_because = (
                f"mapped onto {m.pool_metric!r}, a context metric (platform data)"
            )
        else:
            entry = usable[pk] = catalogue[m.pool_metric]
            item.catalogue_id, item.catalogue_title, item.kind = (
                entry.metric_id,
                entry.title,
                entry.kind,
            )
    targets = [usable[pk].metric_id for pk in usable]
    if len(targets) != len(set(targets)):
        doubled = sorted({t for t in targets if targets.count(t) > 1})
        raise ValidationError(
            {"pool_metric": [f"more than one metric is mapped onto {', '.join(doubled)}"]}
        )
    values = []
    for metric_pk, period, value, numerator, denominator in (
        Observation.objects.filter(metric_id__in=list(usable), area_code=council_code)
        .order_by("metric_id", "period_start")
        .values_list("metric_id", "period", "value", "numerator", "denominator")
    ):
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
        reason = cell.reason
        if not cell.suppressed and cell.value != value and not reason:
            reason = "rounded to the nearest 5 (a count)"
        report[metric_pk].values.append(
            PreviewValue(period, value, numerator, denominator, cell.value, cell.suppressed, reason)
        )
    return values, list(report.values())


def build_publication(council_code: str) -> tuple[list, list[str]]:
    """The current council's publication: values of its shared, mapped metrics for the council
    itself (not its wards), after disclosure control with the catalogue metric's kind. Returns
    (values, skipped local metric ids: mapped onto a metric the catalogue no longer has, or
    onto a context metric)."""
    values, report = _publication(council_code)
    skipped = sorted(m.metric_id for m in report if m.not_shared_because.startswith("mapped onto"))
    return values, skipped


# --- Who may publish, and what a publication would hold (the admin's publish screen) ---------
PUBLISHERS = ("Council administrators",)


@dataclass
class PublishPreview:
    council_name: str
    gss_code: str
    last_published_at: object
    shared: list[PreviewMetric]
    not_shared: list[PreviewMetric]
    error: str = ""

    @property
    def values(self) -> int:
        return sum(len(m.values) for m in self.shared)

    @property
    def suppressed(self) -> int:
        return sum(len(m.suppressed) for m in self.shared)


def publication_preview() -> PublishPreview:
    """What publishing now would send for the current council, what disclosure control would
    suppress or change and why, and which metrics stay out and why. Writes nothing."""
    council = current_council()
    if council is None:
        raise ValidationError({"council": ["only a council can publish to the pool"]})
    preview = PublishPreview(
        council.name, council.gss_code, pool_access.council_last_published(council.pk), [], []
    )
    if not council.gss_code:
        preview.error = "The council has no GSS code, so it cannot be in the pool."
        return preview
    try:
        _values, report = _publication(council.gss_code)
    except ValidationError as exc:
        preview.error = "; ".join(exc.messages)
        return preview
    preview.shared = [m for m in report if not m.not_shared_because]
    preview.not_shared = [m for m in report if m.not_shared_because]
    return preview


def may_publish(user) -> tuple[bool, str]:
    """(may this user publish the current council now, and if not, why not). The same rule as
    the API's pool/publish/ (Council administrators) and the pool's own refusal of a council
    that is not active."""
    council = current_council()
    if council is None:
        return False, "Only a council can publish to the pool."
    if not (user.is_superuser or user.groups.filter(name__in=PUBLISHERS).exists()):
        return False, (
            "Only Council administrators publish to the benchmarking pool. You can check what "
            "would be shared here; ask one of your council's administrators to publish it."
        )
    if council.status != council.Status.ACTIVE:
        return (
            False,
            f"{council.name} is {council.get_status_display().lower()}: it cannot publish.",
        )
    if not council.gss_code:
        return False, "The council has no GSS code, so it cannot publish."
    return True, ""


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
