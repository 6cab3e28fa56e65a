"""The probe can fail: deliberate leaks (tests/isolation/leaky_urls.py) are each reported.

Each leaky view drops tenant scoping the way a real bug would (it looks an id up in every
council's schema); the probe, run on it exactly as on the real routes, must name the leak. A
correctly scoped twin passes, so the failures come from the leaks and not from the setup.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tests.isolation import probe
from tests.isolation.probe import MARKER, ProbeFailure, Seed

LEAKY = "tests.isolation.leaky_urls"


@pytest.fixture
def leak_env(council_a, council_b, settings):
    from records import actions

    settings.ROOT_URLCONF = LEAKY  # the council domains now serve the leaky URLconf
    with schema_context(council_a.schema_name):
        probe.move_ids_beyond_other_councils()
        file_class = actions.create_class(
            "probe",
            code="LEAK-1",
            title=MARKER,
            trigger="creation",
            period_months=0,
            action="destroy",
        )
        record = actions.declare_record(
            "probe",
            upload=SimpleUploadedFile("leak.txt", MARKER.encode()),
            title=MARKER,
            file_class=file_class,
        )
    client_b = probe.probe_client(council_b)
    return {
        "world": probe.World(council=council_a, record=record),
        "owner": probe.probe_client(council_a),
        "attackers": [
            ("council B's staff", client_b),
            ("an anonymous visitor", probe.probe_client(council_b, staff=False)),
        ],
        "schema_a": council_a.schema_name,
    }


def run(env, name, method="GET", **seed):
    route = next(r for r in probe.all_routes(LEAKY) if r.name == name)
    seed = Seed(name, kwargs=lambda w: {"pk": w.record.pk}, **seed) if seed is not None else None
    case = probe.Case(route, method, seed)
    return probe.run_case(case, env["world"], env["owner"], env["attackers"], env["schema_a"])


@pytest.mark.django_db
def test_a_scoped_route_passes(leak_env):
    assert run(leak_env, "leaky-scoped").failures == []


@pytest.mark.django_db
def test_content_leak_is_reported(leak_env):
    failures = run(leak_env, "leaky-detail").failures
    assert any("marker is in the answer" in f for f in failures), failures
    assert any("exists nowhere" in f for f in failures), failures  # 200 versus 404


@pytest.mark.django_db
def test_status_oracle_is_reported(leak_env):
    failures = run(leak_env, "leaky-status").failures
    assert any("403, but 404 for an object that exists nowhere" in f for f in failures), failures


@pytest.mark.django_db
def test_body_oracle_is_reported(leak_env):
    failures = run(leak_env, "leaky-body").failures
    assert any("body differs" in f and "Not found here" in f for f in failures), failures


@pytest.mark.django_db
def test_write_into_another_council_is_reported(leak_env):
    failures = run(
        leak_env, "leaky-write", "POST", body={"POST": {"description": "rewritten by B"}}
    ).failures
    assert any("row(s) in council A's schema" in f for f in failures), failures


@pytest.mark.django_db
def test_an_unseeded_route_fails(leak_env):
    route = next(r for r in probe.all_routes(LEAKY) if r.name == "leaky-unseeded")
    case = probe.Case(route, "GET", None)
    with pytest.raises(ProbeFailure, match="no app seeds it"):
        probe.run_case(case, leak_env["world"], leak_env["owner"], [], leak_env["schema_a"])


@pytest.mark.django_db
def test_a_control_that_fails_is_reported(leak_env):
    """A seed whose request does not work in the owning council proves nothing: it fails."""
    route = next(r for r in probe.all_routes(LEAKY) if r.name == "leaky-scoped")
    seed = Seed("leaky-scoped", kwargs=lambda w: {"pk": probe.MISSING_INT - 1})
    outcome = probe.run_case(
        probe.Case(route, "GET", seed),
        leak_env["world"],
        leak_env["owner"],
        [],
        leak_env["schema_a"],
    )
    assert any(f.startswith("control:") for f in outcome.failures), outcome.failures


def test_new_routes_become_cases_without_being_registered(monkeypatch):
    """A route added to a URLconf is a case at once; unseeded, it fails (see above)."""
    monkeypatch.setitem(probe.URLCONFS, "tenant", LEAKY)
    cases = {c.id: c for c in probe.all_cases()}
    assert cases["tenant:GET:leaky-unseeded"].seed is None
    assert "tenant:POST:leaky-write" in cases
    assert "tenant:POST:leaky-detail" not in cases  # require_http_methods(["GET"]) is read
