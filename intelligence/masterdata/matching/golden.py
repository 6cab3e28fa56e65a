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
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

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


@dataclass
class Choice:
    """Which golden id each cluster keeps (``chosen``: None for a cluster that needs a new one),
    worked out before anything is written."""

    members: dict[int, list[int]]
    chosen: dict[int, int | None]
    taken: dict[int, int]  # golden id -> label
    previous: dict[int, Counter]


def choose(labels: dict[int, int], old: dict[int, int | None]) -> Choice:
    """Clusters largest first each keep the golden id most of their records had (not taken)."""
    members: dict[int, list[int]] = defaultdict(list)
    for record_id, label in labels.items():
        members[label].append(record_id)
    taken: dict[int, int] = {}
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
    return Choice(members, chosen, taken, previous)


def rows_to_change(
    choice: Choice,
    labels: dict[int, int],
    old: dict[int, tuple[int | None, float | None]],
    probabilities: dict[int, float],
) -> tuple[int, int]:
    """(records whose golden id changes, records ``assign`` rewrites: those and the ones whose
    probability alone changes). ``old``: {record id: (golden id, probability) before the run}."""
    moving = changed = 0
    for rid, (golden_id, p) in old.items():
        label = labels.get(rid)
        if label is None:
            changed += p is not None  # not labelled by the run: loses its probability
            continue
        target = choice.chosen[label]
        moves = target is None or target != golden_id
        moving += moves
        changed += moves or probabilities.get(rid) != p
    return moving, changed


def bulk_write(total: int, moving: int) -> bool:
    """Whether to write with the records' secondary indexes dropped and rebuilt
    (``deferred_indexes``) rather than maintained row by row: when the golden id of at least
    MASTERDATA_BULK_WRITE_MIN records, and MASTERDATA_BULK_WRITE_FRACTION of them, changes (a
    first run changes every one)."""
    least = int(getattr(settings, "MASTERDATA_BULK_WRITE_MIN", 20_000))
    fraction = float(getattr(settings, "MASTERDATA_BULK_WRITE_FRACTION", 0.2))
    return moving > 0 and moving >= least and moving >= fraction * total


@contextmanager
def deferred_indexes(table: str, keep: tuple[str, ...] = ()):
    """Inside the caller's transaction: lock ``table`` against readers and writers until
    commit, drop its secondary indexes (neither primary key nor unique nor behind a constraint,
    nor on a column in ``keep``), run the block, and recreate each index from its own
    definition (same name, columns and method). Rewriting most rows of a table with twelve
    indexes otherwise adds one entry to every index per row, in random order, through a small
    buffer cache; a rebuild is one sort per index. Primary keys, unique constraints, foreign
    keys (both ways), the identity sequence, grants and triggers are not touched. On an error
    the transaction's rollback puts the indexes back as they were.

    The block must change a kept indexed column in every row it updates: an update that
    changes no indexed column can be a HOT update, and an index built over a HOT chain the
    same transaction made is marked unusable (``indcheckxmin``) by any transaction whose
    snapshot is older than the build -- on a shared server, where some transaction is always
    open, the planner would ignore the rebuilt indexes for minutes."""
    if connection.vendor != "postgresql":  # pragma: no cover - the platform runs on PostgreSQL
        yield []
        return
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i
               WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                               WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
               AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                               WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                               AND a.attname = ANY(%s))
               ORDER BY 1""",
            [quoted, list(keep)],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield [name for name, _d in definitions]
    with connection.cursor() as cursor:
        # PostgreSQL builds no index on a table with deferred foreign-key checks pending (the
        # block's writes queue them; Django's foreign keys are DEFERRABLE INITIALLY DEFERRED):
        # run those checks now, as the commit would, then give them back their initial mode.
        cursor.execute(
            """SELECT quote_ident(n.nspname) || '.' || quote_ident(c.conname), c.condeferred
               FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
               WHERE c.condeferrable
               AND (c.conrelid = %s::regclass OR c.confrelid = %s::regclass)
               ORDER BY 1""",
            [quoted, quoted],
        )
        deferrable = cursor.fetchall()
        if deferrable:
            cursor.execute(f"SET CONSTRAINTS {', '.join(n for n, _d in deferrable)} IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in definitions:
            cursor.execute(definition)
        deferred = [name for name, initially_deferred in deferrable if initially_deferred]
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {', '.join(deferred)} DEFERRED")


@contextmanager
def _work_mem(cursor, size: str = "256MB"):
    """A larger sort and hash memory for one whole-table statement (the server default, 4 MB,
    spills a join or sort of a million rows to disk in batches), then the session's own."""
    cursor.execute("SELECT current_setting('work_mem')")
    before = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('work_mem', %s, true)", [size])
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [before])


def assign(
    kind: str,
    labels: dict[int, int],
    old: dict[int, int | None],
    run=None,
    probabilities: dict[int, float] | None = None,
    choice: Choice | None = None,
    moved_only: bool = False,
) -> dict:
    """Give every cluster a golden id (stable, see above) and write them to the records.
    ``labels``: {record id: cluster label}; ``old``: {record id: golden id before the run}.
    ``probabilities`` (people): {record id: its strongest link inside its cluster}; when given,
    every record's ``match_probability`` is set in the same statement (None for records not in
    it, and for records the run did not label), so each record is rewritten at most once.
    ``choice``: ``choose(labels, old)`` if the caller has already worked it out.
    ``moved_only`` (with ``probabilities``; inside ``deferred_indexes``): write only the records
    whose golden id changes now, and the rest with ``write_remaining_probabilities`` after."""
    record_table, _golden_table, Golden = TABLES[kind]
    if choice is None:
        choice = choose(labels, old)
    members, taken, previous = choice.members, dict(choice.taken), choice.previous
    chosen = dict(choice.chosen)
    new_labels = [label for label, pick in chosen.items() if pick is None]
    fresh = set(new_labels)  # membership below is per cluster: a list made this quadratic
    for label, golden_id in zip(new_labels, _create_goldens(Golden, len(new_labels)), strict=True):
        chosen[label] = golden_id
    lineage = []
    retired_into: dict[int, int] = {}
    for label, counts in previous.items():
        target = chosen[label]
        new = label in fresh
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
    if retired_into:
        _retire_merged(Golden._meta.db_table, retired_into)
    changes = [
        (rid, chosen[label]) for rid, label in labels.items() if old.get(rid) != chosen[label]
    ]
    if probabilities is None:
        _write_links(record_table, changes)
    else:
        moved = dict(changes)
        _write_links_and_probabilities(
            record_table,
            ((rid, moved.get(rid), probabilities.get(rid)) for rid in labels),
            moved_only=moved_only,
        )
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


def _create_goldens(Golden, n: int) -> list[int]:
    """``n`` new golden records with the model's defaults, in one INSERT ... SELECT (building
    and sending hundreds of thousands of empty model instances through bulk_create costs more
    than the insert itself). Returns their ids in ascending order: the order bulk_create gave."""
    if n == 0:
        return []
    now = timezone.now()
    proto = Golden()
    fields = [f for f in Golden._meta.concrete_fields if not f.primary_key]
    values, params = [], []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = getattr(proto, f.attname)
        params.append(f.get_db_prep_save(value, connection))
        values.append(f"%s::{f.cast_db_type(connection)}")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {connection.ops.quote_name(Golden._meta.db_table)} ({columns})
                SELECT {", ".join(values)} FROM generate_series(1, %s) AS n ORDER BY n
                RETURNING id""",  # noqa: S608
            [*params, n],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _retire_merged(golden_table: str, retired_into: dict[int, int]) -> None:
    """Retire every golden id absorbed by another, pointing it at its target (one UPDATE)."""
    ids, targets = zip(*sorted(retired_into.items()), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {golden_table} g SET status = 'retired', merged_into_id = m.target
                FROM unnest(%s::bigint[], %s::bigint[]) AS m(id, target)
                WHERE g.id = m.id""",  # noqa: S608
            [list(ids), list(targets)],
        )


def _write_links_and_probabilities(record_table: str, rows, moved_only: bool = False) -> None:
    """``rows``: (record id, new golden id or None to keep it, match probability or None) for
    every labelled record. One COPY, then one UPDATE touching only the records whose golden id
    or probability changes; records not in ``rows`` lose their probability. ``moved_only``:
    only the records whose golden id changes (each such update changes the indexed golden id,
    so none is a HOT update); ``write_remaining_probabilities`` does the rest."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE md_links (id bigint PRIMARY KEY, golden_id bigint, "
            "p double precision) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY md_links (id, golden_id, p) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("ANALYZE md_links")
        if moved_only:
            with _work_mem(cursor):
                cursor.execute(
                    f"""UPDATE {record_table} r SET golden_id = l.golden_id,
                            match_probability = l.p
                        FROM md_links l WHERE r.id = l.id AND l.golden_id IS NOT NULL
                        AND r.golden_id IS DISTINCT FROM l.golden_id"""  # noqa: S608
                )
            return
    write_remaining_probabilities(record_table)


def analyze(*tables: str) -> None:
    """Fresh planner statistics for ``tables`` after a bulk write (a sample, seconds at a
    million rows). Without them, once the rebuilt indexes have told PostgreSQL the table holds
    a million rows, a placement's candidate query is planned on default selectivities and
    walks the primary key through the whole table (2 s instead of 10 ms at 1,000,000), until
    autovacuum analyses the table -- never, on a server where it is off."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def write_remaining_probabilities(record_table: str) -> None:
    """The second half of a write (md_links, this transaction's): golden ids and probabilities
    still different from md_links's, and no probability for records not in it."""
    with connection.cursor() as cursor:
        with _work_mem(cursor):
            cursor.execute(
                f"""UPDATE {record_table} r SET golden_id = COALESCE(l.golden_id, r.golden_id),
                        match_probability = l.p
                    FROM md_links l WHERE r.id = l.id
                    AND ((l.golden_id IS NOT NULL AND r.golden_id IS DISTINCT FROM l.golden_id)
                         OR r.match_probability IS DISTINCT FROM l.p)"""  # noqa: S608
            )
        cursor.execute(
            f"""UPDATE {record_table} r SET match_probability = NULL
                WHERE r.match_probability IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM md_links l WHERE l.id = r.id)"""  # noqa: S608
        )
        cursor.execute("DROP TABLE md_links")


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
    with connection.cursor() as cursor, _work_mem(cursor) if golden_ids is None else nullcontext():
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
