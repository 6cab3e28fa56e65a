"""Imports and recomputation for markets. Every import is validated whole first: any bad line
refuses the file with every error by line number, and nothing is written."""

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Sum

from commissioning.commissions import access as commissions
from commissioning.providers import access as directory
from intelligence.warehouse import access as warehouse
from platform_core.audit.log import append as audit
from platform_core.periods import PeriodError, parse_period
from tenants.access import current_council_code

from . import figures as f
from .models import (
    CAPACITY_UNITS,
    Alert,
    Capacity,
    CapacityImport,
    Market,
    MarketFigures,
    Rating,
    Spend,
    SpendImport,
)

SPEND_COLUMNS = ["provider", "category", "area", "period", "amount"]
CAPACITY_COLUMNS = ["provider", "category", "area", "unit", "capacity"]  # + service, location
_WHOLE_RE = re.compile(r"^[0-9]{1,9}$")
UNITS = {u for u, _ in CAPACITY_UNITS}
_AMOUNT_RE = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?$")
_GSS_RE = re.compile(r"^[EKNSW][0-9]{8}$")
RATING_VALUES = {r for r, _ in Rating.RATINGS}
# The CQC's published layout (one row per location), with the key questions as columns.
CQC_COLUMNS = {
    "location_id": "Location ID",
    "provider_id": "Provider ID",
    "safe": "Safe",
    "effective": "Effective",
    "caring": "Caring",
    "responsive": "Responsive",
    "well_led": "Well-led",
    "overall": "Overall",
    "rated_on": "Publication Date",
}


class ImportRefused(Exception):
    """The file is refused; ``errors`` lists every problem as "line N: ..."."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _text(data) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(["line 1: the file is not UTF-8 text."]) from None
    return data


def _rows(text: str, expected: list[str]) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in expected if c not in header]
    if missing:
        raise ImportRefused([f"line 1: missing column(s): {', '.join(missing)}."])
    reader.fieldnames = header
    return [
        (number, {k: (v or "").strip() for k, v in row.items() if k})
        for number, row in enumerate(reader, start=2)
    ]


def _new_batch(model, clean: list[dict], actor, filename: str):
    return model.objects.create(
        created_by=getattr(actor, "username", "") or "", filename=filename[:200], rows=len(clean)
    )


def _markets_named(clean: list[dict]) -> dict[tuple, Market]:
    """The markets the rows name by (term, area), creating those that do not exist yet (area
    name = its GSS code until renamed)."""
    markets = {(m.term_id, m.area_code): m for m in Market.objects.all()}
    for row in clean:
        key = (row["term_id"], row["area_code"])
        if key not in markets:
            markets[key] = Market.objects.create(
                term_id=row["term_id"], area_code=row["area_code"], area_name=row["area_code"]
            )
    return markets


def _common_problems(row: dict, orgs: dict, terms: dict) -> tuple[list[str], object, dict | None]:
    """The checks every market CSV makes of its provider, category and area columns."""
    problems = []
    org_id = orgs.get(row["provider"].casefold())
    if org_id is None:
        problems.append(f"provider {row['provider']!r} is not in the directory")
    term = terms.get(row["category"]) or terms.get(row["category"].casefold())
    if term is None:
        problems.append(f"category {row['category']!r} is not a directory term")
    if not _GSS_RE.match(row["area"]):
        problems.append(f"area {row['area']!r} is not a GSS code")
    return problems, org_id, term


def validate_spend(data) -> list[dict]:
    """The spend CSV ``provider,category,area,period,amount`` checked whole: a provider named in
    the directory, a category that is a term (code or name), an area GSS code, a period label
    (``2025-26``, ``2025-26 Q1``, ``2025-04``), an amount in pounds and pence (not negative),
    each (provider, category, area, period) once."""
    rows = _rows(_text(data), SPEND_COLUMNS)
    orgs = directory.organizations_by_name()
    terms = directory.terms_by_key()
    errors, clean, seen = [], [], {}
    for line, row in rows:
        problems, org_id, term = _common_problems(row, orgs, terms)
        try:
            period = parse_period(row["period"])
        except PeriodError as exc:
            problems.append(f"period: {exc}")
            period = None
        amount = None
        if not _AMOUNT_RE.match(row["amount"]):
            problems.append(f"amount {row['amount']!r} is not pounds and pence")
        else:
            amount = Decimal(row["amount"])
            if amount < 0:
                problems.append("amount is negative")
        key = (row["provider"].casefold(), row["category"], row["area"], row["period"])
        if key in seen:
            problems.append(f"the same provider, category, area and period as line {seen[key]}")
        seen.setdefault(key, line)
        if problems:
            errors.extend(f"line {line}: {p}." for p in problems)
        else:
            clean.append(
                {
                    "organization_id": org_id,
                    "term_id": term["id"],
                    "area_code": row["area"],
                    "period": period.label,
                    "period_start": period.start,
                    "amount": amount,
                }
            )
    if not rows:
        errors.append("line 2: the file has no rows.")
    if errors:
        raise ImportRefused(errors)
    return clean


@transaction.atomic
def import_spend(data, *, actor=None, filename: str = "") -> SpendImport:
    """Validate, then replace the spend of every (market, period) the file covers. Markets the
    file names that do not exist yet are created."""
    clean = validate_spend(data)
    batch = _new_batch(SpendImport, clean, actor, filename)
    markets = _markets_named(clean)
    covered = {(markets[(r["term_id"], r["area_code"])].pk, r["period"]) for r in clean}
    for market_id, period in covered:
        Spend.objects.filter(market_id=market_id, period=period).delete()
    Spend.objects.bulk_create(
        Spend(
            batch=batch,
            market=markets[(r["term_id"], r["area_code"])],
            organization_id=r["organization_id"],
            period=r["period"],
            period_start=r["period_start"],
            amount=r["amount"],
        )
        for r in clean
    )
    audit("markets.spend_imported", batch, actor=actor, detail={"rows": len(clean)})
    recompute({m for m, _p in covered})
    return batch


def validate_capacity(data) -> list[dict]:
    """The capacity CSV ``provider,category,area,unit,capacity`` with optional ``service`` and
    ``location`` columns, checked whole: a provider in the directory, a category that is a term,
    an area GSS code, a unit (``places`` or ``hours``), a capacity in whole places or hours; a
    service (id or name) must be one of the provider's, a location (id or name) one the
    provider's services are delivered at; each (provider, category, area, service, location)
    once, and one unit per market."""
    rows = _rows(_text(data), CAPACITY_COLUMNS)
    orgs = directory.organizations_by_name()
    terms = directory.terms_by_key()
    places = directory.services_and_locations_of(
        {orgs[r["provider"].casefold()] for _, r in rows if r["provider"].casefold() in orgs}
    )
    errors, clean, seen, units = [], [], {}, {}
    for line, row in rows:
        problems, org_id, term = _common_problems(row, orgs, terms)
        unit = row["unit"].casefold()
        if unit not in UNITS:
            problems.append(f"unit {row['unit']!r} is not one of: {', '.join(sorted(UNITS))}")
        if not _WHOLE_RE.match(row["capacity"]):
            problems.append(
                f"capacity {row['capacity']!r} is not a whole number of {unit or 'places'}"
            )
        ids = {}
        for column in ("service", "location"):
            value = row.get(column, "")
            ids[column] = None
            if value and org_id is not None:
                known = places[str(org_id)][f"{column}s"]
                ids[column] = known.get(value) or known.get(value.casefold())
                if ids[column] is None:
                    problems.append(f"{column} {value!r} is not one of {row['provider']}'s")
        key = (
            row["provider"].casefold(),
            row["category"],
            row["area"],
            row.get("service", "").casefold(),
            row.get("location", "").casefold(),
        )
        if key in seen:
            problems.append(
                f"the same provider, category, area, service and location as line {seen[key]}"
            )
        seen.setdefault(key, line)
        if term is not None and unit in UNITS:
            market_key = (term["id"], row["area"])
            first = units.setdefault(market_key, (unit, line))
            if first[0] != unit:
                problems.append(
                    f"unit {unit!r} differs from line {first[1]}'s ({first[0]}) for the same "
                    "market: one unit per market"
                )
        if problems:
            errors.extend(f"line {line}: {p}." for p in problems)
        else:
            clean.append(
                {
                    "organization_id": org_id,
                    "term_id": term["id"],
                    "area_code": row["area"],
                    "service_id": ids["service"],
                    "location_id": ids["location"],
                    "unit": unit,
                    "amount": int(row["capacity"]),
                }
            )
    if not rows:
        errors.append("line 2: the file has no rows.")
    if errors:
        raise ImportRefused(errors)
    return clean


@transaction.atomic
def import_capacity(data, *, actor=None, filename: str = "") -> CapacityImport:
    """Validate, then replace the provider capacity of every market the file covers (and set
    each such market's unit). Markets it names that do not exist yet are created."""
    clean = validate_capacity(data)
    batch = _new_batch(CapacityImport, clean, actor, filename)
    markets = _markets_named(clean)
    for row in clean:
        market = markets[(row["term_id"], row["area_code"])]
        if market.capacity_unit != row["unit"]:
            market.capacity_unit = row["unit"]
            market.save(update_fields=["capacity_unit"])
    covered = {markets[(r["term_id"], r["area_code"])].pk for r in clean}
    Capacity.objects.filter(market_id__in=covered).delete()
    Capacity.objects.bulk_create(
        Capacity(
            batch=batch,
            market=markets[(r["term_id"], r["area_code"])],
            organization_id=r["organization_id"],
            service_id=r["service_id"],
            location_id=r["location_id"],
            unit=r["unit"],
            amount=r["amount"],
        )
        for r in clean
    )
    audit("markets.capacity_imported", batch, actor=actor, detail={"rows": len(clean)})
    recompute(covered)
    return batch


@transaction.atomic
def update_market(market: Market, changes: dict, *, actor=None) -> Market:
    """Change a market's settings (name, demand metric, entered capacity, unit, threshold),
    audited, and recompute its figures and alerts."""
    fields = ["area_name", "demand_metric_id", "capacity", "capacity_unit", "min_capacity"]
    for field in fields:
        if field in changes:
            setattr(market, field, changes[field])
    market.full_clean()
    market.save(update_fields=fields)
    audit(
        "markets.market_changed",
        market,
        actor=actor,
        detail={f: str(getattr(market, f)) for f in fields},
    )
    recompute([market.pk])
    return market


def _date(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(value)


@transaction.atomic
def import_ratings(data, *, actor=None) -> dict:
    """CQC ratings in the CQC's layout; a location whose overall rating changed from its
    previous rating raises a ``rating_changed`` alert. Returns counts."""
    rows = _rows(_text(data), list(CQC_COLUMNS.values()))
    by_cqc = directory.organizations_by_cqc_provider_id()
    errors, clean, seen = [], [], {}
    for line, row in rows:
        values = {field: row[column] for field, column in CQC_COLUMNS.items()}
        problems = []
        if not values["location_id"]:
            problems.append("Location ID is empty")
        if not values["provider_id"]:
            problems.append("Provider ID is empty")
        if values["overall"] not in RATING_VALUES:
            problems.append(f"Overall {values['overall']!r} is not a CQC rating")
        for q in Rating.KEY_QUESTIONS:
            if values[q] and values[q] not in RATING_VALUES:
                problems.append(f"{CQC_COLUMNS[q]} {values[q]!r} is not a CQC rating")
        try:
            values["rated_on"] = _date(values["rated_on"])
        except ValueError:
            problems.append(f"Publication Date {values['rated_on']!r} is not a date")
        key = (values["location_id"], str(values["rated_on"]))
        if key in seen:
            problems.append(f"the same location and date as line {seen[key]}")
        seen.setdefault(key, line)
        if problems:
            errors.extend(f"line {line}: {p}." for p in problems)
        else:
            values["organization_id"] = by_cqc.get(values["provider_id"])
            clean.append(values)
    if errors:
        raise ImportRefused(errors)
    latest = {}
    for rating in Rating.objects.order_by("location_id", "rated_on"):
        latest[rating.location_id] = rating
    created = changed = 0
    for values in sorted(clean, key=lambda v: (v["location_id"], v["rated_on"])):
        rating, made = Rating.objects.update_or_create(
            location_id=values["location_id"],
            rated_on=values["rated_on"],
            defaults={k: v for k, v in values.items() if k not in ("location_id", "rated_on")},
        )
        created += made
        before = latest.get(rating.location_id)
        if before and before.rated_on < rating.rated_on and before.overall != rating.overall:
            changed += 1
            Alert.objects.create(
                kind=Alert.Kind.RATING_CHANGED,
                period=str(rating.rated_on),
                message=f"CQC location {rating.location_id} ({rating.provider_id}) is now rated "
                f"{rating.overall} (was {before.overall}).",
                data={
                    "location_id": rating.location_id,
                    "provider_id": rating.provider_id,
                    "organization_id": str(rating.organization_id or ""),
                    "from": before.overall,
                    "to": rating.overall,
                },
            )
        if not before or before.rated_on <= rating.rated_on:
            latest[rating.location_id] = rating
    audit(
        "markets.ratings_imported",
        None,
        actor=actor,
        object_type="markets.rating",
        detail={"rows": len(clean), "created": created, "changed": changed},
    )
    recompute()
    return {"rows": len(clean), "created": created, "changed": changed}


def _commitment_lines(markets: list[Market], *, released: bool = False) -> list[dict]:
    """Ledger commitments (through commissions' access) placed in the given markets: a
    commission's category names the market's term (code or name, as in the spend file), its
    area is the market's area (a commission without an area is the council's own area), the
    period is the financial year of the commitment's budget. Commissions whose category or area
    matches no market are left out."""
    by_key = {(m.term_id, m.area_code): m.pk for m in markets}
    if not by_key:
        return []
    terms = directory.terms_by_key()
    council_code = current_council_code() or ""
    lines = []
    for row in commissions.market_commitments():
        category = (row["category"] or "").strip()
        term = terms.get(category) or terms.get(category.casefold())
        if term is None:
            continue
        market_id = by_key.get((term["id"], (row["area_code"] or "").strip() or council_code))
        if market_id is None:
            continue
        if row["amount"] <= 0 and not released:
            continue  # wholly released and nothing spent: no commitment any more
        try:
            period = parse_period(row["financial_year"])
        except PeriodError:
            continue
        lines.append({**row, "market_id": market_id, "period": period.label, "start": period.start})
    return lines


def market_spend(markets: list[Market]) -> tuple[dict, dict]:
    """Each market's spend by period and provider from both sources, counted once.

    The rule (``docs/markets.md``): for one market, period and provider, a ledger commitment
    wins. Where the provider has a commitment in the market's category and area for that
    financial year, the commitments' amount (committed or spent, less what was released) is its
    figure, and an imported spend line for the same market, period and provider is set aside
    (kept, shown as superseded, never added). Imported lines count only where no commitment
    exists. Returns ``(spend, starts)``: ``spend[market][period][provider] = {"amount",
    "source", "superseded"}`` and each period's first day."""
    ids = [m.pk for m in markets]
    spend: dict = defaultdict(lambda: defaultdict(dict))
    starts: dict[str, date] = {}
    committed: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for line in _commitment_lines(markets):
        committed[line["market_id"]][line["period"]][line["provider"]] += line["amount"]
        starts[line["period"]] = line["start"]
    # Raw SQL: 24,000 lines through the ORM's per-row converters took 2.8 s against 0.5 s.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT market_id, period, period_start, organization_id::text, SUM(amount) "  # noqa: S608
            f"FROM {connection.ops.quote_name(Spend._meta.db_table)} "
            "WHERE market_id = ANY(%s) GROUP BY 1, 2, 3, 4",
            [ids],
        )
        spend_rows = cursor.fetchall()
    for market_id, period, start, org_id, amount in spend_rows:
        spend[market_id][period][org_id] = {
            "amount": amount,
            "source": "imported",
            "superseded": None,
        }
        starts[period] = start
    for market_id, periods in committed.items():
        for period, providers in periods.items():
            for org_id, amount in providers.items():
                imported = spend[market_id][period].get(org_id)
                spend[market_id][period][org_id] = {
                    "amount": amount,
                    "source": "commitments",
                    "superseded": imported["amount"] if imported and imported["amount"] else None,
                }
    return spend, starts


def _insert_figures(rows: list[dict]) -> None:
    """Insert every market's figures in one statement, the rows sent as one JSON document
    (``jsonb_to_recordset``). ``bulk_create`` on PostgreSQL (Django 5.2) sends one array per
    column through ``UNNEST``; with client-side binding psycopg escapes each figures document
    into a text-array literal with a regular-expression callback per quote character, which took
    5 of 15 s for 800 documents (bench/providers.py, docs/benchmarks.md)."""
    if not rows:
        return
    table = connection.ops.quote_name(MarketFigures._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (market_id, period, period_start, figures) "  # noqa: S608 - our table name
            "SELECT market_id, period, period_start, figures FROM jsonb_to_recordset(%s::jsonb) "
            "AS t(market_id bigint, period varchar, period_start date, figures jsonb)",
            [json.dumps(rows, cls=DjangoJSONEncoder)],
        )


def supply_figures(markets: list[Market], names: dict) -> dict[int, dict]:
    """Each market's capacity against demand (two queries for all markets): capacity is the sum
    of the providers' imported capacity (``Capacity``) or, without any, the capacity entered on
    the market; demand is the latest value of the market's demand metric in its area from the
    warehouse."""
    by_market: dict = defaultdict(lambda: defaultdict(int))
    for market_id, org_id, total in (
        Capacity.objects.filter(market_id__in=[m.pk for m in markets])
        .values("market_id", "organization_id")
        .annotate(total=Sum("amount"))
        .values_list("market_id", "organization_id", "total")
        .order_by()
    ):
        by_market[market_id][names.get(str(org_id), str(org_id))] += total
    demand = warehouse.latest_values(
        [m.demand_metric_id for m in markets if m.demand_metric_id],
        [m.area_code for m in markets if m.demand_metric_id],
    )
    today = date.today()  # noqa: DTZ011 - a financial year label, not an instant
    this_year = today.year if today.month >= 4 else today.year - 1
    current_year = f"{this_year}-{(this_year + 1) % 100:02d}"
    out = {}
    for m in markets:
        observed = demand.get((m.demand_metric_id, m.area_code)) if m.demand_metric_id else None
        out[m.pk] = f.supply(
            providers=dict(by_market.get(m.pk, {})),
            entered=m.capacity,
            unit=m.capacity_unit,
            demand=observed,
            demand_metric=m.demand_metric_id,
            min_capacity=m.min_capacity,
            as_of=current_year,
        )
    return out


def recompute(market_ids=None) -> int:
    """Recompute every period's figures (and alerts) of the given markets, or of all. A few
    queries whatever the number of markets (each source is read once for all of them).
    Returns the number of markets."""
    markets = Market.objects.select_related("term")
    if market_ids is not None:
        markets = markets.filter(pk__in=list(market_ids))
    markets = list(markets)
    ids = [m.pk for m in markets]
    spend, starts = market_spend(markets)
    names = directory.organization_names()
    ratings_by_org: dict[str, list] = defaultdict(list)
    for org_id, overall, rated_on in (
        Rating.objects.filter(organization__isnull=False)
        .order_by("rated_on")
        .values_list("organization_id", "overall", "rated_on")
    ):
        ratings_by_org[str(org_id)].append((rated_on, overall))
    costs = directory.unit_costs_by_term([m.term_id for m in markets])
    supply = supply_figures(markets, names)
    rows, alerts = [], []
    with transaction.atomic():
        # Raw SQL: a queryset delete() fetches every row first (this project has delete signal
        # receivers for all models), decoding 800 figures documents only to throw them away.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(MarketFigures._meta.db_table)} "  # noqa: S608
                "WHERE market_id = ANY(%s)",
                [ids],
            )
        for market in markets:
            by_period = spend.get(market.pk, {})
            periods = sorted(by_period, key=lambda p: starts[p])
            previous, previous_figures = None, None
            for index, period in enumerate(periods):
                end = starts[periods[index + 1]] if index + 1 < len(periods) else None
                lines = by_period[period]
                ratings = {}
                for org_id in lines:
                    history = [
                        r for d, r in ratings_by_org.get(org_id, ()) if end is None or d < end
                    ]
                    if history:
                        ratings[names.get(org_id, org_id)] = history[-1]
                by_name = {names.get(o, o): v["amount"] for o, v in lines.items()}
                costs_by_provider = {
                    names.get(org_id, org_id): costs[(market.term_id, org_id)]
                    for org_id in lines
                    if (market.term_id, org_id) in costs
                }
                last = index == len(periods) - 1
                current = f.period_figures(
                    by_name,
                    previous,
                    ratings,
                    costs_by_provider,
                    capacity=supply[market.pk]["capacity"] if last else None,
                    demand=supply[market.pk]["demand"] if last else None,
                    sources={names.get(o, o): v["source"] for o, v in lines.items()},
                    superseded={
                        names.get(o, o): v["superseded"]
                        for o, v in lines.items()
                        if v["superseded"] is not None
                    },
                )
                rows.append(
                    {
                        "market_id": market.pk,
                        "period": period,
                        "period_start": starts[period],
                        "figures": current,
                    }
                )
                if index == len(periods) - 1:
                    for kind, message in f.alerts_for(current, previous_figures):
                        alerts.append(
                            Alert(
                                market=market,
                                kind=kind,
                                period=period,
                                message=message,
                                data={"hhi": current["hhi"], "top_share": current["top_share"]},
                            )
                        )
                previous = {s["provider"] for s in current["shares"]}
                previous_figures = current
            market.supply = supply[market.pk]
            for kind, message in f.supply_alerts(market.supply):
                alerts.append(
                    Alert(
                        market=market,
                        kind=kind,
                        period=market.supply["as_of"],
                        message=message,
                        data={
                            k: market.supply[k]
                            for k in ("capacity", "demand", "utilisation", "min_capacity")
                        },
                    )
                )
        Market.objects.bulk_update(markets, ["supply"], batch_size=1000)
        _insert_figures(rows)
        Alert.objects.bulk_create(alerts, ignore_conflicts=True, batch_size=2000)
    return len(markets)


def markets_of_commissions(commission_ids) -> list[int]:
    """The markets the given commissions' commitments fall in (for the ledger event handler)."""
    wanted = {int(c) for c in commission_ids}
    markets = list(Market.objects.all())
    return sorted(
        {
            line["market_id"]
            for line in _commitment_lines(markets, released=True)
            if line["commission"] in wanted
        }
    )
