"""Embedded PostgreSQL (the ``pgserver`` package) under ``var/`` for machines with no DATABASE_URL.

The server keeps running after the process that started it exits (``cleanup_mode=None``) so the
make targets, the dev server and tests share it; ``python -m platform_core.embedded stop`` stops it.
"""

import sys
from pathlib import Path

DATABASE_NAME = "council_platform"


def _server(var_dir: Path):
    import logging
    import os

    var_dir.mkdir(parents=True, exist_ok=True)
    runtime = var_dir / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    return pgserver.get_server(var_dir / "pgdata", cleanup_mode=None)


def embedded_database(var_dir: Path) -> dict:
    server = _server(var_dir)
    info = server.get_postmaster_info()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir) if info.socket_dir else info.hostname,
        "PORT": "" if info.socket_dir else str(info.port),
        "CONN_MAX_AGE": 60,
    }


def stop(var_dir: Path) -> None:
    import os

    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # generated at import

    pgdata = var_dir / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl(["-m", "fast", "stop"], pgdata=pgdata, user=user)


if __name__ == "__main__":
    var = Path(__file__).resolve().parent.parent / "var"
    if sys.argv[1:] == ["stop"]:
        stop(var)
    else:
        print(embedded_database(var))
