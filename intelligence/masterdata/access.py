"""Reads of master data named in a request, scoped to the council (the schema) and checked at
once. People records are OFFICIAL-SENSITIVE: only the "Master data" group reads them (not even
council administrators by default), and every read is written to the audit log. Places are read
by master data staff, analysts and council administrators. Another council's object and a
missing one give the same 404."""

from django.db.models import Q
from django.http import Http404

from platform_core.audit import log as audit

from . import normalise as n
from .models import GoldenPerson, GoldenPlace, ReviewPair

MASTER_DATA_GROUP = "Master data"
PLACES_GROUPS = {MASTER_DATA_GROUP, "Analysts", "Council administrators"}


def _groups(user) -> set[str]:
    cached = getattr(user, "_masterdata_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._masterdata_groups = cached
    return cached


def can_read_people(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and MASTER_DATA_GROUP in _groups(user)
    )


def can_read_places(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and (_groups(user) & PLACES_GROUPS)
    )


def audit_people_read(user, ids, *, how: str) -> None:
    """One audit entry per read of people data: who, how, which golden people."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    audit.append(
        "masterdata.person.read",
        actor=user,
        object_type="masterdata.goldenperson",
        object_id=ids[0] if len(ids) == 1 else "",
        detail={"how": how, "golden_ids": ids[:500], "count": len(ids)},
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found") from None


def access_golden_person(user, golden_id, *, how: str = "detail") -> GoldenPerson:
    if not can_read_people(user):
        raise Http404("Not found")
    person = GoldenPerson.objects.filter(pk=_int(golden_id)).first()
    if person is None:
        raise Http404("Not found")
    audit_people_read(user, [person.pk], how=how)
    return person


def access_golden_place(user, golden_id) -> GoldenPlace:
    if not can_read_places(user):
        raise Http404("Not found")
    place = GoldenPlace.objects.filter(pk=_int(golden_id)).first()
    if place is None:
        raise Http404("Not found")
    return place


def access_review_pair(user, pair_id) -> ReviewPair:
    pair = ReviewPair.objects.filter(pk=_int(pair_id)).first()
    if pair is None:
        raise Http404("Not found")
    allowed = can_read_people(user) if pair.kind == "people" else can_read_places(user)
    if not allowed:
        raise Http404("Not found")
    if pair.kind == "people":
        audit_people_read(user, _pair_goldens(pair), how="review")
    return pair


def _pair_goldens(pair) -> list[int]:
    return [g for g in (pair.person_a.golden_id, pair.person_b.golden_id) if g is not None]


def search_people(*, name: str = "", date_of_birth=None, postcode: str = ""):
    """Active golden people whose survivor or any linked record matches every given term."""
    people = GoldenPerson.objects.filter(status="active")
    if name:
        for word in n.name_key(name).split():
            people = people.filter(
                Q(records__first_key__startswith=word)
                | Q(records__surname_key__startswith=word)
                | Q(records__first_canon=n.canonical_first(word))
            )
    if date_of_birth:
        people = people.filter(records__date_of_birth=date_of_birth)
    if postcode:
        people = people.filter(Q(postcode=postcode) | Q(records__postcode=postcode))
    return people.distinct().order_by("id")


def search_places(*, uprn: str = "", postcode: str = "", address: str = ""):
    places = GoldenPlace.objects.filter(status="active")
    if uprn:
        places = places.filter(Q(uprn=uprn) | Q(records__uprn=uprn))
    if postcode:
        places = places.filter(postcode=postcode)
    if address:
        places = places.filter(address_key__contains=n.address_key(address))
    return places.distinct().order_by("id")


def access_subject_access_request(user, request_id):
    """A subject access request, for the Master data role only (it names a person)."""
    from .models import SubjectAccessRequest

    if not can_read_people(user):
        raise Http404("Not found")
    found = SubjectAccessRequest.objects.filter(pk=_int(request_id)).first()
    if found is None:
        raise Http404("Not found")
    return found
