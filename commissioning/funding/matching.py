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
import struct
import threading
import time
import uuid
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
) -> "Ranking | list[Match]":
    """Every open call the council can use, best first (score, then soonest deadline). Needs
    are weighted by ``weights`` ({metric id: weight}) or, by default, by the members'
    priorities (a need no priority measures weighs 1).

    The default ranking (today, both registers, the priorities' weights) is precomputed, under
    a key made of what it depends on (the council's schema, the day, the calls of both
    registers, the priorities, the warehouse's needs data), so it is computed again as soon as
    any of them changes; ``CACHE_SECONDS`` bounds it for changes none of those tokens see.
    Kept in two places: this process (the newest ``MEMO_SIZE``), and the shared cache (Redis in
    production) in a compact stored form (``Ranking``: each call's id, score, days to its
    deadline and which needs it meets, 34 bytes a call), so one computation serves every web
    process and worker; the ``funding.precompute_matches`` task computes it as soon as a call
    changes (and beat's ``funding.precompute_matches_all`` for the other changes), before a
    request asks. The default ranking comes back as a ``Ranking``, a sequence that builds
    matches (the calls read by id, the reasons) only for the rows asked for: a page of 50 reads
    50 calls, not every open one."""
    if calls is None and today is None and weights is None:
        key = _cache_key(needs_only)
        now = time.monotonic()
        with _MEMO_LOCK:
            hit = _MEMO.get(key)
            if hit is not None and now - hit[0] < CACHE_SECONDS:
                _MEMO.move_to_end(key)
                return hit[1]
        ranking = Ranking.load(_shared_cache().get(key))
        if ranking is None:
            ranked = _rank(None, today=None, weights=None, needs_only=needs_only)
            ranking = Ranking.of(ranked)
            _shared_cache().set(key, ranking.stored(), CACHE_SECONDS)
        with _MEMO_LOCK:
            _MEMO[key] = (now, ranking)
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
        return ranking
    return _rank(calls, today=today, weights=weights, needs_only=needs_only)


def warm() -> int:
    """Compute the council's default rankings (all calls, and calls meeting a need) unless
    they are already in the shared cache: what the precompute task runs after a change."""
    return len(rank_calls()) + len(rank_calls(needs_only=True))


# The precomputed rankings: the newest MEMO_SIZE in this process, each at most CACHE_SECONDS
# old, and the same in the shared cache in the stored form of ``Ranking``. The key names the
# council's schema and everything the ranking depends on.
CACHE_SECONDS = 600
MEMO_SIZE = 32
_MEMO: "OrderedDict[str, tuple[float, Ranking]]" = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _shared_cache():
    from django.core.cache import caches

    return caches["default"]


# One ranked call in the stored form: the call's id (16 bytes), its score, days to its deadline
# (NO_DAYS: none), which set of needs it meets (an index into the stored needs parts), whether
# it names the council's areas, and its register (0 platform, 1 council).
ROW = struct.Struct("<16sdiIBB")
NO_DAYS = -(2**31)
SCOPES = ("platform", "council")
STORED_VERSION = 1


class Ranking:
    """A precomputed ranking: a sequence of ``Match`` (``len``, indexes, slices, iteration), best
    first, that keeps only the compact rows and builds a match when it is asked for: the rows'
    calls are read by id from both registers (two queries however many rows), their reasons put
    together from the stored needs parts and the call (``_Scorer.tail``, the code scoring uses,
    so the reasons are the ones computing gives). Built matches are kept (a ranking never
    changes: a change to its inputs gives a new key and a new ranking).

    Stored in the shared cache as ``stored()``: the schema it was computed in (checked when it
    is loaded: a ranking of another schema is never used), the rows packed with ``ROW``, and
    the needs parts (score, reasons, needs) of the distinct sets of needs met."""

    def __init__(self, schema: str, rows: bytes, parts: list, built: dict | None = None):
        self.schema = schema
        self.rows = rows
        self.parts = parts
        self._built: dict[int, Match] = built or {}
        self._index: dict[bytes, int] | None = None

    @classmethod
    def of(cls, ranked: list[Match]) -> "Ranking":
        """The stored form of a computed ranking (its matches kept as built)."""
        from platform_core.db import connection

        part_of: dict[tuple, int] = {}  # the metric ids of the needs met -> part index
        parts: list = []
        out = bytearray()
        for match in ranked:
            needs = match.needs
            met = tuple(n["metric_id"] for n in needs)
            part = part_of.get(met)
            if part is None:
                part = part_of[met] = len(parts)
                # One reason per need met, first (``_Scorer.needs_part``).
                parts.append((list(match.reasons[: len(needs)]), needs))
            call = match.call
            days = match.closes_in_days
            out += ROW.pack(
                _uuid_bytes(call.pk),
                match.score,
                NO_DAYS if days is None else days,
                part,
                1 if "for this area" in match.reasons else 0,
                SCOPES.index(call.scope),
            )
        return cls(connection.schema_name, bytes(out), parts, dict(enumerate(ranked)))

    def stored(self) -> tuple:
        return (STORED_VERSION, self.schema, self.rows, self.parts)

    @classmethod
    def load(cls, stored) -> "Ranking | None":
        """A ranking from the shared cache; None when there is none, it is of an older form, or
        it was computed in another schema (another council's ranking is never read)."""
        from platform_core.db import connection

        if not isinstance(stored, tuple) or len(stored) != 4 or stored[0] != STORED_VERSION:
            return None
        _, schema, rows, parts = stored
        if schema != connection.schema_name:
            return None
        return cls(schema, rows, parts)

    def __len__(self) -> int:
        return len(self.rows) // ROW.size

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return self._matches(range(*item.indices(len(self))))
        n = len(self)
        index = item + n if item < 0 else item
        if not 0 <= index < n:
            raise IndexError("ranking index out of range")
        return self._matches([index])[0]

    def __iter__(self):
        n = len(self)
        for start in range(0, n, 500):
            yield from self._matches(range(start, min(start + 500, n)))

    def find(self, call_ids) -> dict[str, Match]:
        """The matches of these calls ({str(id): match}), building only theirs."""
        if self._index is None:
            size, rows = ROW.size, self.rows
            self._index = {rows[i * size : i * size + 16]: i for i in range(len(self))}
        wanted = sorted(
            i for i in (self._index.get(_uuid_bytes(c)) for c in call_ids) if i is not None
        )
        return {str(m.call.pk): m for m in self._matches(wanted)}

    def _matches(self, indexes) -> list[Match]:
        missing = [i for i in indexes if i not in self._built]
        if missing:
            self._build(missing)
        # A call deleted between the ranking's key and this read is left out (the next request
        # has a new key: the calls' version changed).
        return [self._built[i] for i in indexes if i in self._built]

    def _build(self, indexes: list[int]) -> None:
        from contextlib import nullcontext

        from django_tenants.utils import schema_context

        from platform_core.db import connection

        # The council's own calls are read in the schema the ranking was made in, wherever the
        # sequence is read (a ranking taken in one council's context and read after it).
        same = connection.schema_name == self.schema
        with nullcontext() if same else schema_context(self.schema):
            self._build_here(indexes)

    def _build_here(self, indexes: list[int]) -> None:
        from commissioning.fundingregister import access as register

        from .models import CouncilCall

        rows = {i: ROW.unpack_from(self.rows, i * ROW.size) for i in indexes}
        wanted: tuple[list, list] = ([], [])
        for call_id, _, _, _, _, scope in rows.values():
            wanted[scope].append(uuid.UUID(bytes=call_id))
        values: dict[bytes, tuple] = {}
        for scope, qs in enumerate((register.platform_calls(), CouncilCall.objects.all())):
            if wanted[scope]:
                for row in qs.filter(id__in=wanted[scope]).values_list(*access.CALL_VALUES):
                    values[row[0].bytes] = row
        for i, (call_id, score, days, part, in_area, scope) in rows.items():
            row = values.get(call_id)
            if row is None:
                continue
            call = access.CallView(SCOPES[scope], row)
            need_reasons, needs = self.parts[part]
            days = None if days == NO_DAYS else days
            self._built[i] = Match(
                call=call,
                score=score,
                reasons=need_reasons + _Scorer.tail(bool(in_area), days, call.amount_max),
                needs=needs,
                closes_in_days=days,
            )


def _uuid_bytes(value) -> bytes:
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).bytes


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
    per distinct set of word roots, not once per call; amounts' points and wording once per
    amount (``_money_part``)."""

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

    def score(self, call) -> Match:
        ctx = self.ctx
        score, need_reasons, needs = self.needs_part(
            roots(" ".join([*call.themes, call.programme]))
        )
        in_area = any(g in ctx.areas for g in call.geography)
        score += 15 if in_area else 8
        days = (call.closes_on - ctx.today).days if call.closes_on else None
        if days is None:
            score += 10
        else:
            score += 20 if 14 <= days <= 56 else (12 if days > 56 else 6)
        if call.amount_max is not None:
            score += _money_part(call.amount_max)[0]
        return Match(
            call=call,
            score=round(score, 1),
            reasons=need_reasons + self.tail(in_area, days, call.amount_max),
            needs=needs,
            closes_in_days=days,
        )

    @staticmethod
    def tail(in_area: bool, days: int | None, amount_max) -> list[str]:
        """The reasons after the needs met: place, deadline, money (also what a stored
        ranking's rows are given back, so both give the same words)."""
        reasons = ["for this area"] if in_area else []
        if days is None:
            reasons.append("open all year")
        else:
            reasons.append(
                "closes today" if days == 0 else f"closes in {days} day{'s' if days != 1 else ''}"
            )
        if amount_max is not None:
            reasons.append(_money_part(amount_max)[1])
        return reasons


@lru_cache(maxsize=4096)
def _money_part(amount) -> tuple[float, str]:
    """An amount's points (up to 15, on a log scale) and its words ("up to £50k")."""
    return min(15.0, 15 * math.log10(max(float(amount), 1)) / 6), f"up to {_money(amount)}"


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
