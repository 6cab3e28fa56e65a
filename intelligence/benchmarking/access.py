"""Reads of pool objects named in a request: one function each, scoping by what the caller may see.

Values under embargo are visible only to the council that published them (authenticated with
an API key issued to that council); every other reader sees them as if they were not there.
"""

from datetime import date

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from intelligence.warehouse.periods import PeriodError, parse_period  # noqa: I001

from .models import PeerGroup, PoolMember, PoolMetric, PoolValue

GROUPS = ("all", "tier", "region", "nearest")


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def access_metric(metric_id: str) -> PoolMetric:
    try:
        return PoolMetric.objects.get(metric_id=metric_id)
    except PoolMetric.DoesNotExist:
        raise Http404 from None


def access_member(gss_code: str) -> PoolMember:
    try:
        return PoolMember.objects.get(gss_code=gss_code)
    except PoolMember.DoesNotExist:
        raise Http404 from None


def visible_values(viewer_council_id: int | None, today: date | None = None):
    today = today or timezone.localdate()
    visible = Q(embargo_until__isnull=True) | Q(embargo_until__lte=today)
    if viewer_council_id:
        visible |= Q(member__council_id=viewer_council_id)
    return PoolValue.objects.filter(visible)


def check_period(label: str | None) -> str | None:
    if label in (None, ""):
        return None
    try:
        return parse_period(label).label
    except PeriodError as exc:
        raise BadParameter("period", str(exc)) from None


def group_member_ids(member: PoolMember, group: str) -> set[int] | None:
    """The ids of the members of ``group`` for ``member``; None means every member."""
    group = (group or "all").strip()
    if group == "all":
        return None
    if group == "tier":
        return set(PoolMember.objects.filter(tier=member.tier).values_list("pk", flat=True))
    if group == "region":
        if not member.region:
            return {member.pk}
        return set(PoolMember.objects.filter(region=member.region).values_list("pk", flat=True))
    if group == "nearest":
        ids = set(member.neighbours.values_list("neighbour_id", flat=True))
        return ids | {member.pk}
    if group.isdigit():
        try:
            peer_group = PeerGroup.objects.get(pk=int(group))
        except PeerGroup.DoesNotExist:
            raise BadParameter("group", f"there is no custom group {group}") from None
        return set(peer_group.members.values_list("pk", flat=True)) | {member.pk}
    raise BadParameter(
        "group",
        f"{group!r} is not a group: expected all, tier, region, nearest or a custom group id",
    )
