"""The pool's read side: values, comparisons and series, shared by the API and the site page.
Everything reads the pool in ``public`` only; never a council's schema."""

from django.db.models import Max

from .access import BadParameter, check_period, group_member_ids, visible_values
from .models import PoolMember, PoolMetric
from .stats import compare

MEMBER_FIELDS = ("member_id", "member__gss_code", "member__name", "member__tier", "member__region")


def latest_period(metric: PoolMetric, viewer_council_id: int | None) -> str | None:
    row = (
        visible_values(viewer_council_id)
        .filter(metric=metric)
        .order_by("-period_start", "-period")
        .values_list("period", flat=True)
        .first()
    )
    return row


def resolve_period(
    metric: PoolMetric, period: str | None, viewer_council_id: int | None
) -> str | None:
    return check_period(period) or latest_period(metric, viewer_council_id)


def value_rows(metric: PoolMetric, period: str, viewer_council_id: int | None):
    """Every member's visible value for the period, as dicts, ordered by council name."""
    return (
        visible_values(viewer_council_id)
        .filter(metric=metric, period=period)
        .order_by("member__name")
        .values(
            "member__gss_code",
            "member__name",
            "member__tier",
            "member__region",
            "period",
            "value",
            "numerator",
            "denominator",
            "suppressed",
            "embargo_until",
            "published_at",
            "source_period",
        )
    )


def value_dict(row: dict) -> dict:
    return {
        "gss_code": row["member__gss_code"],
        "council": row["member__name"],
        "tier": row["member__tier"],
        "region": row["member__region"],
        "period": row["period"],
        "value": row["value"],
        "numerator": row["numerator"],
        "denominator": row["denominator"],
        "suppressed": row["suppressed"],
        "embargo_until": row["embargo_until"],
        "published_at": row["published_at"],
        "source_period": row["source_period"],
    }


def metric_dict(metric: PoolMetric) -> dict:
    return {
        "metric_id": metric.metric_id,
        "title": metric.title,
        "unit": metric.unit,
        "polarity": metric.polarity,
        "kind": metric.kind,
    }


def member_dict(member: PoolMember) -> dict:
    return {
        "gss_code": member.gss_code,
        "name": member.name,
        "tier": member.tier,
        "region": member.region,
    }


def compare_payload(
    metric: PoolMetric,
    member: PoolMember,
    *,
    period: str | None,
    group: str,
    viewer_council_id: int | None,
) -> dict:
    group = (group or "all").strip()
    members = group_member_ids(member, group)  # validates ``group`` (400) before any value query
    period = resolve_period(metric, period, viewer_council_id)
    rows = []
    if period is not None:
        rows = list(
            visible_values(viewer_council_id)
            .filter(metric=metric, period=period)
            .values_list("member_id", "member__gss_code", "member__name", "value", "suppressed")
        )
    if members is not None:
        rows = [r for r in rows if r[0] in members]
    group_size = len(members) if members is not None else PoolMember.objects.count()
    usable = [r[3] for r in rows if not r[4] and r[3] is not None]
    own = next((r for r in rows if r[0] == member.pk), None)
    result = compare(own[3] if own else None, usable, metric.polarity, group_size)
    lower_better = metric.polarity == "lower"
    ordered = sorted(usable, reverse=not lower_better)
    peers = []
    for _member_id, gss, name, value, suppressed in rows:
        rank = None
        if value is not None and not suppressed:
            rank = 1 + sum(1 for v in ordered if (v < value if lower_better else v > value))
        peers.append(
            {
                "gss_code": gss,
                "council": name,
                "value": value,
                "suppressed": suppressed,
                "rank": rank,
            }
        )
    peers.sort(key=lambda p: (p["rank"] is None, p["rank"] or 0, p["council"]))
    return {
        "metric": metric_dict(metric),
        "council": member_dict(member),
        "period": period,
        "group": group,
        "value": result.value,
        "suppressed": bool(own and own[4]),
        "rank": result.rank,
        "quartile": result.quartile,
        "median": result.median,
        "lower_quartile": result.lower_quartile,
        "upper_quartile": result.upper_quartile,
        "group_size": result.group_size,
        "values_count": result.values_count,
        "peers": peers,
    }


def series_payload(
    metric: PoolMetric, member: PoolMember, *, group: str, viewer_council_id: int | None
) -> dict:
    group = (group or "all").strip()
    members = group_member_ids(member, group)
    by_period: dict[str, dict] = {}
    for member_id, period, start, value, suppressed in (
        visible_values(viewer_council_id)
        .filter(metric=metric)
        .values_list("member_id", "period", "period_start", "value", "suppressed")
    ):
        if members is not None and member_id not in members:
            continue
        entry = by_period.setdefault(period, {"start": start, "values": [], "own": None})
        if member_id == member.pk:
            entry["own"] = (value, suppressed)
        if value is not None and not suppressed:
            entry["values"].append(value)
    group_size = len(members) if members is not None else PoolMember.objects.count()
    points = []
    for period, entry in sorted(by_period.items(), key=lambda kv: (kv[1]["start"], kv[0])):
        own_value, own_suppressed = entry["own"] or (None, False)
        stats = compare(own_value, entry["values"], metric.polarity, group_size)
        points.append(
            {
                "period": period,
                "value": own_value,
                "suppressed": own_suppressed,
                "rank": stats.rank,
                "group_median": stats.median,
                "group_lower_quartile": stats.lower_quartile,
                "group_upper_quartile": stats.upper_quartile,
                "values_count": stats.values_count,
            }
        )
    return {
        "metric": metric_dict(metric),
        "council": member_dict(member),
        "group": group,
        "group_size": group_size,
        "points": points,
    }


def pool_last_modified():
    return PoolMetric.objects.aggregate(latest=Max("last_published_at"))["latest"]


__all__ = ["BadParameter", "compare_payload", "series_payload", "value_rows"]
