"""Writes to the benchmarking pool: receiving a council's publication, the metric catalogue and
context data (platform staff), nearest neighbours, custom peer groups and API keys.

The pool never reads a council's schema: the warehouse builds a council's publication and hands
it to ``publish_values``."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.errors import Refused
from platform_core.events import emit_platform
from platform_core.periods import PeriodError, parse_period
from tenants.models import Council

from .disclosure import SUPPRESSED, Cell, protect
from .models import ApiKey, NearestNeighbour, PeerGroup, PoolMember, PoolMetric, PoolValue
from .snapshot import bump_version

log = structlog.get_logger(__name__)
NEIGHBOURS_LOCK = 0x6E6E_0001  # pg_advisory_xact_lock key of the nearest-neighbour recompute
RATE_RE = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


@dataclass(frozen=True)
class PublishedValue:
    """One value a council hands to the pool: a catalogue metric, a period, and the figures
    after disclosure control (``apply_disclosure_control``). ``source_metric`` is the council's
    own metric id (provenance)."""

    metric_id: str
    period: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False
    source_metric: str = ""
    embargo_until: date | None = None


@dataclass
class PublishResult:
    metrics: int
    values: int
    suppressed: int
    withdrawn: int
    skipped: list[str] = field(default_factory=list)


def apply_disclosure_control(
    kind: str, value: float, numerator: float | None = None, denominator: float | None = None
) -> Cell:
    """The pool's disclosure rules (disclosure.py), for the council side building a publication."""
    return protect(kind, value, numerator, denominator)


def publish_values(
    council: Council, values: list[PublishedValue], *, embargo_until: date | None = None
) -> PublishResult:
    """Receive ``council``'s publication: its values of catalogue metrics, already through
    disclosure control. The publication is complete: the council's pool values not in it are
    withdrawn. ``embargo_until`` overrides each value's own embargo date.

    Only the council's own rows are written (its member row and its values); catalogue rows
    are read, never written, so concurrent publications take no lock on shared rows and
    cannot deadlock on each other. Never looks into a council's schema; the rules are checked
    again here (catalogue metric, not a context metric, period, disclosure control) so nothing
    unprotected or unowned reaches the pool whoever calls this."""
    if council.is_public or not council.gss_code:
        raise ValidationError({"council": ["only a council with a GSS code can publish"]})
    if council.status != Council.Status.ACTIVE:
        raise Refused(
            f"{council.name} is {council.get_status_display().lower()}: it cannot publish"
        )
    catalogue = {
        m.metric_id: m
        for m in PoolMetric.objects.filter(metric_id__in={v.metric_id for v in values})
    }
    errors: list[str] = []
    unknown = sorted({v.metric_id for v in values} - set(catalogue))
    if unknown:
        errors.append(f"not in the metric catalogue: {', '.join(unknown)}")
    context = sorted(m for m, metric in catalogue.items() if metric.is_context)
    if context:
        errors.append(
            f"context metrics are platform data and cannot be published: {', '.join(context)}"
        )
    periods = {}
    for label in sorted({v.period for v in values}):
        try:
            periods[label] = parse_period(label)
        except PeriodError as exc:
            errors.append(str(exc))
    seen: set[tuple[str, str]] = set()
    for v in values:
        if (v.metric_id, v.period) in seen:
            errors.append(f"{v.metric_id} {v.period} is given twice")
        seen.add((v.metric_id, v.period))
    if errors:
        raise ValidationError({"values": errors})
    now = timezone.now()
    rows = []
    for v in values:
        metric = catalogue[v.metric_id]
        if v.suppressed or v.value is None:
            cell = SUPPRESSED
        else:  # idempotent on protected figures: a guard, whoever built the publication
            cell = protect(metric.kind, v.value, v.numerator, v.denominator)
        rows.append(
            PoolValue(
                metric=metric,
                period=periods[v.period].label,
                period_start=periods[v.period].start,
                value=cell.value,
                numerator=cell.numerator,
                denominator=cell.denominator,
                suppressed=cell.suppressed,
                embargo_until=embargo_until or v.embargo_until,
                published_at=now,
                source_period=v.period,
                source_metric=v.source_metric[:64],
            )
        )
    with transaction.atomic():
        member, _ = PoolMember.objects.update_or_create(
            gss_code=council.gss_code,
            defaults={
                "name": council.name,
                "tier": council.tier,
                "region": council.region,
                "council": council,
                "synthetic": False,
                "last_published_at": now,
            },
        )
        for row in rows:
            row.member = member
        kept = {(r.metric.pk, r.period) for r in rows}
        stale = [
            pk
            for pk, metric_pk, period in PoolValue.objects.filter(member=member)
            .exclude(metric__is_context=True)  # context values are the platform's, not withdrawn
            .values_list("pk", "metric_id", "period")
            if (metric_pk, period) not in kept
        ]
        PoolValue.objects.filter(pk__in=stale).delete()
        rows.sort(key=lambda r: (r.metric.pk, r.period))  # one order for every writer
        PoolValue.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["metric", "member", "period"],
            update_fields=[
                "period_start",
                "value",
                "numerator",
                "denominator",
                "suppressed",
                "embargo_until",
                "published_at",
                "source_period",
                "source_metric",
            ],
        )
        bump_version()
        result = PublishResult(
            metrics=len({r.metric.pk for r in rows}),
            values=len(rows),
            suppressed=sum(1 for r in rows if r.suppressed),
            withdrawn=len(stale),
        )
        # A platform event in the publication's transaction (public schema's outbox).
        emit_platform(
            "benchmarking.pool.published",
            council=council.schema_name,
            subject=f"councils/{council.schema_name}",
            data={
                "council": council.schema_name,
                "slug": council.slug,
                "gss_code": council.gss_code,
                "metrics": result.metrics,
                "values": result.values,
                "suppressed": result.suppressed,
                "withdrawn": result.withdrawn,
                "embargo_until": embargo_until.isoformat() if embargo_until else None,
            },
        )
    log.info("benchmarking.published", council=council.slug, **result.__dict__)
    return result


# --- The catalogue (platform staff) ------------------------------------------------------------
CATALOGUE_FIELDS = (
    "metric_id",
    "title",
    "description",
    "unit",
    "polarity",
    "kind",
    "source",
    "theme",
    "is_context",
    "precision",
    "lginform_id",
)


def save_catalogue_metric(*, metric: PoolMetric | None = None, **fields) -> PoolMetric:
    """Define or change a catalogue metric (platform staff only: console, platform API).
    A change to which metrics are context data recomputes nearest neighbours (a task)."""
    unknown = set(fields) - set(CATALOGUE_FIELDS) - {"synthetic"}
    if unknown:
        raise ValidationError({name: ["not a catalogue field"] for name in sorted(unknown)})
    creating = metric is None
    metric = metric or PoolMetric()
    if not creating and "metric_id" in fields and fields["metric_id"] != metric.metric_id:
        raise ValidationError({"metric_id": ["a catalogue metric's id cannot change"]})
    was_context = bool(metric.is_context) and not creating
    for name, value in fields.items():
        setattr(metric, name, value)
    metric.full_clean()
    with transaction.atomic():
        metric.save()
        bump_version()
        if metric.is_context != was_context or (metric.is_context and creating):
            context_data_changed()
    return metric


def delete_catalogue_metric(metric: PoolMetric) -> None:
    """Remove a catalogue metric nobody has published (its values would go with it)."""
    if metric.values.exclude(member__synthetic=True).exists() and not metric.is_context:
        raise Refused(f"{metric.metric_id} has values published by councils: it cannot be deleted")
    with transaction.atomic():
        was_context = metric.is_context
        metric.delete()
        bump_version()
        if was_context:
            context_data_changed()


@dataclass(frozen=True)
class ContextValue:
    gss_code: str
    metric_id: str
    period: str
    value: float


def save_context_values(values: list[ContextValue], *, source: str = "") -> int:
    """Load platform context data (population, deprivation, ...) for pool members; nearest
    neighbours are recomputed by a task after the commit. Returns the number of values."""
    members = {
        m.gss_code: m for m in PoolMember.objects.filter(gss_code__in={v.gss_code for v in values})
    }
    metrics = {
        m.metric_id: m
        for m in PoolMetric.objects.filter(metric_id__in={v.metric_id for v in values})
    }
    errors = []
    for code in sorted({v.gss_code for v in values} - set(members)):
        errors.append(f"{code} is not in the pool")
    for metric_id in sorted({v.metric_id for v in values}):
        metric = metrics.get(metric_id)
        if metric is None or not metric.is_context:
            errors.append(f"{metric_id} is not a context metric of the catalogue")
    periods = {}
    for label in sorted({v.period for v in values}):
        try:
            periods[label] = parse_period(label)
        except PeriodError as exc:
            errors.append(str(exc))
    if errors:
        raise ValidationError({"values": errors})
    now = timezone.now()
    rows = [
        PoolValue(
            metric=metrics[v.metric_id],
            member=members[v.gss_code],
            period=periods[v.period].label,
            period_start=periods[v.period].start,
            value=float(v.value),
            suppressed=False,
            published_at=now,
            source_period=v.period,
            source_metric=source[:64],
        )
        for v in values
    ]
    with transaction.atomic():
        PoolValue.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["metric", "member", "period"],
            update_fields=[
                "period_start",
                "value",
                "published_at",
                "source_period",
                "source_metric",
            ],
        )
        bump_version()
        context_data_changed()
    return len(rows)


def context_data_changed() -> None:
    """Recompute nearest neighbours after this transaction commits, as a task (never inside
    the request or publication that changed the data)."""
    from platform_core.tasks import enqueue_on_commit

    from .tasks import recompute_nearest_neighbours

    # Never raised to the caller (a committed change is a success); the next change of context
    # data (the nightly publication, caught up after an outage) recomputes them again.
    enqueue_on_commit(recompute_nearest_neighbours)


def compute_nearest_neighbours(count: int | None = None) -> int:
    """CIPFA's method: for each member, the ``count`` (default 15) members closest by Euclidean
    distance over the context metrics, each standardised to mean 0 and SD 1. A member's latest
    unsuppressed value of each context metric is used; a missing one counts as the mean.
    Returns the number of members with neighbours."""
    count = count or getattr(settings, "BENCHMARK_NEAREST_NEIGHBOURS", 15)
    context_ids = list(PoolMetric.objects.filter(is_context=True).values_list("pk", flat=True))
    latest: dict[tuple[int, int], float] = {}
    for member_id, metric_id, value in (
        PoolValue.objects.filter(metric_id__in=context_ids, suppressed=False, value__isnull=False)
        .order_by("member_id", "metric_id", "period_start")
        .values_list("member_id", "metric_id", "value")
    ):
        latest[(member_id, metric_id)] = value  # ordered by period: the last one wins
    members = sorted({m for m, _ in latest})
    with transaction.atomic():
        with connection.cursor() as cursor:  # one recomputation at a time
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEIGHBOURS_LOCK])
        NearestNeighbour.objects.all().delete()
        bump_version()
        if len(members) < 2:
            return 0
        matrix = np.array(
            [[latest.get((m, c), np.nan) for c in context_ids] for m in members], dtype=float
        )
        means = np.nanmean(matrix, axis=0)
        sds = np.nanstd(matrix, axis=0)
        sds[sds == 0] = 1.0
        z = (matrix - means) / sds
        z = np.nan_to_num(z, nan=0.0)
        diff = z[:, None, :] - z[None, :, :]
        distances = np.sqrt((diff**2).sum(axis=2))
        np.fill_diagonal(distances, np.inf)
        keep = min(count, len(members) - 1)
        rows = []
        for i, member_id in enumerate(members):
            nearest = np.argsort(distances[i], kind="stable")[:keep]
            rows.extend(
                NearestNeighbour(
                    member_id=member_id,
                    neighbour_id=members[j],
                    rank=r + 1,
                    distance=float(distances[i, j]),
                )
                for r, j in enumerate(nearest)
            )
        NearestNeighbour.objects.bulk_create(rows, batch_size=5000)
        bump_version()
    return len(members)


def create_peer_group(*, owner: PoolMember, name: str, member_codes: list[str]) -> PeerGroup:
    members = list(PoolMember.objects.filter(gss_code__in=member_codes))
    unknown = sorted(set(member_codes) - {m.gss_code for m in members})
    errors = {}
    if not name.strip():
        errors["name"] = ["a name is required"]
    if unknown:
        errors["members"] = [f"not in the pool: {', '.join(unknown)}"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        group = PeerGroup.objects.create(owner=owner, name=name.strip())
        group.members.set(members)
    bump_version()
    return group


def create_council_peer_group(council: Council, *, name: str, member_codes: list[str]) -> PeerGroup:
    """A custom group owned by ``council``'s pool membership (it must have published)."""
    owner = PoolMember.objects.filter(council_id=council.pk).first()
    if owner is None:
        raise ValidationError({"non_field_errors": ["publish to the pool before defining groups"]})
    return create_peer_group(owner=owner, name=name, member_codes=member_codes)


def issue_api_key(
    *, name: str, council: Council | None = None, rate: str = ""
) -> tuple[ApiKey, str]:
    """A new key; returns (the stored key, the raw key shown once)."""
    if rate and not RATE_RE.match(rate):
        raise ValidationError({"rate": [f"{rate!r} is not a rate such as 6000/min"]})
    raw = "cpk_" + secrets.token_urlsafe(32)
    with schema_context("public"):
        key = ApiKey.objects.create(
            name=name[:200], prefix=raw[:12], key_hash=ApiKey.hash(raw), council=council, rate=rate
        )
    return key, raw


def revoke_api_key(key: ApiKey) -> None:
    key.active = False
    key.save(update_fields=["active"])


def seed_demo_pool(council: Council) -> dict:
    """For the demo (``make run``): a synthetic pool of other councils the first time, and
    platform context data for ``council`` so that it has nearest neighbours."""
    from .seeding import seed_demo_pool as seed

    with schema_context("public"):
        return seed(council)


def ensure_demo_catalogue() -> int:
    """For the demo: the catalogue metrics the demo councils publish to, if missing."""
    from .seeding import ensure_demo_catalogue as ensure

    with schema_context("public"):
        return ensure()
