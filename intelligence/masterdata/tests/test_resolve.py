"""People resolution: Splink full runs, golden ids, survivorship, incremental placement, decisions."""

import pytest

from intelligence.masterdata.testing import import_people, pairwise_scores, people_files

from .conftest import people_csv


def _assigned():
    from intelligence.masterdata.models import PersonRecord

    return {
        (s, ref): g
        for s, ref, g in PersonRecord.objects.values_list("source__name", "source_ref", "golden_id")
    }


def test_full_run_finds_the_same_people_across_sources(md_a):
    files, truth = people_files(150)
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson, MatchModel, PersonRecord

        import_people(files)
        assert PersonRecord.objects.filter(golden__isnull=False).count() == 0  # waits for a run
        stats = actions.resolve_people()
        assert stats["records"] == PersonRecord.objects.count()
        assert stats["trained"] is False  # too few records: the model's priors are used
        assert MatchModel.objects.count() == 1
        assert PersonRecord.objects.filter(golden__isnull=True).count() == 0
        scores = pairwise_scores(_assigned(), truth)
        assert scores["precision"] > 0.9 and scores["recall"] > 0.85, scores
        assert GoldenPerson.objects.filter(status="active").count() == stats["clusters"]


def test_training_by_expectation_maximisation_on_the_councils_records(md_a):
    files, truth = people_files(700)
    with md_a() as actions:
        from intelligence.masterdata.models import MatchModel

        import_people(files)
        stats = actions.resolve_people()
        assert stats["trained"] is True
        settings = MatchModel.objects.get().settings
        first = settings["comparisons"][0]["comparison_levels"][1]
        assert first["label_for_charts"] == "exact" and first["m_probability"] != 0.78
        scores = pairwise_scores(_assigned(), truth)
        assert scores["f1"] > 0.9, scores


def test_golden_ids_are_stable_across_runs_and_a_cluster_that_gains_a_record_keeps_its_id(md_a):
    files, _truth = people_files(60)
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson, PersonRecord

        import_people(files)
        actions.resolve_people()
        before = _assigned()
        actions.resolve_people()
        assert _assigned() == before
        some = PersonRecord.objects.exclude(email="").order_by("id").first()
        golden_id = some.golden_id
        result = actions.import_source(
            people_csv(
                [
                    f"NEW1,{some.first_name},{some.surname},{some.date_of_birth or ''},"
                    f'{some.postcode},"{some.address}",{some.email},'
                ]
            ),
            source="blue-badge",
            kind="people",
        )
        assert result.placed == 1
        new = PersonRecord.objects.get(source_ref="NEW1")
        assert new.golden_id == golden_id
        actions.resolve_people()
        new.refresh_from_db()
        assert new.golden_id == golden_id
        assert (
            GoldenPerson.objects.get(pk=golden_id).record_count
            == PersonRecord.objects.filter(golden_id=golden_id).count()
        )


def test_survivorship_takes_names_from_the_most_trusted_source_and_addresses_from_the_newest(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson

        actions.import_source(
            people_csv(["L1,Rob,Smith,1980-03-04,NS1 2AB,1 Old Road,,07700900123"]),
            source="library",
            kind="people",
            trust_rank=10,
        )
        actions.import_source(
            people_csv(["C1,Robert,Smith,1980-03-04,NS1 2AB,1 Old Road,,07700900123"]),
            source="council-tax",
            kind="people",
            trust_rank=90,
        )
        actions.resolve_people()
        [person] = GoldenPerson.objects.filter(status="active")
        assert (person.first_name, person.address) == ("Robert", "1 Old Road")
        actions.import_source(
            people_csv(["L1,Rob,Smith,1980-03-04,NS9 9ZZ,5 New Road,,07700900123"]),
            source="library",
            kind="people",
        )
        person.refresh_from_db()
        assert (person.first_name, person.address, person.postcode, person.record_count) == (
            "Robert",
            "5 New Road",
            "NS9 9ZZ",
            2,
        )


def test_incremental_placement_joins_starts_or_queues_for_review(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import PersonRecord, ReviewPair

        actions.import_source(
            people_csv(
                [
                    "C1,Margaret,Thornbury,1950-07-21,NS1 2AB,1 High Street,meg@example.org,07700900001",
                    "C2,David,Okafor,1988-11-02,NS4 5EF,9 Mill Road,,",
                ]
            ),
            source="council-tax",
            kind="people",
        )
        actions.resolve_people()
        outcomes = {}
        for ref, line in {
            "H1": "H1,Maggie,Thornbury,1950-07-21,NS1 2AB,1 High St,meg@example.org,",
            "H2": "H2,Patricia,Thornbury,1950-07-21,NS1 2AB,1 High Street,,",  # a twin
            "H3": "H3,Priya,Shah,1999-01-01,NS2 2BB,,,",
        }.items():
            actions.import_source(people_csv([line]), source="housing", kind="people", partial=True)
            record = PersonRecord.objects.get(source_ref=ref)
            outcomes[ref] = record.golden_id
        margaret = PersonRecord.objects.get(source_ref="C1").golden_id
        assert outcomes["H1"] == margaret
        assert outcomes["H2"] != margaret and outcomes["H3"] != margaret
        pair = ReviewPair.objects.get(kind="people")
        assert {pair.person_a.source_ref, pair.person_b.source_ref} == {"C1", "H2"}
        names = [c["name"] for c in pair.explanation["comparisons"]]
        assert names == ["first_name", "surname", "date_of_birth", "postcode", "email", "phone"]
        weights = {c["name"]: c["weight"] for c in pair.explanation["comparisons"]}
        assert weights["date_of_birth"] > 0 and weights["first_name"] < 0 and weights["email"] == 0
        assert pair.explanation["conflict"] is True  # never joined without a person deciding
        assert pair.match_weight == pytest.approx(
            pair.explanation["prior_weight"] + sum(weights.values()), abs=1e-3
        )


def test_decisions_are_respected_by_later_runs(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import Lineage, MatchDecision, PersonRecord, ReviewPair

        actions.import_source(
            people_csv(
                [
                    "C1,Margaret,Thornbury,1950-07-21,NS1 2AB,1 High Street,,",
                    "C2,Patricia,Thornbury,1950-07-21,NS1 2AB,1 High Street,,",
                    "C3,John,Ashworth,1960-01-05,NS3 3CC,4 Kings Road,,",
                    "C4,John,Ashworth,1960-01-05,NS3 3CC,4 Kings Road,,",
                ]
            ),
            source="council-tax",
            kind="people",
        )
        actions.resolve_people()
        g = dict(PersonRecord.objects.values_list("source_ref", "golden_id"))
        assert g["C3"] == g["C4"] and g["C1"] != g["C2"]
        pair = ReviewPair.objects.get(kind="people", status="open")
        actions.confirm_pair(pair, actor="reviewer")
        g = dict(PersonRecord.objects.values_list("source_ref", "golden_id"))
        assert g["C1"] == g["C2"]
        assert Lineage.objects.filter(event="merged").count() == 1
        c4 = PersonRecord.objects.get(source_ref="C4")
        new = actions.unmerge_person_record(c4, actor="reviewer")
        assert MatchDecision.objects.filter(decision="no_link").count() == 1
        actions.resolve_people()
        after = dict(PersonRecord.objects.values_list("source_ref", "golden_id"))
        assert after["C1"] == after["C2"] == g["C1"]
        assert after["C3"] != after["C4"] == new.pk
        assert not ReviewPair.objects.filter(status="open").exists()
        from platform_core.audit.models import AuditEntry

        assert {"masterdata.review.confirmed", "masterdata.person.unmerged"} <= set(
            AuditEntry.objects.values_list("action", flat=True)
        )


def test_the_warehouse_counts_distinct_golden_people_not_source_records(md_a, council_a):
    files, truth = people_files(40)
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson, PersonRecord

        import_people(files)
        stats = actions.resolve_people()
        golden = GoldenPerson.objects.filter(status="active").count()
        assert stats["warehouse"]["value"] == golden < PersonRecord.objects.count()
        from intelligence.warehouse.models import Metric, Observation

        metric = Metric.objects.get(metric_id="mdm-distinct-people")
        assert "counted once" in metric.description
        [value] = Observation.objects.filter(metric=metric, area_code=council_a.gss_code)
        assert value.value == golden and value.period == actions.financial_year()


def test_an_unknown_engine_is_refused_by_name(md_a, settings):
    settings.MASTERDATA_ENGINE = "hadoop"
    with md_a() as actions, pytest.raises(ValueError, match="duckdb, spark"):
        actions.resolve_people()


def test_a_full_run_writes_golden_ids_and_link_probabilities_exactly_and_repairs_them(
    md_a, monkeypatch
):
    """Each record's match_probability is its strongest scored link inside its golden person
    (None on its own), written with the golden ids in one pass that rewrites only the records
    whose values change: a re-run puts back a probability or a golden id changed since."""
    from intelligence.masterdata.matching import engine

    predictions = []
    predict = engine.predict

    def capture(*args, **kwargs):
        predictions.append(predict(*args, **kwargs))
        return predictions[-1]

    monkeypatch.setattr(engine, "predict", capture)
    files, _truth = people_files(150)
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson, Lineage, PersonRecord

        import_people(files)
        first = actions.resolve_people()
        match_p, _review_p = actions.thresholds()

        def expected():
            golden = dict(PersonRecord.objects.values_list("id", "golden_id"))
            best = {}
            for a, b, _w, p, parts in predictions[-1].pairs:
                if not parts[-1] and golden[a] == golden[b]:
                    best[a] = max(best.get(a, -1), p)
                    best[b] = max(best.get(b, -1), p)
            return {rid: best.get(rid) for rid in golden}

        state = dict(PersonRecord.objects.values_list("id", "match_probability"))
        assert state == expected()
        sizes = {g.pk: g.record_count for g in GoldenPerson.objects.filter(status="active")}
        linked = [rid for rid, p in state.items() if p is not None]
        assert linked and all(state[rid] >= match_p for rid in linked)
        assert len(linked) == sum(n for n in sizes.values() if n > 1)
        assert first["new_golden"] == len(sizes) == first["clusters"]
        assert sorted(sizes) == list(range(min(sizes), min(sizes) + len(sizes)))
        before = dict(PersonRecord.objects.values_list("id", "golden_id"))
        # Change things a re-run must put back: probabilities, and one record of a golden
        # person of three or more moved into a person of its own.
        big = next(g for g, n in sorted(sizes.items()) if n >= 3)
        moved = PersonRecord.objects.filter(golden_id=big).order_by("id").first()
        alone = GoldenPerson.objects.create()
        PersonRecord.objects.filter(pk=moved.pk).update(golden=alone, match_probability=0.01)
        single = next(rid for rid, p in state.items() if p is None)
        PersonRecord.objects.filter(pk=single).update(match_probability=0.77)
        PersonRecord.objects.filter(pk=linked[-1]).update(match_probability=0.5)
        second = actions.resolve_people(train=False)
        assert dict(PersonRecord.objects.values_list("id", "golden_id")) == before
        assert dict(PersonRecord.objects.values_list("id", "match_probability")) == state
        assert second["new_golden"] == 0 and second["records_moved"] == 1
        assert second["merged"] == 1
        alone.refresh_from_db()
        assert (alone.status, alone.merged_into_id, alone.record_count) == ("retired", big, 0)
        assert Lineage.objects.filter(event="merged", from_id=alone.pk, to_id=big).exists()
        assert GoldenPerson.objects.get(pk=big).record_count == sizes[big]


def test_names_swapped_are_found_by_placement_and_the_full_run_alike_and_twins_stay_apart(md_a):
    """`Kyra Wilde` / `Wilde Kyra` at another address: only the swapped-names blocking rule
    brings the two together, and the "names swapped" levels of the first-name and surname
    comparisons join them; Kyra's twin (another first name, the same surname, birth date and
    address) stays apart, incrementally and in a full run."""
    with md_a() as actions:
        from intelligence.masterdata.models import PersonRecord, ReviewPair

        actions.import_source(
            people_csv(
                [
                    "C1,Kyra,Wilde,1961-03-14,NS1 2AB,1 High Street,,",
                    "C2,David,Okafor,1988-11-02,NS4 5EF,9 Mill Road,,",
                ]
            ),
            source="council-tax",
            kind="people",
        )
        actions.resolve_people()
        for line in (
            "H1,Wilde,Kyra,1961-03-14,NS7 7QQ,3 Low Road,,",  # names swapped, moved house
            "H2,Lena,Wilde,1961-03-14,NS1 2AB,1 High Street,,",  # Kyra's twin
        ):
            actions.import_source(people_csv([line]), source="housing", kind="people", partial=True)
        golden = dict(PersonRecord.objects.values_list("source_ref", "golden_id"))
        assert golden["H1"] == golden["C1"]
        assert golden["H2"] not in (golden["C1"], golden["C2"])
        review = ReviewPair.objects.get(kind="people")
        assert {review.person_a.source_ref, review.person_b.source_ref} == {"C1", "H2"}
        assert review.explanation["conflict"] is True
        scorer, _stored = actions.matching.current_scorer()
        c1, h1 = (
            actions.matching.features(PersonRecord.objects.get(source_ref=r)) for r in ("C1", "H1")
        )
        labels = {c["name"]: c["label"] for c in scorer.explain(c1, h1)["comparisons"]}
        assert labels["first_name"] == labels["surname"] == "names swapped"

        actions.resolve_people()
        again = dict(PersonRecord.objects.values_list("source_ref", "golden_id"))
        assert again["H1"] == again["C1"] and again["H2"] != again["C1"]


def test_placement_candidates_are_exactly_the_pairs_the_full_runs_blocking_rules_compare(md_a):
    """Incremental placement queries PostgreSQL for candidates; the full run blocks in DuckDB
    (or Spark) with model.blocking_rules(). For every record the two give the same set."""
    import duckdb
    import pyarrow as pa

    from intelligence.masterdata.matching import model

    files, _truth = people_files(120, seed=5)
    extra = people_csv(
        [
            "X1,Wilde,Kyra,1961-03-14,NS7 7QQ,,,",  # swapped, same birth date as X3
            "X2,Wylde,Kyra,,NS1 2AB,,,",  # swapped, same postcode as X3, no birth date
            "X3,Kyra,Wilde,1961-03-14,NS1 2AB,,,",
            "X4,Jordean,Rya,1990-09-03,NS2 9ZZ,,,",  # typos in both names, moved: initials
            "X5,Jordan,Ryan,1990-09-03,NS3 1AA,,,",
            "X6,Jordn,Rayn,,NS3 1AA,,,",  # typos in both names, no birth date: initials
        ]
    )
    with md_a() as actions:
        from intelligence.masterdata.actions.matching import _candidates, features
        from intelligence.masterdata.models import PersonRecord

        import_people(files)
        actions.import_source(extra, source="extra", kind="people", place=False)
        actions.resolve_people()
        records = list(PersonRecord.objects.all())
        rows = [features(r) for r in records]
        con = duckdb.connect(":memory:")
        con.register(
            "people",
            pa.table(
                {
                    c: pa.array(
                        [r[c] for r in rows], pa.int64() if c == "unique_id" else pa.string()
                    )
                    for c in model.COLUMNS
                }
            ),
        )
        blocked: dict[int, set[int]] = {r.pk: set() for r in records}
        for rule in model.blocking_rules():
            sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
            for a, b in con.execute(
                "SELECT l.unique_id, r.unique_id FROM people l JOIN people r "  # noqa: S608
                f"ON {sql} WHERE l.unique_id <> r.unique_id"
            ).fetchall():
                blocked[a].add(b)
                blocked[b].add(a)
        assert sum(map(len, blocked.values())) > 100
        for record in records:
            assert {c.pk for c in _candidates(record)} == blocked[record.pk], record.source_ref
        x = {r.source_ref: r.pk for r in records if r.source_ref.startswith("X")}
        assert {x["X1"], x["X2"]} <= blocked[x["X3"]]
        assert x["X4"] in blocked[x["X5"]] and x["X6"] in blocked[x["X5"]]


def test_a_model_saved_before_the_names_swapped_levels_keeps_its_trained_values():
    """Stored models are matched to the comparisons level by level on their labels: a model
    trained before "names swapped" existed keeps its m and u for every other level."""
    from intelligence.masterdata.matching import model

    stored = model.settings_creator().get_settings("duckdb").as_dict()
    for comparison in stored["comparisons"]:
        comparison["comparison_levels"] = [
            {**level, "m_probability": 0.123}
            for level in comparison["comparison_levels"]
            if level.get("label_for_charts") != "names swapped"
        ]
    rebuilt = model.settings_creator(stored).get_settings("duckdb").as_dict()
    for comparison in rebuilt["comparisons"][:2]:  # first name, surname
        levels = {lv["label_for_charts"]: lv for lv in comparison["comparison_levels"]}
        assert levels["exact"]["m_probability"] == 0.123
        assert levels["different"]["m_probability"] == 0.123
        assert levels["names swapped"]["m_probability"] == 0.01  # the prior
