"""Master data benchmark: people matching quality, full-resolution time and memory, and
incremental placement latency.

``python -m bench.run masterdata [--records N] [--db-records N] [--placements N] [--quick]
[--engine duckdb|spark|both] [--reuse-db]`` (DJANGO_SETTINGS_MODULE=platform_core.settings.test;
``make bench BENCH_ARGS="masterdata ..."``). ``--engine`` (default duckdb) picks Splink's backend
for the engine figures and the platform path's full run; ``spark`` is a local session
(MASTERDATA_SPARK_MASTER, MASTERDATA_SPARK_MEMORY: set the driver memory for large sizes), and
its peak memory adds the JVM's own (VmHWM of the Java process).

1. Engine (a child process per size, so its peak memory is its own): a labelled synthetic
   population (intelligence/masterdata/synthetic.py: households, 2% twins, typos, nicknames,
   initials, swapped day and month, one-digit date errors, moves, missing fields) held by four
   systems; Splink 5 on DuckDB trains by EM, predicts, and the records are clustered at the match
   threshold. Pairwise precision, recall and F1 of the clusters against the truth; wall time and
   peak RSS (VmHWM). Baseline in the same child: exact matching on (first name or nickname,
   surname, date of birth) -- what a council would do without a model.
2. Platform path (its own database, ``bench_masterdata`` or ``$MASTERDATA_BENCH_DB``): the same kind of sources imported
   through ``import_source`` (CSV validation, COPY, upsert), ``resolve_people`` (PostgreSQL ->
   DuckDB, Splink, clustering, stable golden ids, survivorship, review queue), then single
   records placed incrementally (half new sightings of known people, half new people): the
   import-and-place path end to end and ``place_person`` alone, p50/p95; baseline: a full run.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("MASTERDATA_BENCH_DB", "bench_masterdata")
SLUG = "mdbench"


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def exact_key_labels(con) -> dict:
    """The baseline a council would use without a model: records with the same first name (or
    nickname), surname and date of birth are one person (DuckDB table ``people``)."""
    rows = con.execute(
        "SELECT unique_id, coalesce(first_canon, '') || '|' || coalesce(surname_key, '') || '|' "
        "|| coalesce(dob, '#' || unique_id) FROM people"
    ).fetchall()
    return dict(rows)


def rounded_scores(prefix: str, scores: dict) -> dict:
    return {f"{prefix}{k}": round(scores[k], 4) for k in ("precision", "recall", "f1")}


def _features(recs):
    from intelligence.masterdata import normalise as n

    rows = []
    for i, r in enumerate(recs):
        dob = n.parse_date(r["date_of_birth"])
        pc = n.parse_postcode(r["postcode"]) or ""
        k = n.person_keys(r["first_name"], r["surname"], dob, pc)
        rows.append(
            (
                i,
                k["first_key"] or None,
                k["first_canon"] or None,
                k["surname_key"] or None,
                dob.isoformat() if dob else None,
                k["dob_swapped"].isoformat() if k["dob_swapped"] else None,
                pc or None,
                k["sector"] or None,
                k["district"] or None,
                n.parse_email(r["email"]) or None,
                n.parse_phone(r["phone"]) or None,
            )
        )
    return rows


def _jvm_peak_rss_mb() -> float | None:
    """The Spark driver JVM's peak RSS (the session's launcher process execs java)."""
    from intelligence.masterdata.matching import spark

    session = spark._session
    proc = getattr(getattr(getattr(session, "sparkContext", None), "_gateway", None), "proc", None)
    if proc is None:
        return None
    try:
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def child_engine(n_records: int, engine_name: str = "duckdb") -> dict:
    """Runs in a child process: generate, then time Splink (on DuckDB or Spark) + clustering."""
    import pyarrow as pa

    from intelligence.masterdata import synthetic
    from intelligence.masterdata.matching import clustering, engine, model
    from intelligence.masterdata.testing import pairwise_scores

    people = synthetic.population(max(1, n_records // 2), seed=7)
    recs = synthetic.records(people, seed=8)[:n_records]
    rows = _features(recs)
    truth = {i: r["entity"] for i, r in enumerate(recs)}
    columns = list(zip(*rows, strict=True))
    table = pa.table({c: list(v) for c, v in zip(model.COLUMNS, columns, strict=True)})
    del rows, columns
    rss_before = _peak_rss_mb()
    t0 = time.perf_counter()
    con = engine.connect()
    con.register("src", table)
    con.execute("CREATE TABLE people AS SELECT * FROM src").fetchall()
    con.unregister("src")
    t_load = time.perf_counter() - t0
    stages = {}
    last = [time.perf_counter()]

    def progress(stage, done, total):
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0) + now - last[0]
        last[0] = now

    prediction = engine.predict(
        con,
        "people",
        review_probability=0.5,
        progress=progress,
        engine=engine_name,
        area="bench",
    )
    jvm_peak = _jvm_peak_rss_mb() if engine_name == "spark" else None
    t_predict = time.perf_counter() - t0
    labels = clustering.cluster(
        range(len(recs)),
        ((a, b, p) for a, b, _w, p, parts in prediction.pairs if not parts[-1]),
        0.9,
    )
    total = time.perf_counter() - t0
    scores = pairwise_scores(labels, truth)
    # Baseline: exact key (first name or nickname, surname, date of birth).
    t1 = time.perf_counter()
    baseline_labels = exact_key_labels(con)
    baseline_s = time.perf_counter() - t1
    baseline = pairwise_scores(baseline_labels, truth)
    if engine_name == "spark":
        from intelligence.masterdata.matching import spark

        spark.stop()
    return {
        "engine": engine_name,
        "records": len(recs),
        "people": len(set(truth.values())),
        "pairs_scored": len(prediction.pairs),
        "trained": prediction.trained,
        "load_s": round(t_load, 2),
        "train_predict_s": round(t_predict - t_load, 2),
        "cluster_s": round(total - t_predict, 2),
        "total_s": round(total, 2),
        "stages_s": {k: round(v, 1) for k, v in stages.items()},
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "jvm_peak_rss_mb": round(jvm_peak, 1) if jvm_peak is not None else None,
        "rss_before_engine_mb": round(rss_before, 1),
        **rounded_scores("", scores),
        **rounded_scores("baseline_", baseline),
        "baseline_s": round(baseline_s, 2),
    }


def _run_child(n: int, engine_name: str = "duckdb") -> dict:
    env = dict(os.environ)
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "bench.masterdata",
            "--child-engine",
            str(n),
            "--engine",
            engine_name,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return base.rsplit("/", 1)[0] + "/" + BENCH_DB


def _fresh_database(url: str) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _emptied_database(url: str) -> bool:
    """``--reuse-db``: keep an already migrated bench database and empty the bench council's
    master data (saves the minutes a fresh migration takes on a loaded machine). False when
    there is no such database or council yet."""
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:
        return False
    with conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s "
                "AND tablename LIKE 'masterdata%%'",
                [f"c_{SLUG}"],
            )
        ]
        if not tables:
            return False
        conn.execute(
            "TRUNCATE "
            + ", ".join(f'"c_{SLUG}"."{t}"' for t in tables)
            + " RESTART IDENTITY CASCADE"
        )
    return True


def _pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def platform_path(n_records: int, n_placements: int, engine_name: str = "duckdb") -> dict:
    """Import, resolve and place through the platform's actions, in a council of its own."""
    import django

    django.setup()
    import random

    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from intelligence.masterdata import actions, synthetic
    from intelligence.masterdata.models import GoldenPerson, PersonRecord
    from intelligence.masterdata.testing import import_people, pairwise_scores, people_files
    from tenants.actions import provision_council
    from tenants.models import Council

    call_command("migrate_platform", verbosity=0)
    if not Council.objects.filter(slug=SLUG).exists():
        provision_council(
            name="Mdbench Council",
            slug=SLUG,
            gss_code="E06000998",
            tier="unitary",
            region="north-west",
            admin_email="admin@mdbench.example",
            notify=False,
        )
    council = Council.objects.get(slug=SLUG)
    t0 = time.perf_counter()
    files, truth = people_files(n_records // 2, seed=21)
    out = {"generate_s": round(time.perf_counter() - t0, 2)}
    with schema_context(council.schema_name):
        t0 = time.perf_counter()
        import_people(files, place=False)
        out["import_s"] = round(time.perf_counter() - t0, 2)
        out["records"] = PersonRecord.objects.count()
        stages: dict[str, float] = {}
        last = [time.perf_counter()]

        def progress(stage, done, total):
            now = time.perf_counter()
            stages[stage] = stages.get(stage, 0) + now - last[0]
            last[0] = now

        out["load_average_before_resolve"] = [round(x, 1) for x in os.getloadavg()]
        t0 = last[0] = time.perf_counter()
        stats = actions.resolve_people(actor="bench", engine_name=engine_name, progress=progress)
        out["resolve_s"] = round(time.perf_counter() - t0, 2)
        # "golden_ids" is golden ids, lineage and the records' rewrite; "survivorship" the
        # golden attributes; "indexes" the rebuild of the indexes dropped for a bulk write (0
        # otherwise); the rest after them is the review queue's explanations, the warehouse
        # count and the commit. (Before these three stages there was one, "golden".)
        stages["reviews_and_commit"] = time.perf_counter() - last[0]
        out["resolve_stages_s"] = {k: round(v, 1) for k, v in stages.items()}
        out["resolve_stats"] = {k: v for k, v in stats.items() if k != "warehouse"}
        assigned = {
            (s, ref): g
            for s, ref, g in PersonRecord.objects.values_list(
                "source__name", "source_ref", "golden_id"
            )
        }
        scores = pairwise_scores(assigned, truth)
        out.update({k: round(v, 4) for k, v in scores.items() if k != "true_pairs"})
        out["golden_people"] = GoldenPerson.objects.filter(status="active").count()
        # Incremental: single records, half new sightings of known people, half new people.
        rng = random.Random(5)
        entity_golden = {}
        for key, golden_id in assigned.items():
            entity_golden.setdefault(truth[key], golden_id)
        known = synthetic.population(n_records // 2, seed=21)
        sightings = synthetic.records(
            rng.sample(known, n_placements // 2), seed=99, records_per_person=1.0
        )
        newcomers = synthetic.records(
            synthetic.population(n_placements // 2, seed=4242, area="NZ"),
            seed=77,
            records_per_person=1.0,
        )
        end_to_end, place_only, correct = [], [], 0
        header = "source_id,first_name,surname,date_of_birth,postcode,address,email,phone"
        for i, rec in enumerate(sightings + newcomers):
            known_person = i < len(sightings)
            line = ",".join(
                [f"INC{i:06d}"]
                + [
                    '"' + rec[c] + '"' if "," in rec[c] else rec[c]
                    for c in (
                        "first_name",
                        "surname",
                        "date_of_birth",
                        "postcode",
                        "address",
                        "email",
                        "phone",
                    )
                ]
            )
            t0 = time.perf_counter()
            actions.import_source(
                f"{header}\n{line}\n".encode(), source="incremental", kind="people", partial=True
            )
            end_to_end.append(time.perf_counter() - t0)
            record = PersonRecord.objects.get(source__name="incremental", source_ref=f"INC{i:06d}")
            t0 = time.perf_counter()
            actions.place_person(record)
            place_only.append(time.perf_counter() - t0)
            record.refresh_from_db()
            expected = entity_golden.get(rec["entity"]) if known_person else None
            if known_person and record.golden_id == expected:
                correct += 1
            elif not known_person and record.golden_id not in entity_golden.values():
                correct += 1
        out["placements"] = len(end_to_end)
        out["placed_correctly"] = round(correct / len(end_to_end), 4)
        out["import_and_place_p50_ms"] = round(statistics.median(end_to_end) * 1000, 1)
        out["import_and_place_p95_ms"] = round(_pct(end_to_end, 95) * 1000, 1)
        out["place_only_p50_ms"] = round(statistics.median(place_only) * 1000, 1)
        out["place_only_p95_ms"] = round(_pct(place_only, 95) * 1000, 1)
        out["python_peak_rss_mb"] = round(_peak_rss_mb(), 1)
        out["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    return out


def main(argv):
    engine_arg = argv[argv.index("--engine") + 1] if "--engine" in argv else "duckdb"
    engines = ["duckdb", "spark"] if engine_arg == "both" else [engine_arg]
    if any(e not in ("duckdb", "spark") for e in engines):
        raise SystemExit(f"--engine must be duckdb, spark or both, not {engine_arg!r}")
    if "--child-engine" in argv:
        n = int(argv[argv.index("--child-engine") + 1])
        print(json.dumps(child_engine(n, engines[0])))
        return
    quick = "--quick" in argv

    def option(name, default):
        return int(argv[argv.index(name) + 1]) if name in argv else default

    sizes = [option("--records", 20_000 if quick else 100_000)]  # --records 0: no engine run
    if "--records" not in argv and not quick:
        sizes.append(1_000_000)
    db_records = option("--db-records", 20_000 if quick else 100_000)
    placements = option("--placements", 40 if quick else 200)
    for n in (size for size in sizes if size):
        for engine_name in engines:
            print(f"-- engine {engine_name}, {n:,} source records (child process)")
            print(json.dumps(_run_child(n, engine_name), indent=1))
    if db_records:
        url = _database_url()
        if "--reuse-db" not in argv or not _emptied_database(url):
            _fresh_database(url)
        os.environ["DATABASE_URL"] = url
        print(
            f"-- platform path ({engines[0]}), {db_records:,} source records, "
            f"{placements} placements"
        )
        print(json.dumps(platform_path(db_records, placements, engines[0]), indent=1))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
