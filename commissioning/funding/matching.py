"""Matching open funding calls to the council's needs, areas, deadlines and amounts, and to the
voluntary groups in its providers directory, with the reasons shown.

Needs come from the warehouse (``intelligence.warehouse.access``): each demographic and needs
indicator ranks the council's wards (``rank_needs``); the wards well above the average need
(a standardised score of 0.5 or more, at most three) are "where the need is". A call meets a need
when one of its themes, or words of its programme, share a root with the indicator's words
(with a small vocabulary of synonyms: "loneliness" meets "isolation", "poverty" meets
"low-income" and "deprivation"). Weights on needs (members' priorities) scale their share.

The score (0-100) adds: needs met (up to 50, by the severity of the wards and the weights),
the call's place (15 if it names the council or its wards, 8 if national), time to apply (20 for
two to eight weeks, less when sooner or rolling), and money (up to 15, by the amount on a log
scale). Calls that do not cover the council's area are left out.
"""

import datetime
import hashlib
import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from . import access

# Word roots that mean the same need; a word's root is its first six letters.
SYNONYMS = [
    {"isolat", "loneli", "lonely", "befrie", "alone"},
    {"povert", "income", "low-in", "depriv", "hardsh", "cost-o", "debt"},
    {"child", "childr", "young", "youth", "famili", "family"},
    {"older", "elderl", "ageing", "aged"},
    {"health", "wellbe", "mental"},
    {"homele", "housin", "tempor", "rough"},
    {"employ", "jobs", "skills", "work"},
    {"enviro", "climat", "green", "recycl", "waste"},
    {"commun", "neighb", "volunt"},
]
STOP = {
    "and",
    "the",
    "for",
    "with",
    "from",
    "into",
    "score",
    "index",
    "multiple",
    "households",
    "residents",
    "people",
    "rate",
    "total",
    "number",
    "percentage",
    "families",
}
WORD_RE = re.compile(r"[a-z][a-z-]+")


@lru_cache(maxsize=65536)
def _word_roots(word: str) -> frozenset[str]:
    """A word's root (its first six letters) with the roots of its synonyms."""
    if len(word) < 4 or word in STOP:
        return frozenset()
    root = word[:6]
    out = {root}
    for group in SYNONYMS:
        if root in group or any(root.startswith(g) or g.startswith(root) for g in group):
            out |= group
    return frozenset(out)


@lru_cache(maxsize=65536)
def roots(text: str) -> frozenset[str]:
    """The roots of a text's words, with their synonyms (cached per word and per text)."""
    out: set[str] = set()
    for word in WORD_RE.findall(text.lower()):
        out |= _word_roots(word)
    return frozenset(out)


@dataclass
class Need:
    metric_id: str
    title: str
    roots: frozenset[str]
    wards: list[tuple[str, str, float]]  # (code, name, score), worst first
    weight: float = 1.0
    priorities: list[str] = field(default_factory=list)  # members' priorities measured by it


@dataclass
class Match:
    call: object
    score: float
    reasons: list[str]
    needs: list[dict] = field(default_factory=list)
    closes_in_days: int | None = None


@dataclass
class Context:
    """What the council's needs and places look like today: built once, used for every call."""

    today: datetime.date
    council_code: str
    areas: set[str]
    needs: list[Need]


def _names(wards: list[tuple[str, str, float]]) -> str:
    names = [w[1] for w in wards]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def council_context(
    *, today: datetime.date | None = None, weights: dict[str, float] | None = None
) -> Context:
    from intelligence.warehouse import access as warehouse
    from tenants.access import current_council_code

    code = current_council_code() or ""
    by_metric: dict[str, list[str]] = {}
    if weights is None:
        # The members' priorities (commissioning's levers) weigh the needs they measure.
        weights = {}
        for lever in levers():
            for metric_id in lever["metric_ids"]:
                weights[metric_id] = weights.get(metric_id, 0.0) + lever["weight"]
                by_metric.setdefault(metric_id, []).append(lever["title"])
    area_list = warehouse.areas()
    areas = {a.code for a in area_list} | ({code} if code else set())
    needs = []
    metrics = warehouse.need_metrics()
    period = warehouse.latest_period([m.metric_id for m in metrics]) if metrics else None
    for metric in metrics:
        if not period:
            break
        ranks = warehouse.rank_needs([metric.metric_id], period=period)
        wards = [(r.area_code, r.area_name, r.score) for r in ranks if r.score >= 0.5][:3]
        if not wards:
            continue
        needs.append(
            Need(
                metric_id=metric.metric_id,
                title=metric.title,
                roots=roots(f"{metric.title} {metric.metric_id.replace('-', ' ')}"),
                wards=wards,
                weight=weights.get(metric.metric_id, 1.0),
                priorities=by_metric.get(metric.metric_id, []),
            )
        )
    return Context(today=today or access.today(), council_code=code, areas=areas, needs=needs)


def levers() -> list[dict]:
    """The members' priorities (title, weight 1-5, metric ids), from commissioning's
    priorities register."""
    from commissioning.commissions import access as commissions

    return commissions.priority_levers()


def _money(amount) -> str:
    amount = float(amount)
    if amount >= 1_000_000:
        return f"£{amount / 1_000_000:,.1f}m".replace(".0m", "m")
    if amount >= 1000:
        return f"£{amount / 1000:,.0f}k"
    return f"£{amount:,.0f}"


def match_call(call, ctx: Context, *, checked: bool = False) -> Match | None:
    """A call against the council's context: None when it does not cover the council's area or
    is not open (``checked``: the query already made sure); otherwise its score and reasons."""
    if not checked and (
        not call.is_open(ctx.today) or not access.covers(list(call.geography), ctx.areas)
    ):
        return None
    return _Scorer(ctx).score(call)


def rank_calls(
    calls: list | None = None,
    *,
    today: datetime.date | None = None,
    weights: dict[str, float] | None = None,
    needs_only: bool = False,
) -> list[Match]:
    """Every open call the council can use, best first (score, then soonest deadline). Needs
    are weighted by ``weights`` ({metric id: weight}) or, by default, by the members'
    priorities (a need no priority measures weighs 1).

    The default ranking (today, both registers, the priorities' weights) is precomputed, under
    a key made of what it depends on (the council's schema, the day, the calls of both
    registers, the priorities, the warehouse's needs data), so it is computed again as soon as
    any of them changes; ``CACHE_SECONDS`` bounds it for changes none of those tokens see.
    Kept in two places: this process (the newest ``MEMO_SIZE``), and the shared cache (Redis in
    production) as plain rows, so one computation serves every web process and worker; the
    ``funding.precompute_matches`` task computes it as soon as a call changes (and beat's
    ``funding.precompute_matches_all`` for the other changes), before a request asks."""
    if calls is None and today is None and weights is None:
        key = _cache_key(needs_only)
        now = time.monotonic()
        with _MEMO_LOCK:
            hit = _MEMO.get(key)
            if hit is not None and now - hit[0] < CACHE_SECONDS:
                _MEMO.move_to_end(key)
                return list(hit[1])
        rows = _shared_cache().get(key)
        if rows is not None:
            ranked = _from_rows(rows)
        else:
            ranked = _rank(None, today=None, weights=None, needs_only=needs_only)
            _shared_cache().set(key, _to_rows(ranked), CACHE_SECONDS)
        with _MEMO_LOCK:
            _MEMO[key] = (now, ranked)
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
        return list(ranked)
    return _rank(calls, today=today, weights=weights, needs_only=needs_only)


def warm() -> int:
    """Compute the council's default rankings (all calls, and calls meeting a need) unless
    they are already in the shared cache: what the precompute task runs after a change."""
    return len(rank_calls()) + len(rank_calls(needs_only=True))


# The precomputed rankings: the newest MEMO_SIZE in this process, each at most CACHE_SECONDS
# old, and the same in the shared cache as plain rows (a call's values, score, reasons, needs,
# days to its deadline: unpickling plain tuples is a fraction of building the ranking). The key
# names the council's schema and everything the ranking depends on.
CACHE_SECONDS = 600
MEMO_SIZE = 32
_MEMO: "OrderedDict[str, tuple[float, list]]" = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _shared_cache():
    from django.core.cache import caches

    return caches["default"]


def _to_rows(ranked: list[Match]) -> list[tuple]:
    return [
        (
            m.call.scope,
            tuple(getattr(m.call, name) for name in access.CALL_VALUES),
            m.score,
            m.reasons,
            m.needs,
            m.closes_in_days,
        )
        for m in ranked
    ]


def _from_rows(rows: list[tuple]) -> list[Match]:
    view = access.CallView
    return [
        Match(
            call=view(scope, values),
            score=score,
            reasons=reasons,
            needs=needs,
            closes_in_days=days,
        )
        for scope, values, score, reasons, needs, days in rows
    ]


def _cache_key(needs_only: bool) -> str:
    from commissioning.commissions import access as commissions
    from intelligence.warehouse import access as warehouse
    from platform_core.db import connection

    token = "|".join(
        [
            connection.schema_name,
            access.today().isoformat(),
            access.calls_version(),
            commissions.priorities_version(),
            warehouse.data_version(),
            "needs" if needs_only else "all",
        ]
    )
    return f"funding:matches:{connection.schema_name}:" + hashlib.sha256(token.encode()).hexdigest()


class _Scorer:
    """Scores many calls against one context: the part that depends on the needs a call meets
    (their share of the score, the reasons, the needs as the API shows them) is worked out once
    per distinct set of word roots, not once per call; amounts' wording once per amount."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.weight_total = sum(n.weight for n in ctx.needs) or 1.0
        self.need_reasons = []
        self.need_rows = []
        for need in ctx.needs:
            reason = f"matches need “{need.title}” in {_names(need.wards)}"
            if need.priorities:
                reason += (
                    " (members' priority " + ", ".join(f"“{p}”" for p in need.priorities) + ")"
                )
            self.need_reasons.append(reason)
            self.need_rows.append(
                {
                    "metric_id": need.metric_id,
                    "title": need.title,
                    "wards": [{"code": c, "name": name, "score": s} for c, name, s in need.wards],
                    "priorities": need.priorities,
                    "weight": need.weight,
                }
            )
        self.by_roots: dict[frozenset, tuple[float, list[str], list[dict]]] = {}
        self.by_amount: dict = {}

    def needs_part(self, call_roots: frozenset) -> tuple[float, list[str], list[dict]]:
        hit = self.by_roots.get(call_roots)
        if hit is None:
            met = [i for i, n in enumerate(self.ctx.needs) if n.roots & call_roots]
            score = 0.0
            if met:
                needs = self.ctx.needs
                severity = sum(needs[i].weight * min(needs[i].wards[0][2], 2.0) / 2.0 for i in met)
                score = 50 * min(1.0, severity / max(1.0, self.weight_total / 2))
            hit = (
                score,
                [self.need_reasons[i] for i in met],
                [self.need_rows[i] for i in met],
            )
            self.by_roots[call_roots] = hit
        return hit

    def money_part(self, amount) -> tuple[float, str]:
        hit = self.by_amount.get(amount)
        if hit is None:
            hit = (
                min(15.0, 15 * math.log10(max(float(amount), 1)) / 6),
                f"up to {_money(amount)}",
            )
            self.by_amount[amount] = hit
        return hit

    def score(self, call) -> Match:
        ctx = self.ctx
        score, need_reasons, needs = self.needs_part(
            roots(" ".join([*call.themes, call.programme]))
        )
        reasons = list(need_reasons)
        if any(g in ctx.areas for g in call.geography):
            score += 15
            reasons.append("for this area")
        else:
            score += 8
        days = (call.closes_on - ctx.today).days if call.closes_on else None
        if days is None:
            score += 10
            reasons.append("open all year")
        else:
            score += 20 if 14 <= days <= 56 else (12 if days > 56 else 6)
            reasons.append(
                "closes today" if days == 0 else f"closes in {days} day{'s' if days != 1 else ''}"
            )
        if call.amount_max is not None:
            points, words = self.money_part(call.amount_max)
            score += points
            reasons.append(words)
        return Match(
            call=call, score=round(score, 1), reasons=reasons, needs=needs, closes_in_days=days
        )


def _rank(calls, *, today, weights, needs_only: bool) -> list[Match]:
    ctx = council_context(today=today, weights=weights)
    scorer = _Scorer(ctx)
    out = []
    if calls is None:
        # The query already left out calls that are closed or do not cover the council's area.
        for call in access.open_calls_covering(ctx.today, ctx.areas):
            match = scorer.score(call)
            if not (needs_only and not match.needs):
                out.append(match)
    else:
        for call in calls:
            if not call.is_open(ctx.today) or not access.covers(list(call.geography), ctx.areas):
                continue
            match = scorer.score(call)
            if not (needs_only and not match.needs):
                out.append(match)
    out.sort(
        key=lambda m: (
            -m.score,
            m.closes_in_days if m.closes_in_days is not None else 10**6,
            str(m.call.pk),
        )
    )
    return out


VOLUNTARY_TYPES = {"charity", "voluntary", "community", "social-enterprise", "cic", "vcse"}


def match_groups(call, *, limit: int = 10) -> list[dict]:
    """Voluntary groups in the providers directory that could apply to a call: the call is open
    to them (no applicant types, or a voluntary type) and one of their services shares a
    theme with it. Reasons name the services."""
    from commissioning.providers import access as providers

    if call.applicant_types and not set(call.applicant_types) & VOLUNTARY_TYPES:
        return []
    call_roots = roots(" ".join([*call.themes, call.programme]))
    groups: dict = {}
    for service in providers.services({}).filter(status="active"):
        common = roots(f"{service.name} {service.description}") & call_roots
        if not common:
            continue
        org = service.organization
        entry = groups.setdefault(
            org.id, {"id": str(org.id), "name": org.name, "services": [], "strength": 0}
        )
        entry["services"].append(service.name)
        entry["strength"] += len(common)
    out = sorted(groups.values(), key=lambda g: (-g["strength"], g["name"]))[:limit]
    for group in out:
        names = group.pop("services")
        group.pop("strength")
        group["reason"] = "runs " + ", ".join(f"“{n}”" for n in names[:3]) + " on the call's themes"
    return out
