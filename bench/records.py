"""Records benchmark: declare-and-ingest throughput, search latency, memory while uploading.

``python -m bench.run records [--quick]`` (DJANGO_SETTINGS_MODULE=platform_core.settings.test).

Everything runs on this machine against its own database (``bench_records``, next to
DATABASE_URL), moto's S3 server in a separate process, and the platform served by gunicorn
(2 sync workers) in a separate process, so the server's memory is measured on its own.

1. Ingest: 100 KB PDFs declared through ``POST /api/v1/records/records/`` (multipart, full
   validation, SHA-256, S3 upload over HTTP, audit entries, eager text extraction) from 4
   client threads. Baseline: the same bytes ``put_object`` straight into the same bucket with
   boto3 from 4 threads (what you get without a records system).
2. Search: 100,000 records in one council (20,000 with --quick), PostgreSQL full text.
   ``GET /api/v1/records/records/search/?q=...`` latency p50/p95 over HTTP; baseline: the
   same words found with ``icontains`` on title and text (the ORM query one would write first).
3. Memory: the gunicorn worker's peak RSS (VmHWM) after a 1 GB upload (200 MB with --quick),
   streamed by the client in 1 MB chunks, against its peak after the small-document run.
"""

import http.client
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH_DB = "bench_records"
BROKER = "redis://127.0.0.1:6379/4"
BUCKET = "bench-records"
SLUG = "benchford"
ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return base.rsplit("/", 1)[0] + "/" + BENCH_DB


def _ensure_database(url: str) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _purge(url: str) -> None:
    import redis

    redis.Redis.from_url(url).delete("celery")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {port}")


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _setup_platform():
    from django.core.management import call_command

    from tenants.actions import provision_council
    from tenants.models import Council

    call_command("migrate_platform", verbosity=0)
    council = Council.objects.filter(slug=SLUG).first()
    if council is None:
        provision_council(
            name="Benchford Council",
            slug=SLUG,
            gss_code="E06000999",
            tier="unitary",
            region="north-west",
            admin_email="admin@benchford.example",
            notify=False,
        )
        council = Council.objects.get(slug=SLUG)
    return council


def _token_and_class(council):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from records import actions
    from records.models import FilePlanClass

    with schema_context(council.schema_name):
        user, _ = get_user_model().objects.get_or_create(
            username="bench-rm", defaults={"is_staff": True}
        )
        user.groups.add(Group.objects.get(name="Records managers"))
        token, _ = Token.objects.get_or_create(user=user)
        file_class = FilePlanClass.objects.filter(code="BENCH").first() or actions.create_class(
            "bench",
            code="BENCH",
            title="Bench",
            trigger="creation",
            period_months=120,
            action="destroy",
        )
        return token.key, file_class.pk


WORDS = (
    "housing allocation budget council tax planning application licensing waste recycling "
    "library school transport highways parking flood defence adult social care children "
    "safeguarding procurement contract audit pension treasury investment borrowing leisure "
    "park cemetery election register consultation strategy policy review scrutiny cabinet "
    "committee minutes decision report equality climate emergency carbon tree street lighting"
).split()


def _seed_search_records(council, target: int) -> None:
    """Top the council up to ``target`` records (bulk rows; content-less: search needs text)."""
    from django.contrib.postgres.search import SearchVector
    from django.db import connection
    from django_tenants.utils import schema_context

    from records.models import FilePlanClass, Record

    rng = random.Random(7)  # noqa: S311 - benchmark data
    vocab = WORDS + [f"term{i}" for i in range(3000)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    with schema_context(council.schema_name):
        have = Record.objects.count()
        file_class = FilePlanClass.objects.get(code="BENCH")
        batch = []
        for i in range(have, target):
            words = rng.choices(vocab, weights=weights, k=60)
            batch.append(
                Record(
                    title=" ".join(words[:6]).capitalize(),
                    description=" ".join(words[6:20]),
                    extracted_text=" ".join(words[20:]),
                    file_class=file_class,
                    classification="official" if i % 10 else "official_sensitive",
                )
            )
            if len(batch) == 5000:
                Record.objects.bulk_create(batch)
                batch = []
        if batch:
            Record.objects.bulk_create(batch)
        Record.objects.filter(search_vector__isnull=True).update(
            search_vector=SearchVector("title", weight="A", config="english")
            + SearchVector("description", weight="B", config="english")
            + SearchVector("extracted_text", weight="C", config="english")
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE records_record")


def _post_multipart(
    port,
    host,
    token,
    fields: dict,
    filename: str,
    source,
    size: int,
    path="/api/v1/records/records/",
):
    """POST multipart with the file streamed from ``source`` in 1 MB chunks (never whole in
    memory on the client either)."""
    boundary = uuid.uuid4().hex
    head = b""
    for name, value in fields.items():
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.putrequest("POST", path, skip_host=True)
    conn.putheader("Host", host)
    conn.putheader("Authorization", f"Token {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + size + len(tail)))
    conn.endheaders()
    conn.send(head)
    if isinstance(source, bytes):
        conn.send(source)
    else:
        while chunk := source.read(1024 * 1024):
            conn.send(chunk)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _get(port, host, token, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": host, "Authorization": f"Token {token}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _peak_rss_kb(pids) -> int:
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak


def _worker_pids(master_pid: int) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False
    )  # noqa: S603,S607
    return [int(p) for p in out.stdout.split()]


def main(argv):
    quick = "--quick" in argv
    url = _database_url()
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    for key, value in {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
    import boto3

    from records.tests.files import make_pdf

    n_docs = 60 if quick else 300
    n_search = 20_000 if quick else 100_000
    big_mb = 200 if quick else 1024

    moto_port, web_port = _free_port(), _free_port()
    bin_dir = Path(sys.executable).parent
    moto = subprocess.Popen(
        [str(bin_dir / "moto_server"), "-p", str(moto_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # noqa: S603
    web = None
    processes: list = []
    try:
        _wait_port(moto_port)
        endpoint = f"http://127.0.0.1:{moto_port}"
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        council = _setup_platform()
        token, class_id = _token_and_class(council)
        host = council.primary_domain
        t0 = time.perf_counter()
        _seed_search_records(council, n_search)
        seed_s = time.perf_counter() - t0

        env = {
            **os.environ,
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "DJANGO_SETTINGS_MODULE": "platform_core.settings.test",
            # Text extraction runs in a Celery worker, as in production (Redis DB 4).
            "CELERY_BROKER_URL": BROKER,
        }
        _purge(BROKER)
        celery_worker = subprocess.Popen(  # noqa: S603
            [
                str(bin_dir / "celery"),
                "-A",
                "platform_core",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=ERROR",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(celery_worker)
        web = subprocess.Popen(  # noqa: S603
            [
                str(bin_dir / "gunicorn"),
                "platform_core.wsgi:application",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                "2",
                "--timeout",
                "600",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        _wait_port(web_port)
        pdf = make_pdf("Cabinet report on housing allocation", pad_to=100 * 1024)

        # warm up both paths
        for _ in range(4):
            status, body = _post_multipart(
                web_port,
                host,
                token,
                {"title": "warm", "file_class": class_id},
                "warm.pdf",
                pdf,
                len(pdf),
            )
            assert status == 201, body[:500]

        def api_one(i):
            start = time.perf_counter()
            status, body = _post_multipart(
                web_port,
                host,
                token,
                {"title": f"Report {i}", "file_class": class_id},
                f"r{i}.pdf",
                pdf,
                len(pdf),
            )
            assert status == 201, body[:300]
            return time.perf_counter() - start

        def raw_one(i):
            start = time.perf_counter()
            s3.put_object(Bucket=BUCKET, Key=f"raw/{uuid.uuid4().hex}", Body=pdf)
            return time.perf_counter() - start

        results = {}
        for name, fn in (("raw boto3 put_object", raw_one), ("records API declare", api_one)):
            start = time.perf_counter()
            with ThreadPoolExecutor(4) as pool:
                latencies = list(pool.map(fn, range(n_docs)))
            elapsed = time.perf_counter() - start
            results[name] = (n_docs / elapsed, latencies)
        api_rate, api_lat = results["records API declare"]
        from django_tenants.utils import schema_context as _sc

        from records.models import Record as _Record

        with _sc(council.schema_name):
            pending = _Record.objects.filter(title__startswith="Report ", extracted_text="")
            deadline = time.monotonic() + 600
            while pending.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
        indexed_s = time.perf_counter() - start
        raw_rate, raw_lat = results["raw boto3 put_object"]
        print(
            f"ingest: {n_docs} x 100 KB PDF, 4 client threads, gunicorn 2 workers, moto S3 over HTTP"
        )
        print(
            f"  records API declare : {api_rate:7.1f} docs/s  p50 {statistics.median(api_lat) * 1000:6.1f} ms  p95 {pct(api_lat, 95) * 1000:6.1f} ms"
        )
        print(
            f"  raw boto3 put_object: {raw_rate:7.1f} docs/s  p50 {statistics.median(raw_lat) * 1000:6.1f} ms  p95 {pct(raw_lat, 95) * 1000:6.1f} ms"
        )
        print(
            f"  ratio API / raw put : {api_rate / raw_rate:.2f}x  (goal >= 50 docs/s: {'met' if api_rate >= 50 else 'NOT met'})"
        )
        print(
            f"  all {n_docs} texts extracted and indexed by 1 Celery worker {indexed_s:.1f} s after the first upload ({n_docs / indexed_s:.1f} docs/s end to end)"
        )

        # search: broad queries (common council words, each in 10-80% of records) and
        # selective ones (rarer terms, each in well under 1% of records)
        rng = random.Random(11)  # noqa: S311
        n_q = 80 if quick else 200
        groups = {
            "broad": [" ".join(rng.sample(WORDS, k=rng.choice([1, 2]))) for _ in range(n_q)],
            "selective": [f"term{rng.randrange(1000, 3000)}" for _ in range(n_q)],
        }
        from django.db.models import Q
        from django_tenants.utils import schema_context

        from records.models import Record
        from records.search import search_records

        class Manager:  # a records manager's view: every classification
            is_authenticated = True
            is_superuser = True

        def api_search(q):
            start = time.perf_counter()
            status, _ = _get(
                web_port, host, token, f"/api/v1/records/records/search/?q={q.replace(' ', '+')}"
            )
            assert status == 200
            return time.perf_counter() - start

        print(
            f"search: {n_search:,} records in one council (seeded in {seed_s:.0f} s), {n_q} queries per kind, over HTTP, page of 50"
        )
        for kind, queries in groups.items():
            for q in queries[:5]:
                api_search(q)
            api = [api_search(q) for q in queries]
            orm_fts, orm_like = [], []
            with schema_context(council.schema_name):
                for q in queries[:40]:
                    start = time.perf_counter()
                    list(search_records(Manager(), q)[:50])
                    orm_fts.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    cond = Q()
                    for word in q.split():
                        cond &= Q(title__icontains=word) | Q(extracted_text__icontains=word)
                    list(Record.objects.filter(cond).order_by("-id")[:50])
                    orm_like.append(time.perf_counter() - start)
            p95 = pct(api, 95)
            print(
                f"  {kind:9} API search      : p50 {statistics.median(api) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  (goal p95 <= 50 ms: {'met' if p95 <= 0.05 else 'NOT met'})"
            )
            print(
                f"  {kind:9} ORM full text   : p50 {statistics.median(orm_fts) * 1000:6.1f} ms  p95 {pct(orm_fts, 95) * 1000:6.1f} ms (ranked top 50, GIN)"
            )
            print(
                f"  {kind:9} ORM icontains   : p50 {statistics.median(orm_like) * 1000:6.1f} ms  p95 {pct(orm_like, 95) * 1000:6.1f} ms (baseline, newest 50)"
            )
            print(
                f"  {kind:9} ratio icontains / full text (p50): {statistics.median(orm_like) / statistics.median(orm_fts):.1f}x"
            )

        # memory while uploading a big file
        pids = _worker_pids(web.pid)
        before = _peak_rss_kb(pids)
        with tempfile.NamedTemporaryFile(suffix=".txt") as big:
            line = b"Minutes of the meeting of the Council held in the Council Chamber.\n"
            block = line * (1024 * 1024 // len(line) + 1)
            block = block[: 1024 * 1024]
            for _ in range(big_mb):
                big.write(block)
            big.flush()
            size = big_mb * 1024 * 1024
            big.seek(0)
            start = time.perf_counter()
            status, body = _post_multipart(
                web_port,
                host,
                token,
                {"title": "Big upload", "file_class": class_id},
                "big.txt",
                big,
                size,
            )
            upload_s = time.perf_counter() - start
        assert status == 201, body[:300]
        after = _peak_rss_kb(pids)
        print(
            f"memory: one {big_mb} MB upload through the API into S3 ({size / upload_s / 1e6:.0f} MB/s)"
        )
        print(
            f"  gunicorn worker peak RSS before {before / 1024:6.1f} MB, after {after / 1024:6.1f} MB: growth {(after - before) / 1024:.1f} MB = {(after - before) / 1024 / big_mb * 100:.2f}% of the file"
        )
    finally:
        for process in (web, moto, *processes):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    main(sys.argv[1:])
