"""Golden records: stable ids across runs, lineage, and survivorship.

Stable ids: clusters are taken largest first; each keeps the golden id most of its records
already had (one not taken by a larger cluster). A cluster that gains records keeps its id. A
golden id no cluster kept is retired and recorded as ``merged`` into the cluster that took its
records; a cluster with no id of its own gets a new one, recorded as ``split`` from the ids its
records came from.

Survivorship, per attribute: names and date of birth from the most trusted source (then the
most recent record); address, postcode, email and phone from the most recent record (then the
most trusted source): people move and change numbers, their names rarely change.
"""

from collections import Counter, defaultdict

from django.db import connection

from ..models import GoldenPerson, GoldenPlace, Lineage

TRUSTED = "s.trust_rank DESC, r.updated_at DESC, r.id DESC"
RECENT = "r.updated_at DESC, s.trust_rank DESC, r.id DESC"
PEOPLE_SURVIVORSHIP = {
    "first_name": TRUSTED,
    "surname": TRUSTED,
    "date_of_birth": TRUSTED,
    "postcode": RECENT,
    "address": RECENT,
    "email": RECENT,
    "phone": RECENT,
}
PLACES_SURVIVORSHIP = {"address": TRUSTED, "postcode": TRUSTED, "usrn": TRUSTED}
TABLES = {
    "people": ("masterdata_personrecord", "masterdata_goldenperson", GoldenPerson),
    "places": ("masterdata_placerecord", "masterdata_goldenplace", GoldenPlace),
}


def assign(kind: str, labels: dict[int, int], old: dict[int, int | None], run=None) -> dict:
    """Give every cluster a golden id (stable, see above) and write them to the records.
    ``labels``: {record id: cluster label}; ``old``: {record id: golden id before the run}."""
    record_table, _golden_table, Golden = TABLES[kind]
    members: dict[int, list[int]] = defaultdict(list)
    for record_id, label in labels.items():
        members[label].append(record_id)
    taken: dict[int, int] = {}  # golden id -> label
    chosen: dict[int, int | None] = {}
    previous: dict[int, Counter] = {}
    for label, ids in sorted(members.items(), key=lambda kv: (-len(kv[1]), min(kv[1]))):
        counts = Counter(old[i] for i in ids if old.get(i) is not None)
        previous[label] = counts
        pick = None
        for golden_id, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if golden_id not in taken:
                pick = golden_id
                break
        chosen[label] = pick
        if pick is not None:
            taken[pick] = label
    new_labels = [label for label, pick in chosen.items() if pick is None]
    created = Golden.objects.bulk_create([Golden() for _ in new_labels], batch_size=5000)
    for label, golden in zip(new_labels, created, strict=True):
        chosen[label] = golden.pk
    lineage = []
    retired_into: dict[int, int] = {}
    for label, counts in previous.items():
        target = chosen[label]
        new = label in new_labels
        for golden_id in counts:
            if golden_id == target:
                continue
            if new:
                lineage.append(
                    Lineage(kind=kind, event="split", from_id=golden_id, to_id=target, run=run)
                )
            elif golden_id not in taken and golden_id not in retired_into:
                retired_into[golden_id] = target
                lineage.append(
                    Lineage(kind=kind, event="merged", from_id=golden_id, to_id=target, run=run)
                )
    Lineage.objects.bulk_create(lineage, batch_size=5000)
    for target in set(retired_into.values()):
        ids = [g for g, t in retired_into.items() if t == target]
        Golden.objects.filter(pk__in=ids).update(status="retired", merged_into_id=target)
    changes = [
        (rid, chosen[label]) for rid, label in labels.items() if old.get(rid) != chosen[label]
    ]
    _write_links(record_table, changes)
    # Golden ids that lost every record without being merged anywhere.
    orphaned = {g for g in old.values() if g is not None} - set(taken) - set(retired_into)
    if orphaned:
        Golden.objects.filter(pk__in=orphaned).update(status="retired")
    return {
        "clusters": len(members),
        "new_golden": len(new_labels),
        "kept_golden": len(taken),
        "merged": len(retired_into),
        "records_moved": len(changes),
    }


def _write_links(record_table: str, changes: list[tuple[int, int]]) -> None:
    if not changes:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE md_links (id bigint, golden_id bigint) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY md_links (id, golden_id) FROM STDIN") as copy:
            for row in changes:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {record_table} r SET golden_id = l.golden_id FROM md_links l WHERE r.id = l.id"  # noqa: S608
        )
        cursor.execute("DROP TABLE md_links")


def survive(kind: str, golden_ids=None) -> None:
    """Recompute the golden attributes and record counts (all, or ``golden_ids``); golden
    records left without source records are retired."""
    record_table, golden_table, _ = TABLES[kind]
    rules = PEOPLE_SURVIVORSHIP if kind == "people" else PLACES_SURVIVORSHIP
    picks = []
    for column, order in rules.items():
        blank = "r.{c} IS NOT NULL" if column == "date_of_birth" else "r.{c} <> ''"
        picks.append(
            f"(array_agg(r.{column} ORDER BY {order}) FILTER (WHERE {blank.format(c=column)}))[1] AS {column}"
        )
    where, params = "", []
    if golden_ids is not None:
        where, params = "AND r.golden_id = ANY(%s)", [list(golden_ids)]
    sets = ", ".join(
        f"{c} = x.{c}" if c == "date_of_birth" else f"{c} = COALESCE(x.{c}, '')" for c in rules
    )
    if kind == "places":
        # Gazetteer places keep the gazetteer's address.
        sets = ", ".join(
            f"{c} = CASE WHEN g.in_gazetteer THEN g.{c} ELSE COALESCE(x.{c}, '') END" for c in rules
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {golden_table} g SET {sets}, record_count = x.n, status = 'active',
                    updated_at = now()
                FROM (SELECT r.golden_id, count(*) AS n, {", ".join(picks)}
                      FROM {record_table} r JOIN masterdata_source s ON s.id = r.source_id
                      WHERE r.golden_id IS NOT NULL {where} GROUP BY r.golden_id) x
                WHERE g.id = x.golden_id""",  # noqa: S608
            params,
        )
        empty_where = "AND g.id = ANY(%s)" if golden_ids is not None else ""
        retired = (
            "CASE WHEN g.in_gazetteer THEN 'active' ELSE 'retired' END"
            if kind == "places"
            else "'retired'"
        )
        cursor.execute(
            f"""UPDATE {golden_table} g SET record_count = 0, status = {retired}
                WHERE g.status = 'active' AND g.record_count <> 0 {empty_where}
                AND NOT EXISTS (SELECT 1 FROM {record_table} r WHERE r.golden_id = g.id)""",  # noqa: S608
            params,
        )


def refresh_goldens(kind: str, golden_ids) -> None:
    survive(kind, golden_ids)
