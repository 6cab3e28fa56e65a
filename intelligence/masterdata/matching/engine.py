"""Full people resolution with Splink: train (expectation maximisation on the council's own
records), predict scored pairs over the blocking rules. DuckDB in process by default;
``MASTERDATA_ENGINE=spark`` is planned (see docs/masterdata.md)."""

import logging
import math
import os
from dataclasses import dataclass

import duckdb
from splink import DuckDBAPI, Linker, block_on

from . import model

logger = logging.getLogger(__name__)
MIN_TRAINING_RECORDS = 1000


@dataclass
class Prediction:
    pairs: list[tuple]  # (id_l, id_r, match_weight, match_probability, (weight per comparison))
    settings: dict
    trained: bool
    comparison_names: list[str]


def engine_name() -> str:
    return os.environ.get("MASTERDATA_ENGINE", "duckdb").lower()


def connect(threads: int | None = None, memory_limit: str | None = None):
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 2)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def predict(
    con,
    table: str,
    *,
    review_probability: float,
    settings: dict | None = None,
    train: bool = True,
    progress=None,
) -> Prediction:
    """Score every blocked pair of the DuckDB table ``table`` (columns model.COLUMNS) and
    return the pairs at or above ``review_probability``. With ``settings`` (a stored model) and
    ``train=False`` the stored parameters are used as they are."""
    if engine_name() == "spark":
        raise NotImplementedError("MASTERDATA_ENGINE=spark is planned; use duckdb")
    logging.getLogger("splink").setLevel(logging.WARNING)
    db_api = DuckDBAPI(con)
    records = db_api.register(table)
    count = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
    linker = Linker(records, settings or model.settings_creator(), log_level=logging.WARNING)
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
    stored = linker.misc.save_model_to_json()
    names = [c["output_column_name"] for c in stored["comparisons"]]
    gamma_cols = ", ".join(f"mw_{n}" for n in names)
    # Two records whose first names or dates of birth disagree outright (not a nickname, typo,
    # initial, swap or one digit) and that share no email or phone are flagged as a conflict:
    # twins, and parents and children of one name, agree on everything else.
    first_w, dob_w = conflict_weight(stored, "first_name"), conflict_weight(stored, "date_of_birth")
    gamma_cols += (
        f", ((mw_first_name <= {first_w + 1e-9} OR mw_date_of_birth <= {dob_w + 1e-9}) "
        "AND coalesce(mw_email, 0) <= 0 AND coalesce(mw_phone, 0) <= 0) AS conflict"
    )
    rows = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, {gamma_cols} "  # noqa: S608
        f"FROM {predictions.physical_name}"
    ).fetchall()
    pairs = [(r[0], r[1], r[2], r[3], tuple(r[4:])) for r in rows]
    if progress:
        progress("predict", 1, 1)
    predictions.drop_table_from_database_and_remove_from_cache()
    return Prediction(pairs=pairs, settings=stored, trained=trained, comparison_names=names)


def conflict_weight(settings: dict, name: str) -> float:
    """The match weight of a comparison's last ("different") level."""
    [comparison] = [c for c in settings["comparisons"] if c["output_column_name"] == name]
    level = comparison["comparison_levels"][-1]
    m, u = level.get("m_probability"), level.get("u_probability")
    return math.log2(m / u) if m and u else 0.0


def _weight(probability: float) -> float:
    probability = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log2(probability / (1 - probability))
