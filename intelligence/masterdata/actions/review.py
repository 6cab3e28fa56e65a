"""People's decisions: confirm or reject a review pair, merge two golden people, take a record
out of its golden person. Each is audited and stored so later runs respect it."""

from django.db import transaction
from django.utils import timezone

from platform_core.audit import log as audit
from platform_core.errors import Refused

from ..matching import golden
from ..models import (
    GoldenPerson,
    GoldenPlace,
    Lineage,
    MatchDecision,
    PersonRecord,
    PlaceRecord,
    ReviewPair,
)


def _decide(a_id: int, b_id: int, decision: str, actor) -> None:
    a, b = sorted((a_id, b_id))
    MatchDecision.objects.update_or_create(
        record_a_id=a,
        record_b_id=b,
        defaults={"decision": decision, "decided_by": audit._actor_name(actor)},
    )


@transaction.atomic
def confirm_pair(pair: ReviewPair, *, actor=None) -> ReviewPair:
    pair = ReviewPair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != ReviewPair.Status.OPEN:
        raise Refused(f"This pair was already decided ({pair.status}).")
    if pair.kind == "people":
        _decide(pair.person_a_id, pair.person_b_id, MatchDecision.Decision.LINK, actor)
        a = PersonRecord.objects.get(pk=pair.person_a_id)
        b = PersonRecord.objects.get(pk=pair.person_b_id)
        if a.golden_id and b.golden_id and a.golden_id != b.golden_id:
            keep, other = sorted((a.golden_id, b.golden_id))
            _merge_people(keep, other)
    else:
        record = pair.place_record
        previous = record.golden_id
        PlaceRecord.objects.filter(pk=record.pk).update(
            golden=pair.place_candidate, match_method="manual", match_score=pair.match_probability
        )
        golden.survive("places", {pair.place_candidate_id} | ({previous} if previous else set()))
    pair.status = ReviewPair.Status.CONFIRMED
    pair.decided_at = timezone.now()
    pair.decided_by = audit._actor_name(actor)
    pair.save()
    audit.append("masterdata.review.confirmed", pair, actor=actor, detail={"kind": pair.kind})
    return pair


@transaction.atomic
def reject_pair(pair: ReviewPair, *, actor=None) -> ReviewPair:
    pair = ReviewPair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != ReviewPair.Status.OPEN:
        raise Refused(f"This pair was already decided ({pair.status}).")
    if pair.kind == "people":
        _decide(pair.person_a_id, pair.person_b_id, MatchDecision.Decision.NO_LINK, actor)
    pair.status = ReviewPair.Status.REJECTED
    pair.decided_at = timezone.now()
    pair.decided_by = audit._actor_name(actor)
    pair.save()
    audit.append("masterdata.review.rejected", pair, actor=actor, detail={"kind": pair.kind})
    return pair


def _merge_people(keep_id: int, other_id: int) -> None:
    PersonRecord.objects.filter(golden_id=other_id).update(golden_id=keep_id)
    GoldenPerson.objects.filter(pk=other_id).update(
        status="retired", merged_into_id=keep_id, record_count=0
    )
    Lineage.objects.create(kind="people", event="merged", from_id=other_id, to_id=keep_id)
    golden.survive("people", {keep_id})


@transaction.atomic
def merge_people(keep: GoldenPerson, other: GoldenPerson, *, actor=None) -> GoldenPerson:
    """Put ``other``'s records into ``keep`` (other is retired, merged into keep). Stored as a
    link decision between the two, so later runs keep them together."""
    if keep.pk == other.pk:
        raise Refused("A golden person cannot be merged with itself.")
    if GoldenPerson.objects.filter(pk__in=[keep.pk, other.pk], status="active").count() != 2:
        raise Refused("Only active golden people can be merged.")
    a = PersonRecord.objects.filter(golden=keep).order_by("id").first()
    b = PersonRecord.objects.filter(golden=other).order_by("id").first()
    if a and b:
        _decide(a.pk, b.pk, MatchDecision.Decision.LINK, actor)
        MatchDecision.objects.filter(
            record_a__in=PersonRecord.objects.filter(golden__in=[keep, other]),
            record_b__in=PersonRecord.objects.filter(golden__in=[keep, other]),
            decision=MatchDecision.Decision.NO_LINK,
        ).delete()
    _merge_people(keep.pk, other.pk)
    audit.append("masterdata.person.merged", keep, actor=actor, detail={"merged": other.pk})
    keep.refresh_from_db()
    return keep


@transaction.atomic
def unmerge_person_record(record: PersonRecord, *, actor=None) -> GoldenPerson:
    """Take ``record`` out of its golden person into a new one; stored as ``no_link`` decisions
    with the records it leaves, so later runs keep it apart."""
    previous = record.golden_id
    others = list(
        PersonRecord.objects.filter(golden_id=previous)
        .exclude(pk=record.pk)
        .values_list("pk", flat=True)
    )
    if previous is None or not others:
        raise Refused("This record is already on its own.")
    for other in others:
        _decide(record.pk, other, MatchDecision.Decision.NO_LINK, actor)
    new = GoldenPerson.objects.create()
    PersonRecord.objects.filter(pk=record.pk).update(golden=new, match_probability=None)
    Lineage.objects.create(kind="people", event="split", from_id=previous, to_id=new.pk)
    golden.survive("people", {previous, new.pk})
    audit.append(
        "masterdata.person.unmerged",
        new,
        actor=actor,
        detail={"from": previous, "record": record.pk},
    )
    new.refresh_from_db()
    return new


@transaction.atomic
def merge_places(keep: GoldenPlace, other: GoldenPlace, *, actor=None) -> GoldenPlace:
    if keep.pk == other.pk:
        raise Refused("A golden place cannot be merged with itself.")
    PlaceRecord.objects.filter(golden=other).update(golden=keep, match_method="manual")
    GoldenPlace.objects.filter(pk=other.pk).update(
        status="retired", merged_into=keep, record_count=0
    )
    Lineage.objects.create(kind="places", event="merged", from_id=other.pk, to_id=keep.pk)
    golden.survive("places", {keep.pk})
    audit.append("masterdata.place.merged", keep, actor=actor, detail={"merged": other.pk})
    keep.refresh_from_db()
    return keep
