"""The pool's read side: values, comparisons and series, shared by the API and the site page.
Everything reads the pool in ``public`` only; never a council's schema. Each answer is one query
for the values; metrics, members and groups come from the snapshot."""

from .access import BadParameter, check_period, group_member_ids, visible_values
from .models import PoolMetric
from .snapshot import Member, cached_public, get_snapshot, public_period_rows
from .stats import MIN_RANKED, compare


def _period_members(metric: PoolMetric, viewer_council_id: int | None) -> list[tuple]:
    """(period, period start, member id) of every value of the metric the viewer may see."""

    def query():
        return list(
            visible_values(viewer_council_id)
            .filter(metric_id=metric.pk)
            .values_list("period", "period_start", "member_id")
        )

    if viewer_council_id is None:
        return cached_public(("period-members", metric.pk), query)
    return query()


def default_period(
    metric: PoolMetric, members: set[int] | None, viewer_council_id: int | None
) -> tuple[str | None, int, int]:
    """The latest period that most of the group shares: of the group's members with any value
    of the metric, more than half have one (suppressed counts: it was published) for it. One
    early publisher therefore cannot make the comparison "1 of 1". If no period is shared by
    most, the period most members have (the latest of those). Returns (period, members with a
    value in it, members with any value)."""
    counts: dict[tuple, set[int]] = {}
    publishers: set[int] = set()
    for period, start, member_id in _period_members(metric, viewer_council_id):
        if members is not None and member_id not in members:
            continue
        counts.setdefault((start, period), set()).add(member_id)
        publishers.add(member_id)
    if not counts:
        return None, 0, 0
    newest_first = sorted(counts, reverse=True)
    for key in newest_first:
        if 2 * len(counts[key]) > len(publishers):
            return key[1], len(counts[key]), len(publishers)
    best = max(newest_first, key=lambda k: (len(counts[k]), k))
    return best[1], len(counts[best]), len(publishers)


def resolve_period(
    metric: PoolMetric,
    period: str | None,
    viewer_council_id: int | None,
    members: set[int] | None = None,
) -> tuple[str | None, dict]:
    """The period asked for, or the default; and how it was chosen (for the response)."""
    asked = check_period(period)
    if asked:
        return asked, {"basis": "requested"}
    chosen, sharing, publishers = default_period(metric, members, viewer_council_id)
    return chosen, {
        "basis": "latest_shared_by_most",
        "councils_with_value": sharing,
        "councils_publishing": publishers,
    }


def value_rows(metric: PoolMetric, period: str, viewer_council_id: int | None) -> list[dict]:
    """Every member's visible value for the period, ordered by council name."""
    by_pk = get_snapshot().by_pk
    rows = []
    for member_id, *fields in (
        visible_values(viewer_council_id)
        .filter(metric_id=metric.pk, period=period)
        .values_list(
            "member_id",
            "period",
            "value",
            "numerator",
            "denominator",
            "suppressed",
            "embargo_until",
            "published_at",
            "source_period",
        )
    ):
        member = by_pk.get(member_id)
        if member is None:
            continue
        period_, value, numerator, denominator, suppressed, embargo, published, source = fields
        rows.append(
            {
                "gss_code": member.gss_code,
                "council": member.name,
                "tier": member.tier,
                "region": member.region,
                "period": period_,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "suppressed": suppressed,
                "embargo_until": embargo,
                "published_at": published,
                "source_period": source,
            }
        )
    rows.sort(key=lambda r: (r["council"], r["gss_code"]))
    return rows


def metric_reporting_counts() -> dict[int, int]:
    """How many councils report each metric: members with a published value anyone may see
    (suppressed cells count: the council reports the measure), by metric pk."""
    from django.db.models import Count

    def query():
        return dict(
            visible_values(None)
            .values_list("metric_id")
            .annotate(n=Count("member_id", distinct=True))
            .values_list("metric_id", "n")
        )

    return cached_public(("reporting-counts",), query)


def metric_dict(metric: PoolMetric) -> dict:
    return {
        "metric_id": metric.metric_id,
        "title": metric.title,
        "unit": metric.unit,
        "polarity": metric.polarity,
        "kind": metric.kind,
        "precision": metric.precision,
    }


def member_dict(member: Member) -> dict:
    return {
        "gss_code": member.gss_code,
        "name": member.name,
        "tier": member.tier,
        "region": member.region,
    }


def compare_payload(
    metric: PoolMetric,
    member: Member,
    *,
    period: str | None,
    group: str,
    viewer_council_id: int | None,
) -> dict:
    group = (group or "all").strip()
    members = group_member_ids(member, group)  # validates ``group`` (400) before any value query
    period, period_choice = resolve_period(metric, period, viewer_council_id, members)
    snap = get_snapshot()

    def build():
        rows = []
        if period is not None:
            if viewer_council_id is None:
                rows = public_period_rows(metric.pk, period)
            else:
                rows = list(
                    visible_values(viewer_council_id)
                    .filter(metric_id=metric.pk, period=period)
                    .values_list("member_id", "value", "suppressed")
                )
        if members is not None:
            rows = [r for r in rows if r[0] in members]
        return _ranked_table(metric, rows, snap)

    if viewer_council_id is None:
        scope = {"all": "all", "tier": member.tier, "region": member.region}.get(group, member.pk)
        table = cached_public((metric.pk, period, group, scope), build)
    else:
        table = build()
    own = table["own"].get(member.pk)
    group_size = len(members) if members is not None else len(snap.by_pk)
    result = compare(own[0] if own else None, table["usable"], metric.polarity, group_size)
    peers = [{**p, "subject": p["gss_code"] == member.gss_code} for p in table["peers"]]
    return {
        "metric": metric_dict(metric),
        "council": member_dict(member),
        "period": period,
        "period_basis": period_choice["basis"],
        "group": group,
        "value": result.value,
        "suppressed": bool(own and own[1]),
        "rank": result.rank,
        "quartile": result.quartile,
        "median": result.median,
        "lower_quartile": result.lower_quartile,
        "upper_quartile": result.upper_quartile,
        "group_size": result.group_size,
        "values_count": result.values_count,
        "peers": peers,
    }


def _ranked_table(metric: PoolMetric, rows: list, snap) -> dict:
    """A group's values ranked once: competition ranking (1 + the number strictly better),
    peers best first, usable values sorted, and each member's own (value, suppressed)."""
    lower_better = metric.polarity == "lower"
    usable = sorted(r[1] for r in rows if not r[2] and r[1] is not None)
    first_at: dict[float, int] = {}
    if len(usable) >= MIN_RANKED:  # a group of one ranks nobody
        for position, v in enumerate(usable if lower_better else reversed(usable)):
            first_at.setdefault(v, position + 1)
    peers = []
    for member_id, value, suppressed in rows:
        info = snap.by_pk.get(member_id)
        if info is None:
            continue
        rank = first_at.get(value) if value is not None and not suppressed else None
        peers.append(
            {
                "gss_code": info.gss_code,
                "council": info.name,
                "value": value,
                "suppressed": suppressed,
                "rank": rank,
            }
        )
    peers.sort(key=lambda p: (p["rank"] is None, p["rank"] or 0, p["council"]))
    return {
        "peers": peers,
        "usable": usable,
        "own": {r[0]: (r[1], r[2]) for r in rows},
    }


def series_payload(
    metric: PoolMetric, member: Member, *, group: str, viewer_council_id: int | None
) -> dict:
    group = (group or "all").strip()
    members = group_member_ids(member, group)
    by_period: dict[str, dict] = {}
    for member_id, period, start, value, suppressed in (
        visible_values(viewer_council_id)
        .filter(metric_id=metric.pk)
        .values_list("member_id", "period", "period_start", "value", "suppressed")
    ):
        if members is not None and member_id not in members:
            continue
        entry = by_period.setdefault(period, {"start": start, "values": [], "own": None})
        if member_id == member.pk:
            entry["own"] = (value, suppressed)
        if value is not None and not suppressed:
            entry["values"].append(value)
    group_size = len(members) if members is not None else len(get_snapshot().by_pk)
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


__all__ = [
    "BadParameter",
    "compare_payload",
    "default_period",
    "metric_reporting_counts",
    "resolve_period",
    "series_payload",
    "value_rows",
]
