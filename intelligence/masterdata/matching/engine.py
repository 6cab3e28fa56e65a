"""Full people resolution with Splink: train (expectation maximisation on the council's own
records), predict scored pairs over the blocking rules. DuckDB in process by default;
``MASTERDATA_ENGINE=spark`` runs the same model through Splink's ``SparkAPI`` on a local
SparkSession (spark.py). Either way the records arrive, and the scored pairs leave, as a DuckDB
table, so loading, clustering and the review queue are the same code."""

import logging
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
from splink import DuckDBAPI, Linker, block_on

from . import model

logger = logging.getLogger(__name__)
MIN_TRAINING_RECORDS = 1000
ENGINES = ("duckdb", "spark")


@dataclass
class Prediction:
    pairs: list[tuple]  # (id_l, id_r, match_weight, match_probability, (weight per comparison))
    settings: dict  # the model, always in DuckDB's SQL dialect (model.as_duckdb)
    trained: bool
    comparison_names: list[str]
    engine: str = "duckdb"


def engine_name(engine: str | None = None) -> str:
    """``engine``, or settings.MASTERDATA_ENGINE: ``duckdb`` or ``spark``."""
    if engine is None:
        from django.conf import settings

        engine = getattr(settings, "MASTERDATA_ENGINE", "duckdb")
    name = (engine or "duckdb").strip().lower()
    if name not in ENGINES:
        raise ValueError(f"MASTERDATA_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")
    return name


def connect(threads: int | None = None, memory_limit: str | None = None):
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 2)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


@contextmanager
def _backend(con, table: str, name: str, area: str):
    """(Splink's database API, the registered records, a function that turns Splink's
    predictions into a DuckDB table name)."""
    if name == "duckdb":
        db_api = DuckDBAPI(con)
        yield db_api, db_api.register(table), lambda predictions: predictions.physical_name
        return
    from splink import SparkAPI

    from . import spark

    with spark.run_folder(area) as (session, folder):
        people = folder / "people.parquet"
        con.execute(f"COPY {table} TO '{people}' (FORMAT parquet)").fetchall()
        db_api = SparkAPI(spark_session=session)
        records = db_api.register(session.read.parquet(str(people)))

        def to_duckdb(predictions):
            pairs = folder / "pairs"
            columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"] + [
                c for c in predictions.as_spark_dataframe().columns if c.startswith("mw_")
            ]
            predictions.as_spark_dataframe().select(*columns).write.parquet(str(pairs))
            con.execute(
                "CREATE OR REPLACE TABLE md_spark_pairs AS SELECT * FROM read_parquet(?)",
                [f"{pairs}/*.parquet"],
            ).fetchall()
            return "md_spark_pairs"

        yield db_api, records, to_duckdb


def predict(
    con,
    table: str,
    *,
    review_probability: float,
    settings: dict | None = None,
    train: bool = True,
    progress=None,
    engine: str | None = None,
    area: str = "shared",
) -> Prediction:
    """Score every blocked pair of the DuckDB table ``table`` (columns model.COLUMNS) and
    return the pairs at or above ``review_probability``. With ``settings`` (a stored model) and
    ``train=False`` the stored parameters are used as they are. ``engine`` (default
    settings.MASTERDATA_ENGINE) runs Splink on DuckDB or on Spark; ``area`` names the council
    whose folder holds a Spark run's files."""
    name = engine_name(engine)
    logging.getLogger("splink").setLevel(logging.WARNING)
    count = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
    if progress and name == "spark":
        progress("spark", 0, 1)
    with _backend(con, table, name, area) as (_db_api, records, to_duckdb):
        if progress and name == "spark":
            progress("spark", 1, 1)
        linker = Linker(records, model.settings_creator(settings), log_level=logging.WARNING)
        trained = False
        if train and count >= MIN_TRAINING_RECORDS:
            if progress:
                progress("train", 0, 2 + len(model.TRAINING_BLOCKS))
            linker.training.estimate_probability_two_random_records_match(
                [block_on(*rule) for rule in model.DETERMINISTIC_RULES], recall=0.8
            )
            linker.training.estimate_u_using_random_sampling(max_pairs=min(2e6, count * 20))
            if progress:
                progress("train", 1, 2 + len(model.TRAINING_BLOCKS))
            for i, rule in enumerate(model.TRAINING_BLOCKS):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule), fix_u_probabilities=True
                )
                if progress:
                    progress("train", 2 + i, 2 + len(model.TRAINING_BLOCKS))
            trained = True
        if progress:
            progress("predict", 0, 1)
        threshold_weight = _weight(review_probability)
        predictions = linker.inference.predict(threshold_match_weight=threshold_weight)
        stored = model.as_duckdb(linker.misc.save_model_to_json())
        scored = to_duckdb(predictions)
        names = [c["output_column_name"] for c in stored["comparisons"]]
        gamma_cols = ", ".join(f"mw_{n}" for n in names)
        # Two records whose first names or dates of birth disagree outright (not a nickname,
        # typo, initial, swapped names, day-month swap or one digit) and that share no email or
        # phone are flagged as a conflict: twins, and parents and children of one name, agree on
        # everything else.
        first_w = conflict_weight(stored, "first_name")
        dob_w = conflict_weight(stored, "date_of_birth")
        gamma_cols += (
            f", ((mw_first_name <= {first_w + 1e-9} OR mw_date_of_birth <= {dob_w + 1e-9}) "
            "AND coalesce(mw_email, 0) <= 0 AND coalesce(mw_phone, 0) <= 0) AS conflict"
        )
        rows = con.execute(
            f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, {gamma_cols} "  # noqa: S608
            f"FROM {scored}"
        ).fetchall()
        pairs = [(r[0], r[1], r[2], r[3], tuple(r[4:])) for r in rows]
        if progress:
            progress("predict", 1, 1)
        predictions.drop_table_from_database_and_remove_from_cache()
        if scored != predictions.physical_name:
            con.execute(f"DROP TABLE IF EXISTS {scored}").fetchall()
    return Prediction(
        pairs=pairs, settings=stored, trained=trained, comparison_names=names, engine=name
    )


def conflict_weight(settings: dict, name: str) -> float:
    """The match weight of a comparison's last ("different") level."""
    [comparison] = [c for c in settings["comparisons"] if c["output_column_name"] == name]
    level = comparison["comparison_levels"][-1]
    m, u = level.get("m_probability"), level.get("u_probability")
    return math.log2(m / u) if m and u else 0.0


def _weight(probability: float) -> float:
    probability = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log2(probability / (1 - probability))
