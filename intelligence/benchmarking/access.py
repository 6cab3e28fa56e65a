"""Reads of pool objects named in a request: one function each, scoping by what the caller may see.

Values under embargo are visible only to the council that published them (authenticated with
an API key issued to that council); every other reader sees them as if they were not there.
Metrics and members are looked up in the in-process snapshot (snapshot.py).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from platform_core.periods import PeriodError, parse_period

from .models import ApiKey, PeerGroup, PoolMember, PoolMetric, PoolValue
from .snapshot import Member, get_snapshot

GROUPS = ("all", "tier", "region", "nearest")


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def access_metric(metric_id: str) -> PoolMetric:
    metric = get_snapshot().metrics.get(metric_id)
    if metric is None:
        raise Http404
    return metric


def access_member(gss_code: str) -> Member:
    member = get_snapshot().members.get(gss_code)
    if member is None:
        raise Http404
    return member


def visible_values(viewer_council_id: int | None, today: date | None = None):
    """Pool values the viewer may see: published and past embargo, or the viewer's own."""
    today = today or timezone.localdate()
    visible = Q(embargo_until__isnull=True) | Q(embargo_until__lte=today)
    if viewer_council_id:
        own = get_snapshot().by_council.get(viewer_council_id)
        if own is not None:
            visible |= Q(member_id=own)
    return PoolValue.objects.filter(visible)


def check_period(label: str | None) -> str | None:
    if label in (None, ""):
        return None
    try:
        return parse_period(label).label
    except PeriodError as exc:
        raise BadParameter("period", str(exc)) from None


def group_member_ids(member: Member, group: str) -> set[int] | None:
    """The ids of the members of ``group`` for ``member``; None means every member."""
    group = (group or "all").strip()
    snap = get_snapshot()
    if group == "all":
        return None
    if group == "tier":
        return snap.tiers.get(member.tier, set()) | {member.pk}
    if group == "region":
        if not member.region:
            return {member.pk}
        return snap.regions.get(member.region, set()) | {member.pk}
    if group == "nearest":
        return snap.neighbours.get(member.pk, set()) | {member.pk}
    # ASCII digits, and few enough to be an id ("²" is isdigit() but not int(); 2**64 overflows).
    if group.isascii() and group.isdigit() and len(group) <= 18:
        try:
            peer_group = PeerGroup.objects.get(pk=int(group))
        except PeerGroup.DoesNotExist:
            raise BadParameter("group", f"there is no custom group {group}") from None
        return set(peer_group.members.values_list("pk", flat=True)) | {member.pk}
    raise BadParameter(
        "group",
        f"{group!r} is not a group: expected all, tier, region, nearest or a custom group id",
    )


# --- For the council side (the warehouse): what it may know about the pool --------------------
@dataclass(frozen=True)
class CatalogueEntry:
    metric_id: str
    title: str
    kind: str
    polarity: str
    unit: str
    is_context: bool
    precision: int


def catalogue_entries(metric_ids=None) -> dict[str, CatalogueEntry]:
    """Catalogue metrics by id (all of them when ``metric_ids`` is None)."""
    metrics = get_snapshot().metrics
    ids = metrics.keys() if metric_ids is None else [i for i in metric_ids if i in metrics]
    return {
        i: CatalogueEntry(
            metrics[i].metric_id,
            metrics[i].title,
            metrics[i].kind,
            metrics[i].polarity,
            metrics[i].unit,
            metrics[i].is_context,
            metrics[i].precision,
        )
        for i in ids
    }


def council_member(council_id: int) -> Member | None:
    """The council's pool membership (None until it first publishes)."""
    snap = get_snapshot()
    pk = snap.by_council.get(council_id)
    return snap.by_pk.get(pk) if pk is not None else None


def council_last_published(council_id: int):
    """When the council last published to the pool (None if never)."""
    return (
        PoolMember.objects.filter(council_id=council_id)
        .values_list("last_published_at", flat=True)
        .first()
    )


def council_api_keys(council_id: int) -> list[dict]:
    return [
        {"name": k.name, "prefix": k.prefix, "created_at": k.created_at}
        for k in ApiKey.objects.filter(council_id=council_id, active=True)
    ]


def council_peer_groups(council_id: int) -> list[dict]:
    member = council_member(council_id)
    if member is None:
        return []
    groups = PeerGroup.objects.filter(owner_id=member.pk).prefetch_related("members")
    return [
        {"id": g.pk, "name": g.name, "members": sorted(m.gss_code for m in g.members.all())}
        for g in groups
    ]
