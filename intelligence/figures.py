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


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Evenly spaced round ticks covering [low, high]: a step of 1, 2, 2.5 or 5 times a power of
    ten, about ``count`` intervals, starting and ending on a multiple of the step (so 0 is a
    tick whenever the range crosses it)."""
    import math

    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    ticks = []
    n = round((last - first) / step)
    for i in range(n + 1):
        ticks.append(round(first + i * step, 10))
    return ticks
