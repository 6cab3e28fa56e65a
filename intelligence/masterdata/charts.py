"""The match-weight waterfall as server-rendered, accessible SVG (no script): the prior, each
comparison's weight stacked from where the last one ended, and the final match weight. The
figures are also in a table beside it (templates/masterdata/admin/review_detail.html)."""

from django.utils.html import escape

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 70


def waterfall_steps(explanation: dict) -> list[dict]:
    steps = [
        {"name": "prior", "label": "prior (any two records)", "weight": explanation["prior_weight"]}
    ]
    steps += [dict(c) for c in explanation["comparisons"]]
    running = 0.0
    for step in steps:
        step["start"] = running
        running += step["weight"]
        step["end"] = running
    steps.append(
        {
            "name": "final",
            "label": f"match weight (probability {explanation['match_probability']:.3f})",
            "weight": running,
            "start": 0.0,
            "end": running,
            "total": True,
        }
    )
    return steps


def waterfall_svg(explanation: dict, *, title: str = "Match weight waterfall") -> str:
    steps = waterfall_steps(explanation)
    values = [0.0] + [s["start"] for s in steps] + [s["end"] for s in steps]
    low, high = min(values) - 1, max(values) + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + (high - v) / (high - low) * plot_h

    band = plot_w / len(steps)
    desc = "; ".join(f"{s['name']}: {s['label']}, {s['weight']:+.2f}" for s in steps)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="wf-title wf-desc" class="md-waterfall" width="100%">',
        f'<title id="wf-title">{escape(title)}</title>',
        f'<desc id="wf-desc">{escape(desc)}</desc>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#505a5f" stroke-width="1"/>',
        f'<text x="{LEFT - 6}" y="{y(0) + 4:.1f}" text-anchor="end" font-size="11" fill="#0b0c0c">0</text>',
    ]
    for i, s in enumerate(steps):
        x = LEFT + i * band + band * 0.15
        w = band * 0.7
        top, bottom = y(max(s["start"], s["end"])), y(min(s["start"], s["end"]))
        if s.get("total"):
            colour = "#1d70b8"
        elif s["weight"] >= 0:
            colour = "#00703c"
        else:
            colour = "#d4351c"
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" height="{max(bottom - top, 1):.1f}" '
            f'fill="{colour}"><title>{escape(s["name"])}: {s["weight"]:+.2f}</title></rect>'
        )
        label_y = top - 4 if s["weight"] >= 0 else bottom + 12
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="11" '
            f'fill="#0b0c0c">{s["weight"]:+.1f}</text>'
        )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="end" font-size="11" '
            f'fill="#0b0c0c" transform="rotate(-30 {x + w / 2:.1f} {HEIGHT - BOTTOM + 16})">'
            f"{escape(s['name'].replace('_', ' '))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
