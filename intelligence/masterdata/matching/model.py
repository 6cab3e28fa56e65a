"""The people-matching model (Splink settings): blocking rules, comparisons with prior m and u
probabilities, and the training recipe. Training by expectation maximisation replaces the priors
with estimates from the council's own records when there are enough of them.

Splink is imported by the functions that build its objects, not by this module: the constants
here are read by incremental placement and the admin, and importing Splink (with SQLGlot) cost
every web process and worker about two seconds at start on a loaded machine."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splink import SettingsCreator

# Columns the engines read (empty strings become NULL).
COLUMNS = [
    "unique_id",
    "first_key",
    "first_canon",
    "surname_key",
    "dob",
    "dob_swapped",
    "postcode",
    "sector",
    "district",
    "email",
    "phone",
]

# Blocking: pairs that agree on every key of a rule are compared. A key is a column or one of
# KEY_SQL's expressions (a name's first letter).
BLOCKING_RULES = [
    ("surname_key", "dob"),
    ("first_canon", "dob"),
    ("first_canon", "surname_key"),
    ("dob", "postcode"),
    ("surname_key", "postcode"),
    ("first_canon", "postcode"),
    ("email",),
    ("phone",),
    # Typos in both names and a move (FEBRL: `jordan ryan` / `jordean rya`), or typos in both
    # names and no date of birth: the same initials and date of birth, or initials and postcode.
    # Typos rarely touch a name's first letter.
    ("dob", "first_initial", "surname_initial"),
    ("postcode", "first_initial", "surname_initial"),
]
KEY_SQL = {
    "first_initial": "substr(first_key, 1, 1)",
    "surname_initial": "substr(surname_key, 1, 1)",
}
# Names swapped (`kyra wilde` / `wilde kyra`): one record's first name is the other's surname,
# with the same date of birth or the same postcode. Both directions, as Splink compares each
# pair once (l < r).
SWAPPED_NAMES_KEYS = ("dob", "postcode")
SWAPPED_NAMES_RULES = [
    f"l.{a} = r.{b} AND l.{key} = r.{key}"
    for key in SWAPPED_NAMES_KEYS
    for a, b in (("first_canon", "surname_key"), ("surname_key", "first_canon"))
]
# Deterministic rule for the prior, and the blocks expectation maximisation trains on: each
# leaves the fields it does not block on free to be estimated, and each is selective enough
# that training stays linear in the number of records.
DETERMINISTIC_RULES = [("first_canon", "surname_key", "dob")]
TRAINING_BLOCKS = [
    # Not (surname, dob): Splink leaves untrained every comparison that reads a column the
    # block uses, and the first-name comparison's "names swapped" level reads the surname.
    ("dob", "postcode"),  # trains first name, surname, email, phone
    ("first_canon", "dob"),  # trains surname, postcode, email, phone
    ("first_canon", "surname_key", "district"),  # trains date of birth, email, phone
]
PRIOR_MATCH_PROBABILITY = 0.0005


def blocking_rules() -> list:
    """The blocking rules as Splink rule creators (rendered in each engine's dialect)."""
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    rules = [block_on(*(KEY_SQL.get(key, key) for key in rule)) for rule in BLOCKING_RULES]
    return rules + [CustomRule(rule, sql_dialect="duckdb") for rule in SWAPPED_NAMES_RULES]


def blocking_values(features: dict) -> dict:
    """A record's value of every blocking key (``features``: {column: value} over COLUMNS),
    for incremental placement's candidate query; None when missing."""
    values = {column: features.get(column) or None for column in COLUMNS[1:]}
    values["first_initial"] = (values["first_key"] or "")[:1] or None
    values["surname_initial"] = (values["surname_key"] or "")[:1] or None
    return values


def as_duckdb(stored: dict) -> dict:
    """A saved model (of either engine) in DuckDB's SQL dialect: the form kept in MatchModel,
    whose comparison levels incremental placement runs in DuckDB (scoring.py)."""
    if stored.get("sql_dialect") == "duckdb":
        return stored
    return settings_creator(stored).get_settings("duckdb").as_dict()


def _lvl(creator, m, u, label=None):
    options = {"m_probability": m, "u_probability": u}
    if label:
        options["label_for_charts"] = label
    return creator.configure(**options)


def comparisons(stored: dict | None = None):
    """The comparisons, with the m and u probabilities of ``stored`` (a saved model's JSON, of
    either engine) in place of the priors where it has them."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    from .levels import NamesSwappedLevel

    levels_of = {
        c["output_column_name"]: c["comparison_levels"]
        for c in (stored or {}).get("comparisons", [])
    }

    def custom(*, output_column_name, comparison_description, comparison_levels):
        # Levels are matched by label, so a model saved before a level was added keeps its
        # trained values for the others (the new level starts from its prior).
        saved = {
            level.get("label_for_charts"): level for level in levels_of.get(output_column_name, [])
        }
        for creator in comparison_levels if saved else []:
            level = saved.get(creator.create_level_dict("duckdb").get("label_for_charts"))
            if level is not None:
                options = {
                    key: level[key]
                    for key in ("m_probability", "u_probability")
                    if level.get(key) is not None and not level.get("is_null_level")
                }
                if options:
                    creator.configure(**options)
        return cl.CustomComparison(
            output_column_name=output_column_name,
            comparison_description=comparison_description,
            comparison_levels=comparison_levels,
        )

    first = custom(
        output_column_name="first_name",
        comparison_description=(
            "First name: exact, nickname, Jaro-Winkler, initial, names swapped"
        ),
        comparison_levels=[
            cll.NullLevel("first_key"),
            _lvl(cll.ExactMatchLevel("first_key"), 0.78, 0.01, "exact"),
            _lvl(cll.ExactMatchLevel("first_canon"), 0.06, 0.001, "same name or nickname"),
            _lvl(cll.JaroWinklerLevel("first_key", 0.92), 0.06, 0.002, "Jaro-Winkler >= 0.92"),
            _lvl(cll.JaroWinklerLevel("first_key", 0.80), 0.03, 0.02, "Jaro-Winkler >= 0.80"),
            _lvl(
                cll.CustomLevel(
                    "substr(first_key_l, 1, 1) = substr(first_key_r, 1, 1) "
                    "AND (length(first_key_l) = 1 OR length(first_key_r) = 1)",
                    base_dialect_str="duckdb",
                ),
                0.03,
                0.005,
                "initial",
            ),
            _lvl(NamesSwappedLevel(), 0.01, 0.00005, "names swapped"),
            _lvl(cll.ElseLevel(), 0.02, 0.962, "different"),
        ],
    )
    surname = custom(
        output_column_name="surname",
        comparison_description="Surname: exact, Jaro-Winkler, names swapped",
        comparison_levels=[
            cll.NullLevel("surname_key"),
            _lvl(cll.ExactMatchLevel("surname_key"), 0.87, 0.005, "exact"),
            _lvl(cll.JaroWinklerLevel("surname_key", 0.92), 0.07, 0.002, "Jaro-Winkler >= 0.92"),
            _lvl(cll.JaroWinklerLevel("surname_key", 0.80), 0.03, 0.02, "Jaro-Winkler >= 0.80"),
            _lvl(NamesSwappedLevel(), 0.01, 0.00005, "names swapped"),
            _lvl(cll.ElseLevel(), 0.02, 0.973, "different"),
        ],
    )
    dob = custom(
        output_column_name="date_of_birth",
        comparison_description="Date of birth: exact, day and month swapped, one digit, year",
        comparison_levels=[
            cll.NullLevel("dob"),
            _lvl(cll.ExactMatchLevel("dob"), 0.90, 0.00005, "exact"),
            _lvl(
                cll.CustomLevel("dob_l = dob_swapped_r", base_dialect_str="duckdb"),
                0.03,
                0.00002,
                "day and month swapped",
            ),
            _lvl(cll.DamerauLevenshteinLevel("dob", 1), 0.04, 0.001, "one digit different"),
            _lvl(
                cll.CustomLevel(
                    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", base_dialect_str="duckdb"
                ),
                0.01,
                0.012,
                "same year",
            ),
            _lvl(cll.ElseLevel(), 0.02, 0.987, "different"),
        ],
    )
    postcode = custom(
        output_column_name="postcode",
        comparison_description="Postcode: full, sector, district",
        comparison_levels=[
            cll.NullLevel("postcode"),
            _lvl(cll.ExactMatchLevel("postcode"), 0.70, 0.0005, "exact"),
            _lvl(cll.ExactMatchLevel("sector"), 0.08, 0.005, "same sector"),
            _lvl(cll.ExactMatchLevel("district"), 0.07, 0.03, "same district"),
            _lvl(cll.ElseLevel(), 0.15, 0.9645, "different"),
        ],
    )
    email = custom(
        output_column_name="email",
        comparison_description="Email: exact",
        comparison_levels=[
            cll.NullLevel("email"),
            _lvl(cll.ExactMatchLevel("email"), 0.85, 0.0001, "exact"),
            _lvl(cll.ElseLevel(), 0.15, 0.9999, "different"),
        ],
    )
    phone = custom(
        output_column_name="phone",
        comparison_description="Phone: exact",
        comparison_levels=[
            cll.NullLevel("phone"),
            _lvl(cll.ExactMatchLevel("phone"), 0.80, 0.0001, "exact"),
            _lvl(cll.ElseLevel(), 0.20, 0.9999, "different"),
        ],
    )
    return [first, surname, dob, postcode, email, phone]


def settings_creator(stored: dict | None = None) -> SettingsCreator:
    """The model for any engine (Splink renders it in the engine's SQL dialect), with a saved
    model's parameters when ``stored`` is given."""
    from splink import SettingsCreator

    prior = (stored or {}).get("probability_two_random_records_match") or PRIOR_MATCH_PROBABILITY
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        blocking_rules_to_generate_predictions=blocking_rules(),
        comparisons=comparisons(stored),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )
