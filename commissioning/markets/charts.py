"""Server-rendered, accessible SVG charts for the market dashboard (the warehouse's approach:
``<svg role="img">`` with a title and a description stating the figures, and the same figures
in a table beside it). Figures are written with intelligence's one formatting rule."""

import zlib

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from intelligence.figures import format_figure

WIDTH = 640
BAR_H, GAP, LABEL_W = 22, 8, 220


def _id(title: str) -> str:
    return f"chart-{zlib.crc32(title.encode())}"


def share_bars(title: str, shares: list[dict]) -> SafeString:
    """Horizontal bars of providers' shares of spend (percent), largest first."""
    if not shares:
        return format_html('<p class="help-block">No spend yet.</p>')
    height = len(shares) * (BAR_H + GAP) + GAP
    plot_w = WIDTH - LABEL_W - 60
    bars = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#0b0c0c">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="13" fill="#0b0c0c">{}%</text>',
        (
            (
                LABEL_W - 8,
                GAP + i * (BAR_H + GAP) + 16,
                row["provider"][:32],
                LABEL_W,
                GAP + i * (BAR_H + GAP),
                max(round(plot_w * row["share"] / 100, 1), 1),
                BAR_H,
                "#d4351c" if row["share"] > 50 else "#1d70b8",
                LABEL_W + max(round(plot_w * row["share"] / 100, 1), 1) + 6,
                GAP + i * (BAR_H + GAP) + 16,
                format_figure(row["share"]),
            )
            for i, row in enumerate(shares)
        ),
    )
    desc = "; ".join(f"{row['provider']} {format_figure(row['share'])}%" for row in shares)
    return format_html(
        '<svg class="markets-chart" role="img" aria-labelledby="{id}-t {id}-d" width="100%" '
        'viewBox="0 0 {w} {h}" preserveAspectRatio="xMinYMin meet" focusable="false">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{bars}</svg>',
        id=_id(title),
        w=WIDTH,
        h=height,
        title=title,
        desc=desc,
        bars=bars,
    )


def hhi_line(title: str, periods: list[str], values: list[float]) -> SafeString:
    """HHI over periods, with the 2,500 alert line dashed."""
    if not values:
        return format_html('<p class="help-block">No figures yet.</p>')
    height, pad_l, pad_r, pad_t, pad_b = 220, 56, 16, 16, 40
    high = max(values + [3000.0])
    plot_w, plot_h = WIDTH - pad_l - pad_r, height - pad_t - pad_b
    step = plot_w / max(len(values) - 1, 1)

    def x(i):
        return round(pad_l + i * step, 1)

    def y(v):
        return round(pad_t + plot_h * (1 - v / high), 1)

    points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#0b0c0c">{}</text>',
        ((x(i), height - pad_b + 18, p) for i, p in enumerate(periods)),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" fill="#1d70b8"><title>{} HHI {}</title></circle>',
        ((x(i), y(v), periods[i], format_figure(v)) for i, v in enumerate(values)),
    )
    desc = "; ".join(f"{p} {format_figure(v)}" for p, v in zip(periods, values, strict=True))
    return format_html(
        '<svg class="markets-chart" role="img" aria-labelledby="{id}-t {id}-d" width="100%" '
        'viewBox="0 0 {w} {h}" preserveAspectRatio="xMinYMin meet" focusable="false">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<line x1="{l}" x2="{r}" y1="{ya}" y2="{ya}" stroke="#d4351c" stroke-dasharray="6 4"/>'
        '<text x="{l2}" y="{yt}" font-size="12" fill="#d4351c">2,500 (highly concentrated)</text>'
        '<polyline fill="none" stroke="#1d70b8" stroke-width="3" points="{points}"/>{dots}{labels}'
        "</svg>",
        id=_id(title),
        w=WIDTH,
        h=height,
        title=title,
        desc=desc,
        l=pad_l,
        r=WIDTH - pad_r,
        ya=y(2500),
        l2=pad_l + 4,
        yt=y(2500) - 4,
        points=points,
        dots=dots,
        labels=labels,
    )


__all__ = ["hhi_line", "share_bars", "mark_safe"]
