"""The Spark engine (MASTERDATA_ENGINE=spark): Splink's SparkAPI on a local[2] session gives
the same clusters as DuckDB on the same labelled records. Marked ``spark`` (one JVM for the
whole session, see conftest.masterdata_spark): ``-m 'not spark'`` deselects it; CI runs it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from intelligence.masterdata.testing import import_people, pairwise_scores, people_files

pytestmark = pytest.mark.spark


def _partition():
    """The partition of source records into golden people, as a set of frozensets."""
    from intelligence.masterdata.models import PersonRecord

    groups: dict[int, set] = {}
    for source, ref, golden_id in PersonRecord.objects.values_list(
        "source__name", "source_ref", "golden_id"
    ):
        groups.setdefault(golden_id, set()).add((source, ref))
    return {frozenset(g) for g in groups.values()}


def _assigned():
    from intelligence.masterdata.models import PersonRecord

    return {
        (s, ref): g
        for s, ref, g in PersonRecord.objects.values_list("source__name", "source_ref", "golden_id")
    }


def test_both_engines_give_the_same_clusters_with_the_same_trained_model(
    md_a, council_a, masterdata_spark
):
    """Expectation maximisation and u sampling are not bit-for-bit the same on two engines, so
    the model is trained once (on DuckDB) and the saved model is applied by both engines."""
    _session, folder = masterdata_spark
    files, truth = people_files(560, seed=21)
    # Names swapped at another address (found only by the swapped-names blocking rule, joined
    # by the "names swapped" levels, rendered in each engine's own SQL).
    files["council-tax"] += b"SWAP1,Kyra,Wilde,1961-03-14,NS1 2AB,1 High Street,,\n"
    files["housing"] += b"SWAP2,Wilde,Kyra,1961-03-14,NS7 7QQ,3 Low Road,,\n"
    truth[("council-tax", "SWAP1")] = truth[("housing", "SWAP2")] = -1
    with md_a() as actions:
        from intelligence.masterdata.models import MatchModel, PersonRecord

        import_people(files)
        trained = actions.resolve_people(engine_name="duckdb")
        assert trained["trained"] is True and trained["records"] >= 1000
        model = MatchModel.objects.get()
        duck = actions.resolve_people(engine_name="duckdb", train=False)
        duck_partition, duck_ids = _partition(), _assigned()
        spark = actions.resolve_people(engine_name="spark", train=False)
        assert spark["engine"] == "spark" and duck["engine"] == "duckdb"
        assert spark["trained"] is False
        assert spark["pairs_scored"] == duck["pairs_scored"]
        assert spark["clusters"] == duck["clusters"]
        assert _partition() == duck_partition
        swapped = PersonRecord.objects.filter(source_ref__in=["SWAP1", "SWAP2"])
        assert len({r.golden_id for r in swapped}) == 1
        # The same clusters keep the same golden ids.
        assert _assigned() == duck_ids
        assert pairwise_scores(_assigned(), truth)["f1"] > 0.9
        # The model the Spark run stored is the trained one, in DuckDB's dialect (incremental
        # placement runs its comparison levels in DuckDB).
        stored = MatchModel.objects.order_by("-id").first()
        assert stored.engine == "spark" and stored.settings["sql_dialect"] == "duckdb"
        levels = [
            (lv.get("m_probability"), lv.get("u_probability"))
            for c in stored.settings["comparisons"]
            for lv in c["comparison_levels"]
        ]
        assert levels == [
            (lv.get("m_probability"), lv.get("u_probability"))
            for c in model.settings["comparisons"]
            for lv in c["comparison_levels"]
        ]
        assert "jaro_winkler_similarity" in json.dumps(stored.settings)
    # The run's files were under the council's own folder and are gone.
    area = folder / council_a.schema_name
    assert area.is_dir() and list(area.iterdir()) == []


def test_mdm_resolve_runs_on_the_spark_engine(md_a, council_a, settings, masterdata_spark):
    files, truth = people_files(90, seed=5)
    with md_a() as actions:
        import_people(files)
        actions.resolve_people(engine_name="duckdb")
        duck_partition = _partition()
    settings.MASTERDATA_ENGINE = "spark"
    out = StringIO()
    call_command("mdm_resolve", council=council_a.slug, kind="people", stdout=out)
    text = out.getvalue()
    assert "spark" in text and "predict" in text
    stats = json.loads(text.split("people: ", 1)[1].splitlines()[0])
    assert stats["engine"] == "spark" and stats["records"] == sum(
        len(f.splitlines()) - 1 for f in files.values()
    )
    with md_a():
        from intelligence.masterdata.models import PersonRecord, ResolutionRun

        assert PersonRecord.objects.filter(golden__isnull=True).count() == 0
        assert _partition() == duck_partition  # the model's priors: no training below 1,000
        assert ResolutionRun.objects.order_by("-id").first().stats["engine"] == "spark"
        assert pairwise_scores(_assigned(), truth)["precision"] > 0.9
