"""Council A's master data objects for the cross-council isolation probe (tests/isolation)."""

from tests.isolation.probe import MARKER


def seed(council) -> dict:
    from intelligence.masterdata import actions
    from intelligence.masterdata.models import GoldenPerson, PersonRecord, ReviewPair, Source

    marker = MARKER.replace("-", " ")  # names are letters and spaces after normalising
    actions.import_source(
        (
            "source_id,first_name,surname,date_of_birth,postcode,address,email,phone\n"
            f"P1,Alpha,{MARKER},1970-01-01,NS1 1AA,{MARKER},,\n"
            f"P2,Beta,{MARKER},1970-01-01,NS1 1AA,{MARKER},,\n"
        ).encode(),
        source="probe-people",
        kind="people",
        owner=MARKER,
    )
    actions.import_gazetteer(
        f"uprn,usrn,address,postcode\n999000111,1,{MARKER} 1 High Street,NS1 1AA\n"
    )
    actions.import_source(
        f"source_id,uprn,usrn,address,postcode\nPL1,999000111,,{MARKER},NS1 1AA\n".encode(),
        source="probe-places",
        kind="places",
        owner=MARKER,
    )
    actions.resolve_people(train=False)
    actions.resolve_places()
    person = GoldenPerson.objects.filter(status="active").order_by("id").first()
    record = PersonRecord.objects.order_by("id").first()
    from intelligence.masterdata.models import GoldenPlace

    place = GoldenPlace.objects.get(uprn="999000111")
    pair = ReviewPair.objects.filter(kind="people").first()
    if pair is None:
        a, b = PersonRecord.objects.order_by("id")[:2]
        pair = ReviewPair.objects.create(
            kind="people",
            person_a=a,
            person_b=b,
            match_weight=1.0,
            match_probability=0.6,
            explanation={"note": marker},
        )
    sar = actions.request_subject_access(person, reference=MARKER)
    source = Source.objects.get(name="probe-people")
    return {
        "masterdata-source-detail": {"pk": source.pk},
        "masterdata-person-detail": {"pk": person.pk},
        "masterdata-person-merge": {"pk": person.pk},
        "masterdata-person-erase": {"pk": person.pk},
        "masterdata-person-subject-access": {"pk": person.pk},
        "masterdata-person-record-unmerge": {"pk": record.pk},
        "masterdata-place-detail": {"pk": place.pk},
        "masterdata-review-detail": {"pk": pair.pk},
        "masterdata-review-confirm": {"pk": pair.pk},
        "masterdata-review-reject": {"pk": pair.pk},
        "masterdata-subject-access-detail": {"pk": sar.pk},
        "masterdata-subject-access-export": {"pk": sar.pk},
        "masterdata-subject-access-complete": {"pk": sar.pk},
        "masterdata_review_detail": {"pk": pair.pk},
        "masterdata_review_confirm": {"pk": pair.pk},
        "masterdata_review_reject": {"pk": pair.pk},
        "masterdata_person": {"pk": person.pk},
        "masterdata_person_action": {"pk": person.pk, "what": "merge"},
    }
