"""PostgreSQL dropped, down and back, seen by gunicorn through a TCP proxy this test controls
(the machine's PostgreSQL is never stopped): a dropped connection costs no request (Django
checks a persistent connection before reusing it), and while the database is down /healthz
still answers, pages answer the branded 503 and APIs the JSON envelope's 503 — never Django's
HTML or a traceback (issue 17, item 7)."""

import http.client
import json

import pytest

from conftest import worker_database_url

from .conftest import TcpProxy, database_address

pytestmark = pytest.mark.django_db


def _get(server, host: str, path: str) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


@pytest.fixture
def proxied_server(web_server):
    """gunicorn (one worker, one thread: one persistent connection) on the test database
    through a proxy."""
    proxy = TcpProxy(*database_address())
    url = worker_database_url().replace(
        f"@{database_address()[0]}:{database_address()[1]}/", f"@127.0.0.1:{proxy.port}/"
    )
    server = web_server({"DATABASE_URL": url, "DB_CONN_MAX_AGE": "600"}, workers=1, threads=1)
    yield proxy, server
    proxy.stop()


def test_dropped_connections_cost_no_request(proxied_server, council_a):
    proxy, server = proxied_server
    host = council_a.primary_domain
    for _ in range(2):  # the second request reuses the persistent connection
        assert _get(server, host, "/")[0] == 200
    proxy.drop_connections()  # a restart or failover: the open connection is reset
    statuses = [_get(server, host, "/")[0] for _ in range(3)]
    assert statuses == [200, 200, 200], statuses


def test_database_down_answers_branded_503_and_the_envelope(
    proxied_server, council_a, platform_host
):
    proxy, server = proxied_server
    host = council_a.primary_domain
    assert _get(server, host, "/")[0] == 200
    proxy.stop()

    status, headers, body = _get(server, host, "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, headers, body = _get(server, host, "/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["database"]["status"] == "down"

    for path in ("/", "/admin/login/"):
        status, headers, body = _get(server, host, path)
        assert status == 503, (path, status, body[:300])
        assert headers["content-type"].startswith("text/html")
        assert "Sorry, the service is unavailable" in body
        assert "Traceback" not in body and "Server Error (500)" not in body
        assert headers["retry-after"] == "30"

    for h, path in (
        (host, "/api/v1/records/open/decisions.json"),
        (host, "/api/v1/records/"),
        (platform_host, "/api/v1/benchmarks/metrics/"),
    ):
        status, headers, body = _get(server, h, path)
        assert status == 503, (path, status, body[:300])
        assert headers["content-type"] == "application/json"
        error = json.loads(body)["error"]
        assert error["code"] == "service_unavailable"
        assert "database cannot be reached" in error["message"]

    proxy.start()
    assert _get(server, host, "/")[0] == 200
