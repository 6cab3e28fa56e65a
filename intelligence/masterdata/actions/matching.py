"""Resolution: full runs (Splink), incremental placement of one record, and places."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from contextlib import nullcontext
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from platform_core import csvio
from platform_core.audit import log as audit

from ..matching import golden, model
from ..matching.clustering import cluster
from ..models import (
    GoldenPerson,
    GoldenPlace,
    MatchDecision,
    MatchModel,
    PersonRecord,
    PlaceRecord,
    ResolutionRun,
    ReviewPair,
)
from .warehouse import publish_distinct_counts

if TYPE_CHECKING:
    from ..matching import scoring

# The engines (Splink, DuckDB) are imported where a resolve or a placement runs, not with this
# module: every process imports it at start (the admin's views), and most never match anyone.

logger = logging.getLogger(__name__)

FEATURE_SQL = """SELECT r.id AS unique_id, NULLIF(r.first_key, '') AS first_key,
    NULLIF(r.first_canon, '') AS first_canon, NULLIF(r.surname_key, '') AS surname_key,
    to_char(r.date_of_birth, 'YYYY-MM-DD') AS dob, to_char(r.dob_swapped, 'YYYY-MM-DD') AS dob_swapped,
    NULLIF(r.postcode, '') AS postcode, NULLIF(r.sector, '') AS sector,
    NULLIF(r.district, '') AS district, NULLIF(r.email, '') AS email, NULLIF(r.phone, '') AS phone
    FROM masterdata_personrecord r"""
CANDIDATE_LIMIT = 200


def thresholds() -> tuple[float, float]:
    """(match, review) probabilities, read at call time."""
    match = float(getattr(settings, "MASTERDATA_MATCH_PROBABILITY", 0.9))
    review = float(getattr(settings, "MASTERDATA_REVIEW_PROBABILITY", 0.5))
    return match, min(review, match)


def features(record: PersonRecord) -> dict:
    """The record as the engines see it (the same values FEATURE_SQL gives)."""

    def blank(value):
        return value or None

    return {
        "unique_id": record.pk,
        "first_key": blank(record.first_key),
        "first_canon": blank(record.first_canon),
        "surname_key": blank(record.surname_key),
        "dob": record.date_of_birth.isoformat() if record.date_of_birth else None,
        "dob_swapped": record.dob_swapped.isoformat() if record.dob_swapped else None,
        "postcode": blank(record.postcode),
        "sector": blank(record.sector),
        "district": blank(record.district),
        "email": blank(record.email),
        "phone": blank(record.phone),
    }


def current_scorer() -> tuple[scoring.Scorer, MatchModel | None]:
    from ..matching import scoring

    latest = MatchModel.objects.order_by("-trained_at", "-id").first()
    if latest is None:
        return scoring.default_scorer(), None
    return scoring.scorer_for(latest), latest


def _decisions():
    links, no_links = [], []
    for a, b, decision in MatchDecision.objects.values_list("record_a", "record_b", "decision"):
        (links if decision == MatchDecision.Decision.LINK else no_links).append((a, b))
    return links, no_links


# --- Full resolution -----------------------------------------------------------------------
def _load_duckdb(con) -> int:
    """Copy the council's people records into DuckDB (through a CSV file: one COPY each way)."""
    with tempfile.TemporaryDirectory(prefix="mdm-") as folder:
        path = os.path.join(folder, "people.csv")
        with open(path, "wb") as out, connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY ({FEATURE_SQL}) TO STDOUT WITH (FORMAT csv, HEADER)"
            ) as copy:  # noqa: S608
                for chunk in copy:
                    out.write(chunk)
        types = {c: "VARCHAR" for c in model.COLUMNS}
        types["unique_id"] = "BIGINT"
        con.execute(
            "CREATE OR REPLACE TABLE md_people AS SELECT * FROM read_csv(?, header = true, columns = ?)",
            [path, types],
        ).fetchall()
    return con.execute("SELECT count(*) FROM md_people").fetchall()[0][0]


def resolve_people(
    *, actor=None, train: bool = True, progress=None, engine_name: str | None = None
) -> dict:
    """A full run: train the model on the council's records, score every blocked pair, cluster
    at the match threshold honouring decisions, keep golden ids stable, queue the pairs between
    the thresholds for review. ``train=False`` applies the stored model (the latest
    MatchModel; the priors if there is none). ``engine_name``: ``duckdb`` or ``spark``
    (default settings.MASTERDATA_ENGINE)."""
    from ..matching import engine

    started = time.monotonic()
    name = engine.engine_name(engine_name)
    match_p, review_p = thresholds()
    latest = MatchModel.objects.order_by("-trained_at", "-id").first()
    con = engine.connect()
    count = _load_duckdb(con)
    if progress:
        progress("load", count, count)
    if count == 0:
        return {"records": 0}
    prediction = engine.predict(
        con,
        "md_people",
        review_probability=review_p,
        settings=latest.settings if latest is not None and not train else None,
        train=train,
        progress=progress,
        engine=name,
        area=connection.schema_name,
    )
    links, no_links = _decisions()
    ids = [row[0] for row in con.execute("SELECT unique_id FROM md_people").fetchall()]
    labels = cluster(
        ids,
        ((a, b, p) for a, b, _w, p, parts in prediction.pairs if not parts[-1]),
        match_p,
        links=links,
        no_links=no_links,
    )
    if progress:
        progress("cluster", 1, 1)
    decided = set(links) | set(no_links)
    review = [
        (min(a, b), max(a, b), w, p)
        for a, b, w, p, parts in prediction.pairs
        if (p < match_p or parts[-1])
        and labels[a] != labels[b]
        and (min(a, b), max(a, b)) not in decided
    ]
    with transaction.atomic():
        run = ResolutionRun.objects.create(kind="people", actor=audit._actor_name(actor))
        stored = MatchModel.objects.create(
            settings=prediction.settings, record_count=count, engine=prediction.engine
        )
        state = {
            rid: (golden_id, p)
            for rid, golden_id, p in PersonRecord.objects.values_list(
                "id", "golden_id", "match_probability"
            )
        }
        old = {rid: golden_id for rid, (golden_id, _p) in state.items()}
        labels = {rid: label for rid, label in labels.items() if rid in old}
        probabilities = _best_probabilities(prediction.pairs, labels)
        choice = golden.choose(labels, old)
        moving, changing = golden.rows_to_change(choice, labels, state, probabilities)
        # Golden ids and link probabilities go to the records in one statement that rewrites
        # only the records whose values change. When most golden ids change (a first run), the
        # records' secondary indexes are dropped while those records are rewritten and rebuilt
        # after; records whose probability alone changes are written after the rebuild.
        bulk = golden.bulk_write(len(state), moving)
        with (
            golden.deferred_indexes(PersonRecord._meta.db_table, keep=("golden_id",))
            if bulk
            else nullcontext()
        ):
            stats = golden.assign(
                "people",
                labels,
                old,
                run,
                probabilities=probabilities,
                choice=choice,
                moved_only=bulk,
            )
            if progress:
                progress("golden_ids", 1, 1)
            golden.survive("people")
            if progress:
                progress("survivorship", 1, 1)
        if bulk:
            golden.write_remaining_probabilities(PersonRecord._meta.db_table)
            golden.analyze(PersonRecord._meta.db_table, GoldenPerson._meta.db_table)
        if progress:
            progress("indexes", 1, 1)
        stats.update(rows_changed=changing, golden_ids_changed=moving, bulk_write=bulk)
        stats["review_pairs"] = _queue_people_reviews(con, stored, review)
        stats.update(
            records=count,
            pairs_scored=len(prediction.pairs),
            trained=prediction.trained,
            engine=prediction.engine,
            model=stored.pk,
            seconds=round(time.monotonic() - started, 2),
        )
        stats["warehouse"] = publish_distinct_counts("people")
        run.finished_at = timezone.now()
        run.stats = stats
        run.save()
        audit.append("masterdata.people.resolved", run, actor=actor, detail=stats)
    con.close()
    return stats


def _best_probabilities(pairs, labels) -> dict[int, float]:
    """Each record's strongest link inside its own cluster (absent for a record on its own)."""
    best: dict[int, float] = {}
    for a, b, _w, p, parts in pairs:
        if parts[-1]:
            continue
        if labels.get(a) is not None and labels.get(a) == labels.get(b):
            if p > best.get(a, -1):
                best[a] = p
            if p > best.get(b, -1):
                best[b] = p
    return best


def _queue_people_reviews(con, stored: MatchModel, review: list[tuple]) -> int:
    """Replace the open people review pairs with this run's; decided pairs stay as they are."""
    from ..matching import scoring

    ReviewPair.objects.filter(kind="people", status=ReviewPair.Status.OPEN).delete()
    decided = set(
        ReviewPair.objects.filter(kind="people").values_list("person_a_id", "person_b_id")
    )
    review = [r for r in review if (r[0], r[1]) not in decided]
    limit = int(getattr(settings, "MASTERDATA_REVIEW_LIMIT", 10_000))
    review = sorted(review, key=lambda r: -r[3])[:limit]
    if not review:
        return 0
    ids = sorted({r[0] for r in review} | {r[1] for r in review})
    con.execute(
        "CREATE OR REPLACE TEMP TABLE md_ids AS SELECT unnest(?::BIGINT[]) AS id", [ids]
    ).fetchall()
    cursor = con.execute("SELECT p.* FROM md_people p JOIN md_ids i ON i.id = p.unique_id")
    names = [d[0] for d in cursor.description]
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
    scorer = scoring.scorer_for(stored)
    scores = scorer.score_pairs([(rows[a], rows[b]) for a, b, _w, _p in review])
    ReviewPair.objects.bulk_create(
        [
            ReviewPair(
                kind="people",
                person_a_id=a,
                person_b_id=b,
                match_weight=w,
                match_probability=p,
                explanation=_explanation(scorer, score),
            )
            for (a, b, w, p), score in zip(review, scores, strict=True)
        ],
        batch_size=2000,
    )
    return len(review)


def _explanation(scorer: scoring.Scorer, score: scoring.Score) -> dict:
    return {
        "prior_weight": round(scorer.prior_weight, 4),
        "match_weight": round(score.match_weight, 4),
        "match_probability": score.match_probability,
        "conflict": score.conflict,
        "comparisons": [
            {"name": c.name, "label": c.label, "weight": round(c.weight, 4)}
            for c in score.comparisons
        ],
    }


# --- Incremental placement -------------------------------------------------------------------
# The full run's blocking rules (model.BLOCKING_RULES, and SWAPPED_NAMES_RULES over
# SWAPPED_NAMES_KEYS) as lookups on PersonRecord, each served by an index (an initial narrows a
# date of birth's or postcode's index entries): the same candidates a full run would compare.
LOOKUPS = {
    "dob": "date_of_birth",
    "first_initial": "first_key__startswith",
    "surname_initial": "surname_key__startswith",
}


def _candidates(record: PersonRecord):
    """Records sharing a blocking key with ``record`` (the same rules as the full run)."""
    keys = model.blocking_values(features(record))
    condition = Q()
    for rule in model.BLOCKING_RULES:
        if all(keys[key] is not None for key in rule):
            condition |= Q(**{LOOKUPS.get(key, key): keys[key] for key in rule})
    for key in model.SWAPPED_NAMES_KEYS:
        # Names swapped: a candidate whose surname is this record's first name, or whose first
        # name is this record's surname, born the same day or at the same postcode.
        if keys[key] is None:
            continue
        same = {LOOKUPS.get(key, key): keys[key]}
        if keys["first_canon"] is not None:
            condition |= Q(surname_key=keys["first_canon"], **same)
        if keys["surname_key"] is not None:
            condition |= Q(first_canon=keys["surname_key"], **same)
    if not condition:
        return []
    return list(
        PersonRecord.objects.filter(condition, golden__isnull=False)
        .exclude(pk=record.pk)
        .order_by("id")[:CANDIDATE_LIMIT]
    )


def place_person(record: PersonRecord, *, actor=None, scorer=None) -> str:
    """Score one new or changed record against the resolved records around it and put it in
    the best golden person (``joined``), a new one (``new``), or a new one with the closest pair
    queued for review (``review``). No full run; the periodic full run reconciles."""
    match_p, review_p = thresholds()
    if scorer is None:
        scorer, stored = current_scorer()
    previous = record.golden_id
    candidates = _candidates(record)
    links, no_links = set(), set()
    if candidates:
        ids = [c.pk for c in candidates]
        for a, b, decision in MatchDecision.objects.filter(
            Q(record_a=record, record_b__in=ids) | Q(record_b=record, record_a__in=ids)
        ).values_list("record_a", "record_b", "decision"):
            other = b if a == record.pk else a
            (links if decision == "link" else no_links).add(other)
    scores = scorer.score(features(record), [features(c) for c in candidates])
    by_id = {c.pk: c for c in candidates}
    best_by_golden: dict[int, tuple[float, float, int]] = {}
    forbidden_goldens = {by_id[i].golden_id for i in no_links if i in by_id}
    for s in scores:
        candidate = by_id[s.candidate]
        # A conflict (first names or dates of birth disagree outright, no shared contact) is
        # never joined automatically: at most it is queued for review.
        p = 1.0 if candidate.pk in links else s.match_probability
        if s.conflict and candidate.pk not in links:
            p = min(p, match_p - 1e-6)
        w = s.match_weight
        if candidate.golden_id in forbidden_goldens:
            continue
        current = best_by_golden.get(candidate.golden_id)
        if current is None or p > current[0]:
            best_by_golden[candidate.golden_id] = (p, w, candidate.pk)
    outcome = "new"
    target = None
    best = max(best_by_golden.items(), key=lambda kv: kv[1][0], default=None)
    if best is not None and best[1][0] >= match_p:
        target = best[0]
        outcome = "joined"
    with transaction.atomic():
        if target is None:
            if (
                previous is not None
                and PersonRecord.objects.filter(golden_id=previous).exclude(pk=record.pk).count()
                == 0
            ):
                target = previous  # a record alone in its golden person keeps it
            else:
                target = GoldenPerson.objects.create().pk
                if previous is not None:
                    from ..models import Lineage

                    Lineage.objects.create(
                        kind="people", event="split", from_id=previous, to_id=target
                    )
            if best is not None and best[1][0] >= review_p:
                outcome = "review"
                p, w, other = best[1]
                a, b = sorted((record.pk, other))
                scores_by_id = {s.candidate: s for s in scores}
                ReviewPair.objects.update_or_create(
                    kind="people",
                    person_a_id=a,
                    person_b_id=b,
                    defaults={
                        "match_weight": w,
                        "match_probability": p,
                        "explanation": _explanation(scorer, scores_by_id[other]),
                    },
                )
        PersonRecord.objects.filter(pk=record.pk).update(
            golden_id=target, match_probability=best[1][0] if outcome == "joined" else None
        )
        record.golden_id = target
        golden.survive("people", {target} | ({previous} if previous else set()))
    return outcome


def place_changed(kind: str, ids: list[int], *, actor=None) -> int:
    """Place new and changed records incrementally after an import, when they are few
    (MASTERDATA_INCREMENTAL_LIMIT); otherwise they wait for the next full run."""
    limit = int(getattr(settings, "MASTERDATA_INCREMENTAL_LIMIT", 1000))
    if len(ids) > limit:
        return 0
    if kind == "people":
        if (
            not MatchModel.objects.exists()
            and not PersonRecord.objects.filter(golden__isnull=False).exists()
        ):
            return 0  # nothing resolved yet: the first full run places everyone
        scorer, _ = current_scorer()
        for record in PersonRecord.objects.filter(pk__in=ids).order_by("id"):
            place_person(record, actor=actor, scorer=scorer)
    else:
        for record in PlaceRecord.objects.filter(pk__in=ids).order_by("id"):
            place_place(record)
    return len(ids)


# --- Places ----------------------------------------------------------------------------------
SUB_UNITS = {"FLAT", "UNIT", "ROOM", "FLOOR"}


def address_score(a: str, b: str) -> float:
    """Similarity of two normalised addresses in [0, 1]: 30% the character similarity, 70%
    the share of the shorter address's words found (allowing typos) in the other. House
    numbers must agree (x0.5 otherwise); a number only one side has (a flat) costs x0.85."""
    if not a or not b:
        return 0.0
    tokens_a, tokens_b = a.split(), b.split()
    numbers_a = {t for t in tokens_a if any(ch.isdigit() for ch in t)}
    numbers_b = {t for t in tokens_b if any(ch.isdigit() for ch in t)}
    words_a = [t for t in tokens_a if t not in numbers_a and t not in SUB_UNITS]
    words_b = [t for t in tokens_b if t not in numbers_b and t not in SUB_UNITS]
    shorter, longer = (words_a, words_b) if len(words_a) <= len(words_b) else (words_b, words_a)
    found = sum(
        1
        for w in shorter
        if any(w == o or SequenceMatcher(None, w, o).ratio() >= 0.8 for o in longer)
    )
    overlap = found / len(shorter) if shorter else 1.0
    score = 0.3 * SequenceMatcher(None, a, b).ratio() + 0.7 * overlap
    if numbers_a and numbers_b and not (numbers_a <= numbers_b or numbers_b <= numbers_a):
        score *= 0.5
    elif numbers_a != numbers_b:
        score *= 0.85
    return round(score, 4)


def place_thresholds() -> tuple[float, float]:
    match = float(getattr(settings, "MASTERDATA_PLACE_MATCH_SCORE", 0.9))
    review = float(getattr(settings, "MASTERDATA_PLACE_REVIEW_SCORE", 0.6))
    return match, min(match, review)


def place_place(record: PlaceRecord) -> str:
    """UPRN first (the key); otherwise the best gazetteer place in the same postcode by address
    score: linked at or above the match score, queued for review between the scores, and on its
    own (one golden place per normalised address and postcode) below."""
    match_s, review_s = place_thresholds()
    previous = record.golden_id
    method, score, outcome = "uprn", 1.0, "uprn"
    with transaction.atomic():
        confirmed = (
            ReviewPair.objects.filter(kind="places", place_record=record, status="confirmed")
            .select_related("place_candidate")
            .first()
        )
        if record.uprn:
            target, _ = GoldenPlace.objects.get_or_create(
                uprn=record.uprn,
                defaults={
                    "usrn": record.usrn,
                    "address": record.address,
                    "postcode": record.postcode,
                    "address_key": record.address_key,
                },
            )
        elif confirmed is not None:
            target, method, score, outcome = (
                confirmed.place_candidate,
                "manual",
                confirmed.match_probability,
                "manual",
            )
        else:
            rejected = set(
                ReviewPair.objects.filter(
                    kind="places", place_record=record, status="rejected"
                ).values_list("place_candidate_id", flat=True)
            )
            candidates = GoldenPlace.objects.filter(in_gazetteer=True, status="active")
            candidates = (
                candidates.filter(postcode=record.postcode)
                if record.postcode
                else candidates.filter(address_key=record.address_key)
            )
            scored = sorted(
                (
                    (address_score(record.address_key, c.address_key), c)
                    for c in candidates[:500]
                    if c.pk not in rejected
                ),
                key=lambda sc: (-sc[0], sc[1].pk),
            )
            best_score, best = scored[0] if scored else (0.0, None)
            if best is not None and best_score >= match_s:
                target, method, score, outcome = best, "fuzzy", best_score, "fuzzy"
            else:
                target = (
                    GoldenPlace.objects.filter(
                        uprn__isnull=True,
                        address_key=record.address_key,
                        postcode=record.postcode,
                        status="active",
                    )
                    .order_by("id")
                    .first()
                )
                if target is None:
                    target = GoldenPlace.objects.create(
                        address=record.address,
                        postcode=record.postcode,
                        address_key=record.address_key,
                    )
                method, score, outcome = "address", None, "address"
                if best is not None and best_score >= review_s:
                    outcome = "review"
                    ReviewPair.objects.update_or_create(
                        kind="places",
                        place_record=record,
                        place_candidate=best,
                        defaults={
                            "match_weight": best_score,
                            "match_probability": best_score,
                            "explanation": {
                                "score": best_score,
                                "record_address": record.address_key,
                                "candidate_address": best.address_key,
                            },
                        },
                    )
        PlaceRecord.objects.filter(pk=record.pk).update(
            golden=target, match_method=method, match_score=score
        )
        record.golden_id = target.pk
        golden.survive("places", {target.pk} | ({previous} if previous else set()))
    return outcome


def resolve_places(*, actor=None, progress=None) -> dict:
    """Place every places record (UPRN, gazetteer match, or its own golden place)."""
    started = time.monotonic()
    outcomes: dict[str, int] = {}
    records = list(PlaceRecord.objects.order_by("id"))
    with transaction.atomic():
        run = ResolutionRun.objects.create(kind="places", actor=audit._actor_name(actor))
        ReviewPair.objects.filter(kind="places", status=ReviewPair.Status.OPEN).delete()
        for i, record in enumerate(records, 1):
            outcome = place_place(record)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if progress and (i % 1000 == 0 or i == len(records)):
                progress("places", i, len(records))
        stats = {
            "records": len(records),
            **outcomes,
            "seconds": round(time.monotonic() - started, 2),
        }
        run.finished_at = timezone.now()
        run.stats = stats
        run.save()
        audit.append("masterdata.places.resolved", run, actor=actor, detail=stats)
    return stats


def export_links(kind: str, out) -> int:
    """Write ``source,source_id,golden_id`` for every source record of ``kind``."""
    Record = PersonRecord if kind == "people" else PlaceRecord
    writer = csvio.writer(out, lineterminator="\n")
    writer.writerow(["source", "source_id", "golden_id"])
    n = 0
    for source, ref, golden_id in (
        Record.objects.order_by("source__name", "source_ref")
        .values_list("source__name", "source_ref", "golden_id")
        .iterator(chunk_size=10_000)
    ):
        writer.writerow([source, ref, "" if golden_id is None else golden_id])
        n += 1
    return n
