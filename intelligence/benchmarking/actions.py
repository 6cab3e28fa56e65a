"""Writes to the benchmarking pool: publishing a council's shared metrics, nearest neighbours,
custom peer groups and API keys."""

import re
import secrets
from dataclasses import dataclass
from datetime import date

import numpy as np
import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Council

from .disclosure import protect
from .models import ApiKey, NearestNeighbour, PeerGroup, PoolMember, PoolMetric, PoolValue
from .snapshot import bump_version

log = structlog.get_logger(__name__)
RATE_RE = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


@dataclass
class PublishResult:
    metrics: int
    values: int
    suppressed: int
    withdrawn: int


def publish_council(council: Council, *, embargo_until: date | None = None) -> PublishResult:
    """Copy ``council``'s council-level values of the metrics it shares into the pool, applying
    disclosure control. Idempotent: values are replaced; values of metrics it no longer shares
    (or that left its warehouse) are withdrawn. ``embargo_until`` overrides each metric's own
    embargo date for this publication."""
    from intelligence.warehouse.models import Metric, Observation

    if council.is_public or not council.gss_code:
        raise ValidationError({"council": ["only a council with a GSS code can publish"]})
    with schema_context(council.schema_name):
        metrics = list(Metric.objects.filter(shared=True))
        observations = list(
            Observation.objects.filter(metric__shared=True, area_code=council.gss_code).values_list(
                "metric__metric_id", "period", "period_start", "value", "numerator", "denominator"
            )
        )
    now = timezone.now()
    with schema_context("public"), transaction.atomic():
        member, _ = PoolMember.objects.update_or_create(
            gss_code=council.gss_code,
            defaults={
                "name": council.name,
                "tier": council.tier,
                "region": council.region,
                "council": council,
                "synthetic": False,
            },
        )
        pool_metrics = {}
        for metric in metrics:
            pool_metrics[metric.metric_id], _ = PoolMetric.objects.update_or_create(
                metric_id=metric.metric_id,
                defaults={
                    "title": metric.title,
                    "description": metric.description,
                    "unit": metric.unit,
                    "polarity": metric.polarity,
                    "kind": metric.kind,
                    "source": metric.source,
                    "is_context": metric.category == "context",
                    "last_published_at": now,
                },
            )
        kinds = {m.metric_id: m.kind for m in metrics}
        embargoes = {m.metric_id: embargo_until or m.embargo_until for m in metrics}
        rows = []
        for metric_id, period, period_start, value, numerator, denominator in observations:
            cell = protect(kinds[metric_id], value, numerator, denominator)
            rows.append(
                PoolValue(
                    metric=pool_metrics[metric_id],
                    member=member,
                    period=period,
                    period_start=period_start,
                    value=cell.value,
                    numerator=cell.numerator,
                    denominator=cell.denominator,
                    suppressed=cell.suppressed,
                    embargo_until=embargoes[metric_id],
                    published_at=now,
                    source_period=period,
                )
            )
        kept = {(r.metric.metric_id, r.period) for r in rows}
        stale = [
            pk
            for pk, metric_id, period in PoolValue.objects.filter(member=member).values_list(
                "pk", "metric__metric_id", "period"
            )
            if (metric_id, period) not in kept
        ]
        withdrawn_metrics = set(
            PoolValue.objects.filter(pk__in=stale).values_list("metric_id", flat=True)
        )
        PoolValue.objects.filter(pk__in=stale).delete()
        PoolMetric.objects.filter(pk__in=withdrawn_metrics).update(last_published_at=now)
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
            ],
        )
        if any(m.category == "context" for m in metrics) or withdrawn_metrics:
            compute_nearest_neighbours()
        bump_version()
    result = PublishResult(
        metrics=len(metrics),
        values=len(rows),
        suppressed=sum(1 for r in rows if r.suppressed),
        withdrawn=len(stale),
    )
    log.info("benchmarking.published", council=council.slug, **result.__dict__)
    return result


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
