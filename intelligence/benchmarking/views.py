"""The benchmarking page on the platform site (/benchmarks/): pick a council (typed, with an
accessible autocomplete over a plain select), a measure by theme with how many councils report
it, and a group with its size; see the council against its peers (a sorted column chart with
quartile band and median, and the table), its time series against the group's inter-quartile
range (chart and table), downloads of exactly those figures (the open API's compare and series
answers for the same choices, as CSV or JSON) and a permalink. Reads only the pool; embargoed
values are never shown here.

Every view is a GET with its choices in the query string, so its address is its permalink; the
permalink pins the period that was shown (the default period moves as councils publish)."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from intelligence.vocabulary import Theme

from .access import GROUPS, BadParameter, access_member, access_metric, group_member_ids
from .charts import peer_bar_chart, series_chart
from .models import PeerGroup, PoolMember, PoolMetric
from .queries import compare_payload, metric_reporting_counts, series_payload
from .snapshot import get_snapshot

GROUP_LABELS = {
    "all": "All councils",
    "tier": "Same tier",
    "region": "Same region",
    "nearest": "Nearest neighbours",
}


def _themes() -> list[dict]:
    """The catalogue's measures by theme (themes in the vocabulary's order, "Other" last), each
    with how many councils report it (published values anyone may see)."""
    counts = metric_reporting_counts()
    by_theme: dict[str, list] = {}
    for metric in PoolMetric.objects.order_by("title").only("pk", "metric_id", "title", "theme"):
        by_theme.setdefault(metric.theme, []).append(
            {
                "metric_id": metric.metric_id,
                "title": metric.title,
                "councils": counts.get(metric.pk, 0),
            }
        )
    order = [value for value, _label in Theme.choices] + [""]
    labels = dict(Theme.choices) | {"": "Other measures"}
    return [
        {"label": labels.get(theme, theme), "metrics": by_theme[theme]}
        for theme in order
        if theme in by_theme
    ]


def _members() -> list[dict]:
    """Councils in the pool: the councils on the platform first, then the rest, by name."""
    return [
        {"gss_code": code, "name": name, "synthetic": synthetic}
        for code, name, synthetic in PoolMember.objects.order_by("synthetic", "name").values_list(
            "gss_code", "name", "synthetic"
        )
    ]


def _groups(member) -> list[dict]:
    """The comparison groups with their actual size for the chosen council (the council is a
    member of its own group)."""
    total = len(get_snapshot().by_pk)
    groups = []
    for name in GROUPS:
        size = total
        detail = ""
        if member is not None:
            members = group_member_ids(member, name)
            size = total if members is None else len(members)
            detail = {"tier": member.tier, "region": member.region}.get(name, "")
        label = GROUP_LABELS[name] + (f" ({detail.replace('-', ' ')})" if detail else "")
        groups.append(
            {"value": name, "label": label, "size": size if member or name == "all" else None}
        )
    if member is not None:
        for group in PeerGroup.objects.filter(owner_id=member.pk).prefetch_related("members"):
            in_group = {m.pk for m in group.members.all()} | {member.pk}
            groups.append({"value": str(group.pk), "label": group.name, "size": len(in_group)})
    return groups


def benchmark_page(request):
    metric_id = request.GET.get("metric", "").strip()
    gss_code = request.GET.get("council", "").strip()
    group = (request.GET.get("group", "all") or "all").strip()
    period = request.GET.get("period", "").strip()
    member = None
    if gss_code:
        try:
            member = access_member(gss_code)
        except Http404:
            member = None
    context = {
        "themes": _themes(),
        "members": _members(),
        "groups": _groups(member),
        "selected": {"metric": metric_id, "council": gss_code, "group": group, "period": period},
        "payload": None,
        "error": None,
    }
    status = 200
    if metric_id and gss_code:
        try:
            metric = access_metric(metric_id)
            if member is None:
                raise Http404
            payload = compare_payload(
                metric, member, period=period or None, group=group, viewer_council_id=None
            )
            series = series_payload(metric, member, group=group, viewer_council_id=None)
        except Http404:
            context["error"] = {
                "field": "council" if metric_id in get_snapshot().metrics else "metric",
                "message": "There is no such council in the pool: choose one from the list."
                if metric_id in get_snapshot().metrics
                else "There is no such measure in the pool: choose one from the list.",
            }
            status = 404
        except BadParameter as exc:
            context["error"] = {"field": exc.name, "message": f"{exc.name.capitalize()}: {exc}"}
            status = 400
        else:
            context.update(_results(request, metric, member, payload, series))
    elif metric_id or gss_code or "group" in request.GET:
        missing = "council" if not gss_code else "metric"
        context["error"] = {
            "field": missing,
            "message": "Choose a council to compare"
            if missing == "council"
            else "Choose a measure",
        }
        status = 400
    return render(request, "benchmarking/benchmark_page.html", context, status=status)


def _results(request, metric, member, payload: dict, series: dict) -> dict:
    shown = {"metric": metric.metric_id, "council": member.gss_code, "group": payload["group"]}
    if payload["period"]:
        shown["period"] = payload["period"]
    compare_url = reverse("benchmarks-compare", args=[metric.metric_id, member.gss_code])
    series_url = reverse("benchmarks-series", args=[metric.metric_id, member.gss_code])
    compare_query = {k: v for k, v in shown.items() if k in ("group", "period")}
    series_query = {"group": payload["group"]}
    return {
        "payload": payload,
        "chart": peer_bar_chart(payload),
        "series": series,
        "series_chart": series_chart(series),
        "permalink": request.build_absolute_uri(f"{request.path}?{urlencode(shown)}"),
        "downloads": {
            "compare_csv": f"{compare_url}?{urlencode({**compare_query, 'format': 'csv'})}",
            "compare_json": f"{compare_url}?{urlencode({**compare_query, 'format': 'json'})}",
            "series_csv": f"{series_url}?{urlencode({**series_query, 'format': 'csv'})}",
            "series_json": f"{series_url}?{urlencode({**series_query, 'format': 'json'})}",
        },
        "file_stem": f"{metric.metric_id}-{member.gss_code}-{payload['group']}",
    }
