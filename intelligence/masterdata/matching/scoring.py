"""Score a record against candidates with a stored (trained) Splink model, without Splink.

Splink has no way to add records to existing clusters (splink#820, #1112), so incremental
placement scores here: the stored model's comparison levels are the same SQL conditions Splink
evaluates, run by DuckDB in process over the few candidate pairs, and each level's match weight
is log2(m/u) from the stored m and u probabilities, added to the prior's weight, exactly as
Splink computes a match weight (no term-frequency adjustments are used by this model)."""

import math
import threading
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from . import model

_local = threading.local()


@dataclass
class Comparison:
    name: str
    label: str
    weight: float
    level: int


@dataclass
class Score:
    candidate: int
    match_weight: float
    match_probability: float
    comparisons: list[Comparison]
    conflict: bool = False


def _weight(level: dict) -> float:
    if level.get("is_null_level"):
        return 0.0
    m, u = level.get("m_probability"), level.get("u_probability")
    if not m or not u:
        return 0.0
    return math.log2(m / u)


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds = 2.0**weight
    return odds / (1 + odds)


class Scorer:
    def __init__(self, settings: dict):
        prior = (
            settings.get("probability_two_random_records_match") or model.PRIOR_MATCH_PROBABILITY
        )
        self.prior_weight = math.log2(prior / (1 - prior))
        self.comparisons = []
        cases = []
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            levels = comparison["comparison_levels"]
            whens = []
            for i, level in enumerate(levels):
                condition = level["sql_condition"]
                if condition.strip().upper() == "ELSE":
                    whens.append(f"ELSE {i}")
                else:
                    whens.append(f"WHEN {condition} THEN {i}")
            if not any(w.startswith("ELSE") for w in whens):
                whens.append(f"ELSE {len(levels) - 1}")
            cases.append(f'CASE {" ".join(whens)} END AS "{name}"')
            self.comparisons.append(
                (
                    name,
                    [
                        (lv.get("label_for_charts") or lv["sql_condition"], _weight(lv))
                        for lv in levels
                    ],
                )
            )
        self.sql = f"SELECT unique_id_r, {', '.join(cases)} FROM md_pairs ORDER BY md_order"  # noqa: S608

    def score(self, left: dict, candidates: list[dict]) -> list[Score]:
        """``left`` and each candidate: {column: value} over model.COLUMNS (None for missing)."""
        return self.score_pairs([(left, c) for c in candidates])

    def score_pairs(self, pairs: list[tuple[dict, dict]]) -> list[Score]:
        """Scores in the order of ``pairs``; ``Score.candidate`` is the right record's id."""
        if not pairs:
            return []
        columns = {}
        for column in model.COLUMNS[1:]:
            columns[f"{column}_l"] = pa.array([p[0].get(column) for p in pairs], pa.string())
            columns[f"{column}_r"] = pa.array([p[1].get(column) for p in pairs], pa.string())
        columns["unique_id_l"] = pa.array([p[0]["unique_id"] for p in pairs], pa.int64())
        columns["unique_id_r"] = pa.array([p[1]["unique_id"] for p in pairs], pa.int64())
        columns["md_order"] = pa.array(range(len(pairs)), pa.int64())
        table = pa.table(columns)
        con = _connection()
        con.register("md_pairs", table)
        try:
            rows = con.execute(self.sql).fetchall()
        finally:
            con.unregister("md_pairs")
        scores = []
        for row in rows:
            weight = self.prior_weight
            parts = []
            for (name, levels), level in zip(self.comparisons, row[1:], strict=True):
                label, w = levels[level]
                weight += w
                parts.append(Comparison(name, label, w, level))
            scores.append(Score(row[0], weight, probability(weight), parts, self._conflict(parts)))
        return scores

    def _conflict(self, parts: list[Comparison]) -> bool:
        """First names or dates of birth that disagree outright (their last, "different",
        level) with no shared email or phone: the same rule as the full run (engine.py)."""
        last = {name: len(levels) - 1 for name, levels in self.comparisons}
        by_name = {c.name: c for c in parts}
        outright = any(
            name in by_name and by_name[name].level == last[name]
            for name in ("first_name", "date_of_birth")
        )
        contact = any(name in by_name and by_name[name].weight > 0 for name in ("email", "phone"))
        return outright and not contact

    def explain(self, left: dict, right: dict) -> dict:
        [score] = self.score(left, [right])
        return {
            "prior_weight": self.prior_weight,
            "match_weight": score.match_weight,
            "match_probability": score.match_probability,
            "comparisons": [
                {"name": c.name, "label": c.label, "weight": c.weight} for c in score.comparisons
            ],
        }


def _connection():
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:")
        con.execute("SET threads = 1")
        _local.con = con
    return con


_scorers: dict[tuple, Scorer] = {}


def scorer_for(model_row) -> Scorer:
    """A cached scorer for a stored MatchModel (keyed by schema and id)."""
    from django.db import connection

    key = (connection.schema_name, model_row.pk)
    found = _scorers.get(key)
    if found is None:
        if len(_scorers) > 64:
            _scorers.clear()
        found = _scorers[key] = Scorer(model_row.settings)
    return found


def default_scorer() -> Scorer:
    """The model's priors, for a council that has not run a resolution yet."""
    key = ("", 0)
    found = _scorers.get(key)
    if found is None:
        found = _scorers[key] = Scorer(model.settings_creator().get_settings("duckdb").as_dict())
    return found
