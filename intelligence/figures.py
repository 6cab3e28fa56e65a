"""How the intelligence apps write a figure (in charts, their text alternatives and tables): the
one formatting rule shared by the warehouse's and the benchmarking pool's SVG charts.

A module of the ``intelligence`` package, not of either app, so both may use it without one
importing the other (the import contracts in pyproject.toml)."""


def format_figure(value: float | None) -> str:
    """Whole numbers with thousands separators, others to two decimals, a dash for no value."""
    if value is None:
        return "–"
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}"
