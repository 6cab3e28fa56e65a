"""A database of the benchmark's own, created fresh for each run, on the same PostgreSQL server
the platform would use (DATABASE_URL, or the embedded one)."""

import os
import statistics
from urllib.parse import quote


def fresh_database(name: str) -> None:
    """Point Django at a new, empty database ``name`` and migrate the public schema."""
    import psycopg

    url = os.environ.get("DATABASE_URL")
    if url:
        base, _, _ = url.rpartition("/")
        admin_url = f"{base}/postgres"
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        from pathlib import Path

        from platform_core.embedded import embedded_database

        config = embedded_database(Path(__file__).resolve().parent.parent / "var")
        host = quote(config["HOST"], safe="")
        admin_url = f"postgresql://{config['USER']}@{host}/postgres"
        os.environ["DATABASE_URL"] = f"postgresql://{config['USER']}@{host}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    url = os.environ["DATABASE_URL"]
    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> str:
    return (
        f"n={len(values)} median={statistics.median(values) * 1000:.0f} ms "
        f"p95={percentile(values, 95) * 1000:.0f} ms"
    )
