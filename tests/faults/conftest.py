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
