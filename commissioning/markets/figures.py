"""Market figures: pure functions over spend shares and ratings (no database), so the same
arithmetic serves the dashboard, the API and the benchmark.

HHI is the Herfindahl-Hirschman index on percentage shares of spend (0-10,000; the US
agencies' 2023 merger guidelines call a market above 1,800 highly concentrated, the CMA's
guidance uses 2,000; this platform alerts above 2,500, the older threshold still common in
UK competition analysis). CR3 is the three largest providers' combined share."""

from decimal import Decimal
from statistics import median, quantiles

HHI_ALERT = 2500
DOMINANT_SHARE = 50.0
POOR = ("Requires improvement", "Inadequate")


def shares(spend_by_provider: dict) -> dict:
    """Percentage share of spend by provider (providers with no positive spend are left out)."""
    positive = {k: Decimal(v) for k, v in spend_by_provider.items() if Decimal(v) > 0}
    total = sum(positive.values(), Decimal(0))
    if total == 0:
        return {}
    return {k: float(v * 100 / total) for k, v in positive.items()}


def hhi(share_pct: dict) -> float:
    return round(sum(s * s for s in share_pct.values()), 1)


def cr3(share_pct: dict) -> float:
    return round(sum(sorted(share_pct.values(), reverse=True)[:3]), 1)


def quartiles(values: list[float]) -> dict | None:
    """Lower quartile, median and upper quartile (inclusive method; one value is all three)."""
    values = sorted(float(v) for v in values)
    if not values:
        return None
    if len(values) == 1:
        q1 = q2 = q3 = values[0]
    else:
        q1, q2, q3 = quantiles(values, n=4, method="inclusive")
    return {"lower_quartile": round(q1, 2), "median": round(q2, 2), "upper_quartile": round(q3, 2)}


def unit_costs(costs_by_provider: dict) -> tuple[dict | None, list[dict]]:
    """Unit costs across providers: each provider's unit cost is the median of its cost options
    in the market's category (so a provider with many services counts once); the lower
    quartile, median and upper quartile are taken across those, and each provider is placed
    against them (``position``: below the lower quartile, lower quartile to median, median to
    upper quartile, above the upper quartile)."""
    per_provider = {
        provider: round(median(float(a) for a in amounts), 2)
        for provider, amounts in costs_by_provider.items()
        if amounts
    }
    bands = quartiles(list(per_provider.values()))
    if bands is None:
        return None, []
    rows = []
    for provider, cost in sorted(per_provider.items(), key=lambda kv: (kv[1], kv[0])):
        if cost < bands["lower_quartile"]:
            position = "below lower quartile"
        elif cost <= bands["median"]:
            position = "lower quartile to median"
        elif cost <= bands["upper_quartile"]:
            position = "median to upper quartile"
        else:
            position = "above upper quartile"
        rows.append({"provider": provider, "unit_cost": cost, "position": position})
    return bands, rows


def ratings_mix(overall_by_provider: dict) -> dict:
    mix = {"Outstanding": 0, "Good": 0, "Requires improvement": 0, "Inadequate": 0}
    for rating in overall_by_provider.values():
        if rating in mix:
            mix[rating] += 1
    rated = sum(mix.values())
    poor = mix["Requires improvement"] + mix["Inadequate"]
    return {
        "counts": mix,
        "rated": rated,
        "poor_share": round(100 * poor / rated, 1) if rated else None,
    }


def period_figures(
    spend_by_provider: dict,
    previous_providers: set | None,
    ratings: dict,
    costs_by_provider: dict,
    capacity=None,
    demand=None,
    sources: dict | None = None,
    superseded: dict | None = None,
) -> dict:
    """Everything the dashboard shows for one market and period. ``costs_by_provider``: the
    cost option amounts of each provider's services in the category. ``sources`` names where each
    provider's figure comes from (``commitments`` or ``imported``; default imported);
    ``superseded`` the imported amounts set aside because a commitment counts instead."""
    sources = sources or {}
    share_pct = shares(spend_by_provider)
    active = set(share_pct)
    ranked = sorted(share_pct.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum((Decimal(v) for v in spend_by_provider.values() if Decimal(v) > 0), Decimal(0))
    cost_bands, cost_positions = unit_costs(
        {p: amounts for p, amounts in (costs_by_provider or {}).items() if p in active}
    )
    return {
        "providers": len(active),
        "spend": float(total),
        "hhi": hhi(share_pct),
        "cr3": cr3(share_pct),
        "top_share": round(ranked[0][1], 1) if ranked else 0.0,
        "top_provider": ranked[0][0] if ranked else None,
        "shares": [
            {"provider": k, "share": round(v, 1), "source": sources.get(k, "imported")}
            for k, v in ranked
        ],
        "spend_by_source": {
            source: float(
                sum(
                    (
                        Decimal(v)
                        for k, v in spend_by_provider.items()
                        if Decimal(v) > 0 and sources.get(k, "imported") == source
                    ),
                    Decimal(0),
                )
            )
            for source in ("commitments", "imported")
        },
        "superseded": [
            {"provider": k, "amount": float(v)} for k, v in sorted((superseded or {}).items())
        ],
        "entries": sorted(active - previous_providers) if previous_providers is not None else [],
        "exits": sorted(previous_providers - active) if previous_providers is not None else [],
        "unit_costs": cost_bands,
        "unit_costs_by_provider": cost_positions,
        "ratings": ratings_mix({p: r for p, r in ratings.items() if p in active}),
        "capacity": capacity,
        "demand": demand,
    }


def alerts_for(current: dict, previous: dict | None) -> list[tuple[str, str]]:
    """(kind, message) for each warning sign in a period's figures."""
    found = []
    if current["hhi"] > HHI_ALERT:
        found.append(
            (
                "concentrated",
                f"HHI is {current['hhi']:,.0f}, above {HHI_ALERT:,}: highly concentrated.",
            )
        )
    if current["top_share"] > DOMINANT_SHARE:
        found.append(
            ("dependent", f"{current['top_provider']} has {current['top_share']:.1f}% of spend.")
        )
    if current["exits"]:
        found.append(
            (
                "losing_providers",
                f"{len(current['exits'])} provider(s) left: {', '.join(current['exits'])}.",
            )
        )
    before = (previous or {}).get("ratings", {}).get("poor_share")
    now = current["ratings"]["poor_share"]
    if before is not None and now is not None and now > before:
        found.append(
            (
                "poor_ratings",
                f"Share of providers rated poor rose from {before:.0f}% to {now:.0f}%.",
            )
        )
    return found


def supply(
    *,
    providers: dict,
    entered=None,
    unit: str = "places",
    demand: dict | None = None,
    demand_metric: str = "",
    min_capacity=None,
    as_of: str = "",
) -> dict:
    """A market's capacity against demand. ``providers``: capacity by provider (imported); when
    there is none, ``entered`` (the market's own figure) is the capacity. ``demand``: the
    warehouse's latest value (``{"period", "value", "title", "unit"}``) or None. Utilisation is
    demand as a percentage of capacity (above 100: more need than places)."""
    if providers:
        capacity, source = sum(providers.values()), "providers"
    elif entered is not None:
        capacity, source = int(entered), "market"
    else:
        capacity, source = None, None
    value = float(demand["value"]) if demand else None
    utilisation = None
    if value is not None and capacity:
        utilisation = round(100 * value / capacity, 1)
    return {
        "capacity": capacity,
        "capacity_unit": unit,
        "capacity_source": source,
        "providers": [
            {"provider": k, "capacity": v}
            for k, v in sorted(providers.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "min_capacity": min_capacity,
        "demand": value,
        "demand_metric": demand_metric or None,
        "demand_title": demand["title"] if demand else None,
        "demand_period": demand["period"] if demand else None,
        "utilisation": utilisation,
        "as_of": (demand["period"] if demand else "") or as_of,
    }


def supply_alerts(figures: dict) -> list[tuple[str, str]]:
    """(kind, message): demand above capacity; capacity below the market's threshold."""
    found = []
    capacity, demand, unit = figures["capacity"], figures["demand"], figures["capacity_unit"]
    if capacity is not None and demand is not None and demand > capacity:
        found.append(
            (
                "over_capacity",
                f"Demand ({demand:,.0f}, {figures['demand_period']}) exceeds capacity "
                f"({capacity:,} {unit}): utilisation {figures['utilisation'] or 0:.0f}%."
                if capacity
                else f"Demand ({demand:,.0f}, {figures['demand_period']}) and no capacity.",
            )
        )
    threshold = figures["min_capacity"]
    if threshold is not None and capacity is not None and capacity < threshold:
        found.append(
            (
                "low_capacity",
                f"Capacity is {capacity:,} {unit}, below the threshold of {threshold:,}.",
            )
        )
    return found
