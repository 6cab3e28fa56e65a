from intelligence.masterdata.demo import seed_demo


def test_demo_sources_overlap_resolve_and_leave_pairs_to_review_and_are_safe_to_seed_again(
    council_a, in_council
):
    with in_council(council_a):
        from intelligence.masterdata.models import (
            GoldenPerson,
            GoldenPlace,
            PersonRecord,
            ResolutionRun,
            ReviewPair,
            Source,
        )

        seed_demo(council_a)
        ids = dict(PersonRecord.objects.values_list("id", "golden_id"))
        assert Source.objects.count() == 5
        people = GoldenPerson.objects.filter(status="active").count()
        assert people < PersonRecord.objects.count()  # residents overlap between systems
        assert ReviewPair.objects.filter(kind="people", status="open").exists()
        assert ReviewPair.objects.filter(kind="places", status="open").exists()
        assert GoldenPlace.objects.filter(records__match_method="fuzzy").exists()
        runs = ResolutionRun.objects.count()
        seed_demo(council_a)
        assert dict(PersonRecord.objects.values_list("id", "golden_id")) == ids
        # Nothing changed: the second seeding does not resolve again.
        assert ResolutionRun.objects.count() == runs


def test_seeding_again_resolves_again_when_a_record_changed_since_the_last_run(
    council_a, in_council
):
    with in_council(council_a):
        from intelligence.masterdata.models import PersonRecord, ResolutionRun

        seed_demo(council_a)
        kinds = list(ResolutionRun.objects.values_list("kind", flat=True))
        record = PersonRecord.objects.order_by("id").first()
        record.surname = record.surname + "e"
        record.save()
        seed_demo(council_a)
        after = list(ResolutionRun.objects.values_list("kind", flat=True))
        assert sorted(after) == sorted(kinds + ["people"])  # people again, places not
