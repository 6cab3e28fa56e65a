"""Server-rendered, accessible SVG charts: no script, no chart library from the internet.

Each chart is an ``<svg role="img">`` with a title and a description that states the figures;
the same figures follow the chart as a table, so nothing depends on seeing the drawing.
"""

import zlib
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from intelligence.figures import format_figure

from .models import Kpi, Observation

WIDTH, HEIGHT = 640, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 16, 16, 40


@dataclass
class KpiCard:
    kpi: Kpi
    rows: list[dict] = field(default_factory=list)  # period, value, target, status
    latest: dict | None = None
    svg: SafeString = mark_safe("")  # noqa: S308


def line_chart(
    title: str, labels: list[str], series: list[tuple[str, list[float | None], str]]
) -> SafeString:
    """A line chart of one or more series over ``labels``; series are (name, values, css class).
    The series' colours come from GOV.UK Frontend's palette via presentation attributes."""
    values = [v for _, vals, _ in series for v in vals if v is not None]
    desc = "; ".join(
        f"{name}: "
        + ", ".join(f"{label} {format_figure(v)}" for label, v in zip(labels, vals, strict=False))
        for name, vals, _ in series
    )
    if not labels or not values:
        return format_html(
            '<svg role="img" aria-label="{}" width="{}" height="40" viewBox="0 0 {} 40">'
            '<title>{}</title><text x="0" y="24">No data yet</text></svg>',
            title,
            WIDTH,
            WIDTH,
            title,
        )
    low, high = min(values + [0.0]), max(values)
    if high == low:
        high = low + 1
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i):
        return round(PAD_LEFT + i * step, 1)

    def y(v):
        return round(PAD_TOP + plot_h * (1 - (v - low) / (high - low)), 1)

    colours = {"value": "#1d70b8", "target": "#505a5f", "median": "#f47738"}
    parts = []
    # Axes and gridlines with the scale's low, middle and high values.
    for v in (low, (low + high) / 2, high):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#0b0c0c">{}</text>',
                PAD_LEFT,
                WIDTH - PAD_RIGHT,
                y(v),
                y(v),
                PAD_LEFT - 6,
                round(y(v) + 4, 1),
                format_figure(v),
            )
        )
    for i, label in enumerate(labels):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#0b0c0c">{}</text>',
                x(i),
                HEIGHT - PAD_BOTTOM + 18,
                label,
            )
        )
    for name, vals, css in series:
        colour = colours.get(css, "#1d70b8")
        points = [(x(i), y(v)) for i, v in enumerate(vals) if v is not None]
        dash = ' stroke-dasharray="6 4"' if css != "value" else ""
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="3"{} points="{}"/>',
                    colour,
                    mark_safe(dash),  # noqa: S308 - constant
                    " ".join(f"{px:.1f},{py:.1f}" for px, py in points),
                )
            )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
                ((px, py, colour, name) for px, py in points),
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="4" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12" fill="#0b0c0c">{}</text>',
        (
            (
                PAD_LEFT + 140 * n,
                HEIGHT - 10,
                colours.get(css, "#1d70b8"),
                PAD_LEFT + 140 * n + 16,
                HEIGHT - 5,
                name,
            )
            for n, (name, _, css) in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="warehouse-chart" role="img" aria-labelledby="{id}-t {id}-d" width="100%" '
        'viewBox="0 0 {w} {h}" preserveAspectRatio="xMinYMin meet" focusable="false">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{parts}{legend}</svg>',
        id=f"chart-{zlib.crc32(title.encode())}",
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=desc,
        parts=mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
        legend=legend,
    )


def kpi_cards(limit_periods: int = 8) -> list[KpiCard]:
    """Every KPI with its council-level values, targets and status over the latest periods.
    Runs in the council's schema (the page is on the council's own site)."""
    from tenants.access import current_council_code

    council_code = current_council_code()
    kpis = list(Kpi.objects.select_related("metric").prefetch_related("targets"))
    observations: dict[int, list[Observation]] = {}
    for obs in Observation.objects.filter(
        metric_id__in=[k.metric_id for k in kpis], area_code=council_code
    ).order_by("period_start"):
        observations.setdefault(obs.metric_id, []).append(obs)
    cards = []
    for kpi in kpis:
        targets = {t.period: t.target for t in kpi.targets.all()}
        obs_list = observations.get(kpi.metric_id, [])[-limit_periods:]
        rows = [
            {
                "period": o.period,
                "value": o.value,
                "target": targets.get(o.period),
                "status": kpi.status(o.value, targets.get(o.period)),
            }
            for o in obs_list
        ]
        labels = [r["period"] for r in rows]
        series = [("Value", [r["value"] for r in rows], "value")]
        if any(r["target"] is not None for r in rows):
            series.append(("Target", [r["target"] for r in rows], "target"))
        cards.append(
            KpiCard(
                kpi=kpi,
                rows=rows,
                latest=rows[-1] if rows else None,
                svg=line_chart(kpi.display_title, labels, series),
            )
        )
    return cards
