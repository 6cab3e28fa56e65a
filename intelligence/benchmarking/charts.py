"""Server-rendered, accessible SVG charts of the benchmarks page (no script, no chart library).

Each chart is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that states what it
shows; the page prints the same figures as a table beneath it. Text is in the GOV.UK typeface
(GDS Transport, from GOV.UK Frontend) at a fixed pixel size: the drawing stretches with the
page but the lettering does not shrink, so the charts stay legible at 320 px. That is done by
drawing the marks in a nested ``<svg preserveAspectRatio="none">`` whose viewBox is in data
units across and pixels down, and placing text in the outer SVG with percentage x positions.
Value axes use evenly spaced round ticks (``intelligence.figures.nice_ticks``).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from intelligence.figures import format_figure, nice_ticks

FONT = '"GDS Transport", arial, sans-serif'
TEXT = "#0b0c0c"
BAR = "#1d70b8"
SUBJECT = "#0b0c0c"
MEDIAN = "#d4351c"
QUARTILE = "#505a5f"
BAND = "#d2e2f1"
GRID = "#b1b4b6"
TOP, PLOT, BOTTOM = 44, 240, 28


def format_tick(value: float, ticks: list[float]) -> str:
    """A tick label with as few decimals as the ticks need (0, 2.5, 5 → "0", "2.5", "5.0")."""
    for decimals in range(5):
        if all(abs(round(t, decimals) - t) < 1e-9 for t in ticks):
            return f"{value:,.{decimals}f}"
    return format_figure(value)


def _axis(ticks: list[float], y) -> SafeString:
    """Gridlines across the whole width, each labelled above its line at the left (with a white
    halo, drawn over the marks)."""
    return format_html_join(
        "",
        '<line x1="0" x2="100%" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
        ((y(t), y(t), GRID) for t in ticks),
    )


def _axis_labels(ticks: list[float], y) -> SafeString:
    return format_html_join(
        "",
        '<text x="2" y="{}" font-size="14" fill="{}" stroke="#ffffff" stroke-width="4" '
        'paint-order="stroke">{}</text>',
        ((y(t) - 4, TEXT, format_tick(t, ticks)) for t in ticks),
    )


def _scale(values: list[float]):
    ticks = nice_ticks(min([*values, 0.0]), max([*values, 0.0]))
    low, high = ticks[0], ticks[-1]

    def y(v: float) -> float:
        return round(TOP + PLOT * (1 - (v - low) / (high - low)), 1)

    return ticks, y


def _svg(chart_id: str, title: str, desc: str, body: SafeString) -> SafeString:
    height = TOP + PLOT + BOTTOM
    return format_html(
        '<svg class="bm-chart" role="img" aria-labelledby="{id}-t {id}-d" width="100%" '
        'height="{h}" font-family="{font}" focusable="false"><title id="{id}-t">{title}</title>'
        '<desc id="{id}-d">{desc}</desc>{body}</svg>',
        id=chart_id,
        h=height,
        font=FONT,
        title=title,
        desc=desc,
        body=body,
    )


def peer_bar_chart(payload: dict) -> SafeString:
    """The council among its peers: one column per peer with a value, sorted best first (by
    the metric's direction), the council's column dark and labelled, the group's quartiles as a
    shaded band between the lower and upper quartile lines, and the median as a red dashed
    line. Suppressed and missing values are not drawn (the table lists them)."""
    peers = [p for p in payload["peers"] if p["value"] is not None and not p["suppressed"]]
    council = payload["council"]
    title = f"{payload['metric']['title']}, {payload['period']}: {council['name']} and its peers"
    if not peers:
        return format_html('<p class="govuk-body">No published values to chart for {}.</p>', title)
    # Best first, as the table: ranked peers in rank order (the payload's order).
    n = len(peers)
    ticks, y = _scale([p["value"] for p in peers])
    zero = y(max(min(0.0, ticks[-1]), ticks[0]))
    subject_index = next(
        (i for i, p in enumerate(peers) if p["gss_code"] == council["gss_code"]), None
    )
    gap = 0.15 if n <= 60 else 0.0
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
        (
            (
                round(i + gap, 3),
                min(y(p["value"]), zero),
                round(1 - 2 * gap, 3),
                max(round(abs(zero - y(p["value"])), 1), 1),
                SUBJECT if i == subject_index else BAR,
            )
            for i, p in enumerate(peers)
        ),
    )
    parts = []
    median, lower, upper = payload["median"], payload["lower_quartile"], payload["upper_quartile"]
    if lower is not None and upper is not None:
        top, bottom = sorted((y(lower), y(upper)))
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="100%" height="{}" fill="{}"/>',
                top,
                max(round(bottom - top, 1), 1),
                BAND,
            )
        )
    parts.append(_axis(ticks, y))
    parts.append(
        format_html(
            '<svg x="0" y="0" width="100%" height="{h}" viewBox="0 0 {n} {h}" '
            'preserveAspectRatio="none" aria-hidden="true">{}</svg>',
            bars,
            h=TOP + PLOT + BOTTOM,
            n=n,
        )
    )
    for value, colour, dash in (
        (lower, QUARTILE, "2 3"),
        (upper, QUARTILE, "2 3"),
        (median, MEDIAN, "8 4"),
    ):
        if value is None:
            continue
        parts.append(
            format_html(
                '<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="{c}" stroke-width="2" '
                'stroke-dasharray="{d}"/>',
                y=y(value),
                c=colour,
                d=dash,
            )
        )
    parts.append(_axis_labels(ticks, y))
    if median is not None:
        parts.append(
            format_html(
                '<text x="100%" dx="-2" y="{}" text-anchor="end" font-size="14" fill="{}" '
                'font-weight="bold" stroke="#ffffff" stroke-width="4" paint-order="stroke">'
                "Median {}</text>",
                y(median) - 5,
                MEDIAN,
                format_figure(median),
            )
        )
    if subject_index is not None:
        own = peers[subject_index]
        x = round((subject_index + 0.5) * 100 / n, 2)
        anchor = "start" if x < 50 else "end"
        parts.append(
            format_html(
                '<line x1="{x}%" x2="{x}%" y1="22" y2="{y}" stroke="{c}" stroke-width="2"/>'
                '<text x="{x}%" y="16" text-anchor="{a}" font-size="14" font-weight="bold" '
                'fill="{c}">{name}: {value}</text>',
                x=x,
                y=min(y(own["value"]), zero),
                c=SUBJECT,
                a=anchor,
                name=council["name"],
                value=format_figure(own["value"]),
            )
        )
    polarity = payload["metric"].get("polarity")
    order = "Best" if polarity in ("higher", "lower") else "Highest"
    parts.append(
        format_html(
            '<text x="0" y="{y}" font-size="14" fill="{c}">{a} →</text>'
            '<text x="100%" y="{y}" text-anchor="end" font-size="14" fill="{c}">{b}</text>',
            y=TOP + PLOT + 20,
            c=TEXT,
            a=f"{order} first",
            b=f"{n} council{'s' if n != 1 else ''} with a value",
        )
    )
    desc = _peer_description(payload, n)
    return _svg("peer-chart", title, desc, mark_safe("".join(parts)))  # noqa: S308 - escaped parts


def _peer_description(payload: dict, drawn: int) -> str:
    council = payload["council"]["name"]
    if payload["rank"]:
        where = f"{council} ranks {payload['rank']} of {payload['values_count']}"
        if payload["quartile"]:
            where += f" (quartile {payload['quartile']}, 1 is best)"
    elif payload["suppressed"]:
        where = f"{council}'s value is suppressed"
    elif payload["value"] is not None:
        where = f"{council} is not ranked (no other council in the group has a value)"
    else:
        where = f"{council} has no published value"
    figures = ""
    if payload["median"] is not None:
        figures = (
            f"; the group median is {format_figure(payload['median'])}, quartiles "
            f"{format_figure(payload['lower_quartile'])} to "
            f"{format_figure(payload['upper_quartile'])}"
        )
    return f"Columns for {drawn} councils, best first. {where}{figures}. The figures are in the table below."


def series_chart(series: dict) -> SafeString:
    """The council's value over time (dark line and points) with its group's median (red
    dashed line) and inter-quartile range (shaded band) for each period."""
    points = series["points"]
    council = series["council"]["name"]
    title = f"{series['metric']['title']}: {council} over time against its group"
    drawn = [p for p in points if p["group_median"] is not None or p["value"] is not None]
    if not drawn:
        return format_html('<p class="govuk-body">No published values to chart for {}.</p>', title)
    values = [
        v
        for p in drawn
        for v in (
            p["value"],
            p["group_lower_quartile"],
            p["group_upper_quartile"],
            p["group_median"],
        )
        if v is not None and not (v is p["value"] and p["suppressed"])
    ]
    ticks, y = _scale(values)
    n = len(drawn)
    span = max(n - 1, 1)

    def px(i: int) -> float:
        # Across: data units 0..span inside the nested SVG; percentages (with a margin) outside.
        return round(4 + 92 * (i / span if n > 1 else 0.5), 2)

    def ux(i: int) -> float:
        return round((px(i) / 100) * span, 4)

    band_top = [
        (ux(i), y(p["group_upper_quartile"]))
        for i, p in enumerate(drawn)
        if p["group_upper_quartile"] is not None
    ]
    band_bottom = [
        (ux(i), y(p["group_lower_quartile"]))
        for i, p in enumerate(drawn)
        if p["group_lower_quartile"] is not None
    ]
    marks = []
    if len(band_top) > 1 and len(band_top) == len(band_bottom):
        outline = band_top + list(reversed(band_bottom))
        marks.append(
            format_html(
                '<polygon points="{}" fill="{}"/>',
                " ".join(f"{a},{b}" for a, b in outline),
                BAND,
            )
        )
    medians = [
        (ux(i), y(p["group_median"])) for i, p in enumerate(drawn) if p["group_median"] is not None
    ]
    if len(medians) > 1:
        marks.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                'stroke-dasharray="8 4" vector-effect="non-scaling-stroke"/>',
                " ".join(f"{a},{b}" for a, b in medians),
                MEDIAN,
            )
        )
    own = [
        (i, p["value"])
        for i, p in enumerate(drawn)
        if p["value"] is not None and not p["suppressed"]
    ]
    if len(own) > 1:
        marks.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" '
                'vector-effect="non-scaling-stroke"/>',
                " ".join(f"{ux(i)},{y(v)}" for i, v in own),
                SUBJECT,
            )
        )
    parts = [
        _axis(ticks, y),
        format_html(
            '<svg x="0" y="0" width="100%" height="{h}" viewBox="0 0 {w} {h}" '
            'preserveAspectRatio="none" aria-hidden="true">{}</svg>',
            mark_safe("".join(marks)),  # noqa: S308 - escaped parts
            h=TOP + PLOT + BOTTOM,
            w=span,
        ),
        format_html_join(
            "",
            '<circle cx="{}%" cy="{}" r="4" fill="{}"/>',
            ((px(i), y(v), SUBJECT) for i, v in own),
        ),
        _axis_labels(ticks, y),
    ]
    # Period labels: the first, the last and evenly spaced ones between, at most five (they
    # must fit side by side at 320 px).
    shown = sorted({round(k * (n - 1) / 4) for k in range(5)}) if n > 5 else list(range(n))
    parts.append(
        format_html_join(
            "",
            '<text x="{}%" y="{}" text-anchor="{}" font-size="14" fill="{}">{}</text>',
            (
                (
                    px(i),
                    TOP + PLOT + 20,
                    "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle",
                    TEXT,
                    drawn[i]["period"],
                )
                for i in shown
            ),
        )
    )
    first, last = drawn[0]["period"], drawn[-1]["period"]
    latest = next(
        (p for p in reversed(drawn) if p["value"] is not None and not p["suppressed"]), None
    )
    desc = f"{n} periods from {first} to {last}."
    if latest is not None:
        desc += f" In {latest['period']} {council}'s value is {format_figure(latest['value'])}"
        if latest["group_median"] is not None:
            desc += (
                f"; the group's median is {format_figure(latest['group_median'])} and its middle "
                f"half runs from {format_figure(latest['group_lower_quartile'])} to "
                f"{format_figure(latest['group_upper_quartile'])}"
            )
        desc += "."
    desc += " The figures are in the table below."
    return _svg("series-chart", title, desc, mark_safe("".join(str(p) for p in parts)))  # noqa: S308
