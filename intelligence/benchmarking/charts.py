"""A server-rendered, accessible SVG bar chart of a council against its peers (no script)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from intelligence.figures import format_figure

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH, VALUE_WIDTH = 720, 16, 4, 220, 90


def peer_bar_chart(payload: dict) -> SafeString:
    """Horizontal bars, best first; the chosen council's bar is dark blue and labelled "(you)"
    is avoided: its name is bold and the description says where it ranks."""
    peers = [p for p in payload["peers"] if p["value"] is not None and not p["suppressed"]]
    title = f"{payload['metric']['title']}, {payload['period']}: {payload['council']['name']} and its peers"
    if not peers:
        return format_html('<p class="govuk-body">No published values to chart for {}.</p>', title)
    high = max(max(p["value"] for p in peers), 0) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    own_code = payload["council"]["gss_code"]
    desc = (
        f"{payload['council']['name']} ranks {payload['rank']} of {payload['values_count']}"
        if payload["rank"]
        else f"{payload['council']['name']} has no published value"
    ) + (
        f"; the group median is {format_figure(payload['median'])}."
        if payload["median"] is not None
        else "."
    )
    height = len(peers) * (BAR_HEIGHT + GAP) + GAP
    bars = format_html_join(
        "",
        '<g><text x="{}" y="{}" text-anchor="end" font-size="12" font-weight="{}" fill="#0b0c0c">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" font-size="12" fill="#0b0c0c">{}</text></g>',
        (
            (
                LABEL_WIDTH - 6,
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 4,
                "bold" if p["gss_code"] == own_code else "normal",
                p["council"][:32],
                LABEL_WIDTH,
                GAP + i * (BAR_HEIGHT + GAP),
                round(max(plot * max(p["value"], 0) / high, 1), 1),
                BAR_HEIGHT,
                "#0b0c0c" if p["gss_code"] == own_code else "#1d70b8",
                p["council"],
                format_figure(p["value"]),
                round(LABEL_WIDTH + max(plot * max(p["value"], 0) / high, 1) + 4, 1),
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 4,
                format_figure(p["value"]),
            )
            for i, p in enumerate(peers)
        ),
    )
    median = ""
    if payload["median"] is not None and payload["median"] >= 0:
        mx = round(LABEL_WIDTH + plot * payload["median"] / high, 1)
        median = format_html(
            '<line x1="{}" x2="{}" y1="0" y2="{}" stroke="#f47738" stroke-width="2" '
            'stroke-dasharray="4 3"><title>Group median {}</title></line>',
            mx,
            mx,
            height,
            format_figure(payload["median"]),
        )
    return format_html(
        '<svg role="img" aria-labelledby="peer-chart-t peer-chart-d" width="100%" '
        'viewBox="0 0 {} {}" focusable="false"><title id="peer-chart-t">{}</title>'
        '<desc id="peer-chart-d">{}</desc>{}{}</svg>',
        WIDTH,
        height,
        title,
        desc,
        bars,
        median,
    )
