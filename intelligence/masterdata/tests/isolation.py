"""Council A's master data objects and how the isolation probe reaches every master data
route (see tests/isolation/__init__.py for the convention)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import MARKER, Multipart, Seed


def probe_objects(w) -> None:
    from intelligence.masterdata import actions
    from intelligence.masterdata.models import GoldenPerson, PersonRecord, ReviewPair, Source

    marker = MARKER.replace("-", " ")  # names are letters and spaces after normalising
    actions.import_source(
        (
            "source_id,first_name,surname,date_of_birth,postcode,address,email,phone\n"
            f"P1,Alpha,{MARKER},1970-01-01,NS1 1AA,{MARKER},,\n"
            f"P2,Beta,{MARKER},1970-01-01,NS1 1AA,{MARKER},,\n"
            f"P3,Gamma,Probeson,1980-02-02,NS2 2BB,{MARKER},,\n"
            f"P4,Delta,Probeson,1981-03-03,NS3 3CC,{MARKER},,\n"
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
    w.md_person = person
    w.md_other_person = (
        GoldenPerson.objects.filter(status="active").exclude(pk=person.pk).order_by("id").first()
    )
    w.md_record = record
    # Two golden people merged into one: a record that can be taken out again (unmerge).
    from intelligence.masterdata.actions.review import merge_people

    third, fourth = (
        PersonRecord.objects.get(source=source, source_ref=ref).golden for ref in ("P3", "P4")
    )
    merge_people(third, fourth)
    w.md_merged_record = PersonRecord.objects.get(source=source, source_ref="P4")
    w.md_place = place
    w.md_pair = pair
    w.md_sar = sar
    w.md_source = source


def _csv(name: str, text: str):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def probe_seeds() -> list[Seed]:
    person = lambda w: {"pk": w.md_person.pk}  # noqa: E731
    return [
        Seed("masterdata-source-detail", kwargs=lambda w: {"pk": w.md_source.pk}),
        Seed("masterdata-person-detail", kwargs=person),
        Seed(
            "masterdata-person-merge",
            kwargs=person,
            body={"POST": lambda w: {"other": w.md_other_person.pk}},
        ),
        Seed("masterdata-person-erase", kwargs=person, body={"POST": {"reason": "probe"}}),
        Seed(
            "masterdata-person-subject-access",
            kwargs=person,
            body={"POST": {"reference": "probe"}},
        ),
        Seed(
            "masterdata-person-record-unmerge",
            kwargs=lambda w: {"pk": w.md_merged_record.pk},
            body={"POST": {}},
        ),
        Seed("masterdata-place-detail", kwargs=lambda w: {"pk": w.md_place.pk}),
        Seed("masterdata-review-detail", kwargs=lambda w: {"pk": w.md_pair.pk}),
        Seed(
            ("masterdata-review-confirm", "masterdata-review-reject"),
            kwargs=lambda w: {"pk": w.md_pair.pk},
            body={"POST": {}},
        ),
        Seed(
            ("masterdata-subject-access-detail", "masterdata-subject-access-export"),
            kwargs=lambda w: {"pk": w.md_sar.pk},
        ),
        Seed(
            "masterdata-subject-access-complete",
            kwargs=lambda w: {"pk": w.md_sar.pk},
            body={"POST": {}},
        ),
        Seed(
            "masterdata-import-list",
            body={
                "POST": Multipart(
                    lambda w: {
                        "kind": "places",
                        "source": "probe-upload",
                        "file": _csv(
                            "places.csv",
                            "source_id,uprn,usrn,address,postcode\n"
                            "U1,999000111,,1 High Street,NS1 1AA\n",
                        ),
                    }
                )
            },
        ),
        Seed("masterdata-resolve-list", body={"POST": {"kind": "places"}}),
        # Wagtail admin screens
        Seed("masterdata_review_detail", kwargs=lambda w: {"pk": w.md_pair.pk}),
        Seed(
            ("masterdata_review_confirm", "masterdata_review_reject"),
            kwargs=lambda w: {"pk": w.md_pair.pk},
            body={"POST": {}},
        ),
        Seed("masterdata_person", kwargs=person),
        Seed(
            ("masterdata_subject_access_detail", "masterdata_subject_access_download"),
            kwargs=lambda w: {"pk": w.md_sar.pk},
        ),
        Seed(
            "masterdata_subject_access_complete",
            kwargs=lambda w: {"pk": w.md_sar.pk},
            body={"POST": {}},
        ),
        Seed(
            "masterdata_person_action",
            kwargs=lambda w: {"pk": w.md_person.pk, "what": "subject-access"},
            missing={"what": "subject-access"},
            body={"POST": {"reference": "probe"}},
        ),
        Seed("masterdata-export-list", query="kind=people", reason="a list: no id in the URL"),
    ]
