"""A comparison level of the people-matching model (model.py) that Splink's library lacks."""

from splink.internals.comparison_level_creator import ComparisonLevelCreator


class NamesSwappedLevel(ComparisonLevelCreator):
    """First name and surname exchanged: each record's first name is like the other's surname
    (Jaro-Winkler >= ``threshold`` both ways). Rendered with each engine's own Jaro-Winkler."""

    def __init__(self, threshold: float = 0.92):
        self.threshold = threshold

    def create_sql(self, sql_dialect) -> str:
        jw = sql_dialect.jaro_winkler_function_name
        return (
            f"{jw}(first_key_l, surname_key_r) >= {self.threshold} "
            f"AND {jw}(surname_key_l, first_key_r) >= {self.threshold}"
        )

    def create_label_for_charts(self) -> str:
        return "names swapped"
