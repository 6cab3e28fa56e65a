"""Fault tests: the platform against dependencies that die, freeze and come back.

Every dependency a test breaks is a process the test started itself (a redis-server on a free
port, moto's S3 server, a Celery worker, a TCP proxy in front of PostgreSQL): the machine's own
services are never stopped. "Down" is SIGKILL, "frozen" is SIGSTOP (the port still accepts
connections, nothing answers), "back" is a restart on the same port or SIGCONT.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def wait_for_worker(port: int, process=None, timeout: float = 180.0) -> None:
    """Until a gunicorn worker answers a request (any answer): gunicorn binds its port before a
    worker has loaded and warmed the application (platform_core/warmup.py), which on a loaded
    machine takes far longer than a request should, and a test's first request must not pay
    for it inside its own time limit."""
    import http.client

    deadline = time.monotonic() + timeout
    while True:
        conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=max(deadline - time.monotonic(), 1)
        )
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server on port {port} exited") from None
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no worker answered on port {port} after {timeout} s") from None
            time.sleep(0.1)
        finally:
            conn.close()


class RedisServer:
    """A private redis-server (no persistence) on a free port."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.frozen = False
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server binary
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """Down: SIGKILL (connections reset, the port refuses)."""
        if self.process and self.process.poll() is None:
            if self.frozen:
                self.thaw()
            self.process.kill()
            self.process.wait()

    def freeze(self) -> None:
        """Frozen: SIGSTOP (the kernel still accepts connections; nothing answers)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)
        self.frozen = False

    def restart(self) -> None:
        self.kill()
        self.start()

    def close(self) -> None:
        self.kill()


@pytest.fixture
def redis_server():
    server = RedisServer()
    yield server
    server.close()


class TcpProxy:
    """A TCP proxy in a thread: ``stop()`` closes the listener and every open connection
    (the dependency behind it is "down"), ``start()`` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._running = False
        self.start()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._running = True
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self._running:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            for sock in (a, b):
                try:
                    sock.close()
                except OSError:
                    pass

    def drop_connections(self) -> None:
        """Reset every open connection (a database restart, a failover); keep listening."""
        with self._lock:
            conns, self._conns = self._conns, []
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass

    def stop(self) -> None:
        self._running = False
        if self._listener is not None:
            # shutdown() first: on Linux, close() alone does not wake the thread blocked in
            # accept(), and the socket goes on accepting connections.
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                self._listener.close()
            except OSError:
                pass
            self._listener = None
        self.drop_connections()


def database_address() -> tuple[str, int]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))


class WebServer:
    """gunicorn serving the platform (test settings unless told otherwise) on a free port."""

    def __init__(self, env: dict, workers: int = 1, threads: int = 4):
        import sys

        from django.conf import settings

        self.port = free_port()
        bin_dir = Path(sys.executable).parent
        self.process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
            [
                str(bin_dir / "gunicorn"),
                "platform_core.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "platform_core.settings.test", **env},
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, timeout=60)
        wait_for_worker(self.port, self.process)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        self.close()
        return (self.process.stdout.read() or b"").decode(errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def web_server():
    """``web_server(env)`` starts gunicorn; all are stopped at the end of the test."""
    servers = []

    def start(env: dict, **kwargs) -> WebServer:
        server = WebServer(env, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


class CeleryProcess:
    """``celery -A platform_core worker|beat`` in a subprocess on the test database and a
    private broker. ``kill()`` is SIGKILL of the main process (a worker's pool children die with
    it: they watch their parent), ``kill_pool()`` SIGKILLs only a prefork worker's children."""

    def __init__(self, kind: str, broker_url: str, args: list[str], env: dict, tmp: Path):
        import sys

        from django.conf import settings

        from conftest import worker_database_url

        self.kind = kind
        self.command = [str(Path(sys.executable).parent / "celery"), "-A", "platform_core", kind]
        if kind == "beat":
            self.command += ["-s", str(tmp / "celerybeat-schedule"), "--max-interval=1"]
        else:
            self.command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.command += ["--loglevel=WARNING", *args]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "platform_core.settings.test",
            "DATABASE_URL": worker_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_BROKER_URL": broker_url,
            **env,
        }
        self.cwd = settings.BASE_DIR
        self.log = tmp / f"{kind}-{free_port()}.log"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own virtualenv's celery
            self.command,
            env=self.env,
            cwd=self.cwd,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def children(self) -> list[int]:
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_pool(self) -> list[int]:
        pids = self.children()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def kill(self) -> None:
        """SIGKILL of the whole process group (the main process and its pool)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def celery_process(tmp_path):
    """``celery_process("worker"|"beat", broker_url, args=[...], env={...})``; all stopped at
    the end of the test."""
    started: list[CeleryProcess] = []

    def start(kind: str, broker_url: str, args=(), env=None) -> CeleryProcess:
        process = CeleryProcess(kind, broker_url, list(args), env or {}, tmp_path)
        started.append(process)
        return process

    yield start
    for process in started:  # throwaway processes: no graceful shutdown to wait for
        process.kill()


def wait_until(predicate, timeout: float = 30.0, message: str = "", interval: float = 0.1):
    """Poll ``predicate`` until it returns something true; its last answer is returned."""
    deadline = time.monotonic() + timeout
    while True:
        answer = predicate()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {message}")
        time.sleep(interval)


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Data committed in council A (so gunicorn and workers see it), all removed afterwards:
    ``committed.council``, ``.token`` (a council superuser's API token), ``.file_class``
    (destroy at once after creation), ``.run(fn)`` runs ``fn()`` in A's schema unblocked."""
    import uuid
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from platform_core.audit.models import AuditEntry
    from platform_core.events.models import OutboxEvent, ProcessedEvent
    from records.models import FilePlanClass, Record, RecordVersion
    from tenants.models import Council

    with django_db_blocker.unblock():
        council = Council.objects.get(slug="alphaford")
        with schema_context(council.schema_name):
            last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
            last_event = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first()
            tag = uuid.uuid4().hex[:8]
            user = get_user_model().objects.create_superuser(
                f"faults-{tag}", f"faults-{tag}@alphaford.example", None
            )
            token = Token.objects.create(user=user)
            file_class = FilePlanClass.objects.create(
                code=f"FLT-{tag}",
                title="Fault tests",
                trigger="creation",
                period_months=0,
                action="destroy",
            )

    def run(fn):
        with django_db_blocker.unblock(), schema_context(council.schema_name):
            return fn()

    with django_db_blocker.unblock():
        host = council.primary_domain
    data = SimpleNamespace(
        council=council,
        host=host,
        token=token.key,
        file_class=file_class,
        tag=tag,
        run=run,
        user=user,
    )
    yield data

    from django.core.files.storage import default_storage

    from platform_core.models import JobRun
    from records.models import DisposalBatch, DisposalItem

    with django_db_blocker.unblock():
        with schema_context(council.schema_name):
            records = Record.objects.filter(file_class=file_class)
            keys = list(
                RecordVersion.objects.filter(record__in=records).values_list(
                    "storage_key", flat=True
                )
            )
            batches = list(
                DisposalBatch.objects.filter(items__record__in=records).values_list("pk", flat=True)
            )
            DisposalItem.objects.filter(batch__in=batches).delete()
            DisposalBatch.objects.filter(pk__in=batches).delete()
            RecordVersion.objects.filter(record__in=records).delete()
            records.delete()
            FilePlanClass.objects.filter(pk=file_class.pk).delete()
            Token.objects.filter(user=user).delete()
            get_user_model().objects.filter(pk=user.pk).delete()
            events = OutboxEvent.objects.filter(id__gt=last_event or 0)
            ProcessedEvent.objects.filter(
                event_id__in=events.values_list("event_id", flat=True)
            ).delete()
            events.delete()
            AuditEntry.objects.filter(seq__gt=last_seq or 0).delete()
            for key in keys:
                try:
                    default_storage.delete(key)
                except OSError:
                    pass
        JobRun.objects.all().delete()


class MotoServer:
    """moto's S3 server as a process of its own (so it can be frozen with SIGSTOP), with one
    bucket."""

    BUCKET = "council-faults"

    def __init__(self):
        import sys

        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - our own virtualenv's moto_server
            [
                str(Path(sys.executable).parent / "moto_server"),
                "-H",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            env={
                **os.environ,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S106 - moto's dummy credentials
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=30)
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="eu-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106
        )
        client.create_bucket(
            Bucket=self.BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.thaw()
            self.process.kill()
            self.process.wait()


@pytest.fixture
def moto_process(monkeypatch):
    """A moto S3 server process, and the platform's storages on it configured the way
    production configures them (``storage_settings()`` from the environment), with short
    timeouts so that a test waits seconds, not the production 10 s."""
    from django.conf import settings as django_settings
    from django.test import override_settings

    from platform_core.settings.base import storage_settings

    server = MotoServer()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_STORAGE_BUCKET_NAME": server.BUCKET,
        "AWS_S3_ENDPOINT_URL": server.endpoint,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_CONNECT_TIMEOUT": "1",
        "AWS_S3_READ_TIMEOUT": "3",
        "AWS_S3_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    storages = storage_settings()
    storages["staticfiles"] = django_settings.STORAGES["staticfiles"]
    with override_settings(STORAGES=storages):
        yield server
    server.kill()
