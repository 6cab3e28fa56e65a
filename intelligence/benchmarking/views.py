"""The benchmarking page on the platform site: pick a metric and a council, see it against its
peers (chart and table). Reads only the pool; embargoed values are never shown here."""

from django.http import Http404
from django.shortcuts import render

from .access import GROUPS, BadParameter, access_member, access_metric
from .charts import peer_bar_chart
from .models import PeerGroup, PoolMember, PoolMetric
from .queries import compare_payload


def benchmark_page(request):
    metrics = PoolMetric.objects.order_by("title").only("metric_id", "title")
    members = PoolMember.objects.order_by("name").only("gss_code", "name")
    metric_id = request.GET.get("metric", "")
    gss_code = request.GET.get("council", "")
    group = request.GET.get("group", "all") or "all"
    period = request.GET.get("period", "")
    context = {
        "metrics": metrics,
        "members": members,
        "groups": GROUPS,
        "selected": {"metric": metric_id, "council": gss_code, "group": group, "period": period},
        "payload": None,
        "error": None,
    }
    status = 200
    if metric_id and gss_code:
        try:
            metric = access_metric(metric_id)
            member = access_member(gss_code)
            payload = compare_payload(
                metric, member, period=period or None, group=group, viewer_council_id=None
            )
            context["payload"] = payload
            context["chart"] = peer_bar_chart(payload)
            context["custom_groups"] = PeerGroup.objects.filter(owner_id=member.pk).only(
                "pk", "name"
            )
        except Http404:
            context["error"] = "There is no such metric or council in the pool."
            status = 404
        except BadParameter as exc:
            context["error"] = f"{exc.name}: {exc}"
            status = 400
    return render(request, "benchmarking/benchmark_page.html", context, status=status)
